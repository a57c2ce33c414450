"""A holder reports kit lost, stolen or faulty (under /devices/report/, never blocked by the
conditions-of-use gate): a loss or theft opens its security incident with the clock running. Views
check permission, validate a form and call one service."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.views.generic import FormView, TemplateView

from devices import permissions
from devices.core import selectors
from devices.core.forms import LossForm, ReportKindForm
from devices.core.models import Device
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
