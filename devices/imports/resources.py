"""The MDM import: devices from an Intune-style CSV export, for the admin and `manage.py import_devices`.

Rows are matched on asset tag, so the same file twice changes nothing. A new device is received
into stock through `services.device_receive` (its "received" event) at the Tech Bar its row names,
or the one chosen for the whole file; a known device has its MDM details brought up to date, and
its custody never changes here. Any bad row refuses the whole file.
"""

import re
from datetime import date, datetime

import tablib
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models.functions import Upper
from django.utils import timezone
from import_export import fields, resources, widgets
from import_export.instance_loaders import BaseInstanceLoader

from devices.core.codes import imei_check_digit_ok
from devices.core.models import Device, DeviceModel, TechBar
from devices.core.services import custody
from portal.fields import EARLIEST_YEAR, LATEST_YEAR
from portal.resources import ReasonOnlyErrors, control_character_problem
from portal.uploads import csv_problem

# The columns of the export, as its header names them (any case, any spacing). "Tech Bar" is
# optional: without it, the Tech Bar is chosen for the whole file.
COLUMNS = [
    "Asset tag",
    "Serial number",
    "IMEI",
    "Model",
    "Phone number",
    "SIM ICCID",
    "MDM device id",
    "Enrolment date",
]
TECH_BAR_COLUMN = "Tech Bar"
# The largest file accepted: 40,000 devices is about 4 MB.
MAX_BYTES = 20 * 1024 * 1024
PROGRESS_EVERY = 250
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M")
_ICCID = re.compile(r"^\d{18,22}$")


def _key(header) -> str:
    return " ".join(str(header or "").split()).casefold()


def _clean(value) -> str:
    return " ".join(str(value or "").split())


def read_csv(data: bytes) -> tablib.Dataset:
    """The file as a dataset, or ValueError saying why it is not a CSV this import reads."""
    problem = csv_problem(data, max_bytes=MAX_BYTES, advice="export the devices from the MDM as CSV.")
    if problem:
        raise ValueError(problem)
    try:
        return tablib.Dataset().load(data.decode("utf-8-sig"), format="csv")
    except Exception as error:  # tablib raises a variety of parser errors
        raise ValueError(f"The file is not a readable CSV: {error}") from error


class ModelByNameWidget(widgets.Widget):
    """A device model by its make and name as the MDM writes them ("Samsung Galaxy XCover 7"), or by
    its name alone when only one make has it."""

    def __init__(self):
        super().__init__()
        self._models = None

    def _lookup(self) -> dict[str, DeviceModel | None]:
        if self._models is None:
            models: dict[str, DeviceModel | None] = {}
            for model in DeviceModel.objects.all():
                models[_key(f"{model.make} {model.model_name}")] = model
                name = _key(model.model_name)
                models[name] = None if name in models and models[name] != model else model
            self._models = models
        return self._models

    def clean(self, value, row=None, **kwargs):
        name = _clean(value)
        if not name:
            raise ValueError("Every device needs its model.")
        model = self._lookup().get(_key(name))
        if model is None:
            raise ValueError(f"Unknown model “{name}”: add it under Device models first, or correct the file.")
        return model

    def render(self, value, obj=None, **kwargs):
        return str(value) if value else ""


# What the import writes on a known device, as attributes: equal before and after, the row is skipped.
_DETAILS = (
    "asset_tag",
    "serial_number",
    "imei",
    "model_id",
    "phone_number",
    "sim_iccid",
    "mdm_enrolment_id",
    "mdm_enrolled_on",
)


def _details(device: Device) -> tuple:
    return tuple(getattr(device, name) for name in _DETAILS)


class _AssetTagLoader(BaseInstanceLoader):
    """Every device the file names, loaded in a few queries however long the file."""

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        tags = [_clean(r.get("Asset tag")).upper() for r in (dataset.dict if dataset is not None else [])]
        self.devices = {}
        for start in range(0, len(tags), 5000):
            batch = tags[start : start + 5000]
            devices = Device.objects.select_related("model").annotate(tag=Upper("asset_tag"))
            for device in devices.filter(tag__in=batch):
                device.details_as_loaded = _details(device)  # for DeviceFileResource.skip_row
                self.devices[device.asset_tag.upper()] = device

    def get_instance(self, row):
        return self.devices.get(_clean(row.get("Asset tag")).upper())


def _text(attribute: str, column: str) -> fields.Field:
    return fields.Field(attribute=attribute, column_name=column, widget=widgets.CharWidget(allow_blank=True))


