"""Import people from the HR feed: `manage.py import_people people.csv [--dry-run]`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.resources import HR_COLUMNS
from portal.services import people_import


class Command(BaseCommand):
    help = f"Create or update people from an HR CSV with the columns: {', '.join(HR_COLUMNS)}."

    def add_arguments(self, parser):
        parser.add_argument("csv_file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Check the file and report; change nothing.")

    def handle(self, *args, csv_file: Path, dry_run: bool, **options):
        try:
            text = csv_file.read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise CommandError(f"Cannot read {csv_file}: {exc}") from exc
        report = people_import(csv_text=text, dry_run=dry_run)
        if not report.ok:
            for error in report.errors:
                self.stderr.write(error)
            raise CommandError(f"{len(report.errors)} error(s): nothing was imported.")
        verb = "Would import" if dry_run else "Imported"
        self.stdout.write(
            self.style.SUCCESS(f"{verb}: {report.created} new, {report.updated} updated, {report.unchanged} unchanged.")
        )
