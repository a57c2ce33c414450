"""Benchmark: how fast the timer sweep fires steps that send email, and how fast the outbox
delivers them, against a real (local, minimal) SMTP server. Not a test: timings vary by machine.

    DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python docs/bench_outbox.py [incidents]

It migrates the database it is given, files `incidents` first notifications with their four
report steps all due, sweeps them (timing steps per second), then, where the outbox exists,
delivers the queued email (timing messages per second). Run it on an older checkout to compare.
"""

import asyncio
import multiprocessing
import os
import socket
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("CELERY_BROKER_URL", "memory://")


class SmtpSink:
    """Just enough SMTP to accept mail (EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT), counting it.
    In a process of its own, so it does not compete with the code measured for the GIL."""

    def __init__(self):
        self._messages = multiprocessing.Value("i", 0)
        self._connections = multiprocessing.Value("i", 0)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        started = multiprocessing.Event()
        multiprocessing.Process(target=self._run, args=(started,), daemon=True).start()
        started.wait()

    @property
    def messages(self) -> int:
        return self._messages.value

    @property
    def connections(self) -> int:
        return self._connections.value

    def _run(self, started):
        async def serve():
            server = await asyncio.start_server(self._session, "127.0.0.1", self.port)
            started.set()
            await server.serve_forever()

        asyncio.run(serve())

    async def _session(self, reader, writer):
        with self._connections.get_lock():
            self._connections.value += 1
        writer.write(b"220 sink ESMTP\r\n")
        while line := await reader.readline():
            verb = line[:4].upper()
            if verb == b"EHLO":
                writer.write(b"250-sink\r\n250 8BITMIME\r\n")
            elif verb == b"DATA":
                writer.write(b"354 go ahead\r\n")
                await writer.drain()
                while (await reader.readline()) not in (b".\r\n", b""):
                    pass
                with self._messages.get_lock():
                    self._messages.value += 1
                writer.write(b"250 queued\r\n")
            elif verb == b"QUIT":
                writer.write(b"221 bye\r\n")
                await writer.drain()
                break
            else:
                writer.write(b"250 ok\r\n")
            await writer.drain()
        writer.close()


def main(incidents: int) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.utils import timezone

    from incidents import ladders
    from incidents.models import Incident, IncidentStep
    from portal import timers
    from portal.models import Role
    from tests.factories import UserFactory

    sink = SmtpSink()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", sink.port, False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    call_command("migrate", verbosity=0)

    supervisor = UserFactory(roles=[Role.SUPERVISOR])
    reporter = UserFactory(roles=[Role.OFFICER], supervisor=supervisor)
    UserFactory(roles=[Role.DATA_OFFICE])
    aware = timezone.now() - timedelta(hours=13)
    made = Incident.objects.bulk_create(
        Incident(
            reporter=reporter,
            aware_at=aware,
            due_at=aware + ladders.REPORT_DEADLINE,
            summary=f"Benchmark incident {n}",
            personal_data_involved="no",
            device_involved="no",
        )
        for n in range(incidents)
    )
    IncidentStep.objects.bulk_create(
        IncidentStep(incident=i, ladder=r.ladder, step=r.step, due_at=aware + r.after)
        for i in made
        for r in ladders.report_ladder()
    )

    started = time.perf_counter()
    fired = timers.sweep(schedule_ahead=False).fired
    sweep_seconds = time.perf_counter() - started
    print(f"sweep: {fired} steps in {sweep_seconds:.2f} s = {fired / sweep_seconds:.1f} steps/s")
    print(f"  emails accepted by the SMTP server during the sweep: {sink.messages} over {sink.connections} connections")

    try:
        from portal import outbox
    except ImportError:
        return
    queued = outbox.OutboundEmail.objects.filter(status="queued").count()
    before = sink.messages, sink.connections
    started = time.perf_counter()
    report = outbox.sweep(overdue_by=timedelta(0), max_batches=10**6)
    seconds = time.perf_counter() - started
    print(
        f"outbox delivery: {report.sent} of {queued} messages in {seconds:.2f} s = {report.sent / seconds:.1f} msg/s "
        f"over {sink.connections - before[1]} connections ({sink.messages - before[0]} accepted)"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100)
