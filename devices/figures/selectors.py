"""The figures as things stood at an instant, counted in SQL from the custody history
(assignments, device events) and the people's dated history, never from current status fields:
figures for a past instant do not change when kit moves today. Four queries whatever the size of
the force: where the history starts, people and the kit they held (one pass over the history), each
device's status and the activity over a range (devices.figures.kit)."""

# SQL here is put together from model metadata and constants only; every value is a parameter.
# ruff: noqa: S608

from datetime import datetime

from django.db.models import Min

from devices.core.models import Assignment, Device, DeviceModel
from devices.figures.counts import Figures, FigureTable, add_row_sum, add_total_row
from devices.figures.kit import activity_table, status_table
from devices.figures.ranks import OFFICERS_AND_STAFF
from devices.figures.sql import rows, stood_cte
from portal.errors import DomainError
from portal.formats import local_datetime
from portal.models import PersonHistory

KINDS = [(k.value, k.label) for k in DeviceModel.Kind]
FAMILIES = [("android", "Android"), ("apple", "Apple"), ("windows", "Windows"), ("other", "Other")]
NOT_RECORDED = "Not recorded"

# The operating system family, from the catalogue's free-text operating system of the model.
_OS = "LOWER(m.operating_system)"
OS_FAMILY = (
    f"CASE WHEN {_OS} LIKE '%%android%%' THEN 'android' "
    f"WHEN {_OS} LIKE 'ios%%' OR {_OS} LIKE 'ipados%%' OR {_OS} LIKE 'macos%%' OR {_OS} LIKE 'apple%%' "
    f"THEN 'apple' WHEN {_OS} LIKE 'windows%%' THEN 'windows' ELSE 'other' END"
)


class FiguresError(DomainError):
    """Figures that cannot honestly be given (a date before the history starts)."""


def _kind_sums(prefix: str = "") -> str:
    return ", ".join(f"SUM(CASE WHEN {prefix}kind = '{kind}' THEN 1 ELSE 0 END)" for kind, _ in KINDS)


def _with(*, unit: str) -> str:
    """Where each person stood at the instant (their latest history row at or before it) and every
    device held then (an assignment issued at or before it and not yet returned)."""
    assignment = Assignment._meta.db_table
    device, model = Device._meta.db_table, DeviceModel._meta.db_table
    unit_condition = "AND COALESCE(s.command_unit, '') = %s" if unit else ""
    sql = f"""
WITH {stood_cte()},
held AS (
  SELECT a.holder_id, m.kind, m.make, m.model_name, {OS_FAMILY} AS family,
         COALESCE(s.command_unit, '') AS unit, COALESCE(s.team, '') AS team, COALESCE(s.officer, 0) AS officer
  FROM {assignment} a
  JOIN {device} d ON d.id = a.device_id
  JOIN {model} m ON m.id = d.model_id
  LEFT JOIN stood s ON s.person_id = a.holder_id
  WHERE a.issued_at <= %s AND (a.returned_at IS NULL OR a.returned_at > %s) {unit_condition}
)
"""  # nosec B608
    return sql


def history_start() -> datetime | None:
    """When the people's dated history starts: figures for an earlier instant are refused."""
    return PersonHistory.objects.aggregate(start=Min("valid_from"))["start"]


def figures_as_of(
    *, as_of: datetime, command_unit: str = "", range_start: datetime | None = None, range_end: datetime | None = None
) -> Figures:
    """Every table as things stood at `as_of` (an aware instant); people counted where they stood
    then. `command_unit` narrows the people and kit tables to those in that unit at the instant.
    The activity table counts events in [range_start, range_end) when both are given."""
    start = history_start()
    if start is None:
        raise FiguresError("The people's history has not started yet: no figures can be given.")
    if as_of < start:
        raise FiguresError(
            f"The people's history starts at {local_datetime(start)}: figures for an earlier time would be a guess."
        )
    scope = f"People in {command_unit} at the time, and the kit they held." if command_unit else ""
    counts = _held_counts(as_of=as_of, command_unit=command_unit)
    tables = [
        _by_kind(counts["kinds"], scope),
        _by_family(counts["families"], scope),
        _by_make_and_model(counts["models"], scope),
        _by_unit_and_team(counts["units"], scope),
        status_table(as_of, command_unit),
    ]
    if range_start is not None and range_end is not None:
        tables.append(activity_table(range_start, range_end, command_unit))
    return Figures(
        as_of=as_of,
        command_unit=command_unit,
        range_start=range_start,
        range_end=range_end,
        history_start=start,
        tables=tables,
    )


