"""Loans in the admin: a Tech Bar's loan pool, kept by its staff (through devices.loans.services),
and the loans themselves, read here (they are made and ended at the counter)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme

from devices import permissions as device_permissions
from devices.loans import services
from devices.loans.forms import LoanExtendForm
from devices.loans.models import Loan, LoanPoolDevice, LoanStep
from portal.admin import ReadOnlyAdmin


@admin.register(LoanPoolDevice)
class LoanPoolDeviceAdmin(admin.ModelAdmin):
    """The devices each Tech Bar keeps for lending: handed over at its counter only as loans."""

    list_display = ("device", "tech_bar", "status", "added_at", "added_by")
    list_filter = ("tech_bar", "device__model__kind")
    search_fields = ("device__asset_tag", "device__serial_number")
    list_select_related = ("device__model", "tech_bar", "added_by")
    autocomplete_fields = ("device",)
    fields = ("device", "tech_bar")

    @admin.display(description="Status", ordering="device__status")
    def status(self, obj):
        return obj.device.get_status_display()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "tech_bar":
            kwargs["queryset"] = device_permissions.tech_bars_acted_for(request.user).filter(is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        user = request.user

        class OwnTechBarPoolForm(form):
            """A Tech Bar's staff pool their own Tech Bar's devices only: not one sitting at another
            Tech Bar, nor one in another Tech Bar's pool."""

            def clean(self):
                cleaned = super().clean()
                device = cleaned.get("device")
                if device is None:
                    return cleaned
                if device.tech_bar_id and not device_permissions.can_act_for_tech_bar(user, device.tech_bar):
                    self.add_error("device", f"{device.asset_tag} sits at {device.tech_bar}: its staff pool it.")
                pooled = getattr(device, "loan_pool", None)
                if pooled is not None and not device_permissions.can_act_for_tech_bar(user, pooled.tech_bar):
                    self.add_error("device", f"{device.asset_tag} is in the loan pool of {pooled.tech_bar}.")
                return cleaned

        return OwnTechBarPoolForm

    def has_change_permission(self, request, obj=None):
        if obj is not None and not device_permissions.can_act_for_tech_bar(request.user, obj.tech_bar):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not device_permissions.can_act_for_tech_bar(request.user, obj.tech_bar):
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not device_permissions.can_act_for_tech_bar(request.user, obj.tech_bar):
            raise PermissionDenied("You keep the loan pool of your own Tech Bar only.")
        saved = services.loan_pool_add(device=obj.device, tech_bar=obj.tech_bar, actor=request.user)
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.loan_pool_remove(device=obj.device, actor=request.user)

    def delete_queryset(self, request, queryset):
        acted_for = set(device_permissions.tech_bars_acted_for(request.user).values_list("pk", flat=True))
        if queryset.exclude(tech_bar__in=acted_for).exists():
            raise PermissionDenied("You keep the loan pool of your own Tech Bar only.")
        for pool in queryset.select_related("device"):
            services.loan_pool_remove(device=pool.device, actor=request.user)


class LoanStepInline(admin.TabularInline):
    model = LoanStep
    extra = 0
    can_delete = False
    fields = ("step", "due_at", "fired_at", "cancelled_at", "cancel_reason")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Loan)
class LoanAdmin(ReadOnlyAdmin):
    list_display = ("device", "holder", "tech_bar", "lent_at", "due_back", "ended_at")
    list_filter = ("tech_bar", "due_back")
    search_fields = ("device__asset_tag", "holder__payroll_number", "holder__last_name")
    date_hierarchy = "lent_at"
    list_select_related = ("device__model", "holder", "tech_bar")
    inlines = [LoanStepInline]
    readonly_fields = ("extend",)

    @admin.display(description="Extend")
    def extend(self, obj):
        if obj is None or obj.pk is None or obj.ended_at is not None:
            return "-"
        return format_html('<a href="{}">Extend the loan</a>', reverse("admin:devices_loan_extend", args=[obj.pk]))

    def get_urls(self):
        view = self.admin_site.admin_view
        return [path("<int:pk>/extend/", view(loan_extend_page), name="devices_loan_extend"), *super().get_urls()]


def loan_extend_page(request, pk):
    """Move an open loan's due-back date (the borrower asks at the counter, or by phone)."""
    if not device_permissions.can_extend_loan(request.user):
        raise PermissionDenied("Only Tech Bar staff and Portal admins extend a loan.")
    loan = get_object_or_404(Loan.objects.select_related("device__model", "holder", "tech_bar"), pk=pk)
    back = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("admin:devices_loan_change", args=[loan.pk])
    form = LoanExtendForm(request.POST if request.method == "POST" else None, initial={"due_back": loan.due_back})
    status = 200
    if loan.ended_at is not None:
        form.add_error(None, f"The loan of {loan.device.asset_tag} has ended: there is nothing to extend.")
        status = 409
    elif request.method == "POST":
        if form.is_valid():
            try:
                services.loan_extend(
                    loan=loan,
                    due_back=form.cleaned_data["due_back"],
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except services.LoanError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request, f"{loan.device.asset_tag} is now {loan.words}; {loan.holder} is told by email."
                )
                return redirect(back)
        status = 400
    context = {
        **admin.site.each_context(request),
        "title": f"Extend the loan of {loan.device.asset_tag} to {loan.holder.get_full_name()}",
        "loan": loan,
        "form": form,
        "button": "Extend the loan",
        "back": back,
    }
    return TemplateResponse(request, "admin/devices/loans/extend.html", context, status=status)
