"""Mixins shared by the apps' class-based views."""


class BadInputMixin:
    """A form sent back with errors is bad input: the page shows why, with a 400 (STYLE.md: bad
    input is a message on the page and a 4xx, never a 500, nothing typed lost)."""

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response
