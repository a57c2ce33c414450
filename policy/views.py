"""Pages for policies: my policies, read and accept, the receipt, and compliance."""

from urllib.parse import urlencode

from django.core.cache import cache
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views import View
from django.views.generic import TemplateView

from policy import charts, permissions, selectors, services
from policy.filters import PersonComplianceFilterSet, unit_choices
from policy.forms import AcceptForm
from policy.models import Policy, PolicyVersion
from policy.tables import PersonComplianceTable
from portal.errors import show_domain_error
from portal.net import client_ip, local_redirect_target
from portal.permissions import RoleRequiredMixin
from portal.services import user_agent
from portal.tables import Cached, FilteredTableView, choices_cached

# The compliance page's figures above its table, rendered once for the figures kept (summary()).
COMPLIANCE_SUMMARY_TEMPLATE = "policy/_compliance_summary.html"


def _safe_next(request) -> str:
    """Where to go on after accepting: the page the gate stopped, if it is one of ours."""
    return local_redirect_target(request, request.POST.get("next") or request.GET.get("next"))


class MyPolicyListView(TemplateView):
    """The policies that cover me, where I stand with each, and my receipts."""

    template_name = "policy/my_policies.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            page_title="My policies",
            states=selectors.policy_states_for(user=user),
            acknowledgements=selectors.acknowledgements_for(user=user),
            **kwargs,
        )


class AcceptView(View):
    """Read the current version, see what changed since I last accepted, and accept it."""

    template_name = "policy/accept.html"

    def dispatch(self, request, slug):
        # The policy comes with its versions: one query, not two, on the page everyone at the gate loads.
        self.state = selectors.policy_state_by_slug(user=request.user, slug=slug)
        if self.state is None:
            raise Http404("No such policy, or it has no version in force yet.")
        self.policy = self.state.policy
        return super().dispatch(request, slug)

    def get(self, request, slug):
        return self.render_page(AcceptForm(user=request.user, version=self.state.current))

    def post(self, request, slug):
        form = AcceptForm(request.POST, user=request.user, version=self.state.current)
        if form.is_valid():
            shown = form.cleaned_data["shown"]
            # Nearly always one of the versions in force, already read with the page's state.
            version = next((v for v in self.state.versions if v.pk == shown.version_id), None)
            if version is None:
                version = PolicyVersion.objects.filter(pk=shown.version_id, policy=self.policy).first()
            if version is None:
                form.add_error(None, "That is not a version of this policy. Read the version below and accept it.")
            else:
                try:
                    services.policy_accept(
                        actor=request.user,
                        version=version,
                        shown_at=shown.shown_at,
                        content_hash=shown.content_hash,
                        ip_address=client_ip(request),
                        user_agent=user_agent(request),
                    )
                except services.VersionNotAcceptable as error:
                    show_domain_error(form, error)
                else:
                    receipt = reverse("policy:receipt", kwargs={"slug": self.policy.slug, "number": version.number})
                    next_url = _safe_next(request)
                    query = urlencode({"next": next_url}, safe="/")
                    return redirect(f"{receipt}?{query}" if next_url else receipt)
        # Nothing was recorded: show the version in force again, with what went wrong.
        return self.render_page(form.with_fresh_token(version=self.state.current), status=400)

    def render_page(self, form, status=200):
        state = self.state
        accepted = state.latest_acknowledgement
        diff = []
        if accepted is not None and not state.accepted_current:
            diff = selectors.wording_changes(old=accepted.version, new=state.current)
        context = {
            "page_title": f"{self.policy.name}, version {state.current.number}",
            "policy": self.policy,
            "state": state,
            "overdue": state.is_overdue(),
            "version": state.current,
            "accepted": accepted,
            "acknowledgement": accepted if state.accepted_current else None,
            "changes": state.changes_since_accepted() if accepted is not None else [],
            "diff": diff,
            "form": form,
            "applies": selectors.policy_applies_to(user=self.request.user, policy=self.policy),
            "next": _safe_next(self.request),
        }
        return render(self.request, self.template_name, context, status=status)


class ReceiptView(TemplateView):
    """My receipt for one version: which version, when, and the hash of the text I accepted."""

    template_name = "policy/receipt.html"

    def get_context_data(self, slug, number, **kwargs):
        policy = get_object_or_404(Policy, slug=slug)
        version = selectors.published_version(policy=policy, number=number)
        acknowledgement = version and selectors.acknowledgement_for(user=self.request.user, version=version)
        if not acknowledgement:
            raise Http404("You have not accepted this version.")
        state = selectors.policy_state_for(user=self.request.user, policy=policy)
        return super().get_context_data(
            page_title=f"Receipt: {policy.name}, version {version.number}",
            policy=policy,
            version=version,
            acknowledgement=acknowledgement,
            newer=state.current if state and state.current.number > version.number else None,
            must_accept_newer=bool(state and not state.up_to_date),
            next=_safe_next(self.request),
            **kwargs,
        )


