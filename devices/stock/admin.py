"""The stock pages of the Tech Bar's admin: low-stock levels with the "Stock at each Tech Bar"
page, transfers (read-only; received through `devices.stock.services.stock`), and stocktakes with their scanning
page. Registered by importing this module from `devices.admin`."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import urlencode

from devices import permissions as device_permissions
from devices.accessories import services as accessory_services
from devices.accessories.forms import AccessoryCountForm
from devices.accessories.selectors import accessory_stocktake_rows
from devices.core import panels
from devices.core.forms import TechBarChoiceForm
from devices.core.models import Device, TechBar
from devices.core.services import DeviceError
from devices.counter.views import current_tech_bar
from devices.stock.models import StockLevel, Stocktake, StocktakeMissing, StocktakeScan, StockTransfer
from devices.stock.selectors import stock_by_tech_bar, stock_in_transit, stocktake_result
from devices.stock.services import stock, stocktake
from portal import permissions
from portal.admin import ReadOnlyAdmin


def _require_tech_bar(request) -> None:
    if not permissions.is_tech_bar(request.user):
        raise PermissionDenied("Only Tech Bar staff and Portal admins see stock and run stocktakes.")


def _context(request, title: str, **extra) -> dict:
    return {**admin.site.each_context(request), "title": title, **extra}


@admin.register(StockLevel)
class StockLevelAdmin(admin.ModelAdmin):
    """Low-stock levels, kept by Tech Bar staff and Portal admins; the stock page hangs off it."""

    list_display = ("tech_bar", "device_model", "minimum", "in_stock", "alerted_at")
    list_filter = ("tech_bar",)
    list_select_related = ("tech_bar", "device_model")
    fields = ("tech_bar", "device_model", "minimum")

    def get_queryset(self, request):
        in_stock = (
            Device.objects.filter(
                status=Device.Status.IN_STOCK, tech_bar=OuterRef("tech_bar"), model=OuterRef("device_model")
            )
            .order_by()
            .values("model")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return super().get_queryset(request).annotate(in_stock_count=Coalesce(Subquery(in_stock), 0))

    @admin.display(description="In stock now", ordering="in_stock_count")
    def in_stock(self, obj):
        return obj.in_stock_count

    def get_urls(self):
        return [
            path("stock/", self.admin_site.admin_view(stock_page), name="devices_stock"),
            *super().get_urls(),
        ]


def stock_page(request):
    """Stock at each Tech Bar: how many of each model, against its low-stock level; what is on its
    way between Tech Bars; and the ways to send (the device list's action, from the counter's Tech
    Bar) and to receive (the transfers still open)."""
    _require_tech_bar(request)
    bar = current_tech_bar(request)
    send_url = (
        reverse("admin:devices_device_changelist")
        + "?"
        + urlencode({"status__exact": Device.Status.IN_STOCK, **({"tech_bar__id__exact": bar.pk} if bar else {})})
    )
    receive_url = reverse("admin:devices_stocktransfer_changelist") + "?received_at__isempty=1"
    context = _context(
        request,
        "Stock at each Tech Bar",
        rows=stock_by_tech_bar(),
        in_transit=stock_in_transit(),
        counter_tech_bar=bar,
        send_url=send_url,
        receive_url=receive_url,
    )
    return TemplateResponse(request, "admin/devices/stock/stock.html", context)


class SendForm(forms.Form):
    to_tech_bar = forms.ModelChoiceField(
        queryset=TechBar.objects.filter(is_active=True),
        label="Send to which Tech Bar?",
        error_messages={"required": "Choose the Tech Bar to send them to"},
    )
    note = forms.CharField(label="Note (optional)", max_length=300, required=False)


@admin.action(description="Send the selected devices from my counter's Tech Bar to another", permissions=["change"])
def send_to_tech_bar(modeladmin, request, queryset):
    """From the device list: send devices in stock at the counter's Tech Bar to another one."""
    bar = current_tech_bar(request)
    if bar is None:
        modeladmin.message_user(request, "Choose your Tech Bar at the counter first.", messages.ERROR)
        return None
    form = SendForm(request.POST if "to_tech_bar" in request.POST else None)
    if form.is_valid():
        try:
            sent = stock.transfer_send(
                devices=list(queryset),
                from_tech_bar=bar,
                to_tech_bar=form.cleaned_data["to_tech_bar"],
                actor=request.user,
                note=form.cleaned_data["note"],
            )
        except DeviceError as error:
            modeladmin.message_user(request, f"Nothing was sent: {error}", messages.ERROR)
        else:
            modeladmin.message_user(
                request, f"{len(sent)} sent to {form.cleaned_data['to_tech_bar']}: on their way.", messages.SUCCESS
            )
        return None
    return TemplateResponse(
        request,
        "admin/devices/stock/send.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": f"Send devices from {bar}",
            "opts": modeladmin.model._meta,
            "form": form,
            "actions_queryset": queryset.select_related("model", "tech_bar"),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        },
        status=400 if form.is_bound else 200,
    )


