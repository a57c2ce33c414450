"""Form rendering for the whole site: every Django form renders as GOV.UK Frontend markup."""

from allauth.account.forms import LoginForm as AllauthLoginForm
from django.forms.renderers import TemplatesSetting
from django.template.base import render_value_in_context
from django.template.context import Context
from django.utils.html import escape
from django.utils.safestring import SafeData

_SELECT = "django/forms/widgets/select.html"
_OPTION = "django/forms/widgets/select_option.html"
_INPUT = "django/forms/widgets/input.html"
# Django's widgets whose template is only {% include "django/forms/widgets/input.html" %}.
_INPUTS = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in ("checkbox", "color", "date", "datetime", "email", "hidden", "number", "password", "search", "tel")
) | frozenset(f"django/forms/widgets/{name}.html" for name in ("text", "time", "url"))


class GovukFormRenderer(TemplatesSetting):
    form_template_name = "portal/forms/govuk_form.html"
    field_template_name = "portal/forms/govuk_field.html"

    def render(self, template_name, context, request=None):
        # A select renders each option through a template include: a list's filter form, with its
        # units, models and Tech Bars, spent more on that than on its table. The same HTML, made here.
        if template_name == _SELECT and not self._overridden():
            html = _select_html(context["widget"])
            if html is not None:
                return html
        # Likewise each input (a text box, a hidden field, a tick box): two template lookups and
        # renders a field, for one tag.
        if template_name in _INPUTS and not self._overridden(template_name, _INPUT):
            return _input_html(context["widget"])
        return super().render(template_name, context, request=request)

    def _overridden(self, *names: str) -> bool:
        """Whether a project template replaces one of Django's (by default the select and its
        option): then the template is used."""
        names = names or (_SELECT, _OPTION)
        known = self.__dict__.setdefault("_templates_overridden", {})
        overridden = known.get(names)
        if overridden is None:
            origins = [self.get_template(name).origin.name for name in names]
            overridden = known[names] = any("django/forms/templates" not in o for o in origins)
        return overridden


def _text(value, context) -> str:
    return render_value_in_context(value, context)


def _formatted(value) -> str:
    """{{ value|stringformat:'s' }}: what stringformat makes of it, escaped unless it was safe."""
    text = str(value)
    return text if isinstance(value, SafeData) else escape(text)


def _attrs(attrs, context) -> str:
    """django/forms/widgets/attrs.html."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(f" {_text(name, context)}" if value is True else f' {_text(name, context)}="{_formatted(value)}"')
    return "".join(out)


def _select_html(widget) -> str | None:
    """django/forms/widgets/select.html with its select_option.html, stripped as the renderer
    strips it; None if an option has a template of its own."""
    context = Context(autoescape=True)
    parts = [f'<select name="{_text(widget["name"], context)}"{_attrs(widget["attrs"], context)}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name, context)}">')
        for option in group_choices:
            if option.get("template_name") != _OPTION:
                return None
            parts.append(
                f'\n  <option value="{_formatted(option["value"])}"{_attrs(option["attrs"], context)}>'
                f"{_text(option['label'], context)}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _input_html(widget) -> str:
    """django/forms/widgets/input.html with attrs.html, as the renderer strips it."""
    context = Context(autoescape=True)
    value = widget["value"]
    shown = f' value="{_formatted(value)}"' if value is not None else ""
    return (
        f'<input type="{_text(widget["type"], context)}" name="{_text(widget["name"], context)}"'
        f"{shown}{_attrs(widget['attrs'], context)}>"
    )


class LoginForm(AllauthLoginForm):
    """allauth's sign-in form in the force's words."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        login = self.fields["login"]
        login.label = "Payroll or warrant number, or email address"
        login.widget.attrs.pop("placeholder", None)
        login.widget.attrs["autocomplete"] = "username"
        login.widget.attrs["spellcheck"] = "false"
        password = self.fields["password"]
        password.help_text = ""
        password.widget.attrs.pop("placeholder", None)
