"""The admin, safe with whatever is posted to it: two places where Django's admin answers a value
that is not a key at all ("abc", ":") with a server error instead of a refusal.

- AutocompleteSelect looks the posted value up to show it again as chosen, and that lookup raises;
  the form should just say "Select a valid choice".
- A changelist action filters on the posted `_selected_action` values, and that filter raises.
"""

from django.contrib import messages
from django.contrib.admin import helpers
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect


def _keys_only(field, values) -> tuple[list, bool]:
    """The values that can be keys of `field`, and whether any could not."""
    keys = []
    for value in values:
        try:
            field.run_validators(field.to_python(value))  # the validators hold the column's range
        except ValidationError:
            continue
        keys.append(value)
    return keys, len(keys) != len(values)


class AutocompleteSelectShowingBadInput(AutocompleteSelect):
    def optgroups(self, name, value, attr=None):
        keys, _ = _keys_only(self.field.remote_field.get_related_field(), value)
        return super().optgroups(name, keys, attr)


class SafeAutocompleteMixin:
    """For a ModelAdmin with `autocomplete_fields`: their widgets survive any posted value (the
    field's own validation still refuses it, with its message)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = AutocompleteSelectShowingBadInput(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class SafeActionsMixin:
    """For a ModelAdmin with actions: a selection naming no object is refused with the admin's own
    message, as Django refuses an empty selection."""

    def response_action(self, request, queryset):
        _, tampered = _keys_only(self.model._meta.pk, request.POST.getlist(helpers.ACTION_CHECKBOX_NAME))
        if tampered:
            self.message_user(request, "The selection was not understood: tick the items again.", messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
        return super().response_action(request, queryset)


def make_actions_safe(site) -> None:
    """Give every ModelAdmin registered on `site` (the apps' own and the libraries': auth, allauth,
    auditlog) SafeActionsMixin, so no admin list answers a tampered selection with a 500. Called
    once the admin modules are loaded (PortalConfig.ready)."""
    for model, model_admin in list(site._registry.items()):
        cls = type(model_admin)
        if issubclass(cls, SafeActionsMixin):
            continue
        site.unregister(model)
        site.register(model, type(cls.__name__, (SafeActionsMixin, cls), {"__module__": cls.__module__}))


class ImportRefusalMixin:
    """For a django-import-export admin: a refused file answers 400 with its reason on the form
    (the library shows the reason but answers 200)."""

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        form = (getattr(response, "context_data", None) or {}).get("form")
        if request.method == "POST" and form is not None and form.is_bound and form.errors:
            response.status_code = 400
        return response
