"""The HR feed: people as rows of a CSV, for the admin import and `manage.py import_people`.

Rows are matched on payroll number, so importing the same file twice changes nothing. A
supervisor may appear later in the file than their team, so supervisors are linked after every
row is in; a supervisor who is neither in the file nor already known makes that row invalid.
"""

import datetime
import logging
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

import tablib
from django.contrib.auth.models import Group
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError
from import_export import fields, resources, widgets
from import_export.results import Error

from portal.models import Role, User, leaving_date_problem, payroll_number_validator
from portal.services import person_update
from portal.tables import export_cell

logger = logging.getLogger(__name__)
SAVED_AT_THE_SAME_MOMENT = (
    "Another import or change saved some of these records at the same moment: nothing was changed. "
    "Check the file and import it again."
)
UNEXPECTED = "The import stopped with an unexpected error: nothing was changed. Try again."


class ReasonOnlyError(Error):
    """An import's error as the person importing sees it (the admin, the job page, the API): our
    own refusals (ValueError, ValidationError) keep their words; anything else, a clash in the
    database or a bug, becomes a plain reason, its text and traceback going to the log only."""

    def __init__(self, error, row=None, number=None):
        if not isinstance(error, (ValueError, ValidationError)):
            logger.error("import error (shown as a plain reason): %s", error, exc_info=error)
            error = ValueError(SAVED_AT_THE_SAME_MOMENT if isinstance(error, IntegrityError) else UNEXPECTED)
        super().__init__(error, row=row, number=number)

    @property
    def traceback(self) -> str:
        return ""  # server paths and code are for the log, never the page


class ReasonOnlyErrors:
    """For every import resource: errors as ReasonOnlyError; and a file refused as a whole (its
    header) has its rows left unread, so that the refusal is the only thing said about it."""

    @classmethod
    def get_error_result_class(cls):
        return ReasonOnlyError

    def import_data_inner(self, dataset, *args, **kwargs):
        self._rows_to_read = dataset
        try:
            return super().import_data_inner(dataset, *args, **kwargs)
        finally:
            self._rows_to_read = None

    def handle_import_error(self, result, error, raise_errors=False):
        rows = getattr(self, "_rows_to_read", None)
        if rows is not None and result is not None and not result.rows:  # before_import refused the file
            del rows[0 : len(rows)]  # the library counts the rows again after before_import
        super().handle_import_error(result, error, raise_errors)


# --- batches: items sent by another system (the MDM, HR), imported through a resource -------------------
# The library's word for what became of a row -> the batch's.
BATCH_RESULTS = {"new": "created", "update": "updated", "skip": "unchanged"}


@dataclass
class BatchOutcome:
    """What became of a batch of items imported all or none: each item's result when it was written,
    or each bad item's problems by its index and field."""

    results: list[dict] = field(default_factory=list)  # per item, when the batch was written
    errors: dict[int, dict[str, list[str]]] = field(default_factory=dict)  # item index -> field -> messages

    @property
    def ok(self) -> bool:
        return not self.errors

    def add(self, index: int, key: str, message: str) -> None:
        self.errors.setdefault(index, {}).setdefault(key, []).append(message)


def _batch_wording(message: str) -> str:
    return str(message).replace("rows of this file", "items of this batch").replace("this file", "this batch")


def batch_import(resource, dataset, indices: list[int], error_keys: dict, outcome: BatchOutcome, *, dry_run, actor):
    """Import the dataset; errors land on the items (`indices[n]` is dataset row n's item), under the
    batch's field names (`error_keys`: the resource's name -> the batch's)."""
    error_keys = {NON_FIELD_ERRORS: "non_field_errors", **error_keys}
    result = resource.import_data(
        dataset,
        dry_run=dry_run,
        use_transactions=True,
        rollback_on_validation_errors=True,
        raise_errors=False,
        user=actor,
    )
    for error in result.base_errors:
        outcome.add(indices[0] if indices else 0, "non_field_errors", _batch_wording(error.error))
    for number, errors in result.row_errors():
        for error in errors:
            outcome.add(indices[number - 1], "non_field_errors", _batch_wording(error.error))
    for invalid in result.invalid_rows:
        for key, messages in invalid.error_dict.items():
            for message in messages:
                outcome.add(indices[invalid.number - 1], error_keys.get(key, key), _batch_wording(message))
    return result


HR_COLUMNS = [
    "payroll_number",
    "first_name",
    "last_name",
    "email",
    "rank_or_grade",
    "command_unit",
    "team",
    "supervisor_payroll_number",
    "leaving_date",
]


