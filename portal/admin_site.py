"""The admin site: who may open it, its sign-in (through allauth, with the same limits and logging
as every sign-in) and its titles, and two hooks the apps use from their admin.py: links pinned to
the top of an app's list on the index (devices' counter), and the apps whose audit log entries only
some roles may read (incidents')."""

import threading
from collections.abc import Callable
from dataclasses import dataclass

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from portal import permissions


def admin_site_has_permission(request) -> bool:
    """The admin is for people with the "admin access" flag and a role that works there: the
    flag alone (an officer ticked by mistake) opens nothing."""
    user = request.user
    return bool(user.is_active and user.is_staff and permissions.can_use_admin(user))


@dataclass(frozen=True)
class PinnedLink:
    name: str
    object_name: str
    url_name: str
    allowed: Callable  # who sees it: a predicate of the user


# Set while each_context(sidebar=False) runs, in this thread only.
_no_app_list = threading.local()


class KitbagAdminSite(admin.AdminSite):
    site_header = "Kitbag administration and Tech Bar counters"
    site_title = "Kitbag admin"
    index_title = "Tech Bar and portal administration"

    def __init__(self, name="admin"):
        super().__init__(name)
        self._pinned: dict[str, dict[str, PinnedLink]] = {}
        self._log_entry_readers: dict[str, Callable] = {}

    def has_permission(self, request):
        return admin_site_has_permission(request)

    def login(self, request, extra_context=None):
        # A signed-in person the admin is not for gets a 403 (logged), not a second sign-in form.
        if request.user.is_authenticated and not self.has_permission(request):
            raise PermissionDenied("The admin is for Tech Bar staff, Data Office reviewers and Portal admins.")
        return secure_admin_login(super().login)(request, extra_context)

    def pin(self, *, app_label: str, name: str, object_name: str, url_name: str, allowed: Callable) -> None:
        """A page that is not a model's, listed first under its app (in the order pinned) for those allowed."""
        links = self._pinned.setdefault(app_label, {})
        links[url_name] = PinnedLink(name=name, object_name=object_name, url_name=url_name, allowed=allowed)

    def each_context(self, request, *, sidebar: bool = True):
        """The admin's context for every page; `sidebar=False` for a page that shows no admin
        sidebar (the counter: one screen for the scanner), without the app list it is built from
        (every model's permissions and URL, worked out on each request)."""
        if sidebar:
            return super().each_context(request)
        _no_app_list.active = True
        try:
            context = super().each_context(request)
        finally:
            _no_app_list.active = False
        return {**context, "is_nav_sidebar_enabled": False}

    def get_app_list(self, request, app_label=None):
        if getattr(_no_app_list, "active", False):
            return []
        app_list = super().get_app_list(request, app_label)
        for app in app_list:
            links = [link for link in self._pinned.get(app["app_label"], {}).values() if link.allowed(request.user)]
            app["models"][0:0] = [
                {
                    "name": link.name,
                    "object_name": link.object_name,
                    "perms": {"view": True},
                    "admin_url": reverse(link.url_name),
                    "add_url": None,
                    "view_only": True,
                }
                for link in links
            ]
        return app_list

    def restrict_log_entries(self, app_label: str, allowed: Callable) -> None:
        """The audit log shows the app's entries only to users for whom `allowed(user)` is true."""
        self._log_entry_readers[app_label] = allowed

    def log_entry_apps_hidden_from(self, user) -> list[str]:
        return [label for label, allowed in self._log_entry_readers.items() if not allowed(user)]
