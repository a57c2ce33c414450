"""The dashboard pages: an index of the four dashboards, each dashboard's panels, and each
panel's table as CSV. Aggregates are cached for DASHBOARD_CACHE_SECONDS per filter and viewer scope."""

import csv

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views import View

from portal import permissions
from portal.dashboards import registry
from portal.dashboards.panels import Panel
from portal.dashboards.scope import DashboardFilterSet, Scope, scope_for
from portal.models import User
from portal.permissions import RoleRequiredMixin
from portal.tables import export_cell


def cache_seconds() -> int:
    # Never stale by more than a minute, whatever the setting says.
    return max(0, min(int(getattr(settings, "DASHBOARD_CACHE_SECONDS", 30)), 60))


def dashboard_panels(section: str, scope: Scope, *, viewer: User) -> list[Panel]:
    """The section's panels for this scope, from the cache when a viewer with the same scope
    asked within the cache's lifetime."""
    key = scope.cache_key(section)
    seconds = cache_seconds()
    if seconds:
        cached = cache.get(key)
        if cached is not None:
            return cached
    today = timezone.localdate()
    panels = [
        panel for source in registry.panel_sources(section) for panel in source.build(scope, viewer=viewer, today=today)
    ]
    if seconds:
        cache.set(key, panels, seconds)
    return panels


class DashboardIndexView(RoleRequiredMixin, View):
    permission_check = permissions.can_view_dashboards

    def get(self, request):
        sections = [(slug, name) for slug, name in registry.sections().items() if registry.may_open(request.user, slug)]
        return render(
            request,
            "portal/dashboards/index.html",
            {"page_title": "Dashboards", "sections": sections, "everyone": permissions.is_data_office(request.user)},
        )


class DashboardView(RoleRequiredMixin, View):
    """One dashboard: the filter bar, then each panel. `?export=<panel id>` is that panel's CSV."""

    permission_check = permissions.can_view_dashboards

    def get(self, request, section):
        sections = registry.sections()
        if section not in sections:
            raise Http404("No such dashboard.")
        if not registry.may_open(request.user, section):
            raise PermissionDenied("This dashboard is not for your role.")
        filterset = DashboardFilterSet(request.GET or None, queryset=User.objects.none())
        valid = not filterset.is_bound or filterset.is_valid()
        scope = scope_for(user=request.user, filterset=filterset, today=timezone.localdate())
        panels = dashboard_panels(section, scope, viewer=request.user) if valid else []
        export = request.GET.get("export", "")
        if export and valid:
            panel = next((p for p in panels if p.id == export), None)
            if panel is not None:
                return self.csv(panel, section, scope)
        context = {
            "page_title": f"{sections[section]} dashboard",
            "section": section,
            "sections": [(s, n) for s, n in sections.items() if registry.may_open(request.user, s)],
            "filter": filterset,
            "scope": scope,
            "panels": [(p, registry.may_open_list(request.user, p.list_kind)) for p in panels],
            "query": _query_without_export(request),
            "bad_export": bool(export and valid),
        }
        status = 400 if not valid or export else 200
        return render(request, "portal/dashboards/dashboard.html", context, status=status)

    def csv(self, panel: Panel, section: str, scope: Scope) -> HttpResponse:
        name = f"{section}-{panel.id}-{scope.start:%Y-%m-%d}-to-{scope.end:%Y-%m-%d}.csv"
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        writer = csv.writer(response)
        table = panel.chart.table
        writer.writerow([export_cell(h) for h in table.head])
        for row in table.rows:
            writer.writerow([export_cell(row.header), *(export_cell(c) for c in row.cells)])
        return response


def _query_without_export(request) -> str:
    query = request.GET.copy()
    query.pop("export", None)
    return query.urlencode()
