"""Reads for the portal shell: the home page, the notification list and a person's sessions."""

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db.models import QuerySet
from django.utils import timezone

from portal.models import Notification, User


def notifications_for(*, user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-pk")


def team_of(*, supervisor: User) -> QuerySet[User]:
    """The people who report to this supervisor, still serving."""
    return User.objects.filter(supervisor=supervisor, is_active=True)


@dataclass(frozen=True)
class ActiveSession:
    """One signed-in browser of a person, as the session store holds it. `ref` names it on pages
    and in forms; the session key itself (a bearer secret) never leaves the server."""

    ref: str
    signed_in_at: datetime | None
    last_seen_at: datetime | None
    expires_at: datetime


def session_ref(session_key: str) -> str:
    return hashlib.sha256(session_key.encode()).hexdigest()[:16]


def _instant(value) -> datetime | None:
    try:
        return datetime.fromtimestamp(float(value), tz=UTC) if value is not None else None
    except (TypeError, ValueError):
        return None


def sessions_of_person(*, person: User) -> list[tuple[Session, ActiveSession]]:
    """The person's unexpired sessions in the database session store, newest sign-in first.

    The store is keyed by session, not by person, so every unexpired session is decoded: a few
    thousand rows at most, since sessions end after SESSION_ABSOLUTE_TIMEOUT."""
    from portal.middleware import LAST_SEEN_AT, SIGNED_IN_AT

    found = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        data = session.get_decoded()
        if data.get(SESSION_KEY) != str(person.pk):
            continue
        found.append(
            (
                session,
                ActiveSession(
                    ref=session_ref(session.session_key),
                    signed_in_at=_instant(data.get(SIGNED_IN_AT)),
                    last_seen_at=_instant(data.get(LAST_SEEN_AT)),
                    expires_at=session.expire_date,
                ),
            )
        )
    epoch = datetime.min.replace(tzinfo=UTC)
    return sorted(found, key=lambda pair: pair[1].signed_in_at or epoch, reverse=True)