class PolicyVersionDetailView(TemplateView):
    """Any published version's text, as it was published (e.g. the one on a receipt)."""

    template_name = "policy/version_detail.html"

    def get_context_data(self, slug, number, **kwargs):
        policy = get_object_or_404(Policy, slug=slug)
        version = selectors.published_version(policy=policy, number=number)
        if version is None:
            raise Http404("No such published version.")
        state = selectors.policy_state_for(user=self.request.user, policy=policy)
        return super().get_context_data(
            page_title=f"{policy.name}, version {version.number}",
            policy=policy,
            version=version,
            state=state,
            is_current=bool(state and state.current.pk == version.pk),
            acknowledgement=selectors.acknowledgement_for(user=self.request.user, version=version),
            **kwargs,
        )


class ComplianceIndexView(RoleRequiredMixin, TemplateView):
    """Each policy in force, with the share of people (that I may see) who are up to date."""

    permission_check = permissions.can_view_compliance
    template_name = "policy/compliance_index.html"

    def get_context_data(self, **kwargs):
        rows = []
        for policy in Policy.objects.order_by("name"):
            compliance = selectors.policy_compliance(viewer=self.request.user, policy=policy)
            if compliance is not None:
                units = selectors.compliance_by_command_unit_cached(compliance=compliance, viewer=self.request.user)
                total = selectors.compliance_total(units)
                rows.append((compliance, total))
        return super().get_context_data(page_title="Compliance", rows=rows, **kwargs)


class PersonComplianceListView(FilteredTableView):
    """Who has accepted a policy: the table (filter, export), a summary per command unit and a
    chart over time. Data Office reviewers see everyone covered; supervisors their own team."""

    permission_check = permissions.can_view_compliance
    table_class = PersonComplianceTable
    filterset_class = PersonComplianceFilterSet
    template_name = "policy/compliance.html"

    def get(self, request, slug):
        self.policy = get_object_or_404(Policy, slug=slug)
        self.compliance = selectors.policy_compliance(viewer=request.user, policy=self.policy)
        if self.compliance is None:
            raise Http404("This policy has no version in force yet.")
        self.export_name = f"{self.policy.slug}-compliance"
        return super().get(request, slug)

    def get_queryset(self):
        return self.compliance.people

    def exporting(self) -> bool:
        return self.export_class.is_valid_format(self.request.GET.get(self.export_trigger_param))

    def unit_choices(self) -> Cached | None:
        """Everyone's units: a DISTINCT over the whole force, kept a minute; None for a supervisor,
        whose team's units the filter reads each time, being a few rows."""
        if not self.compliance.everyone:
            return None
        people = self.compliance.people
        return choices_cached(f"policy:{self.policy.pk}:command-units", lambda: unit_choices(people))

    def figures(self) -> selectors.ComplianceFigures:
        """The summary, the chart, the filter's units and the summary as last rendered: each kept a
        while, read in one round trip (the rendered summary last in `also`)."""
        if not hasattr(self, "_figures"):
            units = self.unit_choices()
            self._kept_summary = selectors.compliance_summary_kept(compliance=self.compliance, viewer=self.request.user)
            self._figures = selectors.compliance_figures_cached(
                compliance=self.compliance,
                viewer=self.request.user,
                also=[*([units] if units else []), self._kept_summary],
            )
        return self._figures

    def summary(self, figures: selectors.ComplianceFigures) -> str:
        """The figures above the table (the share up to date, the table by command unit, the chart)
        as HTML: rendered once for the figures kept, then kept beside them with the figures it
        was rendered from, so a page reads it back while they stand and renders it again once they
        change. The table below stays live."""
        kept = figures.also[-1]
        if kept is not None and kept[0] == figures.units and kept[1] == figures.points:
            return mark_safe(kept[2])  # noqa: S308 # nosec B308 B703 # rendered by this view's template, escaped there
        required = self.compliance.required
        html = render_to_string(
            COMPLIANCE_SUMMARY_TEMPLATE,
            {
                "units": figures.units,
                "total": figures.total,
                "chart": charts.acceptance_chart(
                    figures.points, version_label=f"version {required.number}", since=required.starts_at
                ),
            },
        )
        entry = self._kept_summary
        if entry.seconds > 0:
            cache.set(entry.key, (figures.units, figures.points, str(html)), entry.seconds)
        return html

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        units = self.unit_choices()
        if units is not None:
            # An export shows no summary: it reads the units alone.
            kwargs["command_units"] = units.get() if self.exporting() else self.figures().also[0]
        return kwargs

    def get_context_data(self, **kwargs):
        compliance, figures = self.compliance, self.figures()
        return super().get_context_data(
            page_title=f"Compliance: {self.policy.name}",
            policy=self.policy,
            compliance=compliance,
            units=figures.units,
            total=figures.total,
            points=figures.points,
            summary=self.summary(figures),
            **kwargs,
        )