class DeviceResource(ReasonOnlyErrors, resources.ModelResource):
    asset_tag = _text("asset_tag", "Asset tag")
    serial_number = _text("serial_number", "Serial number")
    imei = _text("imei", "IMEI")
    model = fields.Field(attribute="model", column_name="Model", widget=ModelByNameWidget())
    phone_number = _text("phone_number", "Phone number")
    sim_iccid = _text("sim_iccid", "SIM ICCID")
    mdm_enrolment_id = _text("mdm_enrolment_id", "MDM device id")
    mdm_enrolled_on = fields.Field(
        attribute="mdm_enrolled_on", column_name="Enrolment date", widget=widgets.DateWidget(format="%Y-%m-%d")
    )

    class Meta:
        model = Device
        import_id_fields = ["asset_tag"]
        fields = [
            "asset_tag",
            "serial_number",
            "imei",
            "model",
            "phone_number",
            "sim_iccid",
            "mdm_enrolment_id",
            "mdm_enrolled_on",
        ]
        instance_loader_class = _AssetTagLoader
        # Rows are validated one by one, then written a batch at a time: 40,000 devices in a minute.
        use_bulk = True
        batch_size = 1000
        skip_unchanged = True
        report_skipped = True
        use_transactions = True

    def __init__(self, *, actor=None, tech_bar: TechBar | None = None, progress=None, **kwargs):
        super().__init__(**kwargs)
        self.actor = actor
        self.tech_bar = tech_bar
        self.progress = progress  # progress(done, total), every PROGRESS_EVERY rows
        self._done = 0

    # --- the file as a whole -------------------------------------------------------------------
    def before_import(self, dataset, **kwargs):
        wanted = {_key(c): c for c in [*COLUMNS, TECH_BAR_COLUMN]}
        headers = [wanted.get(_key(h), h) for h in dataset.headers or []]
        missing = [c for c in COLUMNS if c not in headers]
        unknown = [str(h) for h in headers if h not in wanted.values()]
        if missing or unknown or len(set(headers)) != len(headers):
            problems = []
            if missing:
                problems.append(f"it has no column {', '.join(missing)}")
            if unknown:
                problems.append(f"it has columns this import does not know: {', '.join(unknown)}")
            if len(set(headers)) != len(headers):
                problems.append("a column appears twice")
            raise ValueError(
                f"Wrong header: {'; '.join(problems)}. "
                f"Expected: {', '.join(COLUMNS)} (and optionally {TECH_BAR_COLUMN})."
            )
        dataset.headers = headers
        rows = dataset.dict
        self._total = len(rows)
        self._tag_count: dict[str, int] = {}
        self._imei_count: dict[str, int] = {}
        for row in rows:
            tag = _clean(row.get("Asset tag")).upper()  # one tag whatever its case
            self._tag_count[tag] = self._tag_count.get(tag, 0) + 1
            imei = _clean(row.get("IMEI")).replace(" ", "")
            if imei:
                self._imei_count[imei] = self._imei_count.get(imei, 0) + 1
        self._bars = {bar.code.casefold(): bar for bar in TechBar.objects.filter(is_active=True)}
        self._known: dict[str, str] = {}  # upper-cased tag -> the tag as Kitbag spells it
        tags = list(self._tag_count)
        for start in range(0, len(tags), 5000):
            known = Device.objects.annotate(tag=Upper("asset_tag")).filter(tag__in=tags[start : start + 5000])
            self._known.update({tag.upper(): tag for tag in known.values_list("asset_tag", flat=True)})
        self._row_bar: dict[str, TechBar] = {}
        self._imei_owner = dict(Device.objects.exclude(imei="").values_list("imei", "asset_tag"))
        self._max_length = {
            f.column_name: Device._meta.get_field(f.attribute).max_length
            for f in self.fields.values()
            if getattr(Device._meta.get_field(f.attribute), "max_length", None) and f.attribute != "model"
        }

    # --- each row ------------------------------------------------------------------------------
    def before_import_row(self, row, **kwargs):
        for column in COLUMNS:
            row[column] = _clean(row.get(column))
        row["IMEI"] = row["IMEI"].replace(" ", "")
        row["SIM ICCID"] = row["SIM ICCID"].replace(" ", "")
        errors: dict[str, list[str]] = {}
        for column in COLUMNS:
            problem = control_character_problem(row[column])
            if problem:
                errors[column] = [problem]
        # a known device keeps its tag as Kitbag spells it, whatever the case in the file
        row["Asset tag"] = self._known.get(row["Asset tag"].upper(), row["Asset tag"])
        tag, imei = row["Asset tag"], row["IMEI"]
        if not tag:
            errors["Asset tag"] = ["Every device needs its asset tag."]
        elif self._tag_count.get(tag.upper(), 0) > 1:
            count = self._tag_count[tag.upper()]
            errors["Asset tag"] = [f"Duplicate asset tag {tag}: it is on {count} rows of this file (in any case)."]
        if imei:
            if not imei_check_digit_ok(imei):
                errors["IMEI"] = [f"“{imei}” is not a valid IMEI: 15 digits, the last a Luhn check digit."]
            elif self._imei_count.get(imei, 0) > 1:
                errors["IMEI"] = [f"IMEI {imei} is on {self._imei_count[imei]} rows of this file."]
            elif self._imei_owner.get(imei, tag) != tag:
                errors["IMEI"] = [f"Another device has this IMEI: {self._imei_owner[imei]}."]
        for column, limit in self._max_length.items():
            if len(row.get(column) or "") > limit and column not in errors:
                errors[column] = [f"At most {limit} characters (this has {len(row[column])})."]
        if row["SIM ICCID"] and not _ICCID.match(row["SIM ICCID"]):
            errors["SIM ICCID"] = [f"“{row['SIM ICCID']}” is not a SIM ICCID (18 to 22 digits)."]
        enrolled = row["Enrolment date"]
        if enrolled:
            parsed = _parse_date(enrolled)
            if parsed is None:
                errors["Enrolment date"] = [f"“{enrolled}” is not a date (2026-01-14 or 14/01/2026)."]
            elif not EARLIEST_YEAR <= parsed.year <= LATEST_YEAR:
                errors["Enrolment date"] = [f"“{enrolled}” is not a date between {EARLIEST_YEAR} and {LATEST_YEAR}."]
            else:
                row["Enrolment date"] = parsed.isoformat()
        code = _clean(row.get(TECH_BAR_COLUMN))
        bar = self._bars.get(code.casefold()) if code else self.tech_bar
        if code and bar is None:
            errors[TECH_BAR_COLUMN] = [f"No open Tech Bar has the code “{code}”."]
        elif tag and tag.upper() not in self._known and bar is None:
            errors[TECH_BAR_COLUMN] = [
                "A new device needs the Tech Bar that receives it: a Tech Bar column, or one chosen for the file."
            ]
        else:
            self._row_bar[tag] = bar
        if errors:
            raise ValidationError(errors)

    def after_import_row(self, row, row_result, **kwargs):
        self._done += 1
        if self.progress is not None and self._done % PROGRESS_EVERY == 0:
            self.progress(self._done, self._total)

    def before_save_instance(self, instance, row, **kwargs):
        if instance.pk is None:
            instance.tech_bar = self._row_bar[instance.asset_tag]
        else:
            instance.updated_at = timezone.now()

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        """New devices are received into stock, each with its "received" event."""
        if self.create_instances:
            try:
                custody.devices_receive_bulk(devices=list(self.create_instances), actor=self.actor, note="MDM import.")
            except Exception as error:  # reported as the file's error, and the whole import rolled back
                self.handle_import_error(result, error, raise_errors)
            finally:
                self.create_instances.clear()

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        """Known devices' new details, one UPDATE a batch (`update_from_values`)."""
        if self.update_instances and (using_transactions or not dry_run):
            try:
                update_from_values(list(self.update_instances), self.get_bulk_update_fields(), batch_size or 1000)
            except Exception as error:  # reported as the file's error, and the whole import rolled back
                self.handle_import_error(result, error, raise_errors)
            finally:
                self.update_instances.clear()

    def get_bulk_update_fields(self):
        # Details only: custody (status, Tech Bar) moves through the counter and triage, never an import.
        return [*super().get_bulk_update_fields(), "updated_at"]


