"""Mixins shared by the apps' class-based views."""

from django.core.exceptions import PermissionDenied

from portal.errors import DomainError, show_domain_error


class BadInputMixin:
    """A form sent back with errors is bad input: the page shows why, with a 400 (STYLE.md: bad
    input is a message on the page and a 4xx, never a 500, nothing typed lost)."""

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class DomainErrorMixin(BadInputMixin):
    """A form view whose service may refuse: a `DomainError` raised in `form_valid` is shown on the
    form, what was typed is kept, and the page answers with the error's status (400 or 409).
    `domain_error_fields` renames a service's field to the form's (e.g. aware_at -> noticed_at)."""

    domain_error_fields: dict[str, str] = {}

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if not form.is_valid():
            return self.form_invalid(form)
        try:
            return self.form_valid(form)
        except DomainError as error:
            if isinstance(error, PermissionDenied):
                raise  # a refusal of the person, not of what they typed: Django's 403 page
            return self.domain_error(form, error)

    def domain_error(self, form, error: DomainError):
        show_domain_error(form, error, fields=self.domain_error_fields)
        response = self.form_invalid(form)
        response.status_code = error.status
        return response
