"""Kitbag's settings, read from the environment: one settings module (STYLE.md), kept as a package of
sections so each stays readable. The sections load in this order; a later one may read an earlier
one's names.

The defaults serve a laptop with nothing installed: SQLite, a Celery broker on the local file
system, mail printed to the console. Production sets the variables listed in the README.
"""

from portal.settings.core import *  # noqa: F403
from portal.settings.security import *  # noqa: F403
from portal.settings.sign_in import *  # noqa: F403
from portal.settings.site import *  # noqa: F403
from portal.settings.tasks import *  # noqa: F403
