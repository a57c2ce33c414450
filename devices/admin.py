"""The Tech Bar's admin: devices, models and counters. Custody changes go through services."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.urls import path, reverse

from devices.accessories import admin as accessory_admin  # noqa: F401  (registers the accessory pages)
from devices.core import services
from devices.core.forms import DeviceAdminForm
from devices.core.services import DeviceError
from devices.counter import views as counter
from devices.imports.admin import DeviceImportMixin
from devices.labels import services as labels
from devices.leavers import admin as leaver_admin  # noqa: F401  (triage_admin, leaver_admin and request_admin register their pages)
from devices.leavers.views import counter as leaver_counter
from devices.loans import admin as loan_admin  # noqa: F401  (registers the loan pool and loans)
from devices.losses.services import remote
from devices.models import (
    Assignment,
    CounterLine,
    CounterVisit,
    Device,
    DeviceEvent,
    DeviceLoss,
    DeviceModel,
    RemoteAction,
    TechBar,
    TechBarOpeningHours,
)
from devices.requests import admin as request_admin  # noqa: F401  (triage_admin, leaver_admin and request_admin register their pages)
from devices.stock.admin import send_to_tech_bar  # also registers the stock and stocktake admin
from devices.triage import admin as triage_admin  # noqa: F401  (triage_admin, leaver_admin and request_admin register their pages)
from portal import permissions
from portal.admin import ReadOnlyAdmin, UserAdmin
from portal.admin_input import SafeActionsMixin


class OpeningHoursInline(admin.TabularInline):
    model = TechBarOpeningHours
    extra = 0
    max_num = 7
    fields = ("weekday", "opens", "closes")


@admin.register(TechBar)
class TechBarAdmin(admin.ModelAdmin):
    """Portal admins manage Tech Bars: where they are, when they open, and who works there."""

    list_display = ("name", "code", "location", "is_active")
    search_fields = ("name", "code")
    fields = ("name", "code", "location", "is_active", "staff", "leads")
    filter_horizontal = ("staff", "leads")
    inlines = [OpeningHoursInline]


@admin.register(DeviceModel)
class DeviceModelAdmin(admin.ModelAdmin):
    list_display = (
        "make", "model_name", "kind", "operating_system", "unit_cost", "expected_life_months",
        "approval_required", "retired",
    )  # fmt: skip
    list_filter = ("kind", "retired", "approval_required")
    search_fields = ("make", "model_name")


class AssignmentInline(admin.TabularInline):
    model = Assignment
    fk_name = "device"
    extra = 0
    can_delete = False
    fields = ("holder", "issued_at", "issued_at_tech_bar", "returned_at", "return_reason", "condition")
    readonly_fields = fields
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Device)
class DeviceAdmin(SafeActionsMixin, DeviceImportMixin, admin.ModelAdmin):
    """Custody (status, Tech Bar, holder) moves only through the counter services: read-only on an
    existing device, set by `device_receive` on a new one. A device is disposed, never deleted."""

    form = DeviceAdminForm
    # What a Tech Bar reads in a list on a 1280 px screen beside the menus; the IMEI, serial number
    # and the rest are on the change page (and the search finds a device by any of them).
    list_display = ("asset_tag", "model", "status", "tech_bar", "phone_number")
    change_list_template = "admin/devices/device/change_list.html"  # our breadcrumbs, under the import button
    list_filter = ("status", "model__kind", "tech_bar")
    search_fields = ("asset_tag", "serial_number", "imei", "phone_number")
    list_select_related = ("model", "tech_bar")
    inlines = [AssignmentInline]
    actions = [labels.print_labels, send_to_tech_bar]  # send_to_tech_bar: the stock transfer

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {"title": "All devices", **(extra_context or {})})

    def view_on_site(self, obj):
        # The change page's "View on site" button: the device's page, where its holder at the
        # counter, its label, a transfer, repair and found are one button each.
        return reverse("devices:device_detail", args=[obj.pk])

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ("status", "updated_at")
        return ("status", "tech_bar", "updated_at")

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None and "tech_bar" in form.base_fields:
            form.base_fields["tech_bar"].required = True
            form.base_fields["tech_bar"].help_text = "The Tech Bar that received it: it goes into stock there."
        return form

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)  # details only: custody fields are read-only
            return
        services.device_receive(device=obj, actor=request.user, tech_bar=obj.tech_bar, note="Added in the admin.")


@admin.register(DeviceEvent)
class DeviceEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "device", "kind", "holder", "actor", "tech_bar")
    list_filter = ("kind",)
    search_fields = ("device__asset_tag", "holder__payroll_number")
    list_select_related = ("device__model", "holder", "actor", "tech_bar")


# --- Lost and stolen reports, and the remote action queue --------------------------------------
@admin.register(DeviceLoss)
class DeviceLossAdmin(ReadOnlyAdmin):
    """What was reported lost or stolen and when. The incident itself is the Data Office's."""

    list_display = ("device", "kind", "holder", "noticed_at", "reported_at", "found_at")
    list_filter = ("kind", ("found_at", admin.EmptyFieldListFilter))
    search_fields = ("device__asset_tag", "holder__payroll_number")
    list_select_related = ("device__model", "holder")
    exclude = ("incident",)


