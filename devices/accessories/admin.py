"""The accessory pages of the Tech Bar admin: kinds (the Portal admins' to manage), stock per Tech
Bar with its low-stock level (quantities move only through the services: a delivery, a transfer,
the counter, a stocktake), what people hold, and the movements (read-only history).
Registered by importing this module from `devices.admin`."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path

from devices import permissions as device_permissions
from devices.accessories import services
from devices.accessories.forms import AccessoryDeliveryForm, AccessoryTransferForm
from devices.accessories.models import AccessoryHolding, AccessoryKind, AccessoryMovement, AccessoryStock
from portal import permissions
from portal.admin import ReadOnlyAdmin


class TechBarOnly:
    """Accessory stock and history are for Tech Bar staff and Portal admins."""

    def has_module_permission(self, request):
        return permissions.is_tech_bar(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return permissions.is_tech_bar(request.user) and super().has_view_permission(request, obj)


@admin.register(AccessoryKind)
class AccessoryKindAdmin(TechBarOnly, admin.ModelAdmin):
    list_display = ("name", "code", "category", "usage", "assistive", "is_active")
    list_filter = ("category", "usage", "assistive", "is_active")
    search_fields = ("name", "code")

    def has_delete_permission(self, request, obj=None):
        return False  # kinds with history stay; untick "active" instead


@admin.register(AccessoryStock)
class AccessoryStockAdmin(TechBarOnly, admin.ModelAdmin):
    list_display = ("kind", "tech_bar", "quantity", "minimum", "low", "alerted_at")
    list_filter = ("tech_bar", "kind__usage", "kind__category")
    list_select_related = ("kind", "tech_bar")
    search_fields = ("kind__name", "kind__code")
    fields = ("tech_bar", "kind", "quantity", "minimum", "alerted_at")
    readonly_fields = ("quantity", "alerted_at")

    @admin.display(boolean=True, description="Below its level")
    def low(self, obj):
        return obj.is_low

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "tech_bar":  # a Tech Bar's staff keep their own Tech Bar's shelves
            kwargs["queryset"] = device_permissions.tech_bars_acted_for(request.user).filter(is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        if obj is not None and not device_permissions.can_act_for_tech_bar(request.user, obj.tech_bar):
            return False
        return super().has_change_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        # Which shelf a row counts is fixed once it exists; only its level changes by hand.
        return (*self.readonly_fields, "tech_bar", "kind") if obj else self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("delivery/", view(accessory_delivery_page), name="devices_accessory_delivery"),
            path("transfer/", view(accessory_transfer_page), name="devices_accessory_transfer"),
            *super().get_urls(),
        ]


@admin.register(AccessoryHolding)
class AccessoryHoldingAdmin(TechBarOnly, ReadOnlyAdmin):
    list_display = ("person", "kind", "quantity")
    list_filter = ("kind",)
    list_select_related = ("person", "kind")
    search_fields = ("person__payroll_number",)

    def get_queryset(self, request):
        return super().get_queryset(request).filter(quantity__gt=0)


@admin.register(AccessoryMovement)
class AccessoryMovementAdmin(TechBarOnly, ReadOnlyAdmin):
    list_display = (
        "created_at",
        "kind",
        "accessory",
        "quantity",
        "stock_change",
        "tech_bar",
        "person",
        "actor",
        "visit",
    )
    list_filter = ("kind", "tech_bar", "accessory")
    list_select_related = ("accessory", "tech_bar", "person", "actor", "visit")
    search_fields = ("person__payroll_number", "accessory__code")
    date_hierarchy = "created_at"


def _require_tech_bar(request) -> None:
    if not permissions.is_tech_bar(request.user):
        raise PermissionDenied("Only Tech Bar staff and Portal admins move accessory stock.")


def _page(request, *, form, title: str, button: str, status: int = 200):
    context = {**admin.site.each_context(request), "title": title, "form": form, "button": button}
    return TemplateResponse(request, "admin/devices/accessories/stock_form.html", context, status=status)


def accessory_delivery_page(request):
    """Stock arriving at a Tech Bar from the supplier."""
    _require_tech_bar(request)
    form = AccessoryDeliveryForm(
        request.POST if request.method == "POST" else None,
        own_tech_bars=device_permissions.tech_bars_acted_for(request.user),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.accessory_deliver(
            kind=data["kind"],
            quantity=data["quantity"],
            tech_bar=data["tech_bar"],
            actor=request.user,
            note=data["note"],
        )
        messages.success(request, f"{data['quantity']} {data['kind']} added to {data['tech_bar']}'s stock.")
        return redirect("admin:devices_accessorystock_changelist")
    status = 400 if request.method == "POST" else 200
    return _page(request, form=form, title="Record an accessory delivery", button="Record the delivery", status=status)


def accessory_transfer_page(request):
    """A quantity sent from one Tech Bar's shelves to another's."""
    _require_tech_bar(request)
    form = AccessoryTransferForm(
        request.POST if request.method == "POST" else None,
        own_tech_bars=device_permissions.tech_bars_acted_for(request.user),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.accessory_transfer(
                kind=data["kind"],
                quantity=data["quantity"],
                from_tech_bar=data["from_tech_bar"],
                to_tech_bar=data["to_tech_bar"],
                actor=request.user,
                note=data["note"],
            )
        except services.AccessoryError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                f"{data['quantity']} {data['kind']} moved from {data['from_tech_bar']} to {data['to_tech_bar']}.",
            )
            return redirect("admin:devices_accessorystock_changelist")
    status = 400 if request.method == "POST" else 200
    return _page(request, form=form, title="Transfer accessories", button="Transfer", status=status)
