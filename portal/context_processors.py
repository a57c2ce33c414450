"""What every page needs: the service name, the environment, and the navigation and search box
for the user's roles."""

from functools import cache

from django.conf import settings

from portal.navigation import nav_items_for
from portal.search import may_search


def portal(request):
    user = getattr(request, "user", None)
    context = {
        "service_name": getattr(settings, "KITBAG_SERVICE_NAME", "Kitbag"),
        "environment_name": settings.KITBAG_ENVIRONMENT,
        "nav_items": [],
        "unread_notifications": 0,
        "may_search": False,
    }
    if user is not None and user.is_authenticated:
        context["nav_items"] = nav_items_for(user=user, path=request.path)
        # Lazy, as the count below: only pages whose header shows the box pay for the check.
        # Kept in the session a while: a command unit lead's box is a query (portal.search.may_search).
        context["may_search"] = lambda: may_search(user, session=getattr(request, "session", None))
        # Counted once a page, though the header asks twice (whether any, then how many).
        context["unread_notifications"] = cache(lambda: user.notifications.filter(read_at__isnull=True).count())
    return context
