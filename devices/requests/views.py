"""The kit request pages: ask for a device (for oneself, or a supervisor for a team member), my
requests and where each stands, the approvers' queue and decision, the Tech Bar's queue with
reserve and release, and the kit gaps list. Each view checks permission, validates a form and
calls one service of devices.requests.services."""

import logging
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import FormView, TemplateView

from devices import permissions as device_permissions
from devices.core import selectors
from devices.requests import services as kit_requests
from devices.requests.filters import KitGapFilterSet
from devices.requests.forms import (
    CancelForm,
    DecisionForm,
    DeviceRequestForm,
    ReleaseForm,
    ReserveForm,
    TechBarQueueForm,
)
from devices.requests.models import DeviceRequest
from devices.requests.selectors import kit as request_selectors
from devices.requests.selectors import pages as page_selectors
from devices.requests.tables import KitGapTable
from portal import permissions
from portal.permissions import RoleRequiredMixin
from portal.tables import FilteredTableView
from portal.views_mixins import BadInputMixin

logger = logging.getLogger(__name__)

MAX_OFFERED = 30  # devices offered to choose from when reserving; any other in stock is scanned


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def _team_of(user):
    if not permissions.is_supervisor(user):
        return []
    return list(user.team_members.filter(is_active=True).order_by("last_name", "first_name"))


class DeviceRequestCreateView(BadInputMixin, RoleRequiredMixin, FormView):
    """Ask for a device: for oneself, or (a supervisor) for someone in the team."""

    permission_check = _signed_in
    template_name = "devices/requests/new.html"

    def get_form(self, form_class=None):
        return DeviceRequestForm(**self.get_form_kwargs(), user=self.request.user, team=_team_of(self.request.user))

    def get_initial(self):
        return {"requester": self.request.user.pk}

    def get_context_data(self, **kwargs):
        return super().get_context_data(page_title="Ask for a device", **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        actor = self.request.user
        if not device_permissions.can_request_for(actor, data["requester"]):
            form.add_error("requester", "You may ask for a device for yourself or someone in your team")
            return self.form_invalid(form)
        try:
            request = kit_requests.device_request_submit(
                requester=data["requester"],
                submitted_by=actor,
                kind=data["kind"],
                device_model=data["device_model"],
                reason=data["reason"],
                details=data["details"],
                collect_at=data["collect_at"],
            )
        except kit_requests.RequestError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        if request.status == DeviceRequest.Status.APPROVED:
            messages.success(self.request, f"Request sent. It is standard kit, so {request.collect_at} gets it ready.")
        else:
            messages.success(self.request, "Request sent for approval. You will see each decision here.")
        return redirect("devices:request_detail", pk=request.pk)


class MyRequestsView(RoleRequiredMixin, TemplateView):
    permission_check = _signed_in
    template_name = "devices/requests/mine.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            page_title="My device requests",
            requests=page_selectors.device_requests_of(user=self.request.user)[:100],
            **kwargs,
        )


class DeviceRequestMixin(RoleRequiredMixin):
    """Loads `self.device_request` (visible to the user, else 404)."""

    permission_check = _signed_in

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.device_request = request_selectors.device_request_for_user(user=request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def request_context(self, **kwargs) -> dict:
        req = self.device_request
        user = self.request.user
        return {
            "page_title": f"Device request {req.pk}",
            "device_request": req,
            "timeline": page_selectors.request_timeline(req),
            "bar": page_selectors.collection_bar(req),
            "may_decide": device_permissions.can_decide(user, req),
            "may_reserve": device_permissions.can_reserve(user)
            and req.status in (DeviceRequest.Status.APPROVED, DeviceRequest.Status.READY),
            "may_cancel": device_permissions.can_cancel_device_request(user, req),
            **kwargs,
        }


class DeviceRequestDetailView(DeviceRequestMixin, TemplateView):
    template_name = "devices/requests/detail.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**self.request_context(**kwargs))


class ApprovalQueueView(RoleRequiredMixin, TemplateView):
    """Requests waiting for my decision: a supervisor's team's, and a Portal admin's second step."""

    permission_check = permissions.is_supervisor
    template_name = "devices/requests/approvals.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            page_title="Requests to approve",
            requests=request_selectors.device_requests_awaiting_decision_by(user=self.request.user)[:200],
            **kwargs,
        )


