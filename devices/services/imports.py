"""A file of devices from the MDM inventory imported all or nothing (devices_import)."""

from dataclasses import dataclass, field

# The module, not its names: devices.resources builds on the custody services of this package.
from devices import resources
from devices.models import TechBar
from portal.models import User


@dataclass
class DeviceImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)  # "line 4: IMEI: ... is not a valid IMEI."

    @property
    def ok(self) -> bool:
        return not self.errors


def devices_import(
    *, data: bytes, actor: User, tech_bar: TechBar | None = None, dry_run: bool = False, progress=None
) -> DeviceImportReport:
    """Devices from an MDM CSV export (devices.resources): new ones received into stock, known ones'
    MDM details brought up to date. All rows or none, in one transaction; the same file twice changes
    nothing. Line numbers count the header as line 1, as a spreadsheet shows them."""
    report = DeviceImportReport()
    try:
        dataset = resources.read_csv(data)
    except ValueError as error:
        report.errors.append(str(error))
        return report
    if not dataset.height:
        report.errors.append("The file has no devices in it.")
        return report
    resource = resources.DeviceFileResource(actor=actor, tech_bar=tech_bar, progress=progress)
    result = resource.import_data(
        dataset, dry_run=dry_run, use_transactions=True, rollback_on_validation_errors=True, raise_errors=False
    )
    for error in result.base_errors:
        report.errors.append(str(error.error))
    for number, errors in result.row_errors():
        report.errors.extend(f"line {number + 1}: {e.error}" for e in errors)
    columns = {name: f.column_name for name, f in resource.fields.items()}  # as the file heads them
    for invalid in result.invalid_rows:
        for name, messages in invalid.error_dict.items():
            column = columns.get(name, name)
            report.errors.extend(f"line {invalid.number + 1}: {column}: {message}" for message in messages)
    if report.errors:
        return report
    totals = result.totals
    report.created, report.updated, report.unchanged = (
        totals.get("new", 0),
        totals.get("update", 0),
        totals.get("skip", 0),
    )
    return report
