"""The Figures page and the disclosure log through the browser's requests: figures shown with the
cells held back and why, bad input a 400 with the reason, exports neutralised, an answer saved
under its reference and re-checked on opening (a mismatch shown, never hidden)."""

import csv
import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from devices.figures.render import csv_sha256
from devices.models import FigureDisclosure
from tests.devices.figures.history import at, issued, received, stood
from tests.factories import DeviceFactory, DeviceModelFactory, TechBarFactory, UserFactory

pytestmark = pytest.mark.django_db

ASKED = {"as_of_date": "2026-02-01", "command_unit": "", "activity_from": "2026-01-01", "activity_to": "2026-01-31"}


@pytest.fixture
def estate(freeze_clock):
    """Seven phones issued in January to people in two units; one to a person in a unit of their
    own (a count of one, held back)."""
    staff, bar = UserFactory(), TechBarFactory()
    phone = DeviceModelFactory(make="Samsung", model_name="=HYPERLINK", kind="smartphone", operating_system="Android")
    people = [UserFactory() for _ in range(7)]
    for n, person in enumerate(people):
        stood(person, at(1, 1, 0), unit="North" if n < 6 else "Dog Unit", team="Neighbourhood 1")
        device = DeviceFactory(model=phone, tech_bar=bar)
        received(device, at(1, 2), actor=staff)
        issued(device, person, at(1, 10), actor=staff)
    with freeze_clock(at(6, 10, 9)) as traveller:
        yield traveller


def test_the_page_shows_the_figures_and_says_which_cells_are_held_back_and_why(client, data_office, estate):
    client.force_login(data_office)
    response = client.get(reverse("devices:figures"), ASKED)
    assert response.status_code == 200
    text = response.content.decode()
    assert "fewer than 5" in text
    assert "held back because a count from 1 to 4 could identify the people counted" in text
    assert "The people’s history starts at" in text


def test_a_date_before_the_history_or_in_the_future_is_refused_with_a_400(client, data_office, estate):
    client.force_login(data_office)
    before = client.get(reverse("devices:figures"), {**ASKED, "as_of_date": "2025-12-01"})
    assert before.status_code == 400 and "history starts" in before.content.decode()
    future = client.get(reverse("devices:figures"), {**ASKED, "as_of_date": "2027-01-01"})
    assert future.status_code == 400 and "not the future" in future.content.decode()
    nonsense = client.get(reverse("devices:figures"), {**ASKED, "as_of_date": "2026-02-30"})
    assert nonsense.status_code == 400


def test_a_time_in_the_hour_the_clocks_skip_is_refused(client, data_office, estate):
    client.force_login(data_office)
    response = client.get(reverse("devices:figures"), {**ASKED, "as_of_date": "2026-03-29", "as_of_time": "01:30"})
    assert response.status_code == 400 and "clocks went forward" in response.content.decode()


