"""The figures and the disclosure log (`devices:figures`, `devices:figures_log`, ...)."""

from django.urls import path

from devices.figures import views

urlpatterns = [
    path("figures/", views.FiguresView.as_view(), name="figures"),
    path("figures/log/", views.FigureDisclosureListView.as_view(), name="figures_log"),
    path("figures/log/new/", views.FiguresDisclosureCreateView.as_view(), name="figures_disclosure_create"),
    path("figures/log/<int:pk>/", views.FigureDisclosureDetailView.as_view(), name="figures_disclosure"),
    path(
        "figures/log/<int:pk>/print/",
        views.FigureDisclosureDetailView.as_view(printable=True),
        name="figures_disclosure_print",
    ),
]
