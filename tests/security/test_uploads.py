"""Every upload is judged by its bytes, not by the name or content type the browser sends: a "CSV"
that is really a ZIP, an image, a PDF, a program or binary data, or one over the size limit, is
refused with a clear message and a 4xx, and nothing is written. Files the portal serves go out as
attachments with `X-Content-Type-Options: nosniff`."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from devices.imports import admin as admin_import
from devices.imports.services.files import devices_import
from portal import uploads
from tests.security import hostile

# Disguises: each sent with a .csv name and a text/csv content type.
ZIP = b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00[Content_Types].xml"  # what an .xlsx starts with
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"
ELF = b"\x7fELF\x02\x01\x01\x00"
GZIP = b"\x1f\x8b\x08\x00\x00\x00\x00\x00"
NUL = b"Asset tag,Serial\r\nKB1,R5\x00\x00\x00\r\n"
LATIN1 = "Asset tag,Serial\r\nKB1,Ren\xe9\r\n".encode("latin-1")
# No NUL in the first bytes (where a sniffer that reads only a head would look), then binary.
LATE_BINARY = b"Asset tag,Serial\r\n" + b"KB1,R5\r\n" * 2000 + b"\x00\x01\x02"
EMPTY = b""

DISGUISES = {
    "zip (xlsx)": (ZIP, "binary data"),
    "zip without nul": (b"PK\x03\x04\x14\x06\x08!", "ZIP archive"),
    "png": (PNG, "binary data"),
    "pdf": (PDF, "PDF document"),
    "windows program": (EXE, "binary data"),
    "linux program": (ELF, "binary data"),
    "gzip": (GZIP, "binary data"),
    "nul bytes": (NUL, "binary data"),
    "binary after 8 KB": (LATE_BINARY, "binary data"),
    "latin-1": (LATIN1, "not a UTF-8 CSV file"),
    "empty": (EMPTY, ""),
}


def _csv_named(data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("devices.csv", data, content_type="text/csv")


@pytest.mark.parametrize(("data", "expected"), DISGUISES.values(), ids=DISGUISES.keys())
def test_the_sniffer_names_what_a_file_really_is(data, expected):
    problem = uploads.csv_problem(data, max_bytes=1024 * 1024)
    assert problem, data[:16]
    assert expected in problem


def test_a_real_csv_passes_the_sniffer():
    assert uploads.csv_problem("Asset tag,Serial\r\nKB1,Ǆ\r\n".encode(), max_bytes=1024) == ""
    assert uploads.csv_problem(b"\xef\xbb\xbfAsset tag\r\nKB1\r\n", max_bytes=1024) == ""  # Excel's BOM


UPLOADS = {
    # the MDM import in the device admin (Tech Bar staff)
    "mdm admin": ("admin:devices_device_import", "tech_bar_staff", {"format": "0", "resource": "0"}),
    # the HR import in the person admin (Portal admins)
    "hr admin": ("admin:portal_user_import", "portal_admin", {"format": "0", "resource": "0"}),
}


@pytest.mark.django_db
@pytest.mark.parametrize("upload", UPLOADS.values(), ids=UPLOADS.keys())
@pytest.mark.parametrize(("data", "expected"), DISGUISES.values(), ids=DISGUISES.keys())
def test_a_disguised_csv_upload_is_refused_and_writes_nothing(client, request, upload, data, expected):
    url_name, role, fields = upload
    client.force_login(request.getfixturevalue(role))
    before = hostile.database_state(ignore=frozenset({"sessions.session"}))
    response = client.post(reverse(url_name), {**fields, "import_file": _csv_named(data)})
    assert response.status_code == 400
    assert expected in response.content.decode()
    assert not hostile.changed_models(before, hostile.database_state(ignore=frozenset({"sessions.session"})))


@pytest.mark.django_db
def test_an_upload_over_the_limit_is_refused_before_it_is_read(client, tech_bar_staff, monkeypatch):
    monkeypatch.setattr(admin_import, "MAX_BYTES", 1024)
    client.force_login(tech_bar_staff)
    data = b"Asset tag\r\n" + b"KB1\r\n" * 1000
    response = client.post(
        reverse("admin:devices_device_import"), {"format": "0", "resource": "0", "import_file": _csv_named(data)}
    )
    assert "the largest accepted is 0 MB" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("data", "expected"), DISGUISES.values(), ids=DISGUISES.keys())
def test_the_import_worker_refuses_a_disguised_file_too(tech_bar_staff, data, expected):
    """The Celery job reads the stored bytes again (devices.imports.resources.read_csv), whatever the form said."""
    from devices.models import Device

    report = devices_import(data=data, actor=tech_bar_staff)
    assert not report.ok and expected in report.errors[0], report.errors
    assert not Device.objects.exists()


def _served_files(get) -> list[tuple[str, str]]:
    """(role, URL) of every view that hands over a file rather than a page."""
    from tests import test_url_permissions as matrix

    attachment = matrix._officers_attachment(get)
    return [
        ("officer", reverse("incidents:incident_attachment_download", kwargs=attachment)),
        ("data_office", reverse("incidents:incident_attachment_download", kwargs=attachment)),
        ("data_office", reverse("devices:device_list") + "?_export=csv"),
        ("data_office", reverse("devices:device_list") + "?_export=xlsx"),
        ("supervisor", reverse("devices:leaver_list") + "?_export=csv"),
    ]


def _dashboard_csv(client) -> str:
    url = reverse("portal:dashboard", kwargs={"section": "incidents"})
    panel = client.get(url).context["panels"][0][0]
    return f"{url}?export={panel.id}"


@pytest.mark.django_db
def test_every_file_is_served_as_an_attachment_never_sniffed(client, request):
    get = request.getfixturevalue
    for role, url in _served_files(get):
        client.force_login(get(role))
        response = client.get(url)
        assert response.status_code == 200, (role, url, response.status_code)
        assert response["Content-Disposition"].startswith("attachment; filename="), (url, response.headers)
        assert response["X-Content-Type-Options"] == "nosniff", url
        assert not response["Content-Type"].startswith("text/html"), url
    client.force_login(get("data_office"))
    response = client.get(_dashboard_csv(client))
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_pages_and_an_uploaded_html_file_are_never_sniffed(client, officer, settings):
    """SECURE_CONTENT_TYPE_NOSNIFF is on, so SecurityMiddleware sends nosniff on every response; an
    uploaded file that holds HTML is refused (only known types are kept) and never served inline."""
    from incidents.models import IncidentAttachment
    from tests import test_url_permissions as matrix

    assert settings.SECURE_CONTENT_TYPE_NOSNIFF is True
    client.force_login(officer)
    assert client.get(reverse("devices:my_kit"))["X-Content-Type-Options"] == "nosniff"
    incident = matrix._officers_incident(lambda name: officer)
    page = SimpleUploadedFile("note.txt", hostile.SCRIPT.encode() + b"<html><body>hi</body></html>", "text/plain")
    response = client.post(reverse("incidents:incident_attachment_add", kwargs=incident), {"file": page})
    assert response.status_code < 500
    for attachment in IncidentAttachment.objects.all():
        served = client.get(
            reverse("incidents:incident_attachment_download", kwargs={**incident, "attachment_pk": attachment.pk})
        )
        assert served["Content-Disposition"].startswith("attachment;")
        assert served["X-Content-Type-Options"] == "nosniff"
