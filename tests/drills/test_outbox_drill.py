"""The outbox fault drill: a real Celery worker killed (SIGKILL) while its mail server
stalls on DATA. The message must go out, once, from another worker as soon as the dead worker's
hold on it (the SMTP timeout plus a margin, portal.outbox.lease) runs out: the drill measures how
long after the kill the mail server accepted it, and records it with the other drills.

The mail server is a few lines of socket code here (no aiosmtpd): it speaks just enough SMTP,
stalls the first message's DATA without answering, and answers 250 to every later one.
"""

import socket
import threading
import time
from datetime import timedelta

import pytest
import redis
from django.conf import settings
from django.db import transaction

from portal import outbox
from portal.models import OutboundEmail
from portal.services import notify_address
from tests.drills.results import record
from tests.incidents.celery_processes import CeleryProcesses, free_port, wait_for

pytestmark = pytest.mark.drill

SMTP_TIMEOUT = 10  # seconds (EMAIL_URL's timeout=): production's default is 30
SWEEP = 5.0  # OUTBOX_SWEEP_SECONDS in this drill (production: 60)


class StallingSMTPServer:
    """Accepts SMTP connections; the first message's DATA is read and never answered (the
    worker sits in its SMTP timeout); later messages are accepted. Records what it accepted."""

    def __init__(self):
        self.port = free_port()
        self.stalled_at: float | None = None
        self.accepted: list[tuple[float, str]] = []  # (monotonic time, Message-ID)
        self._listener = socket.create_server(("127.0.0.1", self.port))
        self._listener.settimeout(0.5)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            threading.Thread(target=self._session, args=(conn,), daemon=True).start()

    def _session(self, conn: socket.socket) -> None:
        conn.settimeout(120)
        reader = conn.makefile("rb")
        try:
            conn.sendall(b"220 drill.example ESMTP\r\n")
            while not self._stop.is_set():
                line = reader.readline()
                if not line:
                    return
                verb = line[:4].upper()
                if verb in (b"EHLO", b"HELO"):
                    conn.sendall(b"250 drill.example\r\n")
                elif verb == b"DATA":
                    conn.sendall(b"354 go ahead\r\n")
                    message = []
                    while (data := reader.readline()) not in (b".\r\n", b""):
                        message.append(data)
                    message_id = next(
                        (m.split(b":", 1)[1].strip().decode() for m in message if m.lower().startswith(b"message-id:")),
                        "",
                    )
                    if self.stalled_at is None:
                        self.stalled_at = time.monotonic()
                        while not self._stop.is_set():  # never answer: the worker waits, and dies
                            if not conn.recv(1024):
                                return
                    self.accepted.append((time.monotonic(), message_id))
                    conn.sendall(b"250 queued\r\n")
                elif verb == b"QUIT":
                    conn.sendall(b"221 bye\r\n")
                    return
                else:  # MAIL, RCPT, RSET, NOOP
                    conn.sendall(b"250 ok\r\n")
        except OSError:
            return
        finally:
            conn.close()

    def stop(self) -> None:
        self._stop.set()
        self._listener.close()


class MailingCeleryProcesses(CeleryProcesses):
    def __init__(self, *args, email_url: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email_url = email_url

    def env(self) -> dict:
        return {**super().env(), "EMAIL_URL": self.email_url, "OUTBOX_SWEEP_SECONDS": str(SWEEP)}


def test_a_worker_killed_mid_send_leaves_its_email_to_another_within_the_lease(transactional_db, tmp_path):
    redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()
    server = StallingSMTPServer()
    processes = MailingCeleryProcesses(
        tmp_path,
        settings.CELERY_BROKER_URL,
        sweep_seconds=1.0,
        email_url=f"smtp://127.0.0.1:{server.port}/?timeout={SMTP_TIMEOUT}",
    )
    lease = (timedelta(seconds=SMTP_TIMEOUT) + outbox.LEASE_MARGIN).total_seconds()
    started = time.monotonic()
    try:
        worker = processes.worker("worker")
        processes.beat()
        with transaction.atomic():  # after commit, its delivery task goes to the worker
            email = notify_address(address="duty@police.example", subject="Escalation", body="Overdue")
        wait_for(lambda: server.stalled_at, timeout=60, message="the worker to reach DATA\n" + processes.logs())
        worker.kill()
        killed_at = time.monotonic()
        processes.worker("worker-again")
        wait_for(lambda: server.accepted, timeout=lease + 6 * SWEEP + 30, interval=0.2, message="another send")
        time.sleep(2 * SWEEP)  # more sweeps: still once
        email.refresh_from_db()
        delay = server.accepted[0][0] - killed_at
        accepted_ids = [message_id for _, message_id in server.accepted]
        record(
            "f. worker killed mid-send (outbox)",
            steps=1,
            fired=int(email.status == OutboundEmail.Status.SENT),
            duplicates=max(len(accepted_ids) - 1, 0),
            lost=int(not accepted_ids),
            seconds=time.monotonic() - started,
            resent_after_kill_s=round(delay, 1),
            lease_s=lease,
            outbox_sweep_s=SWEEP,
            smtp_timeout_s=SMTP_TIMEOUT,
        )
        assert accepted_ids == [email.message_id]  # once, under its own Message-ID
        assert (email.status, email.attempts) == ("sent", 2)
        # The hold outlasts the kill by at most the lease; then the next sweep (or the redelivered
        # task) takes it. Before the per-message lease this waited 10 minutes.
        assert delay <= lease + 2 * SWEEP + 5, f"sent {delay:.1f}s after the kill"
    finally:
        processes.stop_all()
        server.stop()
