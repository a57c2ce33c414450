"""Fixtures for incident tests: a reporter with a supervisor, a second reviewer, a clock that
time-machine can move, and a helper that files a first notification through the service."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from incidents import services
from incidents.models import YesNoUnknown
from portal.models import Role
from tests.factories import UserFactory


@pytest.fixture
def reporter(db, supervisor):
    return UserFactory(roles=[Role.OFFICER], supervisor=supervisor, command_unit="North", team="Response 2")


@pytest.fixture
def second_reviewer(db):
    return UserFactory(roles=[Role.DATA_OFFICE], rank_or_grade="Information Assurance Manager")


@pytest.fixture
def open_incident(reporter):
    """open_incident(hours_ago=1, reporter=None, **fields) -> a first notification, via the service."""

    def _open(*, hours_ago: float = 1, by=None, **fields):
        values = {
            "summary": "Sent a witness statement to the wrong email address",
            "personal_data_involved": YesNoUnknown.YES,
            "device_involved": YesNoUnknown.NO,
            **fields,
        }
        return services.incident_open(
            reporter=by or reporter, aware_at=timezone.now() - timedelta(hours=hours_ago), **values
        )

    return _open


FULL_REPORT = {
    "what_happened": "Autocomplete picked the wrong address for a statement.",
    "where_happened": "Response office, North",
    "breach_kinds": ["confidentiality"],
    "people_categories": ["witnesses"],
    "data_categories": ["identity", "contact"],
    "people_affected": 1,
    "records_affected": 1,
    "likely_consequences": "Distress to the witness.",
    "containment": "Recipient asked to delete it and confirmed.",
    "contact_phone": "020 7946 0000",
}


@pytest.fixture
def full_report():
    return dict(FULL_REPORT)


@pytest.fixture
def outbox(mail_delivered_at_once):
    """Emails sent so far (Django's test runner swaps in the locmem backend), each delivered from
    the outbox as soon as its transaction commits."""
    mail.outbox.clear()
    return mail.outbox
