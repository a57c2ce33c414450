"""The portal's `leaving_date_changed` signal, carried into the leaver services."""

from devices.leavers.services import leaver_date_set


def on_leaving_date_changed(sender, *, person, leaving_date, actor=None, source, reason="", **kwargs):
    """The Portal admin's person form or the HR import changed a leaving date: open, move or
    cancel the case, in the same transaction (an error rolls their save back)."""
    leaver_date_set(person=person, leaving_date=leaving_date, actor=actor, source=source, reason=reason)
