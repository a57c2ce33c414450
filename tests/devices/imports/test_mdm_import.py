"""The MDM import (service and `manage.py import_devices`): a good file, every bad input refused with
nothing changed, and the same file twice changing nothing."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command

from devices.demo import demo_imei
from devices.imports import resources
from devices.imports.services.files import devices_import
from devices.models import Device, DeviceEvent

HEADER = "Asset tag,Serial number,IMEI,Model,Phone number,SIM ICCID,MDM device id,Enrolment date"


def _csv(rows: list[list[str]], header: str = HEADER) -> bytes:
    out = io.StringIO()
    out.write(header + "\r\n")
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def _row(n: int, *, model="Samsung Galaxy XCover 7", **overrides) -> list[str]:
    row = {
        "tag": f"MD{n:06d}",
        "serial": f"R58N{n:06d}",
        "imei": demo_imei(900_000 + n),
        "model": model,
        "phone": f"07700 8{n:05d}",
        "iccid": f"894411{n:013d}",
        "mdm": f"6b1f{n:04d}-1111-2222-3333-{n:012d}",
        "enrolled": "2026-01-10 09:15:00",
    }
    row.update(overrides)
    return list(row.values())


def _devices():
    return {d.asset_tag: d for d in Device.objects.all()}


def test_a_good_file_receives_new_devices_into_stock_and_the_same_file_again_changes_nothing(
    frozen, tech_bar_staff, bar, phone_model, laptop_model
):
    data = _csv([_row(1), _row(2, model="Galaxy XCover 7"), _row(3, model="Dell Latitude 5450", imei="", phone="")])
    report = devices_import(data=data, actor=tech_bar_staff, tech_bar=bar)
    assert report.ok and (report.created, report.updated, report.unchanged) == (3, 0, 0)
    devices = _devices()
    phone = devices["MD000001"]
    assert (phone.status, phone.tech_bar, phone.model) == (Device.Status.IN_STOCK, bar, phone_model)
    assert phone.imei == demo_imei(900_001) and phone.sim_iccid == "8944110000000000001"
    assert phone.mdm_enrolled_on.isoformat() == "2026-01-10" and phone.phone_number == "07700 800001"
    assert devices["MD000003"].model == laptop_model
    received = DeviceEvent.objects.filter(kind=DeviceEvent.Kind.RECEIVED)
    assert received.count() == 3 and {e.actor for e in received} == {tech_bar_staff}
    assert {e.note for e in received} == {"MDM import."}

    before = {(d.asset_tag, d.updated_at) for d in Device.objects.all()}
    again = devices_import(data=data, actor=tech_bar_staff, tech_bar=bar)
    assert again.ok and (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert {(d.asset_tag, d.updated_at) for d in Device.objects.all()} == before
    assert DeviceEvent.objects.count() == 3

    # A changed number updates the device's details; its custody is never touched by an import.
    changed = devices_import(data=_csv([_row(1, phone="07700 811111")]), actor=tech_bar_staff, tech_bar=bar)
    assert (changed.created, changed.updated) == (0, 1)
    assert Device.objects.get(asset_tag="MD000001").phone_number == "07700 811111"
    assert DeviceEvent.objects.count() == 3


def test_a_tech_bar_column_names_where_each_device_is_received(frozen, tech_bar_staff, bar, other_bar, phone_model):
    data = _csv([[*_row(1), "north"], [*_row(2), "HQ"]], header=HEADER + ",Tech Bar")
    assert devices_import(data=data, actor=tech_bar_staff).ok
    assert {d.asset_tag: d.tech_bar.code for d in Device.objects.all()} == {"MD000001": "north", "MD000002": "hq"}


BAD_ROWS = {
    "bad IMEI": (
        [_row(1), _row(2, imei="356938035643801")],
        "line 3: IMEI: “356938035643801” is not a valid IMEI: 15 digits, the last a Luhn check digit.",
    ),
    "duplicate asset tag": ([_row(1), _row(2, tag="MD000001")], "line 3: Asset tag: Duplicate asset tag MD000001"),
    "unknown model": ([_row(1, model="Nokia 3310")], "line 2: Model: Unknown model “Nokia 3310”"),
    "bad date": ([_row(1, enrolled="yesterday")], "line 2: Enrolment date: “yesterday” is not a date"),
    "bad ICCID": ([_row(1, iccid="12AB")], "line 2: SIM ICCID: “12AB” is not a SIM ICCID"),
    "no Tech Bar": ("no bar", "line 2: Tech Bar: A new device needs the Tech Bar that receives it"),
}


@pytest.mark.parametrize("case", BAD_ROWS)
def test_a_bad_row_refuses_the_whole_file_with_its_line(case, frozen, tech_bar_staff, bar, phone_model):
    rows, expected = BAD_ROWS[case]
    tech_bar = bar
    if rows == "no bar":
        rows, tech_bar = [_row(1)], None
    report = devices_import(data=_csv(rows), actor=tech_bar_staff, tech_bar=tech_bar)
    assert not report.ok and any(e.startswith(expected) for e in report.errors), report.errors
    assert not Device.objects.exists() and not DeviceEvent.objects.exists()


def test_an_imei_already_on_another_device_is_refused(frozen, tech_bar_staff, bar, make_device):
    existing = make_device()
    report = devices_import(data=_csv([_row(1), _row(2, imei=existing.imei)]), actor=tech_bar_staff, tech_bar=bar)
    assert report.errors == [f"line 3: IMEI: Another device has this IMEI: {existing.asset_tag}."]
    assert list(Device.objects.all()) == [existing]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (_csv([_row(1)], header=HEADER.replace("IMEI", "IMEI number")), "Wrong header: it has no column IMEI"),
        (_csv([_row(1)], header=HEADER.replace(",Model", ",Model,Model")), "Wrong header:"),
        (b"%PDF-1.7\n\x00\x01\x02binary", "This is not a CSV file (it holds binary data)"),
        ("Asset tag\n\xe9".encode("latin-1"), "This is not a UTF-8 CSV file"),
        (HEADER.encode() + b"\r\n", "The file has no devices in it."),
    ],
    ids=["wrong header", "column twice", "binary", "not utf-8", "empty"],
)
def test_a_file_that_is_not_the_export_is_refused(data, expected, tech_bar_staff, bar, phone_model):
    report = devices_import(data=data, actor=tech_bar_staff, tech_bar=bar)
    assert not report.ok and report.errors[0].startswith(expected), report.errors
    assert not Device.objects.exists()


def test_a_file_over_the_limit_is_refused_before_it_is_read(tech_bar_staff, bar, phone_model):
    fifty_mb = _csv([_row(1)]) + b"x" * (50 * 1024 * 1024)
    report = devices_import(data=fifty_mb, actor=tech_bar_staff, tech_bar=bar)
    assert report.errors == ["The file is 50.0 MB: the largest accepted is 20 MB."]
    assert not Device.objects.exists()


def test_the_command_imports_and_its_dry_run_changes_nothing(tmp_path, frozen, tech_bar_staff, bar, phone_model):
    path = tmp_path / "intune.csv"
    path.write_bytes(_csv([_row(1), _row(2)]))
    out = io.StringIO()
    call_command(
        "import_devices", str(path), "--tech-bar", "hq", "--as", tech_bar_staff.payroll_number, "--dry-run", stdout=out
    )
    assert "Would import: 2 new, 0 updated, 0 unchanged." in out.getvalue()
    assert not Device.objects.exists()
    call_command("import_devices", str(path), "--tech-bar", "hq", "--as", tech_bar_staff.payroll_number, stdout=out)
    assert "Imported: 2 new" in out.getvalue() and Device.objects.count() == 2

    path.write_bytes(_csv([_row(3, imei="123")]))
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 error"):
        call_command("import_devices", str(path), "--tech-bar", "hq", "--as", tech_bar_staff.payroll_number, stderr=err)
    assert "line 2: IMEI:" in err.getvalue() and Device.objects.count() == 2
    with pytest.raises(CommandError, match="No open Tech Bar has the code nowhere"):
        call_command("import_devices", str(path), "--tech-bar", "nowhere", "--as", tech_bar_staff.payroll_number)


def test_progress_is_reported_as_rows_are_imported(frozen, tech_bar_staff, bar, phone_model, monkeypatch):
    monkeypatch.setattr(resources, "PROGRESS_EVERY", 2)
    seen = []
    report = devices_import(
        data=_csv([_row(n) for n in range(1, 6)]),
        actor=tech_bar_staff,
        tech_bar=bar,
        progress=lambda *p: seen.append(p),
    )
    assert report.created == 5 and seen == [(2, 5), (4, 5)]


def test_the_import_costs_the_same_queries_at_5_or_60_rows(
    frozen, tech_bar_staff, bar, phone_model, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    small, large = _csv([_row(n) for n in range(1, 6)]), _csv([_row(n) for n in range(101, 161)])
    with CaptureQueriesContext(connection) as first:
        assert devices_import(data=small, actor=tech_bar_staff, tech_bar=bar).created == 5
    with CaptureQueriesContext(connection) as again:
        assert devices_import(data=small, actor=tech_bar_staff, tech_bar=bar).unchanged == 5
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert devices_import(data=large, actor=tech_bar_staff, tech_bar=bar).created == 60
    with django_assert_max_num_queries(len(again.captured_queries)):
        assert devices_import(data=large, actor=tech_bar_staff, tech_bar=bar).unchanged == 60


def test_a_wrong_header_is_the_only_error_reported(tech_bar_staff, bar, phone_model):
    data = _csv([_row(1), _row(2)], header=HEADER.replace("IMEI", "IMEI number"))
    report = devices_import(data=data, actor=tech_bar_staff, tech_bar=bar)
    assert len(report.errors) == 1 and report.errors[0].startswith("Wrong header:"), report.errors
    assert not Device.objects.exists()


@pytest.mark.parametrize("enrolled", ["0001-01-01", "31/12/9999", "1899-12-31"])
def test_an_enrolment_date_out_of_range_is_refused_with_its_line(frozen, tech_bar_staff, bar, phone_model, enrolled):
    report = devices_import(data=_csv([_row(1, enrolled=enrolled)]), actor=tech_bar_staff, tech_bar=bar)
    assert report.errors == [f"line 2: Enrolment date: “{enrolled}” is not a date between 1900 and 2100."]
    assert not Device.objects.exists()


DATABASE_TEXT = 'duplicate key value violates unique constraint "devices_device_asset_tag_key"'


def _a_concurrent_import_saved_them_first(monkeypatch):
    """The race, as the database reports it: another import saved the same asset tag between this
    import's checks and its INSERT."""
    from django.db import IntegrityError

    from devices.core.services import custody

    def saved_first(**kwargs):
        raise IntegrityError(DATABASE_TEXT + "\nDETAIL:  Key (asset_tag)=(MD000001) already exists.")

    monkeypatch.setattr(custody, "devices_receive_bulk", saved_first)


def test_a_duplicate_key_under_concurrency_is_the_reason_not_the_database_text(
    frozen, tech_bar_staff, bar, phone_model, monkeypatch, caplog
):
    _a_concurrent_import_saved_them_first(monkeypatch)
    report = devices_import(data=_csv([_row(1)]), actor=tech_bar_staff, tech_bar=bar)
    assert report.errors == [
        "Another import or change saved some of these records at the same moment: nothing was changed. "
        "Check the file and import it again."
    ]
    assert not Device.objects.exists()
    assert DATABASE_TEXT in caplog.text  # the logs keep the database's own words
