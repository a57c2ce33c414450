"""Celery, periodic tasks, and the apps' background work (devices, exports, outbox)."""

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from portal.settings.core import DEBUG, VAR_DIR, env
from portal.settings.site import STATIC_URL, TIME_ZONE

# --- Celery --------------------------------------------------------------------------------
# Default broker: kombu's file-system transport. It needs no server, so `make run` works on a
# bare laptop, and web, worker and beat (separate processes) share it through var/broker/.
# Production and CI set CELERY_BROKER_URL=redis://...
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),  # kombu's default is ./control in the project root
        "store_processed": False,
    }
    for _folder in ("queue", "processed", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
else:
    # Longer than any countdown we ever set (the sweep schedules at most a minute ahead).
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_RESULT_BACKEND = None  # tasks record their effects in the database
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True  # a task whose worker dies is delivered again
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = False  # never eager outside unit tests of pure task bodies
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# How often beat sweeps the escalation timers (portal/timers.py); tests and drills shorten it.
TIMER_SWEEP_SECONDS = env.float("TIMER_SWEEP_SECONDS", default=60)
# "database": due times are compared with the database server's clock. Only tests change it.
TIMER_CLOCK = "database"
# Periodic tasks. Every app's entries are listed in this file so one place shows all beat runs.
CELERY_BEAT_SCHEDULE: dict = {
    "clear-expired-sessions": {"task": "portal.clear_expired_sessions", "schedule": crontab(hour=3, minute=15)},
    # A sweep not started before the next one is due is dropped: the next one does its work.
    "timers-sweep": {
        "task": "portal.timers.sweep",
        "schedule": TIMER_SWEEP_SECONDS,
        "options": {"expires": TIMER_SWEEP_SECONDS},
    },
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# What a task prints (the console mail backend under `make run`) is information, not a warning.
CELERY_WORKER_REDIRECT_STDOUTS_LEVEL = "INFO"

# --- Devices: remote actions (devices/losses/mdm.py) -------------------------------------------------
# Who carries out SIM blocks and wipes. The default is a queue Tech Bar staff work in the admin;
# setting the three INTUNE_* variables switches wipes to Microsoft Intune (Graph API).
INTUNE_TENANT_ID = env.str("INTUNE_TENANT_ID", default="")
INTUNE_CLIENT_ID = env.str("INTUNE_CLIENT_ID", default="")
INTUNE_CLIENT_SECRET = env.str("INTUNE_CLIENT_SECRET", default="")
INTUNE_GRAPH_URL = env.str("INTUNE_GRAPH_URL", default="https://graph.microsoft.com/v1.0")
INTUNE_LOGIN_URL = env.str("INTUNE_LOGIN_URL", default="https://login.microsoftonline.com")
KITBAG_MDM_ADAPTER = env.str(
    "KITBAG_MDM_ADAPTER",
    default="devices.losses.mdm.IntuneAdapter" if INTUNE_TENANT_ID else "devices.losses.mdm.RecordedQueueAdapter",
)
# Requests whose task was lost (a worker or the broker died) are sent by this sweep.
CELERY_BEAT_SCHEDULE["devices-send-pending-remote-actions"] = {
    "task": "devices.tasks.send_pending_remote_actions",
    "schedule": 300,
    "options": {"expires": 300},
}

# Leaver cases (devices.leavers.services): reminders and escalations fall due at this local time on their
# day; people whose case has closed are deactivated by this sweep once their leaving date comes.
LEAVER_STEP_LOCAL_TIME = env.str("LEAVER_STEP_LOCAL_TIME", default="08:00")
CELERY_BEAT_SCHEDULE["devices-deactivate-leavers"] = {
    "task": "devices.tasks.deactivate_leavers",
    "schedule": crontab(minute=10),  # hourly: the first run on the leaving date deactivates
    "options": {"expires": 3000},
}

# --- Exports -------------------------------------------------------------------------------
# django-import-export (the admin's people export): drop a leading "=" from every exported cell.
# portal.resources.SafeExportResource neutralises the other formula starts the same way the
# portal's tables do (portal.tables.export_cell); this is the backstop for any other resource.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
# List pages' exports (portal/exports.py): CSV always streams; an XLSX of more rows than this is
# written by a worker into EXPORTS_DIR (private: never served but through its owner's download
# view) and removed after EXPORTS_KEEP_SECONDS by the hourly cleanup.
EXPORT_XLSX_SYNC_MAX_ROWS = env.int("EXPORT_XLSX_SYNC_MAX_ROWS", default=5000)
EXPORTS_DIR = env.path("EXPORTS_DIR", default=VAR_DIR / "exports")
EXPORTS_KEEP_SECONDS = env.int("EXPORTS_KEEP_SECONDS", default=24 * 3600)
CELERY_BEAT_SCHEDULE["exports-clear-expired"] = {
    "task": "portal.exports.clear_expired",
    "schedule": crontab(minute=40),
    "options": {"expires": 3000},
}

# A worker whose broker goes away keeps trying to reconnect, however long Redis is down (the
# default gives up after 100 tries), and cancels acks_late tasks it can no longer acknowledge
# (every task here is safe to run again). See portal.celery.Consumer for the crash this needed.
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
# Email leaves through the outbox (portal/outbox.py); this sweep sends what a lost task left queued.
OUTBOX_SWEEP_SECONDS = env.float("OUTBOX_SWEEP_SECONDS", default=60)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=12)  # about three hours of doubling waits
CELERY_BEAT_SCHEDULE["outbox-sweep"] = {
    "task": "portal.outbox.sweep",
    "schedule": OUTBOX_SWEEP_SECONDS,
    "options": {"expires": OUTBOX_SWEEP_SECONDS},
}

# --- Tables --------------------------------------------------------------------------------
DJANGO_TABLES2_TEMPLATE = "portal/tables/govuk_table.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "govuk-table"}

# --- Conditions of use (policy app) ---------------------------------------------------------
# Days people may keep using the portal after a version takes effect before the gate sends them to
# accept it. A version may set its own grace period, which wins over this default.
POLICY_GRACE_PERIOD_DAYS = env.int("POLICY_GRACE_PERIOD_DAYS", default=0)
# How long each process keeps the policies' versions in effect (policy.selectors.in_effect): read on
# every page by the gate. Publishing or editing a policy forgets them at once in that process; the
# other processes see the change within this many seconds (0: read them on every request).
POLICY_VERSIONS_KEEP_SECONDS = env.int("POLICY_VERSIONS_KEEP_SECONDS", default=5)
# How long the dashboards keep their aggregates (seconds; never more than 60, so never a minute stale).
DASHBOARD_CACHE_SECONDS = min(env.int("DASHBOARD_CACHE_SECONDS", default=30), 60)
# The gate never blocks these path prefixes: signing in and out, the policy pages themselves,
# static files, the health check, help, notifications and every incident-reporting page.
# The admin (/admin/) is gated like any other page: Tech Bar counters handle people's data and kit,
# and their staff are bound by the same conditions. A Portal admin can still accept and publish.
POLICY_GATE_EXEMPT_PATHS = env.list(
    "POLICY_GATE_EXEMPT_PATHS",
    default=[
        "/accounts/",
        "/policy/",
        STATIC_URL,
        "/favicon.ico",
        "/health/",
        "/ready/",
        "/readyz",
        "/help/",
        "/accessibility/",
        "/notifications/",
        "/incidents/report/",
        "/devices/report/",
        "/api/",  # service accounts' tokens; people's sessions never authenticate the API
    ],
)
# Reminders (a daily task): to the person once outstanding this many days, and to their
# supervisor from this many days.
POLICY_REMINDER_AFTER_DAYS = env.int("POLICY_REMINDER_AFTER_DAYS", default=3)
POLICY_SUPERVISOR_REMINDER_AFTER_DAYS = env.int("POLICY_SUPERVISOR_REMINDER_AFTER_DAYS", default=10)
# How long an acceptance page may stay open before its form must be reloaded (seconds).
POLICY_ACCEPT_FORM_MAX_AGE = env.int("POLICY_ACCEPT_FORM_MAX_AGE", default=24 * 60 * 60)
# Added here, not in PolicyConfig.ready(), so the whole beat schedule reads in one place.
CELERY_BEAT_SCHEDULE["policy-send-reminders"] = {
    "task": "policy.tasks.send_policy_reminders",
    "schedule": crontab(hour=env.int("POLICY_REMINDER_HOUR", default=8), minute=0),  # daily, local time
}

# --- Integration API (api/) ----------------------------------------------------------------
REST_FRAMEWORK = {
    # Service accounts' tokens only: a person's session never authenticates the API (so no CSRF).
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.ApiTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.HasTokenScope"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ApiTokenRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.BoundedJSONParser"],  # JSON, refused past 20 levels deep
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
# Requests per token, by its scope ("1000/hour", "60/min"); empty: no limit.
KITBAG_API_RATES = {
    "mdm": env.str("KITBAG_API_RATE_MDM", default="120/min"),
    "hr": env.str("KITBAG_API_RATE_HR", default="120/min"),
    "read": env.str("KITBAG_API_RATE_READ", default="600/min"),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Kitbag integration API",
    "DESCRIPTION": "For the MDM and HR systems and read-only reporting. Each token has one scope: "
    "mdm, hr or read. Batches are all or none; unknown fields are refused.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Portal admins (their portal session) and any valid token: api.views.docs, api.permissions
    "SERVE_AUTHENTICATION": ["api.authentication.ApiTokenAuthentication"],
    "SERVE_PERMISSIONS": ["api.permissions.ReadsTheDocs"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# --- Audit ---------------------------------------------------------------------------------
AUDITLOG_INCLUDE_ALL_MODELS = False
AUDITLOG_DISABLE_REMOTE_ADDR = False

# LOG_FORMAT=json: one JSON object a line (production's default, for the log collector);
# "plain": one readable line (the default with DEBUG, so under `make run`). Either way each line
# carries the request id, user id and Celery task id (portal/logging.py).
LOG_FORMAT = env.str("LOG_FORMAT", default="plain" if DEBUG else "json")
if LOG_FORMAT not in {"json", "plain"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or plain, not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {
            "format": "%(asctime)s %(levelname)s %(name)s [request=%(request_id)s user=%(user_id)s "
            "task=%(task_id)s] %(message)s"
        },
        "json": {"()": "portal.logging.JsonFormatter"},
    },
    "filters": {
        "refusals_in_one_line": {"()": "portal.logging.RefusalsInOneLine"},
        "request_context": {"()": "portal.logging.RequestContext"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["refusals_in_one_line", "request_context"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's own handlers on "django" go: its console handler (on under DEBUG) printed every
        # refusal's whole traceback before ours printed the one line, and its mail_admins handler
        # would bypass the outbox. Django's records reach the console above through the root.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.db.backends": {"level": "WARNING"},
    },
}
# Workers log through the handler above (JSON in production, with the task id) instead of
# replacing the root logger's handlers with Celery's own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

VAR_DIR.mkdir(exist_ok=True)

FORM_RENDERER = "portal.forms.GovukFormRenderer"
