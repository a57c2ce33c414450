"""Log filters and formats: one line per refusal, and every record of a request or a Celery task
carrying its request id, user id and task id, as JSON in production (LOG_FORMAT=json).

The ids live in context variables, set by `portal.middleware.RequestIdMiddleware` and
`RequestUserMiddleware`, cleared when the response is finished; `RequestContext` copies them onto
each record, whichever logger wrote it, so the console handler's formatter can print them.
"""

import contextvars
import logging
import re
import uuid
from datetime import UTC, datetime

from celery import current_task
from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter as BaseJsonFormatter

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("kitbag_request_id", default=None)
user_id_var: contextvars.ContextVar[int | None] = contextvars.ContextVar("kitbag_user_id", default=None)

# What we accept from the proxy's X-Request-ID: a UUID or any token of this shape. Anything else
# (a log-injection attempt, an endless header) is replaced by an id of our own.
_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")


def request_id_from(header: str | None) -> str:
    """The proxy's request id if it is a sensible token, otherwise a new one."""
    if header and _REQUEST_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


def clear_request_context(**kwargs) -> None:
    """Connected to `request_finished`: nothing logged between requests claims one."""
    request_id_var.set(None)
    user_id_var.set(None)


class RefusalsInOneLine(logging.Filter):
    """Drop the traceback from Django's "Forbidden" records: one line per refusal. Every other
    record, a 500's traceback included, passes unchanged.

    A refused permission (403) is an expected event, already recorded in `portal.SecurityEvent`;
    Django logs it with the exception's full traceback, which buries real errors under noise."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403 and record.exc_info:
            record.exc_info = None
            record.exc_text = None
        return True


_CONTEXT_FIELDS = ("request_id", "user_id", "task_id", "task_name")


class RequestContext(logging.Filter):
    """Put request_id, user_id, task_id and task_name on every record ("-" when there is none),
    so one request's or one task's lines can be picked out of many processes' logs."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get() or "-"
        user_id = user_id_var.get()
        record.user_id = user_id if user_id is not None else "-"
        task = current_task._get_current_object() if current_task else None
        request = getattr(task, "request", None) if task is not None else None
        record.task_id = getattr(request, "id", None) or "-"
        record.task_name = getattr(task, "name", None) or "-"
        return True


class JsonFormatter(BaseJsonFormatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message, the context ids, any
    extra fields, and the traceback if there is one. Django's records carry the HttpRequest
    itself as `request`; that object is left out (its id and user are there already)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("fmt", "{asctime}{levelname}{name}{message}")
        kwargs.setdefault("style", "{")
        kwargs.setdefault("rename_fields", {"asctime": "time", "levelname": "level", "name": "logger"})
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, "request", "server_time"])
        super().__init__(*args, **kwargs)

    def process_log_record(self, log_data):
        # "-" keeps plain lines aligned; in JSON an absent id is null.
        for key in _CONTEXT_FIELDS:
            if log_data.get(key) == "-":
                log_data[key] = None
        return super().process_log_record(log_data)

    def formatTime(self, record, datefmt=None):
        return datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
