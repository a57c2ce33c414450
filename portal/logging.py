"""Log filters: keep the console readable without hiding anything that matters.

A refused permission (403) is an expected event, already recorded in `portal.SecurityEvent`;
Django logs it with the exception's full traceback, which buries real errors under noise.
"""

import logging


class RefusalsInOneLine(logging.Filter):
    """Drop the traceback from Django's "Forbidden" records: one line per refusal. Every other
    record, a 500's traceback included, passes unchanged."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403 and record.exc_info:
            record.exc_info = None
            record.exc_text = None
        return True
