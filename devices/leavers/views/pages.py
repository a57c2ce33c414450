"""The leaver pages outside the admin: a supervisor's team and a team member's leaving date, the
case page (the leaver's and their supervisor's), sign-off, and the list of open cases. Each view
checks permission, validates a form and calls one service of devices.leavers.services."""

import logging

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.formats import date_format
from django.views.generic import FormView, TemplateView

from devices import permissions as device_permissions
from devices.core.selectors import person_by_payroll_number
from devices.leavers import services as leavers
from devices.leavers.filters import LeaverCaseFilterSet
from devices.leavers.forms import LeavingDateForm
from devices.leavers.models import LeaverCase
from devices.leavers.selectors import cases as leaver_selectors
from devices.leavers.selectors import pages as page_selectors
from devices.leavers.tables import LeaverCaseTable
from portal import permissions
from portal.permissions import RoleRequiredMixin
from portal.tables import FilteredTableView
from portal.views_mixins import BadInputMixin

logger = logging.getLogger(__name__)


class MyTeamView(RoleRequiredMixin, TemplateView):
    """A supervisor's people, their leaving dates and open leaver cases."""

    permission_check = permissions.is_supervisor
    template_name = "devices/leavers/team.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            page_title="My team",
            team=page_selectors.team_with_leaver_cases(supervisor=self.request.user),
            **kwargs,
        )


class LeavingDateView(BadInputMixin, RoleRequiredMixin, FormView):
    """Set, move or clear a team member's leaving date (their supervisor, or a Portal admin)."""

    permission_check = permissions.is_supervisor
    template_name = "devices/leavers/leaving_date.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and permissions.is_supervisor(request.user):
            self.person = person_by_payroll_number(payroll_number=kwargs["payroll"])
            if self.person is None or not device_permissions.can_set_leaving_date(request.user, self.person):
                raise Http404("Nobody in your team has this payroll number.")
            self.case = leaver_selectors.leaver_case_open_for(person=self.person)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.request.method == "POST":
            clearing = self.request.POST.get("action") == LeavingDateForm.CLEAR
            kwargs["action"] = LeavingDateForm.CLEAR if clearing else LeavingDateForm.SET
        return kwargs

    def get_form_class(self):
        return LeavingDateForm

    def get_initial(self):
        return {"leaving_date": self.person.leaving_date}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            page_title=f"Leaving date for {self.person.get_full_name()}",
            person=self.person,
            case=self.case,
            **kwargs,
        )

    def form_valid(self, form):
        actor = self.request.user
        source = LeaverCase.Source.SUPERVISOR if self.person.supervisor_id == actor.pk else LeaverCase.Source.ADMIN
        try:
            case = leavers.leaver_date_set(
                person=self.person,
                leaving_date=form.cleaned_data["leaving_date"],
                actor=actor,
                source=source,
                reason=(form.cleaned_data.get("reason") or "").strip(),
            )
        except leavers.LeaverError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        name = self.person.get_full_name()
        if form.action == LeavingDateForm.CLEAR:
            cancelled = case is not None and case.status == LeaverCase.Status.CANCELLED
            messages.success(
                self.request,
                f"{name}'s leaving date is cleared" + (" and their leaver case cancelled." if cancelled else "."),
            )
            return redirect("devices:my_team")
        messages.success(self.request, f"{name} leaves on {date_format(form.cleaned_data['leaving_date'], 'j F Y')}.")
        if case is not None and device_permissions.can_view_leaver_case(actor, case):
            return redirect("devices:leaver_case", pk=case.pk)
        return redirect("devices:my_team")


class LeaverCaseMixin(RoleRequiredMixin):
    """Loads `self.case` (visible to the user, else 404) and what its page shows."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.case = leaver_selectors.leaver_case_for_user(user=request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def may_act(self) -> bool:
        """The supervisor's actions: record a handed item, sign off (their supervisor or a Portal admin)."""
        return self.case.status == LeaverCase.Status.OPEN and device_permissions.can_sign_off_leaver_case(
            self.request.user, self.case
        )

    def case_context(self, **kwargs) -> dict:
        case = self.case
        lines = page_selectors.devices_first(case.lines.all())  # prefetched by the selector
        outstanding = [line for line in lines if line.is_outstanding]
        return {
            "page_title": f"Leaver case: {case.person.get_full_name()}",
            "case": case,
            "lines": lines,
            "outstanding": outstanding,
            "ended": [line for line in lines if not line.is_outstanding],
            "countdown": page_selectors.leaving_countdown(case.leaving_date),
            "overdue": case.status == LeaverCase.Status.OPEN and case.leaving_date < timezone.localdate(),
            "is_leaver": case.person_id == self.request.user.pk,
            "may_act": self.may_act(),
            "tech_bars": page_selectors.tech_bars_nearest_for(person=case.person),
            **kwargs,
        }