def device_send_action(*, device, user) -> panels.DeviceAction | None:
    """On a device's page, while it is in stock: send it to another Tech Bar (the device list's
    action, which asks where to and sends it from the counter's Tech Bar)."""
    if device.status != Device.Status.IN_STOCK or not device_permissions.can_act_on_device(user):
        return None
    return panels.DeviceAction.admin_action(
        label="Send it to another Tech Bar",
        changelist="admin:devices_device_changelist",
        action="send_to_tech_bar",
        device_pk=device.pk,
        hint="You choose the Tech Bar on the next page.",
    )


@admin.register(StockTransfer)
class StockTransferAdmin(ReadOnlyAdmin):
    """Transfers between Tech Bars: sent and received through `devices.stock.services.stock`, never edited here."""

    list_display = ("device", "from_tech_bar", "to_tech_bar", "sent_at", "sent_by", "received_at", "received_by")
    list_filter = ("to_tech_bar", "from_tech_bar", ("received_at", admin.EmptyFieldListFilter))
    search_fields = ("device__asset_tag",)
    list_select_related = ("device__model", "from_tech_bar", "to_tech_bar", "sent_by", "received_by")
    actions = ["receive_here"]

    def has_module_permission(self, request):
        return permissions.is_tech_bar(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return permissions.is_tech_bar(request.user) and super().has_view_permission(request, obj)

    def has_receive_permission(self, request):
        return permissions.is_tech_bar(request.user)

    @admin.action(description="Receive the selected devices at my counter's Tech Bar", permissions=["receive"])
    def receive_here(self, request, queryset):
        bar = current_tech_bar(request)
        if bar is None:
            self.message_user(request, "Choose your Tech Bar at the counter first.", messages.ERROR)
            return
        for transfer in queryset:
            try:
                stock.transfer_receive(transfer=transfer, tech_bar=bar, actor=request.user)
            except DeviceError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(request, f"{transfer.device.asset_tag} received at {bar}.", messages.SUCCESS)


class StocktakeScanInline(admin.TabularInline):
    model = StocktakeScan
    extra = 0
    can_delete = False
    fields = ("scanned_at", "code", "device", "outcome", "note", "scanned_by")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class StocktakeMissingInline(StocktakeScanInline):
    model = StocktakeMissing
    fields = ("device", "marked_lost_at", "marked_lost_by", "loss")
    readonly_fields = fields


@admin.register(Stocktake)
class StocktakeAdmin(ReadOnlyAdmin):
    """Past and open stocktakes (read-only), and the stocktake pages themselves."""

    list_display = ("reference_display", "tech_bar", "started_at", "started_by", "closed_at", "closed_by")
    list_filter = ("tech_bar",)
    list_select_related = ("tech_bar", "started_by", "closed_by")
    inlines = [StocktakeScanInline, StocktakeMissingInline]

    @admin.display(description="Stocktake")
    def reference_display(self, obj):
        return obj.reference

    def has_module_permission(self, request):
        return permissions.is_tech_bar(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return permissions.is_tech_bar(request.user) and super().has_view_permission(request, obj)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("start/", view(stocktake_start), name="devices_stocktake_start"),
            path("<int:pk>/count/", view(stocktake_page), name="devices_stocktake_count"),
            *super().get_urls(),
        ]


def stocktake_start(request):
    """Choose the Tech Bar (the counter's, by default) and start; or go to the one already open."""
    _require_tech_bar(request)
    status = 200
    form = TechBarChoiceForm(initial={"tech_bar": current_tech_bar(request)})
    form.fields["tech_bar"].label = "Which Tech Bar's shelves are you counting?"
    error = ""
    open_one = None
    if request.method == "POST":
        form = TechBarChoiceForm(request.POST)
        form.fields["tech_bar"].label = "Which Tech Bar's shelves are you counting?"
        if form.is_valid():
            try:
                taken = stocktake.stocktake_start(tech_bar=form.cleaned_data["tech_bar"], actor=request.user)
            except stocktake.StocktakeAlreadyOpen as refused:
                error = str(refused)
                status = 409
                open_one = refused.stocktake
            else:
                return redirect("admin:devices_stocktake_count", pk=taken.pk)
        else:
            status = 400
    open_stocktakes = Stocktake.objects.filter(closed_at__isnull=True).select_related("tech_bar", "started_by")
    context = _context(
        request, "Start a stocktake", form=form, error=error, open_one=open_one, open_stocktakes=open_stocktakes
    )
    return TemplateResponse(request, "admin/devices/stock/stocktake_start.html", context, status=status)


def _stocktake_confirm(request, taken: Stocktake, *, action: str, missing: StocktakeMissing | None = None):
    """The question asked before an act that cannot be undone (closing; marking a device lost,
    which opens a security incident): a page of its own, so it needs no script."""
    if action == "close":
        title = f"Close stocktake {taken.reference} at {taken.tech_bar}?"
    else:
        title = f"Mark {missing.device.asset_tag} lost?"
    context = _context(
        request,
        title,
        stocktake=taken,
        action=action,
        missing=missing,
        result=stocktake_result(stocktake=taken) if action == "close" else None,
        back_url=reverse("admin:devices_stocktake_count", args=[taken.pk]),
    )
    return TemplateResponse(request, "admin/devices/stock/stocktake_confirm.html", context)


def stocktake_page(request, pk):
    """Scan what is on the shelves (one code at a time, or a pasted batch), close, and act on the
    result: found, missing, unexpected, duplicates, and mark missing devices lost."""
    _require_tech_bar(request)
    taken = Stocktake.objects.select_related("tech_bar", "started_by", "closed_by").filter(pk=pk).first()
    if taken is None:
        raise Http404("No such stocktake.")
    status = 200
    errors: list[str] = []
    results: list[stocktake.ScanResult] = []
    typed = {"code": "", "codes": ""}
    if request.method == "POST":
        action = request.POST.get("action", "scan")
        confirmed = request.POST.get("confirmed") == "yes"  # closing and marking lost ask first
        try:
            if action == "scan":
                typed = {"code": request.POST.get("code", ""), "codes": request.POST.get("codes", "")}
                codes = [typed["code"], *typed["codes"].split()]
                results = stocktake.stocktake_scan(stocktake=taken, codes=codes, actor=request.user)
                typed = {"code": "", "codes": ""}
                if any(r.scan.outcome == StocktakeScan.Outcome.UNKNOWN for r in results):
                    status = 400  # a code no device has; duplicates are a warning, not an error
            elif action == "close":
                if not confirmed and taken.is_open:
                    return _stocktake_confirm(request, taken, action="close")
                stocktake.stocktake_close(stocktake=taken, actor=request.user)
                messages.success(request, f"Stocktake {taken.reference} closed.")
                return redirect("admin:devices_stocktake_count", pk=taken.pk)
            elif action == "lost":
                chosen = request.POST.get("missing", "")
                # only a plain number can name a row: anything else is the same refusal, never a 500
                missing = (
                    StocktakeMissing.objects.filter(stocktake=taken, pk=int(chosen)).first()
                    if chosen.isascii() and chosen.isdigit()
                    else None
                )
                if missing is None:
                    raise DeviceError("Choose a device listed as missing.")
                if not confirmed and missing.loss_id is None:
                    return _stocktake_confirm(request, taken, action="lost", missing=missing)
                loss = stocktake.stocktake_mark_lost(missing=missing, actor=request.user)
                messages.success(
                    request, f"{missing.device.asset_tag} marked lost: security incident {loss.incident.reference}."
                )
                return redirect("admin:devices_stocktake_count", pk=taken.pk)
            elif action == "count_accessories":
                form = AccessoryCountForm(
                    request.POST, kinds=[row["kind"] for row in accessory_stocktake_rows(stocktake=taken)]
                )
                if not form.is_valid():
                    raise DeviceError("Type each count as a whole number, 0 or more.")
                for kind, counted in form.counts():
                    accessory_services.accessory_count_record(
                        stocktake=taken, kind=kind, counted=counted, actor=request.user
                    )
                messages.success(request, "Accessory counts recorded.")
                return redirect("admin:devices_stocktake_count", pk=taken.pk)
            elif action == "found":
                missing = StocktakeMissing.objects.filter(stocktake=taken, pk=request.POST.get("missing") or 0).first()
                if missing is None:
                    raise DeviceError("Choose a device listed as missing.")
                loss = stocktake.stocktake_missing_found(
                    missing=missing, actor=request.user, tech_bar=current_tech_bar(request) or taken.tech_bar
                )
                messages.success(
                    request,
                    f"{missing.device.asset_tag} recorded found at {loss.found_at_tech_bar}: it waits for triage "
                    "there, and its SIM block and wipe requests are ended.",
                )
                return redirect("admin:devices_stocktake_count", pk=taken.pk)
            else:
                raise DeviceError("Unknown action.")
        except DeviceError as error:
            errors.append(str(error))
            status = 400
        taken.refresh_from_db()
    context = _context(
        request,
        f"Stocktake {taken.reference} at {taken.tech_bar}",
        stocktake=taken,
        result=stocktake_result(stocktake=taken),
        results=results,
        errors=errors,
        typed=typed,
        Outcome=StocktakeScan.Outcome,
        history_url=reverse("admin:devices_stocktake_change", args=[taken.pk]),
        accessory_rows=accessory_stocktake_rows(stocktake=taken),
    )
    return TemplateResponse(request, "admin/devices/stock/stocktake.html", context, status=status)
