"""The one base for domain errors: a rule of the workflow said no, in words for the person who tried.

Every app's errors (`DeviceError`, `PolicyError`, `IncidentError`, `NotAllowed`) subclass
`DomainError`, so a view maps them once (`portal.views_mixins.DomainErrorMixin`): the message on
the page against the form, with what was typed, and `status` as the response's code: 400 for input
the rules refuse, 409 for a clash with the record's state (a page behind a newer save).
"""


class DomainError(Exception):
    """A rule of the domain said no; str(error) is written for the person who tried."""

    status: int = 400

    @property
    def messages(self) -> list[str]:
        # ValidationError subclasses put ValidationError first, so its own `messages` wins there.
        return [str(self)]


class Conflict(DomainError):
    """The record changed under the person's page: nothing was saved, and reloading shows why."""

    status = 409


def show_domain_error(form, error: Exception, *, fields: dict[str, str] | None = None) -> None:
    """Put a domain error's messages on `form`: against the field each concerns when the form has
    it (`fields` renames a service's field to the form's), otherwise above the form."""
    error_dict = getattr(error, "error_dict", None)
    if error_dict is None:
        form.add_error(None, list(error.messages))
        return
    for field, problems in error.message_dict.items():
        name = (fields or {}).get(field, field)
        form.add_error(name if name in form.fields else None, problems)
