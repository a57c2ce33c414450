"""Admin for policies: Portal admins write drafts, preview them and publish; records are read-only."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from policy import permissions, selectors, services, text
from policy.models import Acknowledgement, Policy, PolicyReminder, PolicyVersion
from portal.admin import ReadOnlyAdmin


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "audience")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("roles",)
    search_fields = ("name",)


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):
    list_display = ("policy", "number", "title", "effective_date", "state", "published_at", "published_by")
    list_filter = ("policy", ("published_at", admin.EmptyFieldListFilter))
    list_select_related = ("policy", "published_by")
    search_fields = ("title", "policy__name")
    fields = (
        "policy",
        "number",
        "title",
        "summary_of_changes",
        "body",
        "effective_date",
        "requires_acceptance",
        "grace_days",
        "content_hash",
        "published_at",
        "published_by",
    )
    actions = ["start_next_draft"]

    @admin.display(description="State")
    def state(self, obj):
        return "Published" if obj.is_published else "Draft"

    readonly_fields = ("content_hash", "published_at", "published_by")

    # A published version is a record: the admin shows it read-only and offers no delete.
    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or not obj.is_published)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or not obj.is_published)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # the bulk delete would refuse published versions anyway
        return actions

    def save_model(self, request, obj, form, change):
        services.policy_version_draft_save(actor=request.user, version=obj)

    def get_urls(self):
        preview = self.admin_site.admin_view(self.preview_view)
        return [path("<int:pk>/preview/", preview, name="policy_policyversion_preview"), *super().get_urls()]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["preview_url"] = reverse("admin:policy_policyversion_preview", args=[obj.pk])
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def preview_view(self, request, pk):
        """The text exactly as people will read it, its hash and what changed; then Publish."""
        if not permissions.can_publish(request.user):
            raise PermissionDenied("Only Portal admins preview and publish policy versions.")
        version = get_object_or_404(PolicyVersion.objects.select_related("policy", "published_by"), pk=pk)
        html = version.body_html if version.is_published else text.render_markdown(version.body)
        digest = version.content_hash if version.is_published else text.content_hash(html)
        if request.method == "POST" and not version.is_published:
            if request.POST.get("confirm") != "yes":
                messages.error(request, "Tick the box to confirm you have read the text as it will be published.")
            else:
                try:
                    services.policy_version_publish(
                        actor=request.user, version=version, previewed_hash=request.POST.get("previewed_hash", "")
                    )
                except services.PolicyError as error:
                    messages.error(request, error.message)
                else:
                    messages.success(request, f"{version} is published. People will be asked to accept it.")
                    return redirect("admin:policy_policyversion_change", version.pk)
        previous = selectors.previous_published_version(version=version)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Preview: {version}",
            "version": version,
            "html": html,
            "digest": digest,
            "previous": previous,
            "diff": text.readable_diff(previous.body, version.body) if previous else [],
            "change_url": reverse("admin:policy_policyversion_change", args=[version.pk]),
        }
        status = 400 if request.method == "POST" else 200
        return TemplateResponse(request, "admin/policy/policyversion/preview.html", context, status=status)

    @admin.action(
        description="Start the next version as a draft, from the selected version's text", permissions=["add"]
    )
    def start_next_draft(self, request, queryset):
        for version in queryset.select_related("policy"):
            try:
                draft = services.policy_version_draft_next(actor=request.user, source=version)
            except services.PolicyError as error:
                messages.error(request, error.message)
            else:
                url = reverse("admin:policy_policyversion_change", args=[draft.pk])
                messages.success(request, format_html('Draft <a href="{}">{}</a> started.', url, draft))


@admin.register(Acknowledgement)
class AcknowledgementAdmin(ReadOnlyAdmin):
    list_display = ("accepted_at", "user", "version", "content_hash", "ip_address", "witnessed_by")
    list_filter = ("version__policy", "version")
    search_fields = ("user__payroll_number", "user__last_name")
    date_hierarchy = "accepted_at"
    list_select_related = ("user", "version__policy", "witnessed_by")


@admin.register(PolicyReminder)
class PolicyReminderAdmin(ReadOnlyAdmin):
    list_display = ("sent_on", "kind", "user", "recipient", "version")
    list_filter = ("kind", "version")
    search_fields = ("user__payroll_number", "recipient__payroll_number")
    date_hierarchy = "sent_on"
    list_select_related = ("user", "recipient", "version__policy")
