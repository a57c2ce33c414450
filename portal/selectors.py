"""Reads for the portal shell: the home page and the notification list."""

from django.db.models import QuerySet

from portal.models import Notification, User


def notifications_for(*, user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-pk")


def team_of(*, supervisor: User) -> QuerySet[User]:
    """The people who report to this supervisor, still serving."""
    return User.objects.filter(supervisor=supervisor, is_active=True)
