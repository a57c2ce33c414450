"""Form rendering for the whole site: every Django form renders as GOV.UK Frontend markup."""

from allauth.account.forms import LoginForm as AllauthLoginForm
from django.forms.renderers import TemplatesSetting


class GovukFormRenderer(TemplatesSetting):
    form_template_name = "portal/forms/govuk_form.html"
    field_template_name = "portal/forms/govuk_field.html"


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
