"""The console log: a refused permission is one line, a server error keeps its traceback."""

import io
import logging

import pytest
from django.conf import settings as django_settings

from portal.logging import RefusalsInOneLine


def _record(status_code: int) -> logging.LogRecord:
    try:
        raise PermissionError("no")
    except PermissionError:
        import sys

        record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Forbidden", None, sys.exc_info())
    record.status_code = status_code
    return record


def test_a_refusal_is_logged_without_its_traceback():
    record = _record(403)
    assert RefusalsInOneLine().filter(record)
    assert record.exc_info is None
    assert "Traceback" not in logging.Formatter().format(record)


def test_a_server_error_keeps_its_traceback():
    record = _record(500)
    assert RefusalsInOneLine().filter(record)
    assert "Traceback" in logging.Formatter().format(record)


def test_the_console_handler_uses_the_filter():
    assert "refusals_in_one_line" in django_settings.LOGGING["handlers"]["console"]["filters"]


@pytest.mark.django_db
def test_a_403_page_logs_one_line(client, officer, caplog):
    client.force_login(officer)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/incidents/office/")
    assert response.status_code == 403
    refused = [r for r in caplog.records if r.name == "django.request" and getattr(r, "status_code", None) == 403]
    assert refused
    # caplog's handler has no filter, so apply the console handler's filter as the console would.
    for record in refused:
        RefusalsInOneLine().filter(record)
        assert record.exc_info is None


@pytest.mark.django_db
def test_a_403_writes_one_line_to_the_console_and_no_traceback_even_with_debug_on(client, officer, settings, caplog):
    """What the console shows, through every handler the record meets (django.request, django,
    the root): Django's own console handler (on under DEBUG, as `make run` has it) printed the
    whole traceback before ours printed the line."""
    settings.DEBUG = True
    console = io.StringIO()
    swapped = []
    for name in ("django.request", "django", ""):
        for handler in logging.getLogger(name).handlers:
            if type(handler) is logging.StreamHandler:
                swapped.append((handler, handler.setStream(console)))
    client.force_login(officer)
    try:
        with caplog.at_level(logging.INFO):
            response = client.get("/incidents/office/")
    finally:
        for handler, stream in swapped:
            handler.setStream(stream)
    assert response.status_code == 403 and swapped
    refused = [r for r in caplog.records if r.name == "django.request"]
    assert len(refused) == 1  # logged once...
    written = console.getvalue()
    assert "Traceback" not in written and "PermissionDenied" not in written
    assert [line for line in written.splitlines() if "Forbidden" in line] == [  # ...and shown as one line
        next(line for line in written.splitlines() if "Forbidden (Permission denied): /incidents/office/" in line)
    ]


def test_the_worker_logs_what_tasks_print_as_information():
    assert django_settings.CELERY_WORKER_REDIRECT_STDOUTS_LEVEL == "INFO"


def test_the_file_system_broker_keeps_every_folder_under_var():
    """kombu's file-system transport otherwise leaves a control/ folder in the project root."""
    options = django_settings.CELERY_BROKER_TRANSPORT_OPTIONS
    if django_settings.CELERY_BROKER_URL.startswith("filesystem://"):
        folders = {options[key] for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder")}
        assert all(folder.startswith(str(django_settings.VAR_DIR)) for folder in folders)
    else:
        assert "control_folder" not in options
