"""Audit: admin changes record who, when, what changed and from where; audit rows are never changed."""

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError

from portal.models import SecurityEvent, User
from tests.admin_forms import person_change_data


@pytest.mark.django_db
def test_changing_a_person_in_the_admin_records_actor_diff_and_address(client, portal_admin, officer):
    client.force_login(portal_admin)
    url = f"/admin/portal/user/{officer.pk}/change/"
    data = person_change_data(client, url, officer, team="Custody")
    response = client.post(url, data, REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""

    officer.refresh_from_db()
    assert officer.team == "Custody"
    entry = LogEntry.objects.get_for_object(officer).filter(action=LogEntry.Action.UPDATE).latest("timestamp")
    assert entry.actor == portal_admin
    assert entry.remote_addr == "10.1.2.3"
    assert entry.changes_dict["team"] == ["Response 1", "Custody"]


@pytest.mark.django_db
def test_audit_log_is_read_only_in_the_admin(client, portal_admin, officer):
    client.force_login(portal_admin)
    entry = LogEntry.objects.get_for_object(officer).first()
    assert client.get(f"/admin/auditlog/logentry/{entry.pk}/delete/").status_code in (403, 302)
    assert LogEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.django_db
def test_security_events_refuse_change_and_delete(officer):
    event = SecurityEvent.objects.create(kind=SecurityEvent.Kind.SIGNED_IN, user=officer)
    event.detail = "tampered"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()
    assert User.objects.filter(pk=officer.pk).exists()
