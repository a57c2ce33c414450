"""Kitbag's settings, read from the environment.

The defaults serve a laptop with nothing installed: SQLite, a Celery broker on the local file
system, mail printed to the console. Production sets the variables listed in the README.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from portal.devkeys import development_secret_key
from portal.mailconfig import email_settings

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
env.read_env(BASE_DIR / ".env")  # optional; real environment variables win

# The embedded default's working files (database, broker, mail, development secret key); git-ignored.
VAR_DIR = Path(env.str("KITBAG_VAR_DIR", default=str(BASE_DIR / "var")))

# The defaults serve a laptop; production sets DEBUG=0 and with it must set SECRET_KEY.
DEBUG = env.bool("DEBUG", default=True)
# What the phase banner says: "development", "demo", "test", "staging" or "production".
KITBAG_ENVIRONMENT = env.str("KITBAG_ENVIRONMENT", default="development" if DEBUG else "production")

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (production). See the README's production section."
        )
    # A published constant would let anyone forge sessions and signed tokens on a `make run`
    # install: make a random key on first run and keep it, so sign-ins survive a restart.
    SECRET_KEY = development_secret_key(VAR_DIR / "secret_key")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The portal's own address, for links in emails.
KITBAG_BASE_URL = env.str("KITBAG_BASE_URL", default="http://127.0.0.1:8000")
# Behind the force's proxy: take the client address from X-Forwarded-For (only if the proxy sets it).
USE_X_FORWARDED_FOR = env.bool("USE_X_FORWARDED_FOR", default=False)
# How many proxies in front of Kitbag append to X-Forwarded-For: the address the outermost one
# appended is the client's (portal/net.py); anything further left is the client's own say-so.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "django_tables2",
    "django_filters",
    "import_export",
    "auditlog",
    "portal",
    "policy",
    "incidents",
    "devices",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served as our own static files (no CDN)
    "api",
]

MIDDLEWARE = [
    "portal.middleware.RequestIdMiddleware",  # first: every log line of the request has its id
    "portal.unavailable.DatabaseUnavailableMiddleware",  # a 503 saying so, not a 500, when the database is down
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.middleware.RequestUserMiddleware",  # the user id in every log line from here on
    "django.contrib.messages.middleware.MessageMiddleware",
    "portal.middleware.SessionTimeoutMiddleware",  # after messages: it tells the user why they were signed out
    "portal.middleware.NoStoreMiddleware",  # see NO_STORE_PATHS
    "csp.middleware.CSPMiddleware",  # Content-Security-Policy with a per-request nonce (CONTENT_SECURITY_POLICY)
    "portal.middleware.PermissionsPolicyMiddleware",  # see PERMISSIONS_POLICY
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "portal.middleware.AuditlogMiddleware",  # auditlog's, with the client address from portal/net.py
    "policy.middleware.PolicyGateMiddleware",  # after auth and messages; see POLICY_GATE_EXEMPT_PATHS
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
]

# Path prefixes whose responses say Cache-Control: no-store (personal data in every page).
NO_STORE_PATHS = ["/incidents/", "/admin/incidents/"]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.portal",
                "csp.context_processors.nonce",  # {{ CSP_NONCE }} for the one inline script (base.html)
            ],
        },
    },
]

# --- Data -------------------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'kitbag.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
# A kept connection is checked before a request reuses it: after a database restart the first
# request opens a new one rather than failing on the dead one (portal.unavailable).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that stops answering fails a request (and /ready/) in seconds, not minutes.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share one SQLite file under `make run`: wait for a lock, don't fail.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # A Redis that stops answering fails a request (and /ready/) in seconds, not minutes.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    # Rate limits must be shared by web workers; a database cache works with no extra server.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "kitbag_cache"}}
# The progress of a large MDM import, written by the worker while the import's one transaction is
# open, so never to the database (devices.import_jobs): Redis, or else files web and worker share.
CACHES["progress"] = (
    {**CACHES["default"], "KEY_PREFIX": "progress"}
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(VAR_DIR / "progress")}
)
IMPORT_PROGRESS_CACHE = "progress"
# An MDM file with this many data rows or more is checked and imported by a worker, with a progress bar.
IMPORT_ASYNC_ROWS = env.int("IMPORT_ASYNC_ROWS", default=1000)

# --- People and sign-in --------------------------------------------------------------------
AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "account_login"

ACCOUNT_ADAPTER = "portal.adapters.AccountAdapter"
ACCOUNT_FORMS = {"login": "portal.forms.LoginForm"}
SOCIALACCOUNT_ADAPTER = "portal.adapters.SocialAccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = "payroll_number"
ACCOUNT_LOGIN_METHODS = {"username", "email"}  # payroll number or email, and a password
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = "none"  # people come from the HR feed with a known email address
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
# allauth emails an address that matches nobody ("you have no account, sign up"): not to strangers.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_SESSION_REMEMBER = False
# Failed sign-ins: at most this many per account (payroll number and email count together) in this
# many seconds, and this many a minute per client address. The address limit only slows a sweep
# across many accounts: behind a shared proxy or NAT many honest people share one address.
LOGIN_ATTEMPTS_LIMIT = env.int("LOGIN_ATTEMPTS_LIMIT", default=5)
LOGIN_ATTEMPTS_TIMEOUT = env.int("LOGIN_ATTEMPTS_TIMEOUT", default=300)
LOGIN_ATTEMPTS_PER_ADDRESS_LIMIT = env.int("LOGIN_ATTEMPTS_PER_ADDRESS_LIMIT", default=100)
ACCOUNT_RATE_LIMITS = {
    "login_failed": f"{LOGIN_ATTEMPTS_PER_ADDRESS_LIMIT}/m/ip,{LOGIN_ATTEMPTS_LIMIT}/{LOGIN_ATTEMPTS_TIMEOUT}s/key"
}

# Microsoft Entra ID through allauth's OpenID Connect provider; on when the three variables are set.
ENTRA_CLIENT_ID = env.str("ENTRA_CLIENT_ID", default="")
ENTRA_CLIENT_SECRET = env.str("ENTRA_CLIENT_SECRET", default="")
# e.g. https://login.microsoftonline.com/<tenant-id>/v2.0 (the issuer; discovery is read from it)
ENTRA_SERVER_URL = env.str("ENTRA_SERVER_URL", default="")
# The claim that carries the payroll/warrant number, if the tenant sends one (e.g. "employeeid").
ENTRA_PAYROLL_CLAIM = env.str("ENTRA_PAYROLL_CLAIM", default="employeeid")
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"OAUTH_PKCE_ENABLED": True, "APPS": []}}
if ENTRA_CLIENT_ID and ENTRA_SERVER_URL:
    SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"].append(
        {
            "provider_id": "entra",
            "name": env.str("ENTRA_BUTTON_LABEL", default="Sign in with your force account"),
            "client_id": ENTRA_CLIENT_ID,
            "secret": ENTRA_CLIENT_SECRET,
            "settings": {"server_url": ENTRA_SERVER_URL, "token_auth_method": "client_secret_post"},  # nosec B105 # OIDC method name
        }
    )

# Sessions: end after this long without a request, and this long after sign-in whatever happens.
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
SESSION_ABSOLUTE_TIMEOUT = env.int("SESSION_ABSOLUTE_TIMEOUT", default=10 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- Security headers (production values unless DEBUG) -------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# security.W021 asks for HSTS preload: an intranet host name is never submitted to the browsers'
# public preload list, so the warning is silenced unless preload is switched on (README, Security).
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = True  # no script reads it: forms carry the token in a hidden field
CSRF_COOKIE_SAMESITE = "Lax"
# No inline script and no inline style anywhere: scripts and sheets come from our own static files;
# the one inline script (GOV.UK Frontend's js-enabled snippet in base.html) carries the nonce.
# data: images are GOV.UK Frontend's and Swagger UI's icons inside their own sheets.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Browser features no page of Kitbag uses, switched off for every page (portal.middleware).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
        "browsing-topics",
    )
}

# --- Internationalisation ------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
# "24 Nov 2026 20:28" everywhere (pages, tables, admin): portal/formats/en_GB/formats.py.
FORMAT_MODULE_PATH = ["portal.formats"]

# --- Static and uploaded files -------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Incident attachments (screenshots, documents): largest file accepted, and how many per incident.
INCIDENT_ATTACHMENT_MAX_BYTES = env.int("INCIDENT_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
INCIDENT_ATTACHMENTS_PER_INCIDENT = env.int("INCIDENT_ATTACHMENTS_PER_INCIDENT", default=20)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# The full report's autosave: at most one save per this many seconds per person (0: no limit).
INCIDENT_AUTOSAVE_MIN_SECONDS = env.int("INCIDENT_AUTOSAVE_MIN_SECONDS", default=5)

# --- Email ---------------------------------------------------------------------------------
# One URL chooses the backend and its server (README, settings table): smtp://user:password@host:587/?tls=True,
# smtp+ssl://host:465, consolemail://, filemail:///absolute/folder, memorymail://, dummymail://.
EMAIL_URL = env.str("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25")
_mail = email_settings(EMAIL_URL)
EMAIL_BACKEND = _mail["EMAIL_BACKEND"]
EMAIL_HOST = _mail["EMAIL_HOST"]
EMAIL_PORT = _mail["EMAIL_PORT"]
EMAIL_HOST_USER = _mail["EMAIL_HOST_USER"]
EMAIL_HOST_PASSWORD = _mail["EMAIL_HOST_PASSWORD"]
EMAIL_USE_TLS = _mail["EMAIL_USE_TLS"]
EMAIL_USE_SSL = _mail["EMAIL_USE_SSL"]
EMAIL_TIMEOUT = _mail["EMAIL_TIMEOUT"]
EMAIL_FILE_PATH = _mail["EMAIL_FILE_PATH"]
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Kitbag <kitbag-noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The Data Office's shared duty inbox: escalations that must not wait for one person.
DATA_OFFICE_DUTY_EMAIL = env.str("DATA_OFFICE_DUTY_EMAIL", default="data-office-duty@localhost")
# Whoever leads the Data Office: told when a 72-hour regulator decision is close to overdue.
DATA_OFFICE_LEAD_EMAIL = env.str("DATA_OFFICE_LEAD_EMAIL", default=DATA_OFFICE_DUTY_EMAIL)

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

# --- Devices: remote actions (devices/mdm.py) -------------------------------------------------
# Who carries out SIM blocks and wipes. The default is a queue Tech Bar staff work in the admin;
# setting the three INTUNE_* variables switches wipes to Microsoft Intune (Graph API).
INTUNE_TENANT_ID = env.str("INTUNE_TENANT_ID", default="")
INTUNE_CLIENT_ID = env.str("INTUNE_CLIENT_ID", default="")
INTUNE_CLIENT_SECRET = env.str("INTUNE_CLIENT_SECRET", default="")
INTUNE_GRAPH_URL = env.str("INTUNE_GRAPH_URL", default="https://graph.microsoft.com/v1.0")
INTUNE_LOGIN_URL = env.str("INTUNE_LOGIN_URL", default="https://login.microsoftonline.com")
KITBAG_MDM_ADAPTER = env.str(
    "KITBAG_MDM_ADAPTER",
    default="devices.mdm.IntuneAdapter" if INTUNE_TENANT_ID else "devices.mdm.RecordedQueueAdapter",
)
# Requests whose task was lost (a worker or the broker died) are sent by this sweep.
CELERY_BEAT_SCHEDULE["devices-send-pending-remote-actions"] = {
    "task": "devices.tasks.send_pending_remote_actions",
    "schedule": 300,
    "options": {"expires": 300},
}

# Leaver cases (devices.leavers): reminders and escalations fall due at this local time on their
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
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
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
    "SERVE_AUTHENTICATION": [],
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],  # the portal's sign-in guards the docs
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
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
# Workers log through the handler above (JSON in production, with the task id) instead of
# replacing the root logger's handlers with Celery's own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

VAR_DIR.mkdir(exist_ok=True)

FORM_RENDERER = "portal.forms.GovukFormRenderer"
