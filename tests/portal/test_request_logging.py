"""Structured logs: a request id (the proxy's, if sensible, or a new one) on the response and on
every log line of the request with the user id; the Celery task id on a task's lines; JSON in
production, plain lines with DEBUG."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from celery import shared_task

from portal.logging import JsonFormatter, RequestContext, request_id_var, user_id_var

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.addFilter(RequestContext())
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def log_records():
    handler = _Collect()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield handler.records
    finally:
        root.removeHandler(handler)


def test_a_request_without_an_id_gets_a_new_one_on_the_response(client):
    first = client.get("/health/")["X-Request-ID"]
    second = client.get("/health/")["X-Request-ID"]
    assert len(first) == 32 and int(first, 16) >= 0
    assert first != second


def test_the_proxys_request_id_is_kept(client):
    response = client.get("/health/", headers={"X-Request-ID": "3f2a9c1e-7d4b-4e8a-9b1c-0a2b3c4d5e6f"})
    assert response["X-Request-ID"] == "3f2a9c1e-7d4b-4e8a-9b1c-0a2b3c4d5e6f"


@pytest.mark.parametrize("bad", ["abc\nFAKE LOG LINE", "has space", "x" * 129, "<script>", "-starts-with-dash"])
def test_a_request_id_that_is_not_a_sensible_token_is_replaced(client, bad):
    response = client.get("/health/", headers={"X-Request-ID": bad})
    assert response["X-Request-ID"] != bad
    assert len(response["X-Request-ID"]) == 32


def test_every_line_of_a_request_carries_its_id_and_the_users_id(client, officer, log_records):
    client.force_login(officer)
    response = client.get("/no-such-page/", headers={"X-Request-ID": "req-42"})
    assert response.status_code == 404
    lines = [r for r in log_records if r.name == "django.request"]
    assert lines, "Django logs a 404"
    assert all(r.request_id == "req-42" and r.user_id == officer.pk for r in lines)
    # the ids leave with the request
    assert request_id_var.get() is None and user_id_var.get() is None


def test_an_anonymous_request_has_no_user_id(client, log_records):
    client.get("/no-such-page/", headers={"X-Request-ID": "req-43"})
    line = next(r for r in log_records if r.name == "django.request")
    assert line.request_id == "req-43" and line.user_id == "-"


def test_a_log_line_outside_any_request_or_task_says_so(log_records):
    logging.getLogger("kitbag.test").warning("between requests")
    (record,) = [r for r in log_records if r.name == "kitbag.test"]
    assert (record.request_id, record.user_id, record.task_id) == ("-", "-", "-")


def test_the_json_line_has_the_ids_and_no_request_object(client, officer, log_records):
    client.force_login(officer)
    client.get("/no-such-page/", headers={"X-Request-ID": "req-44"})
    record = next(r for r in log_records if r.name == "django.request")
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "req-44"
    assert line["user_id"] == officer.pk
    assert line["task_id"] is None
    assert line["level"] == "WARNING" and line["logger"] == "django.request"
    assert line["message"].startswith("Not Found: /no-such-page/")
    assert line["status_code"] == 404
    assert line["time"].endswith("+00:00")
    assert "request" not in line


@shared_task(name="tests.portal.log_something")
def log_something() -> None:
    logging.getLogger("kitbag.test.task").info("inside the task")


def test_a_celery_tasks_lines_carry_its_task_id(log_records):
    result = log_something.apply()  # runs the task here, with Celery's task context
    (record,) = [r for r in log_records if r.name == "kitbag.test.task"]
    assert record.task_id == result.id
    assert record.task_name == "tests.portal.log_something"
    assert json.loads(JsonFormatter().format(record))["task_id"] == result.id


def _log_line(**env) -> str:
    clean = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp")}
    code = "import logging; logging.getLogger('kitbag.probe').warning('probe %s', 1)"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return next(line for line in result.stderr.splitlines() if "probe 1" in line)


def test_production_logs_json_by_default():
    line = json.loads(_log_line(DEBUG="0", SECRET_KEY="x" * 50))
    assert line["message"] == "probe 1" and line["level"] == "WARNING" and line["logger"] == "kitbag.probe"
    assert line["request_id"] is None


def test_debug_logs_plain_lines_and_log_format_chooses():
    plain = _log_line(DEBUG="1")
    assert "WARNING kitbag.probe [request=- user=- task=-] probe 1" in plain
    assert json.loads(_log_line(DEBUG="1", LOG_FORMAT="json"))["message"] == "probe 1"
