"""The database stops answering (a restart, a fail-over): a 503 page that says so and to try
again, never a 500, with whatever was posted (the counter's scan list, the confirmation tick, the
conditions-of-use tokens) kept in a form that sends it again unchanged.

Two entry points, because Django converts an exception to a response at every middleware layer:
`DatabaseUnavailableMiddleware.process_exception` answers for a view that raised (whatever
DEBUG says), and `portal.views.server_error` answers for the rest (the session or the user read
in a middleware, before any view runs). Neither touches the database: the page is rendered from
the template alone, without the request's context processors.

Nothing is half-written: every service writes in one transaction, which the database rolls back
when the connection dies. Django drops the broken connection at the end of the request and opens
a new one for the next (settings: CONN_HEALTH_CHECKS), so the retry succeeds once it is back.
"""

import logging

from django.contrib import admin
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 10
# Posted fields never written back into a page (a sign-in form's password).
_SECRET_WORDS = ("password", "secret")


def is_database_unavailable(exc: BaseException | None) -> bool:
    """The exception, or one it was raised from, says the database could not be reached."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, DATABASE_ERRORS):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def kept_fields(request: HttpRequest) -> list[tuple[str, str]]:
    """What was posted, field by field, to send again (files cannot be kept; secrets are not)."""
    if request.method != "POST":
        return []
    try:
        data = request.POST
    except Exception:  # an unreadable body: nothing to keep (the error page must not fail)
        return []
    return [
        (name, value)
        for name, values in data.lists()
        if not any(word in name.lower() for word in _SECRET_WORDS)
        for value in values
    ]


def database_unavailable_response(request: HttpRequest) -> HttpResponse:
    path = request.path_info or "/"
    template = "admin/503.html" if path.startswith("/admin/") else "503.html"
    html = render_to_string(
        template,
        {
            "title": "The database is unavailable",
            "site_header": admin.site.site_header,  # portal.admin_site's; no database needed
            "site_title": admin.site.site_title,
            "kept": kept_fields(request),
            "retry_url": request.get_full_path(),
            "retry_after": RETRY_AFTER_SECONDS,
            "is_post": request.method == "POST",
        },
    )
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


class DatabaseUnavailableMiddleware:
    """A view that meets a database that is not answering returns the 503 page (see the module
    docstring for the errors raised before any view runs)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_unavailable(exception):
            return None
        logger.error("database unavailable: %s %s answered 503", request.method, request.path, exc_info=exception)
        return database_unavailable_response(request)