class DeviceFileResource(DeviceResource):
    """The import for `manage.py import_devices` and the worker's jobs. No preview page shows its
    rows, so it keeps no copy of each device and no diff (django-import-export's deepcopy and HTML
    diff were 40% of the import's CPU): an unchanged row is known by the details the loader read."""

    class Meta(DeviceResource.Meta):
        skip_diff = True

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors or instance.pk is None:
            return False
        return _details(instance) == instance.details_as_loaded


def update_from_values(devices: list[Device], field_names: list[str], batch_size: int) -> None:
    """`WITH v AS (VALUES (...), ...) UPDATE devices_device ... FROM v`, a batch at a time.

    What Django's bulk_update does, without its cost: it builds a CASE WHEN per field per device,
    and resolving those expressions took 60 s of CPU (of 100 s wall) to update 40,000 devices; this
    takes about a second. PostgreSQL and SQLite (3.33+) both read it; on PostgreSQL each value is
    cast to its column's type, since VALUES alone would make everything text."""
    meta = Device._meta
    fields = [meta.pk, *(meta.get_field(name) for name in field_names)]
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    names = [f"c{i}" for i in range(len(fields))]
    if connection.vendor == "postgresql":
        row = "(" + ", ".join(f"%s::{field.db_type(connection)}" for field in fields) + ")"
    else:
        row = "(" + ", ".join("%s" for _ in fields) + ")"
    assignments = ", ".join(
        f"{quote(field.column)} = v.{name}" for field, name in zip(fields[1:], names[1:], strict=True)
    )
    batch_size = max(1, min(batch_size, connection.ops.bulk_batch_size(fields, devices)))
    with connection.cursor() as cursor:
        for start in range(0, len(devices), batch_size):
            batch = devices[start : start + batch_size]
            params = [
                field.get_db_prep_save(getattr(device, field.attname), connection)
                for device in batch
                for field in fields
            ]
            # Names from the model's meta only; every value is a parameter.
            sql = (
                f"WITH v ({', '.join(names)}) AS (VALUES {', '.join([row] * len(batch))}) "  # noqa: S608 # nosec B608 # names from meta; values are params
                f"UPDATE {table} SET {assignments} FROM v WHERE {table}.{quote(meta.pk.column)} = v.c0"
            )
            cursor.execute(sql, params)


def _parse_date(text: str) -> date | None:
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None
