"""`seed_demo` makes the promised force and is idempotent."""

import pytest
from django.core.management import call_command

from devices.models import Assignment, Device, DeviceModel, TechBar
from portal.models import OutboundEmail, Role, User


@pytest.mark.django_db
def test_seed_demo_builds_a_small_force_and_running_it_again_changes_nothing(capsys):
    call_command("seed_demo")
    counts = (TechBar.objects.count(), DeviceModel.objects.count(), Device.objects.count(), User.objects.count())
    assignments = Assignment.objects.count()

    call_command("seed_demo")

    assert counts == (3, 6, 300 + 12, 60)  # the estate, and four loan pool devices per Tech Bar
    assert (
        TechBar.objects.count(),
        DeviceModel.objects.count(),
        Device.objects.count(),
        User.objects.count(),
    ) == counts
    assert Assignment.objects.count() == assignments > 0
    for role in Role:
        assert User.objects.filter(groups__name=role).exists(), role
    assert User.objects.values("command_unit", "team").distinct().count() >= 6
    out = capsys.readouterr().out
    assert "OFF001" in out and "kitbag-demo-2026" in out


@pytest.mark.django_db
def test_demo_login_works(client):
    call_command("seed_demo")
    response = client.post("/accounts/login/", {"login": "OFF001", "password": "kitbag-demo-2026"})
    assert response.status_code == 302


@pytest.mark.django_db
def test_the_logins_are_the_last_thing_the_seed_prints_and_it_sends_no_email(capsys, settings, mailoutbox):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    settings.KITBAG_BASE_URL = "http://127.0.0.1:8001"

    call_command("seed_demo")

    out = capsys.readouterr().out
    assert "Subject:" not in out and "Content-Type" not in out
    lines = out.strip().splitlines()
    assert lines[-1] == "Sign in at http://127.0.0.1:8001/accounts/login/"
    assert any(line.strip().startswith("OFF001") for line in lines[-10:])  # after it, the demo hints
    # Nothing of the seed's is left in the outbox for the worker to print once it starts.
    assert OutboundEmail.objects.exists()
    assert not OutboundEmail.objects.filter(status=OutboundEmail.Status.QUEUED).exists()
