"""every CSV/XLSX export neutralises text a spreadsheet would run as a formula (a cell
starting with =, +, -, @, tab or carriage return), read back from the file; numbers stay numbers.

The list pages' exports (CSV streamed, XLSX at once and as a worker's job) and the admin's export
are exercised with a hostile value in a text field each shows. The last tests fail when a new
export appears that this file does not list: a list page, an admin with an export, or a module
that writes CSV or a workbook."""

import csv
import io
import re
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from import_export.admin import ExportMixin as AdminExportMixin

from portal import exports
from portal.tables import FilteredTableView
from tests.factories import UserFactory

HOSTILE = ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _devices(get):
    from devices.models import Device, DeviceModel, TechBar

    bar = TechBar.objects.create(code="hq", name="Headquarters Tech Bar")
    laptop = DeviceModel.objects.create(make="Dell", model_name="Latitude", kind=DeviceModel.Kind.LAPTOP)
    for n, value in enumerate(HOSTILE):
        Device.objects.create(asset_tag=f"KB{n:06d}", serial_number=value, model=laptop, tech_bar=bar)
    return reverse("devices:device_list"), get("data_office")


def _people(**fields):
    return [UserFactory(first_name=value, last_name=value, **fields) for value in HOSTILE]


def _compliance(get):
    from tests.policy.factories import accept, published_version

    version = published_version(by=get("portal_admin"))
    accept(get("data_office"), version)  # or the policy gate stands before the download
    _people()
    return reverse("policy:compliance", kwargs={"slug": version.policy.slug}), get("data_office")


def _kit_gaps(get):
    _people()
    return reverse("devices:kit_gaps"), get("data_office")


def _leavers(get):
    from devices.leavers import services as leavers
    from devices.models import LeaverCase

    for person in _people():
        leavers.leaver_date_set(
            person=person,
            leaving_date=timezone.localdate() + timedelta(days=5),
            actor=get("portal_admin"),
            source=LeaverCase.Source.ADMIN,
        )
    return reverse("devices:leaver_list"), get("tech_bar_staff")


def _overdue_loans(get):
    from devices.counter import services as counter
    from devices.loans import services as loans
    from devices.models import Device, DeviceModel, Loan, TechBar

    bar = TechBar.objects.create(code="hq", name="Headquarters Tech Bar")
    tablet = DeviceModel.objects.create(make="Apple", model_name="iPad", kind=DeviceModel.Kind.TABLET)
    for n, person in enumerate(_people(command_unit="=1+1")):
        device = Device.objects.create(asset_tag=f"KBL{n:03d}", model=tablet, tech_bar=bar)
        loans.loan_pool_add(device=device, tech_bar=bar, actor=get("tech_bar_staff"))
        counter.counter_visit_confirm(
            person=person,
            actor=get("tech_bar_staff"),
            tech_bar=bar,
            basket=counter.CounterBasket(hand_over=[device]),
            loans={device.pk: timezone.localdate() + timedelta(days=1)},
        )
    Loan.objects.update(due_back=timezone.localdate() - timedelta(days=3))  # overdue now
    return reverse("devices:loans_overdue"), get("tech_bar_staff")


def _incidents(get):
    from incidents import services

    for value in HOSTILE:
        services.incident_open(
            reporter=get("officer"),
            summary=value,
            aware_at=timezone.now(),
            personal_data_involved="yes",
            device_involved="no",
        )
    return reverse("incidents:incident_queue"), get("data_office")


def _activity(get):
    from devices.models import Device, DeviceEvent, DeviceModel

    laptop = DeviceModel.objects.create(make="Dell", model_name="Latitude", kind=DeviceModel.Kind.LAPTOP)
    device = Device.objects.create(asset_tag="KB000001", serial_number="S1", model=laptop)
    actor = get("tech_bar_staff")
    for value in HOSTILE:
        DeviceEvent.objects.create(
            device=device, kind=DeviceEvent.Kind.TRIAGED, actor=actor, to_status="in_stock", note=value
        )
    return reverse("devices:activity"), get("data_office")


def _figures_log(get):
    from devices.models import FigureDisclosure

    for value in HOSTILE:
        FigureDisclosure.objects.create(
            reference=value, as_of=timezone.now(), threshold=5, produced_by=get("data_office"), figures="[]",
            csv_sha256="0" * 64,
        )  # fmt: skip
    return reverse("devices:figures_log"), get("data_office")


# Every list page with an export (FilteredTableView), by URL name: what puts HOSTILE into it.
LIST_EXPORTS = {
    "devices:device_list": _devices,
    "devices:activity": _activity,
    "policy:compliance": _compliance,
    "devices:kit_gaps": _kit_gaps,
    "devices:leaver_list": _leavers,
    "devices:loans_overdue": _overdue_loans,
    "incidents:incident_queue": _incidents,
    "devices:figures_log": _figures_log,
}
# Every admin with an export (django-import-export), by model label: tested below.
ADMIN_EXPORTS = {"portal.user"}
# Every module that writes CSV or a workbook, or serves an export, and where its cells are made safe.
EXPORT_WRITERS = {
    "portal/tables.py": "BaseTable.as_values -> export_cell (every list page)",
    "portal/exports.py": "streams BaseTable.as_values (CSV) and writes it to a workbook (XLSX job)",
    "portal/resources.py": "SafeExportResource.export -> export_cell (the admin's export)",
    "portal/admin.py": "UserAdmin's export uses PersonResource (SafeExportResource)",
    "portal/dashboards/views.py": "a panel's CSV writes every cell through export_cell",
    "devices/demo.py": "not an export: writes a demo MDM file to import",
    "devices/figures/render.py": "an answer's rows: every cell through export_cell (its CSV and XLSX)",
    "devices/figures/views.py": "serves render.py's rows, already neutralised",
}


