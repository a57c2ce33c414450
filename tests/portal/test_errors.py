"""One domain error base: every app's errors are DomainErrors, shown once on the form by the
shared view mixin with their status (400, 409), and a refusal of the person stays a 403."""

import pytest
from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.test import RequestFactory
from django.views.generic import FormView

from devices.core.services import DeviceError
from incidents import services as incident_services
from policy import services as policy_services
from portal.errors import Conflict, DomainError, show_domain_error
from portal.views_mixins import DomainErrorMixin


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (DeviceError("KB000001 cannot go from lost to in stock."), 400),
        (policy_services.PolicyError("Nothing to publish."), 400),
        (policy_services.NotAllowed("Not yours."), 400),
        (incident_services.IncidentError({"text": "Enter the note"}), 400),
        (incident_services.StaleDraft(), 409),
        (incident_services.NotAllowed("No."), 403),
    ],
)
def test_every_apps_errors_are_domain_errors_with_a_status(error, status):
    assert isinstance(error, DomainError)
    assert error.status == status
    assert error.messages


def test_incident_errors_are_still_validation_errors():
    error = incident_services.IncidentError({"text": "Enter the note"})
    assert isinstance(error, ValidationError)
    assert error.message_dict == {"text": ["Enter the note"]}
    assert incident_services.IncidentError(["One", "Two"]).messages == ["One", "Two"]
    assert isinstance(incident_services.NotAllowed("No."), PermissionDenied)


def test_a_policy_error_keeps_its_message():
    assert policy_services.VersionNotAcceptable("Read it first.").message == "Read it first."


class NoteForm(forms.Form):
    text = forms.CharField()
    noticed_at = forms.CharField(required=False)


def test_show_domain_error_puts_messages_against_the_fields_the_form_has():
    form = NoteForm({"text": "x"})
    assert form.is_valid()
    error = incident_services.IncidentError({"text": "Too long", "aware_at": "In the future", "other": "Odd"})
    show_domain_error(form, error, fields={"aware_at": "noticed_at"})
    assert form.errors == {"text": ["Too long"], "noticed_at": ["In the future"], "__all__": ["Odd"]}


def test_show_domain_error_puts_a_plain_message_above_the_form():
    form = NoteForm({"text": "x"})
    assert form.is_valid()
    show_domain_error(form, DeviceError("KB000001 is lost, not in stock."))
    assert form.non_field_errors() == ["KB000001 is lost, not in stock."]


class NoteView(DomainErrorMixin, FormView):
    form_class = NoteForm
    error: Exception | None = None

    def form_valid(self, form):
        if self.error:
            raise self.error
        return HttpResponse("saved")

    def form_invalid(self, form):
        # What the page would show: the errors and what was typed.
        return HttpResponse(f"{dict(form.errors)} {form.data.get('text')}")


def post(error):
    request = RequestFactory().post("/", {"text": "what I typed"})
    return NoteView.as_view(error=error)(request)


def test_the_mixin_shows_a_domain_error_on_the_page_with_its_status_and_keeps_the_typing():
    assert post(None).status_code == 200
    response = post(incident_services.IncidentError({"text": "Too long"}))
    assert response.status_code == 400
    assert "Too long" in response.content.decode()
    assert "what I typed" in response.content.decode()
    response = post(Conflict("Saved elsewhere since."))
    assert response.status_code == 409
    assert "Saved elsewhere since." in response.content.decode()


def test_the_mixin_leaves_a_refusal_of_the_person_to_djangos_403():
    with pytest.raises(PermissionDenied):
        post(incident_services.NotAllowed("No."))