WIDTH = 7 + len(KINDS)  # the values of a row of the combined query
# People holding, then officers and staff among them (each distinct: one person may hold two).
PEOPLE = (
    "COUNT(DISTINCT holder_id), COUNT(DISTINCT CASE WHEN officer = 1 THEN holder_id END), "
    "COUNT(DISTINCT CASE WHEN officer = 0 THEN holder_id END)"
)
PEOPLE_COLUMNS = ["People holding one", "Officers holding one", "Staff holding one"]


def _held_counts(*, as_of: datetime, command_unit: str) -> dict[str, list[tuple]]:
    """Every table about people and the kit they held, in one query (the history is read once):
    rows of (table, four labels, seven counts), grouped in SQL, in label order."""
    pad = lambda n: ", ".join(["0"] * n)  # noqa: E731
    kinds = _kind_sums()
    unit_condition = "AND COALESCE(command_unit, '') = %s" if command_unit else ""
    in_post = ", ".join(["0 AS holding", "0 AS officers_holding", "0 AS staff_holding", "0 AS devices"])
    in_post += "".join(f", 0 AS k{i}" for i in range(len(KINDS)))
    parts = [
        f"SELECT 'kinds', kind, '', '', '', {PEOPLE}, COUNT(*), {pad(WIDTH - 4)} FROM held GROUP BY kind",  # nosec B608
        f"SELECT 'kinds', '*', '', '', '', {PEOPLE}, COUNT(*), {pad(WIDTH - 4)} FROM held",  # nosec B608
        f"SELECT 'families', family, '', '', '', {PEOPLE}, {kinds}, COUNT(*), "  # nosec B608
        f"{pad(WIDTH - 4 - len(KINDS))} FROM held GROUP BY family",
        f"SELECT 'families', '*', '', '', '', {PEOPLE}, {kinds}, COUNT(*), {pad(WIDTH - 4 - len(KINDS))} FROM held",  # nosec B608
        f"SELECT 'models', make, model_name, kind, family, COUNT(*), {pad(WIDTH - 1)} "  # nosec B608
        "FROM held GROUP BY make, model_name, kind, family",
        "SELECT 'units', unit, team, '', '', SUM(in_post), SUM(officer), SUM(in_post) - SUM(officer), "
        "SUM(holding), SUM(officers_holding), SUM(staff_holding), SUM(devices), "
        + ", ".join(f"SUM(k{i})" for i in range(len(KINDS)))
        + " FROM (SELECT COALESCE(command_unit, '') AS unit, COALESCE(team, '') AS team, 1 AS in_post, "  # nosec B608
        f"officer, {in_post} FROM stood WHERE is_active = %s {unit_condition} "
        f"UNION ALL SELECT unit, team, 0, 0, {PEOPLE}, COUNT(*), {kinds} "
        "FROM held GROUP BY unit, team) parts GROUP BY unit, team",
    ]
    sql = _with(unit=command_unit) + " UNION ALL ".join(parts) + " ORDER BY 1, 2, 3, 4, 5"
    unit_params = [command_unit] if command_unit else []
    counts: dict[str, list[tuple]] = {"kinds": [], "families": [], "models": [], "units": []}
    for key, *labels_and_values in rows(sql, [as_of, as_of, as_of, *unit_params, True, *unit_params]):
        labels, values = labels_and_values[:4], [int(v or 0) for v in labels_and_values[4:]]
        counts[key].append((tuple(labels), values))
    return counts


def _by_kind(rows: list[tuple], scope: str) -> FigureTable:
    found = {labels[0]: values[:4] for labels, values in rows}
    table = FigureTable(
        key="kinds",
        title="People holding, and devices issued, by kind",
        label_headers=["Kind"],
        columns=[*PEOPLE_COLUMNS, "Devices issued"],
        rows=[((label,), found.get(kind, [0] * 4)) for kind, label in KINDS],
        scope=" ".join(
            [scope or "A person holding two kinds counts once in each; the total counts them once.", OFFICERS_AND_STAFF]
        ),
    )
    add_total_row(table, additive=[False, False, False, True], total_values=found.get("*", [0] * 4))
    add_row_sum(table, total_column=0, part_columns=[1, 2])
    return table


