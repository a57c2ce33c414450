"""The gate, the acceptance pages, the receipt, my policies and the home page."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from policy.forms import shown_version_token
from policy.models import Acknowledgement, Policy
from tests.factories import UserFactory
from tests.policy.factories import PolicyFactory, PolicyVersionFactory, accept, published_version
from tests.policy.pages import accept_url, is_sent_to_accept, receipt_url, token_from

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


# --- The gate ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "path",
    [
        "/accounts/logout/",
        "/accounts/password/change/",
        "/policy/mine/",
        "/help/",
        "/help",
        "/accessibility/",
        "/health/",
        "/notifications/",
        "/static/css/kitbag.css",
        "/incidents/report/",
        "/incidents/report",
        "/incidents/report/lost-or-stolen/",
        "/incidents/report/any/page/at/all/?device=123",
    ],
)
def test_the_gate_never_blocks(gated, version, path):
    response = gated.get(path)
    assert not is_sent_to_accept(response, version), f"{path} was gated"


def test_the_gate_never_blocks_the_policy_pages(gated, version):
    for url in [
        accept_url(version),
        reverse("policy:version", kwargs={"slug": version.policy.slug, "number": 1}),
        reverse("policy:my_policies"),
    ]:
        assert gated.get(url).status_code == 200, url


def test_the_gate_never_blocks_signing_out(gated, version):
    response = gated.post("/accounts/logout/")
    assert response.status_code == 302
    assert not is_sent_to_accept(response, version)
    assert "_auth_user_id" not in gated.session


@pytest.mark.parametrize("path", ["/", "/admin/", "/incidents/", "/incidents/42/", "/devices/", "/no-such-page/"])
def test_the_gate_blocks_everything_else_and_remembers_where_you_were_going(gated, version, path):
    response = gated.get(path)
    assert is_sent_to_accept(response, version), f"{path}: {response.status_code}"
    assert response["Location"] == f"{accept_url(version)}?next={path.replace('/', '%2F')}"


def test_a_form_already_open_when_the_gate_closes_is_not_lost(gated, officer, version):
    """The form is let through (nothing typed is lost); the page it leads to is gated."""
    from portal.services import notify

    note = notify(recipient=officer, subject="Your report is due", url="/help/", email=False)
    response = gated.post(f"/notifications/{note.pk}/read/")
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.read_at is not None
    assert is_sent_to_accept(gated.get("/notifications-elsewhere/"), version)


def test_after_accepting_the_gate_opens(gated, officer, version):
    accept(officer, version)
    assert gated.get("/").status_code == 200


def test_anonymous_people_are_sent_to_sign_in_not_to_the_policy(client, version):
    response = client.get("/")
    assert response["Location"].startswith(reverse("account_login"))


def test_people_whose_role_is_not_covered_are_never_gated(client, officer, tech_bar_staff):
    policy = PolicyFactory(audience=Policy.Audience.ROLES)
    policy.roles.add(*tech_bar_staff.groups.all())
    version = published_version(policy=policy)
    client.force_login(officer)
    assert client.get("/").status_code == 200
    client.force_login(tech_bar_staff)
    assert is_sent_to_accept(client.get("/"), version)


def test_grace_period_lets_people_in_until_it_ends(client, settings):
    settings.POLICY_GRACE_PERIOD_DAYS = 5
    person = UserFactory(date_joined=timezone.now() - 100 * DAY)
    version = published_version(effective_date=timezone.localdate())
    client.force_login(person)
    home = client.get("/")
    assert home.status_code == 200
    assert "Policy to accept" in home.content.decode()  # the home panel asks, with a date
    with time_machine.travel(version.starts_at + 5 * DAY - datetime.timedelta(minutes=1), tick=False):
        client.force_login(person)
        assert client.get("/").status_code == 200
    with time_machine.travel(version.starts_at + 5 * DAY, tick=False):
        client.force_login(person)
        assert is_sent_to_accept(client.get("/"), version)


def test_a_versions_grace_period_overrides_the_setting(client, settings):
    settings.POLICY_GRACE_PERIOD_DAYS = 30
    person = UserFactory(date_joined=timezone.now() - 100 * DAY)
    version = published_version(grace_days=0)
    client.force_login(person)
    assert is_sent_to_accept(client.get("/"), version)


def test_a_new_version_with_the_flag_gates_again(gated, officer, version, portal_admin):
    accept(officer, version)
    v2 = published_version(policy=version.policy, number=2, requires_acceptance=True, by=portal_admin)
    assert is_sent_to_accept(gated.get("/"), v2)


def test_a_new_version_without_the_flag_does_not_gate(gated, officer, version, portal_admin):
    accept(officer, version)
    published_version(policy=version.policy, number=2, requires_acceptance=False, by=portal_admin)
    assert gated.get("/").status_code == 200


# --- Reading and accepting ---------------------------------------------------------------------
def test_the_acceptance_page_shows_the_text_and_an_explicit_checkbox(gated, version):
    response = gated.get(accept_url(version, "/"))
    html = response.content.decode()
    assert response.status_code == 200
    assert version.body_html in html
    assert 'type="checkbox" name="confirm"' in html
    assert f"I have read and accept the {version.policy.name}, version 1" in html
    assert "Accept and continue" in html
    assert "If you cannot accept these conditions" in html
    assert 'name="next" value="/"' in html


def test_accepting_records_and_shows_the_receipt(gated, officer, version):
    page = gated.get(accept_url(version, "/"))
    response = gated.post(
        accept_url(version, "/"),
        {"shown": token_from(page), "confirm": "on", "next": "/"},
        HTTP_USER_AGENT="Mozilla/5.0 (Android 15; Mobile)",
        REMOTE_ADDR="10.20.30.40",
    )
    assert response.status_code == 302
    assert response["Location"] == f"{receipt_url(version)}?next=/"
    ack = Acknowledgement.objects.get(user=officer, version=version)
    assert (ack.content_hash, ack.ip_address) == (version.content_hash, "10.20.30.40")
    assert ack.user_agent == "Mozilla/5.0 (Android 15; Mobile)"

    receipt = gated.get(response["Location"])
    html = receipt.content.decode()
    assert "govuk-panel--confirmation" in html
    assert version.content_hash in html
    assert timezone.localtime(ack.accepted_at).strftime("%H:%M") in html
    assert 'href="/"' in html  # Continue goes back where the gate stopped them
    assert gated.get("/").status_code == 200


def test_double_submit_records_one_acknowledgement_and_shows_the_same_receipt(gated, officer, version):
    token = token_from(gated.get(accept_url(version)))
    first = gated.post(accept_url(version), {"shown": token, "confirm": "on"})
    second = gated.post(accept_url(version), {"shown": token, "confirm": "on"})
    assert first["Location"] == second["Location"] == receipt_url(version)
    assert Acknowledgement.objects.filter(user=officer, version=version).count() == 1
    # A second tab opened before the first accepted: same again.
    other_tab = shown_version_token(user=officer, version=version, shown_at=timezone.now() - DAY / 24)
    third = gated.post(accept_url(version), {"shown": other_tab, "confirm": "on"})
    assert third["Location"] == receipt_url(version)
    assert Acknowledgement.objects.filter(user=officer).count() == 1


def test_without_the_checkbox_nothing_is_recorded(gated, version):
    response = gated.post(accept_url(version, "/"), {"shown": token_from(gated.get(accept_url(version))), "next": "/"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "govuk-error-summary" in html
    assert "Tick the box to confirm you have read and accept the conditions" in html
    assert 'href="#id_confirm"' in html
    assert version.body_html in html
    assert not Acknowledgement.objects.exists()


@pytest.mark.parametrize("tampered", ["", "not-a-token", "eyJ2ZXJzaW9uIjo5OTl9:forged:signature"])
def test_a_tampered_form_records_nothing(gated, version, tampered):
    response = gated.post(accept_url(version), {"shown": tampered, "confirm": "on"})
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert not Acknowledgement.objects.exists()


def test_a_form_made_for_someone_else_records_nothing(gated, version, supervisor):
    token = shown_version_token(user=supervisor, version=version)
    response = gated.post(accept_url(version), {"shown": token, "confirm": "on"})
    assert response.status_code == 400
    assert "for someone else" in response.content.decode()
    assert not Acknowledgement.objects.exists()


def test_a_version_of_another_policy_records_nothing(gated, officer, version):
    other = published_version(policy=PolicyFactory(name="Mobile Device Rules"))
    token = shown_version_token(user=officer, version=other)
    response = gated.post(accept_url(version), {"shown": token, "confirm": "on"})
    assert response.status_code == 400
    assert "not a version of this policy" in response.content.decode()
    assert not Acknowledgement.objects.exists()


def test_a_version_that_is_not_current_records_nothing(gated, officer, version, portal_admin):
    v2 = published_version(policy=version.policy, number=2, by=portal_admin)
    token = shown_version_token(user=officer, version=version)  # v1, "shown" after v2 was published
    response = gated.post(accept_url(version), {"shown": token, "confirm": "on"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Version 1 is not the version in force" in html
    assert f"version {v2.number}" in html  # the page now shows version 2 to read
    assert token_from(response) != token  # with a fresh form for it...
    assert re.search(r'name="confirm"[^>]*checked', html) is None  # ...to be ticked after reading it
    assert not Acknowledgement.objects.exists()


def test_a_page_left_open_too_long_records_nothing(gated, officer, version, settings):
    token = shown_version_token(user=officer, version=version)
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=settings.POLICY_ACCEPT_FORM_MAX_AGE + 60)):
        gated.force_login(officer)  # a new session: the old one has long timed out
        response = gated.post(accept_url(version), {"shown": token, "confirm": "on"})
    assert response.status_code == 400
    assert "open for too long" in response.content.decode()
    assert not Acknowledgement.objects.exists()


def test_a_version_published_while_reading_is_recorded_as_read_then_the_new_one_is_asked(
    gated, officer, version, portal_admin
):
    token = token_from(gated.get(accept_url(version)))  # reading version 1...
    v2 = published_version(policy=version.policy, number=2, by=portal_admin)  # ...when version 2 appears
    response = gated.post(accept_url(version), {"shown": token, "confirm": "on"})
    assert response["Location"] == receipt_url(version)
    assert Acknowledgement.objects.get(user=officer).version == version
    receipt = gated.get(response["Location"]).content.decode()
    assert "Version 2 was published while you were reading" in receipt
    assert is_sent_to_accept(gated.get("/"), v2)


def test_the_acceptance_page_summarises_what_changed_since_my_last_acceptance(gated, officer, version, portal_admin):
    accept(officer, version)
    published_version(
        policy=version.policy,
        number=2,
        body=version.body.replace("Keep it with you", "Keep it with you at all times"),
        summary_of_changes="Devices must be kept with you at all times.",
        by=portal_admin,
    )
    html = gated.get(accept_url(version)).content.decode()
    assert "What has changed since version 1" in html
    assert "Devices must be kept with you at all times." in html
    assert 'with you <ins><span class="govuk-visually-hidden">Added: </span>at all times</ins>, locked' in html


def test_an_unsafe_next_is_ignored(gated, version):
    token = token_from(gated.get(accept_url(version)))
    response = gated.post(
        accept_url(version, "https://evil.example/"), {"shown": token, "confirm": "on", "next": "https://evil.example/"}
    )
    assert response["Location"] == receipt_url(version)


def test_a_policy_with_nothing_in_force_is_not_found(gated):
    draft = PolicyVersionFactory()
    assert gated.get(accept_url(draft)).status_code == 404


# --- Receipts, versions, my policies, home -----------------------------------------------------
def test_a_receipt_is_only_for_the_person_who_accepted(client, officer, supervisor, version):
    accept(supervisor, version)
    client.force_login(officer)
    assert client.get(receipt_url(version)).status_code == 404
    client.force_login(supervisor)
    assert client.get(receipt_url(version)).status_code == 200


def test_my_policies_lists_status_and_receipts(gated, officer, version):
    html = gated.get(reverse("policy:my_policies")).content.decode()
    assert "To accept" in html and "You have not accepted any policy yet." in html
    accept(officer, version)
    html = gated.get(reverse("policy:my_policies")).content.decode()
    assert "Accepted" in html
    assert receipt_url(version) in html


def test_drafts_are_never_shown(gated, version):
    draft = PolicyVersionFactory(policy=version.policy, number=2)
    url = reverse("policy:version", kwargs={"slug": version.policy.slug, "number": draft.number})
    assert gated.get(url).status_code == 404


def test_home_shows_nothing_to_accept_once_accepted(client, officer, version):
    accept(officer, version)
    client.force_login(officer)
    assert "Policy to accept" not in client.get("/").content.decode()
