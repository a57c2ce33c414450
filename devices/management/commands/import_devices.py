"""Import devices from an MDM CSV export: `manage.py import_devices devices.csv [--tech-bar CODE] [--dry-run]`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from devices.imports.resources import COLUMNS, PROGRESS_EVERY, TECH_BAR_COLUMN
from devices.imports.services.files import devices_import
from devices.models import TechBar
from portal.models import User


class Command(BaseCommand):
    help = (
        f"Receive new devices into stock and update known ones from an MDM CSV with the columns: "
        f"{', '.join(COLUMNS)} (and optionally {TECH_BAR_COLUMN}). Any bad row changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("csv_file", type=Path)
        parser.add_argument(
            "--tech-bar", help="The code of the Tech Bar receiving new devices without a Tech Bar column."
        )
        parser.add_argument("--as", dest="actor", required=True, help="Payroll number of the person importing.")
        parser.add_argument("--dry-run", action="store_true", help="Check the file and report; change nothing.")

    _progress_shown = False

    def _progress(self, done: int, total: int) -> None:
        """Progress on stderr, "12,000 of 40,000 rows": one line rewritten in place on a terminal, else (a log)
        a line at each tenth of the file."""
        if self.stderr.isatty():
            self._progress_shown = True
            self.stderr.write(f"\r{done:,} of {total:,} rows", ending="")
            self.stderr.flush()
        elif done * 10 // total > (done - PROGRESS_EVERY) * 10 // total:
            self.stderr.write(f"{done:,} of {total:,} rows")

    def handle(self, *args, csv_file: Path, tech_bar: str | None, actor: str, dry_run: bool, **options):
        try:
            data = csv_file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {csv_file}: {exc}") from exc
        person = User.objects.filter(payroll_number=actor.upper(), is_active=True).first()
        if person is None:
            raise CommandError(f"No active person has the payroll number {actor}.")
        bar = None
        if tech_bar:
            bar = TechBar.objects.filter(code=tech_bar, is_active=True).first()
            if bar is None:
                raise CommandError(f"No open Tech Bar has the code {tech_bar}.")
        report = devices_import(data=data, actor=person, tech_bar=bar, dry_run=dry_run, progress=self._progress)
        if self._progress_shown:
            self.stderr.write("")  # end the progress line
        if not report.ok:
            for error in report.errors[:200]:
                self.stderr.write(error)
            if len(report.errors) > 200:
                self.stderr.write(f"... and {len(report.errors) - 200} more.")
            raise CommandError(f"{len(report.errors)} error(s): nothing was imported.")
        verb = "Would import" if dry_run else "Imported"
        self.stdout.write(
            self.style.SUCCESS(f"{verb}: {report.created} new, {report.updated} updated, {report.unchanged} unchanged.")
        )
