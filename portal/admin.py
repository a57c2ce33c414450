"""Admin for people: the HR import lives here; roles are assigned by group. Who may open the
admin at all is decided by the site (portal.admin_site), from the roles."""

from auditlog.admin import LogEntryAdmin as AuditlogLogEntryAdmin
from auditlog.models import LogEntry
from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.urls import path
from import_export.admin import ImportExportMixin
from import_export.forms import ImportForm

from portal import outbox, permissions
from portal.admin_input import ImportRefusalMixin, SafeAutocompleteMixin
from portal.models import Notification, OutboundEmail, SecurityEvent, User
from portal.resources import PersonResource
from portal.services import person_update
from portal.uploads import PEOPLE_MAX_BYTES, clean_csv_upload


class PersonChangeForm(UserChangeForm):
    """The person form, with the reason a leaving date is removed (their leaver case is
    cancelled with it, see `portal.services.person_update`)."""

    leaving_date_reason = forms.CharField(
        label="Why the leaving date changed",
        required=False,
        max_length=500,
        help_text="Needed when you remove a leaving date: the person's leaver case is cancelled with this reason.",
    )

    def clean(self):
        cleaned = super().clean()
        removed = self.initial.get("leaving_date") and not cleaned.get("leaving_date")
        if removed and "leaving_date" in self.changed_data and not cleaned.get("leaving_date_reason", "").strip():
            self.add_error("leaving_date_reason", "Say why the leaving date is removed.")
        return cleaned


class PersonImportForm(ImportForm):
    """The HR file, checked by what its bytes are before a row is read."""

    def clean_import_file(self):
        return clean_csv_upload(
            self.cleaned_data["import_file"], max_bytes=PEOPLE_MAX_BYTES, advice="export the people from HR as CSV."
        )


@admin.register(User)
class UserAdmin(SafeAutocompleteMixin, ImportRefusalMixin, ImportExportMixin, DjangoUserAdmin):
    resource_classes = [PersonResource]
    import_form_class = PersonImportForm
    form = PersonChangeForm
    list_display = ("payroll_number", "last_name", "first_name", "email", "command_unit", "team", "is_active")
    list_filter = ("is_active", "is_staff", "local_sign_in_allowed", "groups", "command_unit")
    search_fields = ("payroll_number", "first_name", "last_name", "email")
    ordering = ("last_name", "first_name")
    list_select_related = ("supervisor",)
    autocomplete_fields = ("supervisor",)
    readonly_fields = ("last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("payroll_number", "password")}),
        ("Person", {"fields": ("first_name", "last_name", "email", "rank_or_grade")}),
        (
            "Where they work",
            {"fields": ("command_unit", "team", "supervisor", "leaving_date", "leaving_date_reason")},
        ),
        ("Access", {"fields": ("is_active", "local_sign_in_allowed", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("payroll_number", "first_name", "last_name", "email", "password1", "password2"),
            },
        ),
    )

    # What the Tech Bar counter needs to find and serve a person, and no more: no email, no
    # supervisor, no roles or sign-in details, no password link (its form would refuse them).
    counter_fieldsets = (
        (None, {"fields": ("payroll_number", "first_name", "last_name", "rank_or_grade")}),
        ("Where they work", {"fields": ("command_unit", "team", "leaving_date", "is_active")}),
    )
    counter_list_display = ("payroll_number", "last_name", "first_name", "rank_or_grade", "command_unit", "team")
    counter_search_fields = ("payroll_number", "first_name", "last_name")

    def save_model(self, request, obj, form, change):
        # A leaving date set, moved or cleared opens, moves or cancels their leaver case, in this
        # same transaction.
        person_update(
            person=obj,
            actor=request.user,
            source="admin",
            reason=form.cleaned_data.get("leaving_date_reason", ""),
        )

    def _is_counter_only(self, request) -> bool:
        return not permissions.can_manage_people(request.user)

    def get_fieldsets(self, request, obj=None):
        if obj is not None and self._is_counter_only(request):
            return self.counter_fieldsets
        return super().get_fieldsets(request, obj)

    def get_list_display(self, request):
        return self.counter_list_display if self._is_counter_only(request) else super().get_list_display(request)

    def get_list_filter(self, request):
        return ("command_unit",) if self._is_counter_only(request) else super().get_list_filter(request)

    def get_search_fields(self, request):
        return self.counter_search_fields if self._is_counter_only(request) else super().get_search_fields(request)

    def get_urls(self):
        from portal.admin_sessions import person_sessions

        return [
            path("<int:pk>/sessions/", self.admin_site.admin_view(person_sessions), name="portal_user_sessions"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # The person's page links to their signed-in sessions, for those who may end them.
        extra_context = {**(extra_context or {}), "may_end_sessions": permissions.can_manage_people(request.user)}
        return super().change_view(request, object_id, form_url, extra_context)

    def has_import_permission(self, request):
        # django-import-export lets anyone who can open the admin import unless told otherwise; the
        # HR import creates and changes people (their email is what sign-in matches on).
        return permissions.can_manage_people(request.user) and self.has_add_permission(request)

    def has_export_permission(self, request):
        # The whole staff list leaves the portal in one file: Portal admins only, never the counter.
        return permissions.can_export_people(request.user) and self.has_view_permission(request)


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records the application never changes: viewable, never added, edited or deleted."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SecurityEvent)
class SecurityEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "kind", "identifier", "user", "ip_address", "path")
    list_filter = ("kind",)
    search_fields = ("identifier", "ip_address", "user__payroll_number")
    date_hierarchy = "created_at"
    list_select_related = ("user",)


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "recipient", "subject", "read_at")
    search_fields = ("recipient__payroll_number", "subject")
    list_select_related = ("recipient",)


@admin.register(OutboundEmail)
class OutboundEmailAdmin(ReadOnlyAdmin):
    """The outbox, for whoever runs the portal: what is queued, sent or failed and why, and a
    resend for failed messages once the mail server (or the address) is mended."""

    list_display = ("created_at", "to", "subject", "status", "attempts", "next_attempt_at", "last_error")
    list_filter = ("status", "created_at")
    search_fields = ("to", "subject", "message_id")
    date_hierarchy = "created_at"
    readonly_fields = ("cause_type", "cause_id")
    exclude = ("claim",)
    actions = ["resend"]
    show_full_result_count = False  # never deleted: millions of rows in time

    def has_view_permission(self, request, obj=None):
        return permissions.can_run_the_outbox(request.user) and super().has_view_permission(request, obj)

    def has_resend_permission(self, request):
        return permissions.can_run_the_outbox(request.user)

    @admin.action(description="Resend the selected failed email", permissions=["resend"])
    def resend(self, request, queryset):
        count = outbox.emails_resend(emails=queryset.filter(status=OutboundEmail.Status.FAILED), actor=request.user)
        skipped = queryset.count() - count
        message = f"{count} failed email(s) queued again."
        if skipped:
            message += f" {skipped} not failed, left as they were."
        self.message_user(request, message)


# Registered by django-auditlog; replaced so that an app's changes can be shown only to those who
# may see them (incidents: their content is personal data of victims and witnesses), as each app
# asks with admin.site.restrict_log_entries.
admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class LogEntryAdmin(AuditlogLogEntryAdmin):
    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        hidden = self.admin_site.log_entry_apps_hidden_from(request.user)
        if hidden:
            queryset = queryset.exclude(content_type__app_label__in=hidden)
        return queryset