def _by_family(rows: list[tuple], scope: str) -> FigureTable:
    width = len(KINDS) + 4
    found = {labels[0]: values[:width] for labels, values in rows}
    table = FigureTable(
        key="families",
        title="By operating system family",
        label_headers=["Operating system"],
        columns=[*PEOPLE_COLUMNS, *(f"{label}s" for _, label in KINDS), "Devices issued"],
        rows=[((label,), found.get(family, [0] * width)) for family, label in FAMILIES],
        scope=scope or "From the operating system of each model in the catalogue.",
    )
    add_total_row(table, additive=[False] * 3 + [True] * (width - 3), total_values=found.get("*", [0] * width))
    add_row_sum(table, total_column=width - 1, part_columns=list(range(3, width - 1)))
    add_row_sum(table, total_column=0, part_columns=[1, 2])
    return table


def _by_make_and_model(rows: list[tuple], scope: str) -> FigureTable:
    kinds, families = dict(KINDS), dict(FAMILIES)
    table = FigureTable(
        key="models",
        title="Devices issued, by make and model",
        label_headers=["Make", "Model", "Kind", "Operating system"],
        columns=["Devices issued"],
        rows=[
            ((make, name, str(kinds.get(kind, kind)), families[family]), values[:1])
            for (make, name, kind, family), values in rows
        ],
        scope=scope,
    )
    add_total_row(table, additive=[True])
    return table


def _by_unit_and_team(rows: list[tuple], scope: str) -> FigureTable:
    width = WIDTH
    table = FigureTable(
        key="units",
        title="By command unit and team",
        label_headers=["Command unit", "Team"],
        columns=[
            "People in post",
            "Officers in post",
            "Staff in post",
            "People holding a device",
            "Officers holding a device",
            "Staff holding a device",
            "Devices issued",
            *(f"{label}s" for _, label in KINDS),
        ],
        scope=" ".join(
            [
                scope
                or "People where they stood at the time; kit held by someone with no record then is 'Not recorded'.",
                OFFICERS_AND_STAFF,
            ]
        ),
    )
    by_unit: dict[str, list] = {}
    for (unit, team, _, _), values in rows:
        by_unit.setdefault(unit, []).append((team, values))
    unit_rows, team_rows_of = [], []
    for unit, teams in by_unit.items():
        subtotal_row = len(table.rows)
        unit_rows.append(subtotal_row)
        subtotal = [sum(values[c] for _, values in teams) for c in range(width)]
        table.rows.append(((unit or NOT_RECORDED, "All teams"), subtotal))
        team_rows = []
        for team, values in teams:
            team_rows.append(len(table.rows))
            table.rows.append(((unit or NOT_RECORDED, team or NOT_RECORDED), values))
        team_rows_of.append((subtotal_row, team_rows))
    total_row = len(table.rows)
    table.rows.append((("Total", ""), [sum(table.rows[r][1][c] for r in unit_rows) for c in range(width)]))
    # One (row, column) tuple a cell, shared by every sum it is in: at force scale the sums name
    # ~30,000 cells, and fresh tuples for each made the page's garbage collector run more often.
    cell = [[(row, column) for column in range(width)] for row in range(len(table.rows))]
    for subtotal_row, team_rows in team_rows_of:
        for column in range(width):
            table.sums.append((cell[subtotal_row][column], [cell[row][column] for row in team_rows]))
    for column in range(width):
        table.sums.append((cell[total_row][column], [cell[row][column] for row in unit_rows]))
    for row in cell:
        table.sums.append((row[0], [row[1], row[2]]))
        table.sums.append((row[3], [row[4], row[5]]))
        table.sums.append((row[6], row[7:width]))
    return table


def answer_figures(
    *,
    as_of: datetime,
    command_unit: str = "",
    range_start: datetime | None = None,
    range_end: datetime | None = None,
    models_withheld_reason: str = "",
) -> Figures:
    """The figures as an answer gives them: the make and model table withheld, with its reason,
    when one is given."""
    figures = figures_as_of(as_of=as_of, command_unit=command_unit, range_start=range_start, range_end=range_end)
    reason = " ".join((models_withheld_reason or "").split())
    if reason:
        table = figures.table("models")
        table.rows, table.sums, table.withheld_reason = [], [], reason
    return figures


def command_units() -> list[str]:
    """Every command unit in the people's history (the page's choice of unit)."""
    units = PersonHistory.objects.exclude(command_unit="").order_by("command_unit").values_list("command_unit")
    return list(units.distinct().values_list("command_unit", flat=True))
