"""`manage.py verify_audit`: walk every audit chain and report the first broken link per table."""

from django.core.management.base import BaseCommand, CommandError

from portal.audit_chain import chained_models, first_break


class Command(BaseCommand):
    help = (
        "Check the hash chains of the append-only tables (acknowledgements, device events, counter "
        "visits and lines, incident timelines, security events). Reports the first broken link per "
        "table and exits non-zero when any is broken."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default", help="Database alias (default: default).")
        parser.add_argument("--chunk-size", type=int, default=2000, help="Rows read per database round trip.")

    def handle(self, *args, database, chunk_size, **options):
        breaks = []
        for model in chained_models():
            checked, broken = first_break(model, using=database, chunk_size=chunk_size)
            table = model._meta.db_table
            if broken is None:
                self.stdout.write(f"{table}: {checked} rows, chain intact")
            else:
                breaks.append(broken)
                self.stdout.write(self.style.ERROR(f"BROKEN {broken}"))
        if breaks:
            raise CommandError(f"{len(breaks)} audit chain(s) broken: " + "; ".join(str(b) for b in breaks))
        self.stdout.write(self.style.SUCCESS("All audit chains intact."))