# Identifiers that another app holds as accounts which are not people (the API's service accounts):
# what the app calls them, and which of some identifiers are such accounts. The app registers its
# rule in its ready(); the HR file may then name none of them as a person or a supervisor.
_NOT_PEOPLE: dict[str, Callable] = {}


def register_not_people(what: str, find: Callable) -> None:
    """`find(identifiers) -> set[str]`: which of these payroll-number-like identifiers are `what`
    (e.g. "an API service account"), never a person."""
    _NOT_PEOPLE[what] = find


def not_people(identifiers: set[str]) -> dict[str, str]:
    """Each of these identifiers that names an account which is not a person, and what it is."""
    found = {}
    for what, find in _NOT_PEOPLE.items():
        found.update(dict.fromkeys(find(identifiers), what))
    return found


def _clean(value) -> str:
    return str(value or "").strip()


class SafeExportResource(resources.ModelResource):
    """Exports as the portal's own tables do: a cell a spreadsheet would run as a formula is
    neutralised (django-import-export's IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT only drops a
    leading "=", and leaves "+", "-", "@", tab and carriage return live)."""

    def export(self, queryset=None, **kwargs):
        dataset = super().export(queryset, **kwargs)
        return tablib.Dataset(*(tuple(export_cell(cell) for cell in row) for row in dataset), headers=dataset.headers)


# Text that ends up in email headers, CSV exports and the admin must be one plain line: a name
# with a line break in it once stopped a supervisor's escalation email. Characters that only
# steer layout in some scripts (zero-width joiners) are allowed; bidi overrides are not.
_BIDI_CONTROLS = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}
TEXT_COLUMNS = ("payroll_number", "first_name", "last_name", "email", "rank_or_grade", "command_unit", "team")


def control_character_problem(value: str) -> str:
    """What is wrong with `value` if it holds a control character, in words ('' if nothing)."""
    for char in value:
        if char in "\r\n\u2028\u2029\x0b\x0c\x85":
            what = "a line break"
        elif char == "\t":
            what = "a tab"
        elif unicodedata.category(char) == "Cc" or char in _BIDI_CONTROLS:
            what = f"the control character U+{ord(char):04X}"
        else:
            continue
        shown = "".join("↵" if c in "\r\n" else c if c.isprintable() else "�" for c in value)
        return f"“{shown}” contains {what}; each value must be one line of plain text. Correct it in the HR system."
    return ""


