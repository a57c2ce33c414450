"""The portal shell's pages: home, notifications, help, health and readiness checks, error pages."""

import functools
import sys

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.staticfiles import finders
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.views import View
from django.views.generic import ListView, TemplateView

from portal import home, permissions, readiness, selectors, services, unavailable
from portal.models import Notification


class HomeView(TemplateView):
    """What needs my attention: my kit, policies to accept, incidents I reported, and my work queues,
    each from the app that owns it (portal.home)."""

    template_name = "portal/home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        context = super().get_context_data(**kwargs)
        context.update(
            page_title="Home",
            top_panels=home.panels_for(user=user, region=home.TOP),
            main_panels=home.panels_for(user=user, region=home.MAIN),
            work_links=home.work_links_for(user=user),
            latest_notifications=selectors.notifications_for(user=user)[:5],
        )
        return context


class NotificationListView(ListView):
    template_name = "portal/notifications.html"
    paginate_by = 25
    context_object_name = "notifications"

    def get_queryset(self):
        return selectors.notifications_for(user=self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(page_title="Notifications", **kwargs)


class NotificationReadView(View):
    def post(self, request, pk):
        notification = selectors.notifications_for(user=request.user).filter(pk=pk).first()
        if notification is None:
            exists = Notification.objects.filter(pk=pk).exists()
            raise (permissions.NotYours if exists else Http404)("No such notification.")
        services.notification_mark_read(notification=notification, actor=request.user)
        return redirect(notification.url or "portal:notifications")


@login_not_required
def health(request):
    """For the load balancer: is the database answering."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@login_not_required
def ready(request):
    """For the load balancer or orchestrator: can this process do its work. 503 names the part
    that failed; the body lists every part either way."""
    parts = readiness.check_all()
    failed = [part.name for part in parts if not part.ok]
    body = {
        "status": "ok" if not failed else "unavailable",
        "failed": failed,
        "checks": {part.name: {"ok": part.ok, "detail": part.detail} for part in parts},
        "outbox": readiness.outbox_backlog(),  # reported, never a 503 (see there)
    }
    response = JsonResponse(body, status=503 if failed else 200)
    response["Cache-Control"] = "no-store"
    return response


@functools.cache
def _favicon_bytes() -> bytes:
    with open(finders.find("favicon.ico"), "rb") as icon:
        return icon.read()


@login_not_required
def favicon(request):
    """/favicon.ico, where browsers, bookmarks and feed readers look without a <link>: the icon the
    pages link (static/favicon.ico), answered here rather than a 404."""
    response = HttpResponse(_favicon_bytes(), content_type="image/vnd.microsoft.icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@login_not_required
def help_page(request):
    return render(request, "portal/help.html", {"page_title": "Help and contacts"})


@login_not_required
def accessibility(request):
    return render(request, "portal/accessibility.html", {"page_title": "Accessibility statement"})


@login_not_required
def bad_request(request, exception=None):
    """A request Django refused before any view saw it: a body over DATA_UPLOAD_MAX_MEMORY_SIZE,
    too many fields or files, a malformed request. The page says why; Back keeps what was typed."""
    if isinstance(exception, RequestDataTooBig):
        limit = filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        reason = (
            f"What you sent is too large: the limit is {limit}, not counting attached files. "
            "Shorten the text, or send large content as an attachment."
        )
    elif isinstance(exception, (TooManyFieldsSent, TooManyFilesSent)):
        reason = "What you sent has too many parts (fields or files) to be accepted in one go."
    else:
        reason = "The request could not be understood."
    context = {"page_title": "Your request could not be accepted", "reason": reason}
    return render(request, "400.html", context, status=400)


def _signed_in(request):
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


@login_not_required
def permission_denied(request, exception=None):
    services.security_refusal_record(request=request, user=_signed_in(request), status=403, reason=str(exception or ""))
    return render(request, "403.html", {"page_title": "You cannot see this page"}, status=403)


@login_not_required
def page_not_found(request, exception=None):
    if isinstance(exception, permissions.NotYours):  # exists, but not this person's: a refusal
        services.security_refusal_record(
            request=request, user=_signed_in(request), status=404, reason=f"not yours: {exception}"
        )
    return render(request, "404.html", {"page_title": "Page not found"}, status=404)


@login_not_required
def server_error(request):
    # The database stopped answering before a view ran (the session, the user): say so, with a 503.
    if unavailable.is_database_unavailable(sys.exc_info()[1]):
        return unavailable.database_unavailable_response(request)
    return render(request, "500.html", {"page_title": "Sorry, there is a problem with the service"}, status=500)
