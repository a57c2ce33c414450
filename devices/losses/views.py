"""A holder reports kit lost, stolen or faulty (under /devices/report/, never blocked by the
conditions-of-use gate): a loss or theft opens its security incident with the clock running. A Tech
Bar marks a lost or stolen device found from its page. Views check permission, validate a form and
call one service."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import FormView, TemplateView

from devices import permissions
from devices.core import panels, selectors
from devices.core.forms import LossForm, ReportKindForm
from devices.core.models import Device
from devices.losses.forms import FoundForm
from devices.losses.models import DeviceLoss
from devices.losses.services import emails, losses
from portal.localtime import local_time
from portal.permissions import NotYours, RoleRequiredMixin
from portal.views_mixins import BadInputMixin, DomainErrorMixin

WHAT_TO_BRING = emails.WHAT_TO_BRING  # the faulty report's email says the same


class HeldDeviceMixin(RoleRequiredMixin):
    """Loads `self.assignment`: the signed-in person's own open assignment of the device, else 404."""

    permission_check = permissions.can_report_own_kit

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.assignment = selectors.assignment_held(user=request.user, device_pk=kwargs["pk"])
            if self.assignment is None:
                already = selectors.loss_open_reported_by(user=request.user, device_pk=kwargs["pk"])
                if already is not None and already.incident_id:
                    return _to_incident(request, already)
                # a device they once held (an old link) is a plain 404; anyone else's is a refusal
                never_theirs = Device.objects.filter(pk=kwargs["pk"]).exclude(assignments__holder=request.user)
                raise (NotYours if never_theirs.exists() else Http404)("You do not hold this device.")
            self.device = self.assignment.device
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(assignment=self.assignment, device=self.device, **kwargs)


def _to_incident(request, loss: DeviceLoss):
    """A second submit (or the back button) lands where the first one did."""
    messages.info(
        request,
        f"You reported {loss.device.asset_tag} {loss.get_kind_display().lower()} already: this is its "
        f"security incident, {loss.incident.reference}.",
    )
    return redirect("incidents:incident_detail", pk=loss.incident_id)


class DeviceReportView(BadInputMixin, HeldDeviceMixin, FormView):
    """Step 1: lost, stolen, or faulty."""

    template_name = "devices/report_kind.html"
    form_class = ReportKindForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(page_title=f"Report a problem with {self.device.asset_tag}", **kwargs)

    def form_valid(self, form):
        kind = form.cleaned_data["kind"]
        if kind == "faulty":
            losses.device_report_faulty(device=self.device, actor=self.request.user)
            return redirect("devices:device_report_faulty", pk=self.device.pk)
        return redirect("devices:device_report_loss", pk=self.device.pk, kind=kind)


class DeviceLossReportView(DomainErrorMixin, HeldDeviceMixin, FormView):
    """Step 2 for a loss or theft: when and where. Then the incident's full report."""

    domain_error_fields = {"aware_at": "noticed_at"}  # the incident clock's words for the form's

    template_name = "devices/report_loss.html"
    form_class = LossForm

    def dispatch(self, request, *args, **kwargs):
        if kwargs["kind"] not in DeviceLoss.Kind.values:
            raise Http404("No such report.")
        self.kind = DeviceLoss.Kind(kwargs["kind"])
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"noticed_at": timezone.localtime().replace(second=0, microsecond=0, tzinfo=None)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            page_title=f"Report {self.device.asset_tag} {self.kind.label.lower()}",
            kind=self.kind,
            **kwargs,
        )

    def form_valid(self, form):
        try:
            loss = losses.device_report_lost(
                device=self.device,
                actor=self.request.user,
                kind=self.kind,
                noticed_at=form.cleaned_data["noticed_at"],
                where=form.cleaned_data["where"],
            )
        except losses.AlreadyReported as already:
            return _to_incident(self.request, already.loss)
        incident = loss.incident
        actions = " and ".join(losses.REQUESTED_WORDS[a.kind] for a in loss.remote_actions.all())
        due = local_time(incident.due_at)
        messages.success(
            self.request,
            f"{self.device.asset_tag} is reported {self.kind.label.lower()}"
            + (f"; {actions} {'have' if ' and ' in actions else 'has'} been requested" if actions else "")
            + f". This is its security incident, {incident.reference}: complete the full report by {due}.",
        )
        return redirect("incidents:incident_detail", pk=incident.pk)


class DeviceFaultyView(HeldDeviceMixin, TemplateView):
    """Which Tech Bars can swap it now, and what to bring."""

    template_name = "devices/report_faulty.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            page_title=f"Get {self.device.asset_tag} swapped",
            tech_bars=selectors.tech_bars_that_can_swap(device=self.device),
            what_to_bring=WHAT_TO_BRING,
            **kwargs,
        )


def _lost_and_not_found(device) -> bool:
    return device.status in (Device.Status.LOST, Device.Status.STOLEN) and any(
        loss.found_at is None for loss in device.losses.all()
    )


def device_found_action(*, device, user) -> panels.DeviceAction | None:
    """On a device's page, while it is lost or stolen: mark it found (a confirmation page first)."""
    if not _lost_and_not_found(device) or not permissions.can_act_on_device(user):
        return None
    return panels.DeviceAction(
        label="Mark it found",
        url=reverse("devices:device_found", kwargs={"pk": device.pk}),
        hint="It waits for triage at the Tech Bar that has it; its incident and remote actions are told.",
    )


class DeviceFoundView(DomainErrorMixin, RoleRequiredMixin, FormView):
    """A lost or stolen device turned up: which Tech Bar has it, then `device_found`."""

    permission_check = permissions.can_act_on_device
    template_name = "devices/device_found.html"
    form_class = FoundForm

    def dispatch(self, request, *args, **kwargs):
        # The role first: someone without it gets the same 403 for a real id and a made-up one.
        if request.user.is_authenticated and permissions.can_act_on_device(request.user):
            self.device = Device.objects.select_related("model", "tech_bar").filter(pk=kwargs["pk"]).first()
            if self.device is None:
                raise Http404("No such device.")
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        bar = selectors.tech_bar_worked_at(user=self.request.user) or self.device.tech_bar
        return {"tech_bar": bar}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            page_title=f"Mark {self.device.asset_tag} found",
            device=self.device,
            is_lost=_lost_and_not_found(self.device),
            **kwargs,
        )

    def form_valid(self, form):
        tech_bar = form.cleaned_data["tech_bar"]
        losses.device_found(
            device=self.device, actor=self.request.user, tech_bar=tech_bar, note=form.cleaned_data["note"]
        )
        messages.success(self.request, f"{self.device.asset_tag} is found: it waits for triage at {tech_bar}.")
        return redirect("devices:device_detail", pk=self.device.pk)
