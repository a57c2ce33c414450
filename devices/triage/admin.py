"""The triage queue in the admin: returned devices per Tech Bar, oldest first, each given an
outcome by an action that asks for what the outcome needs and calls `devices.triage.services`."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import OuterRef, Subquery
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from devices import permissions as device_permissions
from devices.core import panels
from devices.core.models import Device, DeviceEvent
from devices.core.services import DeviceError
from devices.triage import services as triage
from devices.triage.models import TriageDevice
from portal import permissions
from portal.admin_input import SafeActionsMixin
from portal.models import Role, User


class QueueFilter(admin.SimpleListFilter):
    """Awaiting triage unless asked for the devices out at a repairer."""

    title = "queue"
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [("returned", "Awaiting triage"), ("in_repair", "In repair")]

    def choices(self, changelist):
        for value, label in self.lookup_choices:
            yield {
                "selected": (self.value() or "returned") == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request, queryset):
        value = self.value() if self.value() in ("returned", "in_repair") else "returned"
        return queryset.filter(status=value)


class ToStockForm(forms.Form):
    wiped_and_checked = forms.BooleanField(
        label="Wiped (reset to factory settings) and checked: it works, it is clean and nothing is missing",
        error_messages={"required": "Tick to confirm the devices were wiped and checked"},
    )
    checked_by = forms.ModelChoiceField(
        label="Who wiped and checked them?",
        queryset=User.objects.none(),
        error_messages={"required": "Choose who wiped and checked them"},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        staff = User.objects.filter(groups__name__in=[Role.TECH_BAR, Role.PORTAL_ADMIN], is_active=True)
        self.fields["checked_by"].queryset = (
            (staff | User.objects.filter(pk=user.pk)).distinct().order_by("last_name", "first_name", "pk")
        )
        self.fields["checked_by"].initial = user.pk


class RepairForm(forms.Form):
    supplier_reference = forms.CharField(
        label="The repairer's reference",
        max_length=100,
        error_messages={"required": "Enter the repairer's reference"},
    )


class DisposalForm(forms.Form):
    disposal_reference = forms.CharField(
        label="Disposal certificate reference",
        max_length=100,
        error_messages={"required": "Enter the disposal certificate reference"},
    )


class BackFromRepairForm(forms.Form):
    note = forms.CharField(label="What the repairer did (optional)", max_length=300, required=False)


def device_repair_action(*, device, user) -> panels.DeviceAction | None:
    """On a device's page, while it waits for triage: send it for repair (the triage queue's
    action, which asks for the supplier's reference). Repair is a triage outcome: a device in stock
    or issued comes back through the counter first."""
    if device.status != Device.Status.RETURNED or not device_permissions.can_act_on_device(user):
        return None
    return panels.DeviceAction.admin_action(
        label="Send it for repair",
        changelist="admin:devices_triagedevice_changelist",
        action="to_repair",
        device_pk=device.pk,
        hint="You give the supplier's repair reference on the next page.",
    )


@admin.register(TriageDevice)
class TriageDeviceAdmin(SafeActionsMixin, admin.ModelAdmin):
    """Tech Bar staff work this queue; nothing is added, edited or deleted here."""

    list_display = ("asset_tag_link", "model", "tech_bar", "status", "waiting_since_display")
    list_display_links = None
    list_filter = (QueueFilter, "tech_bar")
    search_fields = ("asset_tag", "serial_number", "imei")
    list_select_related = ("model", "tech_bar")
    actions = ["to_stock", "to_repair", "dispose", "back_from_repair"]
    list_per_page = 50

    def get_queryset(self, request):
        since = DeviceEvent.objects.filter(device=OuterRef("pk"), to_status=OuterRef("status")).order_by(
            "-created_at", "-pk"
        )
        return (
            self.model._default_manager.filter(status__in=[Device.Status.RETURNED, Device.Status.IN_REPAIR])
            .annotate(waiting_since=Subquery(since.values("created_at")[:1]))
            .order_by(*self.get_ordering(request))
        )

    def get_ordering(self, request):
        return ["tech_bar__name", "waiting_since", "pk"]  # per Tech Bar, oldest first

    def changelist_view(self, request, extra_context=None):
        title = "Devices in repair" if request.GET.get("queue") == "in_repair" else "Devices to triage"
        return super().changelist_view(request, {"title": title, **(extra_context or {})})

    @admin.display(description="Asset tag", ordering="asset_tag")
    def asset_tag_link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("admin:devices_device_change", args=[obj.pk]), obj.asset_tag)

    @admin.display(description="Waiting since", ordering="waiting_since")
    def waiting_since_display(self, obj):
        return obj.waiting_since

    def has_module_permission(self, request):
        return permissions.is_tech_bar(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return permissions.is_tech_bar(request.user) and super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return permissions.is_tech_bar(request.user) and super().has_change_permission(request, obj)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """A device in the queue is read on its own device page."""
        return redirect("admin:devices_device_change", object_id)

    # --- the outcomes -------------------------------------------------------------------------------
    def _outcome(self, request, queryset, *, action: str, form, title: str, button: str, run, verb: str):
        """Ask for what the outcome needs (a 400 while it is missing), then run it per device."""
        submitted = "apply" in request.POST
        if not (submitted and form.is_valid()):
            return TemplateResponse(
                request,
                "admin/devices/triagedevice/outcome.html",
                {
                    **self.admin_site.each_context(request),
                    "title": title,
                    "opts": self.model._meta,
                    "form": form,
                    "button": button,
                    "action": action,
                    "devices": queryset.select_related("model", "tech_bar"),
                    "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                },
                status=400 if submitted else 200,
            )
        done, refused = 0, []
        for device in queryset.order_by("pk"):
            try:
                run(device, form.cleaned_data)
            except DeviceError as error:
                refused.append(str(error))
            else:
                done += 1
        if done:
            self.message_user(request, f"{done} device{'s' if done != 1 else ''} {verb}.", messages.SUCCESS)
        for reason in refused:
            self.message_user(request, reason, messages.ERROR)
        return None

    def _data(self, request):
        return request.POST if "apply" in request.POST else None

    @admin.action(description="Back to stock (wiped and checked)", permissions=["change"])
    def to_stock(self, request, queryset):
        return self._outcome(
            request,
            queryset,
            action="to_stock",
            form=ToStockForm(self._data(request), user=request.user),
            title="Back to stock",
            button="Put back in stock",
            verb="back in stock",
            run=lambda device, data: triage.triage_to_stock(
                device=device,
                actor=request.user,
                checked_by=data["checked_by"],
                wiped_and_checked=data["wiped_and_checked"],
            ),
        )

    @admin.action(description="Send for repair", permissions=["change"])
    def to_repair(self, request, queryset):
        return self._outcome(
            request,
            queryset,
            action="to_repair",
            form=RepairForm(self._data(request)),
            title="Send for repair",
            button="Send for repair",
            verb="sent for repair",
            run=lambda device, data: triage.triage_to_repair(
                device=device, actor=request.user, supplier_reference=data["supplier_reference"]
            ),
        )

    @admin.action(description="Dispose of (never reissued)", permissions=["change"])
    def dispose(self, request, queryset):
        return self._outcome(
            request,
            queryset,
            action="dispose",
            form=DisposalForm(self._data(request)),
            title="Dispose of devices",
            button="Dispose of them",
            verb="disposed of",
            run=lambda device, data: triage.triage_dispose(
                device=device, actor=request.user, disposal_reference=data["disposal_reference"]
            ),
        )

    @admin.action(description="Back from repair (to triage again)", permissions=["change"])
    def back_from_repair(self, request, queryset):
        return self._outcome(
            request,
            queryset,
            action="back_from_repair",
            form=BackFromRepairForm(self._data(request)),
            title="Back from repair",
            button="Back to the triage queue",
            verb="back from repair, awaiting triage",
            run=lambda device, data: triage.triage_back_from_repair(
                device=device, actor=request.user, note=data["note"]
            ),
        )
