"""The integration API under /api/: v1 endpoints by scope, the OpenAPI schema and its docs."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api.views import reads, writes
from api.views.docs import for_admins_and_token_holders

app_name = "api"

urlpatterns = [
    # the schema and its browsable docs: for Portal admins (their portal session) and token holders
    path("schema/", for_admins_and_token_holders(SpectacularAPIView.as_view()), name="schema"),
    path(
        "docs/",
        for_admins_and_token_holders(SpectacularSwaggerSplitView.as_view(url_name="api:schema")),
        name="docs",
    ),
    # mdm
    path("v1/mdm/devices/", writes.MdmDeviceBatchView.as_view(), name="mdm_devices"),
    path("v1/mdm/remote-actions/", writes.MdmRemoteActionView.as_view(), name="mdm_remote_actions"),
    # hr
    path("v1/hr/people/", writes.HrPeopleBatchView.as_view(), name="hr_people"),
    # read
    path("v1/devices/", reads.DeviceListView.as_view(), name="device_list"),
    path("v1/devices/<str:asset_tag>/", reads.DeviceDetailView.as_view(), name="device_detail"),
    path("v1/assignments/", reads.AssignmentListView.as_view(), name="assignment_list"),
    path("v1/policies/", reads.PolicyListView.as_view(), name="policy_list"),
    path(
        "v1/leaver-cases/ready-for-account-closure/",
        reads.LeaverCasesReadyView.as_view(),
        name="leaver_cases_ready",
    ),
    path("v1/policies/<slug:slug>/compliance/", reads.PolicyComplianceView.as_view(), name="policy_compliance"),
]
