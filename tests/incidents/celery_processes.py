"""Real Celery worker and beat processes (and a throwaway Redis) for the timer drills.

The processes share the test database: pytest-django's `test_<name>` PostgreSQL database, with
rows committed by `transactional_db`. Every process started here is stopped by its own id when
the test ends, before the database is flushed.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

CELERY = str(Path(sys.executable).parent / "celery")  # the one in the environment running the tests


def database_url() -> str:
    """The test database as a DATABASE_URL, for processes started from a test."""
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(condition, *, timeout: float, interval: float = 0.1, message: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {message}")


class Process:
    def __init__(self, name: str, args: list[str], env: dict, log: Path):
        self.name, self.args, self.env, self.log = name, args, env, log
        self.popen: subprocess.Popen | None = None

    def start(self) -> "Process":
        handle = self.log.open("ab")
        # A session of its own, so stopping it reaches any child it forked, and nothing else.
        self.popen = subprocess.Popen(
            self.args,
            cwd=settings.BASE_DIR,
            env=self.env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        handle.close()
        return self

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def wait_for_output(self, text: str, *, timeout: float = 30) -> None:
        def seen():
            if self.popen.poll() is not None:
                raise AssertionError(f"{self.name} exited ({self.popen.returncode}):\n{self.output()[-3000:]}")
            return text in self.output()

        wait_for(seen, timeout=timeout, message=f"{self.name} to say {text!r}")

    def kill(self, sig=signal.SIGKILL) -> None:
        if self.popen and self.popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, sig)
            try:
                self.popen.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait(timeout=5)


class CeleryProcesses:
    """Starts workers, beat and Redis servers for one test, and stops every one of them after it."""

    def __init__(self, tmp_path: Path, broker_url: str, sweep_seconds: float):
        self.tmp_path = tmp_path
        self.broker_url = broker_url
        self.sweep_seconds = sweep_seconds
        self.started: list[Process] = []

    def env(self) -> dict:
        env = {**os.environ}
        env.update(
            DJANGO_SETTINGS_MODULE="portal.settings",
            DATABASE_URL=database_url(),
            CELERY_BROKER_URL=self.broker_url,
            TIMER_SWEEP_SECONDS=str(self.sweep_seconds),
            EMAIL_URL="memorymail://",
            CONN_MAX_AGE="0",
            LOG_LEVEL="INFO",
            PYTHONUNBUFFERED="1",
        )
        return env

    def _start(self, name: str, args: list[str], env: dict | None = None) -> Process:
        process = Process(name, args, env or self.env(), self.tmp_path / f"{name}.log").start()
        self.started.append(process)
        return process

    def worker(self, name: str = "worker") -> Process:
        process = self._start(
            name,
            [
                CELERY,
                "-A",
                "portal",
                "worker",
                "--pool=solo",  # the task runs in this very process: SIGKILL lands mid-task
                "--hostname",
                f"{name}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=INFO",
            ],
        )
        process.wait_for_output("ready.")
        return process

    def beat(self, name: str = "beat") -> Process:
        process = self._start(
            name,
            [
                CELERY,
                "-A",
                "portal",
                "beat",
                "--schedule",
                str(self.tmp_path / f"{name}-schedule"),
                "--max-interval",
                "1",
                "--loglevel=INFO",
            ],
        )
        process.wait_for_output("beat: Starting")
        return process

    def redis(self, port: int) -> Process:
        process = self._start(
            f"redis-{port}",
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            env={**os.environ},
        )
        process.wait_for_output("Ready to accept connections")
        return process

    def stop_all(self) -> None:
        for process in reversed(self.started):
            process.kill()

    def outputs(self) -> list[str]:
        """Every process's whole log."""
        return [p.output() for p in self.started]

    def logs(self) -> str:
        return "\n".join(f"--- {p.name} ---\n{p.output()[-4000:]}" for p in self.started)
