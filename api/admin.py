"""API tokens in the admin: Portal admins create them (the secret is shown once) and revoke them.
A token is never edited or deleted: revoked, it stays on record with its name."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse

from api import services
from api.models import ApiToken
from api.permissions import can_manage_api_tokens


class ApiTokenCreateForm(forms.ModelForm):
    service_account_id = forms.CharField(
        label="Service account",
        max_length=20,
        help_text="Its identifier, 3 to 20 letters and digits, e.g. SVCINTUNE. A new one is made if it does "
        "not exist yet; an existing service account gets another token (to rotate one).",
    )

    class Meta:
        model = ApiToken
        fields = ["name", "scope"]

    def clean_service_account_id(self):
        identifier = self.cleaned_data["service_account_id"].strip().upper()
        problem = services.service_account_problem(identifier)
        if problem:
            raise ValidationError(problem)
        return identifier


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "scope", "service_account", "key_prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = ("scope", ("revoked_at", admin.EmptyFieldListFilter))
    search_fields = ("name", "key_prefix", "service_account__payroll_number")
    list_select_related = ("service_account", "created_by")
    readonly_fields = (
        "name",
        "scope",
        "service_account",
        "key_prefix",
        "created_by",
        "created_at",
        "last_used_at",
        "revoked_at",
    )
    actions = ["revoke"]

    def _allowed(self, request) -> bool:
        return can_manage_api_tokens(request.user)

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request)

    def has_add_permission(self, request):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request)  # revoking is a change; no field is editable

    def has_delete_permission(self, request, obj=None):
        return False

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ApiTokenCreateForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("name", "scope", "service_account_id")
        return self.readonly_fields

    def save_form(self, request, form, change):
        if change:
            return form.instance
        token, raw = services.api_token_create(
            actor=request.user,
            name=form.cleaned_data["name"],
            scope=form.cleaned_data["scope"],
            service_account_id=form.cleaned_data["service_account_id"],
        )
        token._raw_token = raw
        return token

    def save_model(self, request, obj, form, change):
        """Written by services.api_token_create in save_form; nothing is ever edited."""

    def save_related(self, request, form, formsets, change):
        """No related objects: the service wrote everything."""

    def response_add(self, request, obj, post_url_continue=None):
        response = TemplateResponse(
            request,
            "admin/api/apitoken/created.html",
            {**self.admin_site.each_context(request), "token": obj, "raw": obj._raw_token, "opts": self.opts},
        )
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description="Revoke the selected tokens (they stop working at once)", permissions=["change"])
    def revoke(self, request, queryset):
        for token in queryset:
            services.api_token_revoke(token=token, actor=request.user)
        self.message_user(request, f"Revoked {queryset.count()} token(s).", messages.SUCCESS)
