"""The MDM import in the device admin: preview, per-row errors, confirm, and who may use it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from devices.imports import admin as admin_import
from devices.models import Device, DeviceEvent
from tests.devices.imports.test_mdm_import import _csv, _row

IMPORT = "/admin/devices/device/import/"
PROCESS = "/admin/devices/device/process_import/"


def _upload(data: bytes, name: str = "intune.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, "text/csv")


def test_tech_bar_staff_preview_then_confirm_an_import(client, frozen, tech_bar_staff, bar, phone_model):
    client.force_login(tech_bar_staff)
    page = client.get(IMPORT)
    assert page.status_code == 200 and "Tech Bar receiving new devices" in page.text
    data = _csv([_row(1), _row(2)])
    preview = client.post(IMPORT, {"import_file": _upload(data), "format": "0", "resource": "0", "tech_bar": bar.pk})
    assert preview.status_code == 200 and "MD000001" in preview.text and "MD000002" in preview.text
    assert not Device.objects.exists()  # a preview is a dry run
    confirm = preview.context["confirm_form"]
    assert confirm.initial["tech_bar"] == bar.pk
    done = client.post(PROCESS, {**confirm.initial, "tech_bar": bar.pk}, follow=True)
    assert done.status_code == 200
    assert set(Device.objects.values_list("asset_tag", "tech_bar__code", "status")) == {
        ("MD000001", "hq", "in_stock"),
        ("MD000002", "hq", "in_stock"),
    }
    assert DeviceEvent.objects.filter(kind="received", actor=tech_bar_staff).count() == 2

    # The same file again: the preview shows nothing new and nothing changes.
    again = client.post(IMPORT, {"import_file": _upload(data), "format": "0", "resource": "0", "tech_bar": bar.pk})
    assert again.context["result"].totals["skip"] == 2 and again.context["result"].totals["new"] == 0


def test_a_bad_row_is_shown_with_its_reason_and_nothing_is_imported(client, frozen, tech_bar_staff, bar, phone_model):
    client.force_login(tech_bar_staff)
    data = _csv([_row(1), _row(2, imei="356938035643801"), _row(3, model="Nokia 3310")])
    response = client.post(IMPORT, {"import_file": _upload(data), "format": "0", "resource": "0", "tech_bar": bar.pk})
    page = response.content.decode()
    assert "is not a valid IMEI: 15 digits, the last a Luhn check digit." in page
    assert "Unknown model “Nokia 3310”" in page
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None
    assert not Device.objects.exists()


def test_a_wrong_header_is_refused_with_the_columns_expected(client, tech_bar_staff, bar, phone_model):
    client.force_login(tech_bar_staff)
    data = b"Device name,Serial\r\nPHONE-1,R58\r\n"
    response = client.post(IMPORT, {"import_file": _upload(data), "format": "0", "resource": "0", "tech_bar": bar.pk})
    page = response.content.decode()
    assert "Wrong header: it has no column Asset tag" in page
    assert "object has no attribute" not in page and "Traceback" not in page and "Line number" not in page
    assert not Device.objects.exists()


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("devices.xlsx", b"PK\x03\x04\x00\x00binary", "This is not a CSV file"),
        ("devices.csv", b"%PDF-1.7\x00\x01", "This is not a CSV file"),
        ("devices.csv", b"x" * 2048, "The file is 0.0 MB: the largest accepted is 0 MB."),
    ],
    ids=["xlsx", "binary named csv", "too big"],
)
def test_a_file_that_is_not_a_small_csv_is_refused_before_it_is_read(
    client, tech_bar_staff, bar, monkeypatch, name, data, expected
):
    monkeypatch.setattr(admin_import, "MAX_BYTES", 1024)
    client.force_login(tech_bar_staff)
    response = client.post(IMPORT, {"import_file": _upload(data, name), "format": "0", "resource": "0"})
    assert expected in response.content.decode()
    assert not Device.objects.exists()


def test_only_tech_bar_staff_and_portal_admins_import(client, data_office, officer):
    for user in (data_office, officer):
        client.force_login(user)
        assert client.get(IMPORT).status_code in (302, 403)
        response = client.post(PROCESS, {"import_file_name": "x.csv", "original_file_name": "x.csv", "format": "0"})
        assert response.status_code in (302, 403)
    assert not Device.objects.exists()