class DeviceRequestDecideView(BadInputMixin, DeviceRequestMixin, FormView):
    """Approve or refuse (with the reason) one request waiting for my decision."""

    template_name = "devices/requests/decide.html"
    form_class = DecisionForm

    def _refusal(self):
        req = self.device_request
        if device_permissions.can_decide(self.request.user, req):
            return None
        if req.status != DeviceRequest.Status.SUBMITTED and permissions.is_supervisor(self.request.user):
            # Decided already (a second click, the back button): show where it stands.
            messages.info(self.request, f"Request {req.pk} is {req.get_status_display().lower()}: nothing to decide.")
            return redirect("devices:request_detail", pk=req.pk)
        raise PermissionDenied("This request is not waiting for your decision.")

    def get(self, request, *args, **kwargs):
        return self._refusal() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self._refusal() or super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = self.request_context(**kwargs)
        context["page_title"] = f"Decide on device request {self.device_request.pk}"
        return super().get_context_data(**context)

    def form_valid(self, form):
        try:
            req = kit_requests.device_request_decide(
                request=self.device_request, actor=self.request.user, approve=form.approve, why=form.cleaned_data["why"]
            )
        except kit_requests.RequestError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        req = req or self.device_request
        name = req.requester.get_full_name()
        messages.success(self.request, f"{'Approved' if form.approve else 'Refused'}: {name}'s request.")
        return redirect("devices:request_approvals")


class TechBarRequestsView(RoleRequiredMixin, TemplateView):
    """Approved requests waiting for a device at my Tech Bars, and those ready for collection."""

    permission_check = device_permissions.can_reserve
    template_name = "devices/requests/tech_bar.html"

    def get(self, request, *args, **kwargs):
        form = TechBarQueueForm(request.GET or None)
        chosen = form.cleaned_data["tech_bar"] if form.is_bound and form.is_valid() else None
        bars = [chosen] if chosen else page_selectors.tech_bars_for_queue(user=request.user)
        # Reserve and release come back to this Tech Bar's list (`_back_to_tech_bar`).
        query = f"?{urlencode({'tech_bar': chosen.pk})}" if chosen else ""
        context = self.get_context_data(form=form, tech_bars=bars, tech_bar_query=query, **kwargs)
        return self.render_to_response(context, status=400 if form.is_bound and form.errors else 200)

    def get_context_data(self, *, tech_bars, **kwargs):
        requests = list(page_selectors.device_requests_at_tech_bars(tech_bars=tech_bars)[:200])
        return super().get_context_data(
            page_title="Requests at my Tech Bars",
            tech_bars=tech_bars,
            waiting=[r for r in requests if r.status == DeviceRequest.Status.APPROVED],
            ready=[r for r in requests if r.status == DeviceRequest.Status.READY],
            **kwargs,
        )


def _back_to_tech_bar(request):
    """The Tech Bar's requests page, on the Tech Bar chosen there (carried as ?tech_bar=)."""
    chosen = request.GET.get("tech_bar", "")
    url = reverse("devices:request_tech_bar")
    return redirect(f"{url}?{urlencode({'tech_bar': chosen})}" if chosen.isdecimal() and chosen.isascii() else url)


class StatusRequiredMixin:
    """The page of one step: a request past (or not yet at) that step shows its own page instead."""

    required_status = None
    elsewhere = ""

    def get(self, request, *args, **kwargs):
        return self._elsewhere() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self._elsewhere() or super().post(request, *args, **kwargs)

    def _elsewhere(self):
        req = self.device_request
        if req.status == self.required_status:
            return None
        messages.info(self.request, f"Request {req.pk} is {req.get_status_display().lower()}: {self.elsewhere}")
        return redirect("devices:request_detail", pk=req.pk)