class OpenFilter(admin.SimpleListFilter):
    """The queue: what still needs doing, unless asked otherwise."""

    title = "progress"
    parameter_name = "progress"

    def lookups(self, request, model_admin):
        return [("open", "To do (requested or sent)"), ("finished", "Done or failed"), ("all", "All")]

    def choices(self, changelist):
        for value, label in self.lookup_choices:
            yield {
                "selected": (self.value() or "open") == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request, queryset):
        value = self.value() or "open"
        if value == "open":
            return queryset.filter(status__in=RemoteAction.OPEN)
        if value == "finished":
            return queryset.exclude(status__in=RemoteAction.OPEN)
        return queryset


class FailReasonForm(forms.Form):
    reason = forms.CharField(label="Why did it fail?", max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


@admin.register(RemoteAction)
class RemoteActionAdmin(admin.ModelAdmin):
    """The Tech Bar's queue of SIM blocks and wipes. Changes only through the actions, which call
    `devices.losses.services.remote`'s services."""

    # The queue's columns on a 1280 px screen beside the menus; who asked, the adapter, its reference
    # and when it was sent or done are on each action's page.
    list_display = ("device", "kind", "status", "requested_at")
    list_filter = (OpenFilter, "kind", "status")
    search_fields = ("device__asset_tag", "device__phone_number", "device__serial_number")
    list_select_related = ("device__model", "requested_by")
    fields = (
        "device", "kind", "status", "requested_by", "requested_at", "adapter", "external_id", "attempts",
        "sent_at", "completed_at", "completed_by", "failure_reason",
    )  # fmt: skip
    readonly_fields = fields  # never edited by hand: the actions below change them
    actions = ["mark_done", "mark_failed", "ask_again"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {"title": "SIM blocks and wipes", **(extra_context or {})})

    def _each(self, request, queryset, change, verb: str) -> None:
        done, refused = 0, []
        for action in queryset.select_related("device"):
            try:
                change(action)
            except DeviceError as error:
                refused.append(str(error))
            else:
                done += 1
        if done:
            self.message_user(request, f"{done} remote action{'s' if done != 1 else ''} {verb}.", messages.SUCCESS)
        for reason in refused:
            self.message_user(request, reason, messages.ERROR)

    @admin.action(description="Mark done", permissions=["change"])
    def mark_done(self, request, queryset):
        self._each(
            request, queryset, lambda a: remote.remote_action_complete(action=a, actor=request.user), "marked done"
        )

    @admin.action(description="Mark failed (asks why)", permissions=["change"])
    def mark_failed(self, request, queryset):
        form = FailReasonForm(request.POST if "reason" in request.POST else None)
        if form.is_valid():
            reason = form.cleaned_data["reason"]
            self._each(
                request,
                queryset,
                lambda a: remote.remote_action_fail(action=a, actor=request.user, reason=reason),
                "marked failed",
            )
            return None
        return TemplateResponse(
            request,
            "admin/devices/remoteaction/fail_reason.html",
            {
                **self.admin_site.each_context(request),
                "title": "Why did it fail?",
                "opts": self.model._meta,
                "form": form,
                "actions_queryset": queryset.select_related("device"),
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(description="Ask again (failed ones)", permissions=["change"])
    def ask_again(self, request, queryset):
        self._each(request, queryset, lambda a: remote.remote_action_retry(action=a, actor=request.user), "asked again")


class KitHeldInline(admin.TabularInline):
    """On a person's admin page: the kit they hold now, which is what the counter needs to see."""

    model = Assignment
    fk_name = "holder"
    verbose_name = "device held"
    verbose_name_plural = "Kit held now"
    fields = ("device", "issued_at", "issued_at_tech_bar")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(returned_at__isnull=True)
            .select_related("device__model", "issued_at_tech_bar")
        )


class CounterLineInline(admin.TabularInline):
    model = CounterLine
    extra = 0
    can_delete = False
    fields = ("direction", "device", "reason", "condition")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# The people admin is the portal's; devices adds its inline there (devices depends on portal,
# never the other way round).
UserAdmin.inlines = [*UserAdmin.inlines, KitHeldInline]


@admin.register(CounterVisit)
class CounterVisitAdmin(ReadOnlyAdmin):
    """Past counter visits (read-only), and the counter itself: its views hang off this admin."""

    list_display = ("reference_display", "confirmed_at", "person", "tech_bar", "staff")
    list_filter = ("tech_bar",)
    search_fields = ("person__payroll_number",)
    list_select_related = ("person", "tech_bar", "staff")
    inlines = [CounterLineInline]
    date_hierarchy = "confirmed_at"

    @admin.display(description="Receipt")
    def reference_display(self, obj):
        return obj.reference

    def has_module_permission(self, request):
        return permissions.is_tech_bar(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return permissions.is_tech_bar(request.user) and super().has_view_permission(request, obj)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("counter/", view(counter.counter_start), name="devices_counter"),
            path("counter/<str:payroll>/", view(counter.counter_person), name="devices_counter_person"),
            path(
                "counter/<str:payroll>/<int:pk>/loss/",
                view(counter.counter_report_loss),
                name="devices_counter_report_loss",
            ),
            path("<int:pk>/receipt/", view(counter.counter_receipt), name="devices_counter_receipt"),
            *leaver_counter_urls(view),
            *super().get_urls(),
        ]


def leaver_counter_urls(view):
    """The leaver's case at the counter (devices.leavers.views.counter)."""
    prefix = "counter/<str:payroll>/leaver/<int:line_pk>"
    return [
        path(f"{prefix}/received/", view(leaver_counter.counter_leaver_receive), name="devices_counter_leaver_receive"),
        path(f"{prefix}/lost/", view(leaver_counter.counter_leaver_lost), name="devices_counter_leaver_lost"),
        path(
            f"{prefix}/write-off/",
            view(leaver_counter.counter_leaver_write_off),
            name="devices_counter_leaver_write_off",
        ),
    ]


# The admin index lists the counter, then stock and stocktakes, first under Devices, for those who work at it.
admin.site.pin(
    app_label="devices",
    name="Tech Bar counter: issue, take back and swap",
    object_name="Counter",
    url_name="admin:devices_counter",
    allowed=permissions.is_tech_bar,
)
admin.site.pin(
    app_label="devices",
    name="Stock at each Tech Bar",
    object_name="Stock",
    url_name="admin:devices_stock",
    allowed=permissions.is_tech_bar,
)
admin.site.pin(
    app_label="devices",
    name="Stocktake: count a Tech Bar's shelves",
    object_name="StocktakeStart",
    url_name="admin:devices_stocktake_start",
    allowed=permissions.is_tech_bar,
)