def test_the_csv_export_neutralises_formula_cells(client, portal_admin, estate):
    client.force_login(portal_admin)
    response = client.get(reverse("devices:figures"), {**ASKED, "_export": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert ["Samsung", "'=HYPERLINK", "Smartphone", "Android", "7"] in rows
    xlsx = client.get(reverse("devices:figures"), {**ASKED, "_export": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_withholding_the_make_and_model_table_puts_its_reason_in_the_export(client, data_office, estate):
    client.force_login(data_office)
    reason = "Section 31(1)(a): law enforcement."
    response = client.get(reverse("devices:figures"), {**ASKED, "withhold_models_reason": reason, "_export": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert ["Withheld", reason] in rows
    assert not any("HYPERLINK" in cell for row in rows for cell in row)


def test_an_answer_is_saved_under_its_reference_with_the_sha256_of_its_csv_and_rechecked(client, data_office, estate):
    client.force_login(data_office)
    response = client.post(reverse("devices:figures_disclosure_create"), {**ASKED, "reference": "01.FOI.23.029741"})
    disclosure = FigureDisclosure.objects.get()
    assert response.status_code == 302 and response.url == reverse("devices:figures_disclosure", args=[disclosure.pk])
    assert disclosure.produced_by == data_office and disclosure.reference == "01.FOI.23.029741"
    exported = client.get(reverse("devices:figures_disclosure", args=[disclosure.pk]), {"_export": "csv"})
    assert csv_sha256(exported.content.decode()) == disclosure.csv_sha256
    page = client.get(reverse("devices:figures_disclosure", args=[disclosure.pk]))
    assert "match the ones given, byte for byte" in page.content.decode()
    estate.shift(86400)  # a day later, after more kit has moved
    issued(DeviceFactory(), UserFactory(), at(6, 11, 12), actor=data_office)
    client.force_login(data_office)  # the session timed out overnight
    again = client.get(reverse("devices:figures_disclosure", args=[disclosure.pk]))
    assert "match the ones given, byte for byte" in again.content.decode()
    printable = client.get(reverse("devices:figures_disclosure_print", args=[disclosure.pk]))
    assert printable.status_code == 200 and "figures-print.css" in printable.content.decode()


def test_a_logged_answer_that_no_longer_matches_says_so(client, data_office, estate):
    client.force_login(data_office)
    client.post(reverse("devices:figures_disclosure_create"), {**ASKED, "reference": "01.FOI.23.029741"})
    given = FigureDisclosure.objects.get()
    rows = json.loads(given.figures)
    rows[-1] = ["Thefts", "99"]
    forged = FigureDisclosure.objects.create(
        reference="01.FOI.23.000001",
        as_of=given.as_of,
        range_start=given.range_start,
        range_end=given.range_end,
        threshold=5,
        produced_by=data_office,
        figures=json.dumps(rows),
        csv_sha256=given.csv_sha256,
    )
    page = client.get(reverse("devices:figures_disclosure", args=[forged.pk]))
    text = page.content.decode()
    assert "do not match the ones given" in text and "99" in text


@pytest.mark.parametrize("stored", ["not JSON at all", '{"rows": 1}', "[1, 2]"])
def test_a_logged_answer_whose_rows_no_longer_read_shows_the_mismatch_and_exports_the_warning(
    client, data_office, estate, stored
):
    client.force_login(data_office)
    client.post(reverse("devices:figures_disclosure_create"), {**ASKED, "reference": "01.FOI.23.029741"})
    given = FigureDisclosure.objects.get()
    altered = FigureDisclosure.objects.create(
        reference="01.FOI.23.000002",
        as_of=given.as_of,
        range_start=given.range_start,
        range_end=given.range_end,
        threshold=5,
        produced_by=data_office,
        figures=stored,
        csv_sha256=given.csv_sha256,
    )
    page = client.get(reverse("devices:figures_disclosure", args=[altered.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "do not match the ones given" in text and "cannot be read" in text
    exported = client.get(reverse("devices:figures_disclosure", args=[altered.pk]), {"_export": "csv"})
    assert exported.status_code == 200 and b"cannot be read" in exported.content


def test_a_save_without_a_reference_keeps_what_was_typed_and_says_why(client, data_office, estate):
    client.force_login(data_office)
    response = client.post(reverse("devices:figures_disclosure_create"), {**ASKED, "reference": "<script>"})
    assert response.status_code == 400
    assert "An FOI reference is" in response.content.decode()
    assert FigureDisclosure.objects.count() == 0


def test_the_log_lists_answers_filtered_by_reference_and_person(
    client, data_office, estate, django_assert_max_num_queries
):
    client.force_login(data_office)
    for n in range(3):
        client.post(reverse("devices:figures_disclosure_create"), {**ASKED, "reference": f"01.FOI.23.00000{n}"})
    with django_assert_max_num_queries(12):
        response = client.get(reverse("devices:figures_log"), {"reference": "00001"})
    text = response.content.decode()
    assert "01.FOI.23.000001" in text and "01.FOI.23.000002" not in text
    by_person = client.get(reverse("devices:figures_log"), {"person": data_office.payroll_number})
    assert by_person.content.decode().count("01.FOI.23.00000") == 3
    for n in range(20):
        client.post(reverse("devices:figures_disclosure_create"), {**ASKED, "reference": f"02.FOI.23.0000{n:02d}"})
    with django_assert_max_num_queries(12):
        client.get(reverse("devices:figures_log"))


@pytest.mark.parametrize("role", ["supervisor", "tech_bar_staff", "officer"])
def test_supervisors_tech_bar_staff_and_officers_get_403(client_as, role, estate):
    client = client_as(role)
    assert client.get(reverse("devices:figures"), ASKED).status_code == 403
    assert (
        client.post(reverse("devices:figures_disclosure_create"), {**ASKED, "reference": "X.FOI.1"}).status_code == 403
    )
    assert FigureDisclosure.objects.count() == 0


def test_a_time_in_the_hour_the_clocks_repeat_asks_which_one_and_takes_the_answer(client, data_office, estate):
    estate.move_to(at(11, 1))
    client.force_login(data_office)
    asked = {**ASKED, "as_of_date": "2026-10-25", "as_of_time": "01:30"}
    response = client.get(reverse("devices:figures"), asked)
    assert response.status_code == 400 and "happened twice" in response.content.decode()
    response = client.get(reverse("devices:figures"), {**asked, "as_of_offset": "+00:00"})
    assert response.status_code == 200
    assert response.context["figures"].as_of == at(10, 25, 1, 30)


def test_an_answer_with_the_make_and_model_withheld_records_the_reason_and_exports_it(client, data_office, estate):
    client.force_login(data_office)
    reason = "Section 31(1)(a): law enforcement."
    asked = {**ASKED, "withhold_models_reason": reason, "reference": "01.FOI.24.000003"}
    client.post(reverse("devices:figures_disclosure_create"), asked)
    disclosure = FigureDisclosure.objects.get()
    assert disclosure.models_withheld_reason == reason
    page = client.get(reverse("devices:figures_disclosure", args=[disclosure.pk])).content.decode()
    assert f"Withheld: {reason}" in page and "match the ones given, byte for byte" in page
    exported = client.get(reverse("devices:figures_disclosure", args=[disclosure.pk]), {"_export": "csv"})
    rows = list(csv.reader(io.StringIO(exported.content.decode())))
    assert ["Withheld", reason] in rows and not any("HYPERLINK" in cell for row in rows for cell in row)


def test_a_logged_answer_exports_as_xlsx_and_an_altered_entry_exports_no_formula(client, data_office, estate):
    client.force_login(data_office)
    client.post(reverse("devices:figures_disclosure_create"), {**ASKED, "reference": "01.FOI.23.029741"})
    given = FigureDisclosure.objects.get()
    xlsx = client.get(reverse("devices:figures_disclosure", args=[given.pk]), {"_export": "xlsx"})
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    cells = [c for row in load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True) for c in row]
    assert "'=HYPERLINK" in cells and "=HYPERLINK" not in cells
    altered = FigureDisclosure.objects.create(
        reference="01.FOI.23.000004",
        as_of=given.as_of,
        threshold=5,
        produced_by=data_office,
        figures=json.dumps([["=cmd|' /C calc'!A0", "@SUM(1)"]]),
        csv_sha256=given.csv_sha256,
    )
    exported = client.get(reverse("devices:figures_disclosure", args=[altered.pk]), {"_export": "csv"})
    assert list(csv.reader(io.StringIO(exported.content.decode()))) == [["'=cmd|' /C calc'!A0", "'@SUM(1)"]]


def test_the_log_is_filtered_by_the_date_an_answer_was_produced(client, data_office, estate):
    client.force_login(data_office)
    client.post(reverse("devices:figures_disclosure_create"), {**ASKED, "reference": "01.FOI.26.000010"})
    estate.shift(2 * 86400)
    client.force_login(data_office)
    client.post(reverse("devices:figures_disclosure_create"), {**ASKED, "reference": "01.FOI.26.000012"})
    on_the_tenth = client.get(
        reverse("devices:figures_log"), {"produced_from": "2026-06-10", "produced_to": "2026-06-10"}
    )
    text = on_the_tenth.content.decode()
    assert "01.FOI.26.000010" in text and "01.FOI.26.000012" not in text
    from_the_eleventh = client.get(reverse("devices:figures_log"), {"produced_from": "2026-06-11"}).content.decode()
    assert "01.FOI.26.000012" in from_the_eleventh and "01.FOI.26.000010" not in from_the_eleventh