class PersonResource(ReasonOnlyErrors, SafeExportResource):
    supervisor_payroll_number = fields.Field(attribute=None, column_name="supervisor_payroll_number", readonly=True)
    leaving_date = fields.Field(
        attribute="leaving_date", column_name="leaving_date", widget=widgets.DateWidget(format="%Y-%m-%d")
    )

    class Meta:
        model = User
        import_id_fields = ["payroll_number"]
        fields = HR_COLUMNS
        export_order = HR_COLUMNS
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True

    def before_import(self, dataset, **kwargs):
        missing = [c for c in HR_COLUMNS if c not in (dataset.headers or [])]
        if missing:
            raise ValueError(f"The file has no column {', '.join(missing)}. Expected: {', '.join(HR_COLUMNS)}.")
        self._payroll_in_file = {_clean(r.get("payroll_number")).upper() for r in dataset.dict}
        actor = kwargs.get("user")
        self._actor = actor if isinstance(actor, User) and actor.pk else None
        supervisors = {_clean(r.get("supervisor_payroll_number")).upper() for r in dataset.dict}
        self._not_people = not_people(self._payroll_in_file | supervisors - {""})
        self._supervisors: dict[str, str] = {}
        # Whose leaving date the file changes is told after the import (see after_import).
        self._leaving_before = dict(
            User.objects.filter(payroll_number__in=self._payroll_in_file).values_list("payroll_number", "leaving_date")
        )

    def before_import_row(self, row, **kwargs):
        row["payroll_number"] = _clean(row.get("payroll_number")).upper()
        row["email"] = _clean(row.get("email")).lower()
        for key in ("first_name", "last_name", "rank_or_grade", "command_unit", "team"):
            row[key] = _clean(row.get(key))
        errors = {}
        for key in (*TEXT_COLUMNS, "supervisor_payroll_number", "leaving_date"):
            problem = control_character_problem(_clean(row.get(key)))
            if problem:
                errors[key] = [problem]
        if errors:
            raise ValidationError(errors)
        try:
            payroll_number_validator(row["payroll_number"])
        except ValidationError as exc:
            errors["payroll_number"] = exc.messages
        if row["payroll_number"] in self._not_people:
            what = self._not_people[row["payroll_number"]]
            errors["payroll_number"] = [f"{row['payroll_number']} is {what}, not a person."]
        try:
            validate_email(row["email"])
        except ValidationError:
            errors["email"] = [f"“{row['email']}” is not an email address."]
        problem = self._leaving_date_problem(row)
        if problem:
            errors["leaving_date"] = [problem]
        supervisor = _clean(row.get("supervisor_payroll_number")).upper()
        if supervisor:
            if supervisor == row["payroll_number"]:
                errors["supervisor_payroll_number"] = ["A person cannot be their own supervisor."]
            elif supervisor in self._not_people:
                errors["supervisor_payroll_number"] = [
                    f"{supervisor} is {self._not_people[supervisor]}, not a supervisor."
                ]
            elif (
                supervisor not in self._payroll_in_file and not User.objects.filter(payroll_number=supervisor).exists()
            ):
                errors["supervisor_payroll_number"] = [
                    f"No person with payroll number {supervisor} in this file or in Kitbag."
                ]
        if errors:
            raise ValidationError(errors)
        self._supervisors[row["payroll_number"]] = supervisor

    def _leaving_date_problem(self, row) -> str:
        """A new or changed leaving date is bounded as on the supervisor's form; one the person
        already has (a leaver of long ago, sent in every file) is left alone. An unreadable date
        is the date widget's to refuse."""
        text = _clean(row.get("leaving_date"))
        try:
            value = datetime.date.fromisoformat(text) if text else None
        except ValueError:
            return ""
        if value == self._leaving_before.get(row["payroll_number"]):
            return ""
        return leaving_date_problem(value)

    def init_instance(self, row=None):
        person = super().init_instance(row)
        person.set_unusable_password()  # people from the feed sign in with Entra ID
        return person

    def do_instance_save(self, instance, is_create):
        # Through the one write of a person; the leaving date it sets is told once every
        # supervisor is linked (see _leaving_dates_changed).
        person_update(
            person=instance,
            actor=self._actor,
            source="hr_import",
            leaving_date_was=instance.leaving_date,
        )

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if super().skip_row(instance, original, row, import_validation_errors):
            supervisor = self._supervisors.get(instance.payroll_number, "")
            current = original.supervisor.payroll_number if original and original.supervisor_id else ""
            return supervisor == current
        return False

    def after_save_instance(self, instance, row, **kwargs):
        if not instance.groups.exists():  # everyone is at least an officer or member of staff
            instance.groups.add(Group.objects.get(name=Role.OFFICER))

    def after_import(self, dataset, result, **kwargs):
        if result.has_errors() or result.has_validation_errors():
            return
        people = {
            u.payroll_number: u
            for u in User.objects.filter(
                payroll_number__in=self._supervisors.keys() | set(self._supervisors.values()) - {""}
            )
        }
        supervisor_group = Group.objects.get(name=Role.SUPERVISOR)
        for payroll, supervisor_payroll in self._supervisors.items():
            person = people.get(payroll)
            supervisor = people.get(supervisor_payroll) if supervisor_payroll else None
            if person is None:
                continue
            if person.supervisor_id != (supervisor.pk if supervisor else None):
                person.supervisor = supervisor
                person_update(person=person, actor=self._actor, source="hr_import", update_fields=["supervisor"])
            if supervisor is not None:
                supervisor.groups.add(supervisor_group)
        self._leaving_dates_changed()

    def _leaving_dates_changed(self) -> None:
        """Tell the apps whose leaving date this file set, moved or cleared (devices opens, moves
        or cancels their leaver case), once supervisors are in place, inside the import's
        transaction: a refusal fails the import as a whole."""
        now = User.objects.filter(payroll_number__in=self._payroll_in_file).values_list(
            "payroll_number", "leaving_date"
        )
        changed = [payroll for payroll, day in now if day != self._leaving_before.get(payroll)]
        for person in User.objects.filter(payroll_number__in=changed).select_related("supervisor").order_by("pk"):
            person_update(
                person=person,
                actor=self._actor,
                source="hr_import",
                reason="" if person.leaving_date else "Leaving date removed by the HR import.",
                update_fields=[],  # saved with its row
                leaving_date_was=self._leaving_before.get(person.payroll_number),
            )

    def dehydrate_supervisor_payroll_number(self, person):
        return person.supervisor.payroll_number if person.supervisor_id else ""
