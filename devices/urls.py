"""Device URLs: each capability's pages, in the one `devices` namespace (`devices:my_kit`,
`devices:leaver_case`, `devices:request_detail`). /devices/report/ is the holder's (never blocked by
the conditions-of-use gate)."""

from django.urls import include, path

from devices.core import urls as core_urls
from devices.figures import urls as figures_urls
from devices.leavers import urls as leaver_urls
from devices.loans import urls as loan_urls
from devices.losses import urls as loss_urls
from devices.requests import urls as request_urls

app_name = "devices"

urlpatterns = [
    path("", include(leaver_urls)),
    path("", include(request_urls)),
    path("", include(loan_urls)),
    path("", include(loss_urls)),
    path("", include(core_urls)),
    path("", include(figures_urls)),
]
