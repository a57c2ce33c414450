"""Every export neutralises spreadsheet formulas: the admin's people export (django-import-export)
and the portal's own table exports, in CSV and XLSX, with the same hostile names from the HR feed."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from tests.factories import UserFactory
from tests.policy.factories import accept, published_version

HOSTILE = ['=HYPERLINK("http://x","y")', "+1", "-1", "@SUM(A1)", "\t=1+1", "\r=1+1", "=1+1"]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def hostile_people(db):
    return [UserFactory(payroll_number=f"HX{n:03d}", first_name=name, last_name=name) for n, name in enumerate(HOSTILE)]


def _csv_cells(content: bytes) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")) for cell in row]


def _xlsx_cells(content: bytes) -> list:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return [cell for row in sheet.iter_rows() for cell in row]


def _assert_no_formulas_in_csv(content: bytes, expect_in_output: list[str]):
    cells = _csv_cells(content)
    assert not [c for c in cells if c.startswith(FORMULA_STARTS)]
    for name in expect_in_output:  # still there, readable, just defused
        assert any(name in cell for cell in cells), name


def _assert_no_formulas_in_xlsx(content: bytes, expect_in_output: list[str]):
    cells = _xlsx_cells(content)
    assert not [c.value for c in cells if c.data_type == "f"]
    values = [str(c.value) for c in cells if c.value is not None]
    assert not [v for v in values if v.startswith(FORMULA_STARTS)]
    for name in expect_in_output:
        assert any(name in value for value in values), name


def _admin_export(client, file_format: str) -> bytes:
    url = "/admin/portal/user/export/"
    form = client.get(url).context["form"]
    choices = {str(label).lower(): value for value, label in form.fields["format"].choices}
    data = {"format": choices[file_format], "resource": form.fields["resource"].initial or 0}
    for name, field in form.fields.items():
        if name not in data and field.__class__.__name__ == "BooleanField":
            data[name] = "on"
    response = client.post(url, data)
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Disposition"].endswith(f'.{file_format}"')
    return response.content


@pytest.mark.django_db
def test_admin_people_export_csv_defuses_formulas(client, portal_admin, hostile_people):
    client.force_login(portal_admin)
    _assert_no_formulas_in_csv(_admin_export(client, "csv"), ['=HYPERLINK("http://x","y")', "@SUM(A1)", "+1"])


@pytest.mark.django_db
def test_admin_people_export_xlsx_has_text_not_formulas(client, portal_admin, hostile_people):
    client.force_login(portal_admin)
    _assert_no_formulas_in_xlsx(_admin_export(client, "xlsx"), ['=HYPERLINK("http://x","y")', "@SUM(A1)", "+1"])


@pytest.fixture
def compliance_export(client, portal_admin, data_office, hostile_people):
    version = published_version(by=portal_admin)
    accept(data_office, version)
    client.force_login(data_office)
    url = reverse("policy:compliance", kwargs={"slug": version.policy.slug})

    def _export(file_format):
        response = client.get(f"{url}?_export={file_format}")
        assert response.status_code == 200
        return response.getvalue() if response.streaming else response.content

    return _export


def test_portal_table_export_csv_defuses_formulas(compliance_export):
    _assert_no_formulas_in_csv(compliance_export("csv"), ['=HYPERLINK("http://x","y")', "@SUM(A1)", "+1"])


def test_portal_table_export_xlsx_has_text_not_formulas(compliance_export):
    _assert_no_formulas_in_xlsx(compliance_export("xlsx"), ['=HYPERLINK("http://x","y")', "@SUM(A1)", "+1"])
