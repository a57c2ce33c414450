"""Write a demo MDM export for the import: `manage.py demo_mdm_csv --rows 1000 --out devices.csv`."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from devices.demo import write_mdm_csv


class Command(BaseCommand):
    help = (
        "Write an Intune-style CSV of new phones that imports cleanly on the demo data "
        "(`manage.py import_devices FILE --tech-bar hq --as TB001`, or the device admin's Import)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=1000, help="How many devices (default 1,000).")
        parser.add_argument("--start", type=int, default=1, help="The first device's number (MDM000001).")
        parser.add_argument("--out", type=Path, help="The file to write (default: standard output).")

    def handle(self, *args, rows: int, start: int, out: Path | None, **options):
        if rows < 1 or start < 1 or start + rows > 1_000_000:
            raise CommandError("--rows and --start must be at least 1, and number fewer than 1,000,000 devices.")
        if out is None:
            write_mdm_csv(sys.stdout, rows=rows, start=start)
            return
        try:
            with out.open("w", encoding="utf-8", newline="") as handle:
                write_mdm_csv(handle, rows=rows, start=start)
        except OSError as exc:
            raise CommandError(f"Cannot write {out}: {exc}") from exc
        self.stderr.write(f"Wrote {rows:,} devices to {out}.")