class LeaverCaseDetailView(LeaverCaseMixin, TemplateView):
    template_name = "devices/leavers/case.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**self.case_context(**kwargs))


class LeaverLineHandedView(LeaverCaseDetailView):
    """POST: the supervisor records an item handed to them for return; a refusal shows the case
    page with the reason."""

    http_method_names = ["post"]

    def post(self, request, pk, line_pk):
        if not self.may_act():
            raise PermissionDenied("Only the leaver's supervisor records items handed to them.")
        line = self.case.lines.filter(pk=line_pk).first()
        if line is None:
            raise Http404("No such line on this case.")
        try:
            leavers.leaver_line_hand_to_supervisor(line=line, actor=request.user)
        except leavers.LeaverError as error:
            return self.render_to_response(self.get_context_data(errors=[str(error)]), status=400)
        messages.success(request, f"Recorded: {line.description} handed to you.")
        return redirect("devices:leaver_case", pk=self.case.pk)


class LeaverCaseSignOffView(LeaverCaseMixin, TemplateView):
    """The supervisor's sign-off, after a confirmation page."""

    template_name = "devices/leavers/sign_off.html"

    def get(self, request, *args, **kwargs):
        if not self.may_act():
            raise PermissionDenied("Only the leaver's supervisor signs off their case.")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = self.case_context(**kwargs)
        context["page_title"] = f"Sign off {self.case.person.get_full_name()}'s leaver case"
        return super().get_context_data(**context)

    def post(self, request, pk):
        if not self.may_act():
            raise PermissionDenied("Only the leaver's supervisor signs off their case.")
        if request.POST.get("confirm") != "yes":
            context = self.get_context_data(errors=["Tick the box to confirm the sign-off"])
            return self.render_to_response(context, status=400)
        try:
            case = leavers.leaver_case_sign_off(case=self.case, actor=request.user)
        except leavers.LeaverError as error:
            return self.render_to_response(self.get_context_data(errors=[str(error)]), status=400)
        case = case or self.case
        case.refresh_from_db()
        if case.status == LeaverCase.Status.CLOSED:
            messages.success(request, "Signed off: every item has ended, so the case is closed.")
        else:
            messages.success(request, "Signed off: the case closes when the last item has ended.")
        return redirect("devices:leaver_case", pk=case.pk)


class LeaverCaseListView(FilteredTableView):
    """Open leaver cases: Tech Bar staff and Portal admins see all, a supervisor their team's."""

    permission_check = device_permissions.can_view_leaver_list
    table_class = LeaverCaseTable
    filterset_class = LeaverCaseFilterSet
    template_name = "devices/leavers/list.html"
    export_name = "leaver-cases"

    def get_queryset(self):
        return leaver_selectors.open_leaver_cases(user=self.request.user)

    def unjoined_rows(self):
        # Count and page the cases without joining every open case's lines (the outstanding count
        # is worked out for the page's cases only); a filter joins what it reads.
        filters = self.filterset
        unjoined = leaver_selectors.open_leaver_cases_unjoined(user=self.request.user)
        if not filters.is_bound:
            return unjoined
        # The form already checked (its unit choices read once): its filters applied to these rows.
        return filters.filter_queryset(unjoined) if filters.is_valid() else None

    def get_context_data(self, **kwargs):
        return super().get_context_data(page_title="Leaver cases", **kwargs)

    def create_export(self, export_format):
        # People's names and leaving dates leave the portal: say who took them.
        logger.info("leaver export (%s) by %s: %s", export_format, self.request.user, self.request.GET.urlencode())
        return super().create_export(export_format)