class DeviceRequestReserveView(StatusRequiredMixin, BadInputMixin, DeviceRequestMixin, FormView):
    """Reserve a device for an approved request: choose one in stock here, or scan it."""

    permission_check = device_permissions.can_reserve
    template_name = "devices/requests/reserve.html"
    required_status = DeviceRequest.Status.APPROVED
    elsewhere = "only an approved request waiting for a device has one reserved."

    def get_form(self, form_class=None):
        offered = page_selectors.reservable_devices_for(request=self.device_request, limit=MAX_OFFERED)
        return ReserveForm(**self.get_form_kwargs(), candidates=offered)

    def get_context_data(self, **kwargs):
        context = self.request_context(**kwargs)
        context["page_title"] = f"Reserve a device for request {self.device_request.pk}"
        return super().get_context_data(**context)

    def form_valid(self, form):
        req = self.device_request
        device = form.cleaned_data["device"]
        if device is None:
            device = selectors.device_by_code(code=form.cleaned_data["code"])
            if device is None:
                form.add_error("code", f"No device has the asset tag {form.cleaned_data['code'][:40]}")
                return self.form_invalid(form)
        try:
            kit_requests.device_request_reserve(
                request=req, device=device, actor=self.request.user, tech_bar=req.collect_at
            )
        except kit_requests.RequestError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(
            self.request, f"{device.asset_tag} is reserved for {req.requester.get_full_name()}, who has been told."
        )
        return _back_to_tech_bar(self.request)


class DeviceRequestReleaseView(StatusRequiredMixin, BadInputMixin, DeviceRequestMixin, FormView):
    """Release the reserved device (with the reason): the request waits for another."""

    permission_check = device_permissions.can_reserve
    template_name = "devices/requests/release.html"
    form_class = ReleaseForm
    required_status = DeviceRequest.Status.READY
    elsewhere = "there is no reserved device to release."

    def get_context_data(self, **kwargs):
        context = self.request_context(**kwargs)
        context["page_title"] = f"Release the device reserved for request {self.device_request.pk}"
        return super().get_context_data(**context)

    def form_valid(self, form):
        req = self.device_request
        try:
            kit_requests.device_request_release(request=req, actor=self.request.user, why=form.cleaned_data["why"])
        except kit_requests.RequestError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(self.request, f"Released: {req.requester.get_full_name()}'s request waits for a device.")
        return _back_to_tech_bar(self.request)


class DeviceRequestCancelView(BadInputMixin, DeviceRequestMixin, FormView):
    """Cancel an open request (with the reason): whoever may see it."""

    template_name = "devices/requests/cancel.html"
    form_class = CancelForm

    def _ended(self):
        req = self.device_request
        if req.is_open:
            return None
        messages.info(self.request, f"Request {req.pk} is {req.get_status_display().lower()}: it has ended.")
        return redirect("devices:request_detail", pk=req.pk)

    def get(self, request, *args, **kwargs):
        return self._ended() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self._ended() or super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = self.request_context(**kwargs)
        context["page_title"] = f"Cancel device request {self.device_request.pk}"
        return super().get_context_data(**context)

    def form_valid(self, form):
        req = self.device_request
        try:
            kit_requests.device_request_cancel(request=req, actor=self.request.user, why=form.cleaned_data["why"])
        except kit_requests.RequestError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(self.request, f"Request {req.pk} is cancelled.")
        return redirect("devices:request_detail", pk=req.pk)


class KitGapsView(FilteredTableView):
    """Who lacks part of their standard kit, since when: Tech Bar staff and the Data Office (all),
    supervisors (their team)."""

    permission_check = device_permissions.can_view_kit_gaps
    table_class = KitGapTable
    filterset_class = KitGapFilterSet
    template_name = "devices/requests/kit_gaps.html"
    export_name = "kit-gaps"
    # The count works out each person's kit: it stops at this many gaps (the page says "more than").
    count_cap = 10_000

    def get_queryset(self):
        # The people the user may see, for the filters' choices; the filter set asks kit_gaps.
        return request_selectors.kit_gaps_visible_people(user=self.request.user)

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["user"] = self.request.user
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(page_title="Kit gaps", **kwargs)

    def create_export(self, export_format):
        # People's names and what they lack leave the portal: say who took them.
        logger.info("kit gaps export (%s) by %s: %s", export_format, self.request.user, self.request.GET.urlencode())
        return super().create_export(export_format)
