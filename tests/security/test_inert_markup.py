"""Script and HTML typed into any free-text field render inert wherever they are shown: every page of
the access matrix (incident pages and the printable summary, receipts, leaver cases, requests, the
admin's counter and stock pages...), the CSV import preview, and the emails' HTML. The payload is
written into every free-text column of every row after each page's objects are built, so no field
is forgotten: people's names, Tech Bar names, incident text, reasons, notes, conditions..."""

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, models, transaction
from django.urls import reverse

from tests.security.hostile import SCRIPT, STATE_APPS
from tests.test_url_permissions import LOGIN, ROUTES

RAW = ("<script>alert(1)", "<img src=x onerror")
# Identifiers and machine values (in URLs, hashes, lookups) stay as they are; everything else gets it.
NOT_FREE_TEXT = {
    "payroll_number",
    "asset_tag",
    "email",
    "password",
    "username",
    "slug",
    "code",
    "imei",
    "serial_number",
    "mdm_device_id",
    "sim_iccid",
    "phone_number",
    "message_id",
    "to",
    "session_key",
    "session_data",
    "object_pk",
    "object_id",
    "content_type",
    "ip_address",
    "identifier",
    "path",
    "reference",
    "url",
    "data",
}


def _unique_together(model) -> set[str]:
    names = {name for group in model._meta.unique_together for name in group}
    for constraint in model._meta.constraints:
        names.update(getattr(constraint, "fields", ()) or ())
    return names


def _free_text_fields(model):
    keys = _unique_together(model)
    for f in model._meta.concrete_fields:
        if not isinstance(f, (models.CharField, models.TextField)) or f.choices or f.unique or f.primary_key:
            continue
        if f.name in NOT_FREE_TEXT or f.name in keys or "hash" in f.name or "token" in f.name:
            continue
        # Rendered HTML kept beside its source (a policy version's body_html) is sanitised when it
        # is made, from the source: test_a_policy_text_with_script_is_published_inert makes it.
        if f.name.endswith(("_id", "_html")):
            continue
        yield f


def poison_every_free_text_field() -> int:
    """The payload in every free-text column of every row (cut to the column's length). Returns how
    many columns were written."""
    written = 0
    for app_label in STATE_APPS:
        for model in apps.get_app_config(app_label).get_models():
            if model._meta.proxy or not model.objects.exists():
                continue
            values = {f.name: SCRIPT[: f.max_length] if f.max_length else SCRIPT for f in _free_text_fields(model)}
            if not values:
                continue
            try:
                with transaction.atomic():
                    model._base_manager.update(**values)
            except DatabaseError:
                # PostgreSQL's triggers keep the audit chains append-only: those rows keep their
                # text here (the SQLite run writes the payload into them too)
                continue
            written += len(values)
    return written


def assert_inert(body: str, where: str):
    for raw in RAW:
        assert raw not in body, f"{where}: {raw!r} unescaped at {body.find(raw)}: {body[body.find(raw) - 200 :][:400]}"


PAGES = [
    (name, build, [role for role, status in expected.items() if status == 200 and role != "anonymous"])
    for name, build, expected in ROUTES
    if not name.startswith("api:") and any(status == 200 for status in expected.values()) and expected != LOGIN
]


@pytest.mark.django_db
@pytest.mark.parametrize(("url_name", "build", "roles"), PAGES, ids=[p[0] + str(i) for i, p in enumerate(PAGES)])
def test_script_typed_anywhere_is_inert_on_every_page(client, request, url_name, build, roles):
    get = request.getfixturevalue
    users = {role: get(role) for role in roles}
    kwargs = build(get) if build else None
    url = reverse(url_name, kwargs=kwargs)
    assert poison_every_free_text_field() > 0
    for role, user in users.items():
        client.force_login(user)
        if url_name.startswith("admin:devices_counter"):
            _at_a_tech_bar(client)
        response = client.get(url)
        assert response.status_code == 200, (role, url, response.status_code)
        if response.streaming:  # a file (an attachment): never shown inline
            assert response["Content-Disposition"].startswith("attachment;"), url
            continue
        if response["Content-Type"].startswith("image/"):  # the favicon: no text to inject into
            continue
        assert_inert(response.content.decode(), f"{url} as {role}")


def _at_a_tech_bar(client):
    from devices.counter.views import SESSION_KEY
    from devices.models import TechBar

    bar = TechBar.objects.first() or TechBar.objects.create(code="xss", name=SCRIPT)
    session = client.session
    session[SESSION_KEY] = bar.pk
    session.save()


@pytest.mark.django_db
def test_a_policy_text_with_script_is_published_inert(client, officer, portal_admin):
    from tests.policy.factories import published_version

    version = published_version(by=portal_admin, body=f"# Conditions\n\n{SCRIPT}\n\n[x](javascript:alert(1))")
    assert_inert(version.body_html, "the published policy text")
    assert "javascript:" not in version.body_html
    client.force_login(officer)
    page = client.get(reverse("policy:version", kwargs={"slug": version.policy.slug, "number": version.number}))
    assert_inert(page.content.decode(), "the policy page")


@pytest.mark.django_db
def test_script_in_a_csv_is_inert_in_the_import_preview(client, tech_bar_staff):
    from devices.models import DeviceModel, TechBar

    bar = TechBar.objects.create(code="hq", name=SCRIPT)
    DeviceModel.objects.create(make="Samsung", model_name="Galaxy XCover 7", kind="smartphone")
    quoted = SCRIPT.replace('"', '""')
    csv = f'Asset tag,Serial number,IMEI,Model,Notes\r\n"{quoted}",R58,,Samsung Galaxy XCover 7,x\r\n'
    client.force_login(tech_bar_staff)
    upload = SimpleUploadedFile("intune.csv", csv.encode(), "text/csv")
    response = client.post(
        reverse("admin:devices_device_import"),
        {"import_file": upload, "format": "0", "resource": "0", "tech_bar": bar.pk},
    )
    assert response.status_code < 500
    assert "&lt;script&gt;alert(1)" in response.content.decode()  # shown, escaped
    assert_inert(response.content.decode(), "the MDM import preview")


@pytest.mark.django_db
def test_script_is_inert_in_the_emails(officer, data_office, mail_delivered_at_once):
    """A report whose text and reporter's name are the payload: every email it sends (the Data
    Office's notice, the reporter's receipt, the ladder's reminders) has an HTML part without it raw."""
    import datetime

    from django.core import mail
    from django.utils import timezone

    from incidents import services
    from portal import timers
    from portal.models import OutboundEmail

    officer.first_name = officer.last_name = SCRIPT
    officer.save(update_fields=["first_name", "last_name"])
    services.incident_open(
        reporter=officer,
        summary=SCRIPT,
        aware_at=timezone.now() - datetime.timedelta(hours=13),
        personal_data_involved="yes",
        device_involved="no",
    )
    timers.sweep(schedule_ahead=False)
    emails = list(OutboundEmail.objects.all())
    assert emails, "the report sent no email"
    for email in emails:
        if email.html:
            assert_inert(email.html, f"email {email.subject!r} (HTML)")
        assert_inert(email.subject, f"email subject {email.subject!r}")
    for message in mail.outbox:
        for body, content_type in getattr(message, "alternatives", []):
            if content_type == "text/html":
                assert_inert(body, f"sent email {message.subject!r}")
        assert message.content_subtype == "plain"  # the text part is text/plain: inert by type
