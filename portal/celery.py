"""The Celery application: configured from Django settings (CELERY_*), tasks found in each app."""

import logging
import os

from celery import Celery
from celery.worker.consumer import Consumer as CeleryConsumer

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

logger = logging.getLogger(__name__)


class Consumer(CeleryConsumer):
    """Celery's consumer, surviving the loss of a Redis broker while it holds unacknowledged
    messages (countdown tasks waiting for their second).

    Celery 5.7.0 handles a lost connection by `collect()`-ing it, which detaches the kombu
    transport (`transport.client = None`), and then `close()`-ing it. When the first close of
    the channel failed half-way (reading from the dead socket), the second one tries to restore
    the unacknowledged messages to Redis, builds a client from the detached transport and
    raises `AttributeError: 'NoneType' object has no attribute 'hostname'`, which is not a
    connection error, so the worker stops with "Unrecoverable error". Celery 5.6 only collected.
    Here that close tolerates exactly this case; the messages it could not restore were either
    lost with Redis or come back after the visibility timeout, and the timer sweep fires their
    steps meanwhile. The consumer then reconnects as usual. Remove when Celery/kombu fix it
    (the drill in tests/incidents/test_workers.py shows whether they have).
    """

    def on_connection_error_after_connected(self, exc):
        connection = self.connection
        if connection is not None:
            close = connection.close

            def close_detached():
                try:
                    close()
                except AttributeError:
                    if connection._transport is not None:  # not the detached case: a real bug
                        raise
                    logger.warning("broker connection closed after collect(); unacked messages left to Redis")

            connection.close = connection.release = close_detached
        super().on_connection_error_after_connected(exc)


app = Celery("kitbag")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.worker_consumer = "portal.celery:Consumer"
app.autodiscover_tasks()