def _csv_cells(content: bytes) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")) for cell in row]


def _xlsx_values(content: bytes) -> list:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"], "a cell is a formula"
    return [c.value for c in cells if c.value is not None]


def _assert_neutralised(values: list):
    texts = [v for v in values if isinstance(v, str)]
    assert not [t for t in texts if t.startswith(FORMULA_STARTS)], "a cell a spreadsheet would run"
    for value in HOSTILE:  # still there, readable, behind a quote
        assert any(t.startswith("'") and value.strip() in t for t in texts), value


def _export(client, url, file_format, settings, monkeypatch) -> bytes:
    if file_format == "xlsx-job":
        settings.EXPORT_XLSX_SYNC_MAX_ROWS = 0
        sent = []
        monkeypatch.setattr("portal.tasks.export_xlsx_run.delay", sent.append)
        assert client.get(url, {"_export": "xlsx"}).status_code == 302
        assert exports.export_job_run(sent[0]).status == "done"
        response = client.get(reverse("portal:export_download", args=[sent[0]]))
    else:
        response = client.get(url, {"_export": file_format})
    assert response.status_code == 200
    return response.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize("file_format", ["csv", "xlsx", "xlsx-job"])
@pytest.mark.parametrize("name", sorted(LIST_EXPORTS))
def test_every_list_export_neutralises_formulas(name, file_format, client, request, settings, monkeypatch, tmp_path):
    settings.EXPORTS_DIR = tmp_path
    url, user = LIST_EXPORTS[name](request.getfixturevalue)
    client.force_login(user)
    content = _export(client, url, file_format, settings, monkeypatch)
    _assert_neutralised(_csv_cells(content) if file_format == "csv" else _xlsx_values(content))


@pytest.mark.django_db
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_admin_people_export_neutralises_formulas(file_format, client, portal_admin):
    _people()
    client.force_login(portal_admin)
    url = reverse("admin:portal_user_export")
    form = client.get(url).context["form"]
    choices = {str(label).lower(): value for value, label in form.fields["format"].choices}
    data = {"format": choices[file_format], "resource": form.fields["resource"].initial or 0}
    data |= {name: "on" for name, field in form.fields.items() if field.__class__.__name__ == "BooleanField"}
    response = client.post(url, data)
    assert response.status_code == 200
    _assert_neutralised(_csv_cells(response.content) if file_format == "csv" else _xlsx_values(response.content))


@pytest.mark.django_db
def test_a_dashboard_panels_csv_neutralises_formulas(client, portal_admin, data_office):
    from tests.policy.factories import accept, published_version

    version = published_version(by=portal_admin)
    accept(data_office, version)
    for value in HOSTILE:  # units are the panel's rows
        UserFactory(command_unit=value)
    client.force_login(data_office)
    url = reverse("portal:dashboard", kwargs={"section": "conditions-of-use"})
    response = client.get(url, {"export": f"{version.policy.slug}-units"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    _assert_neutralised(_csv_cells(response.content))


def test_numbers_stay_numbers():
    from portal.tables import export_cell

    assert [export_cell(v) for v in (-1, -2.5, 0)] == [-1, -2.5, 0]
    assert [export_cell(v) for v in HOSTILE] == ["'" + v for v in HOSTILE]


def _patterns(resolver, prefix=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from _patterns(entry, namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{prefix}{entry.name}", entry


def test_every_list_page_with_an_export_is_listed_here():
    found = {
        name
        for name, pattern in _patterns(get_resolver())
        if issubclass(getattr(pattern.callback, "view_class", object), FilteredTableView)
    }
    assert found == set(LIST_EXPORTS), "add the new list page to LIST_EXPORTS with a hostile value it shows"


def test_every_admin_with_an_export_is_listed_here():
    found = {
        model._meta.label_lower
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, AdminExportMixin)
    }
    assert found == ADMIN_EXPORTS, "test the new admin export here and list it in ADMIN_EXPORTS"


def test_every_module_that_writes_an_export_is_listed_here():
    root = Path(__file__).resolve().parent.parent
    writes = re.compile(r"csv\.(writer|DictWriter)\(|Workbook\(|ExportMixin\b|text/csv|\.export\(")
    found = set()
    for app in ("portal", "devices", "policy", "incidents", "api"):
        for path in (root / app).rglob("*.py"):
            if "migrations" not in path.parts and writes.search(path.read_text()):
                found.add(path.relative_to(root).as_posix())
    found.discard("incidents/services/attachments.py")  # names an upload's type; writes nothing
    assert found == set(EXPORT_WRITERS), "say in EXPORT_WRITERS how the new export's cells are made safe"
