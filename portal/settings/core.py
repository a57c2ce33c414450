"""Core: where files live, debug, hosts, apps, middleware, templates and the data stores."""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from portal.devkeys import development_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent.parent

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
    "portal.apps.KitbagAdminConfig",  # django.contrib.admin with the portal's admin site
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

# Cache-Control: no-store on every response to a signed-in person, and on these path prefixes
# whoever asks (personal data in every page); never on the exempt ones (the same for everyone).
NO_STORE_PATHS = ["/incidents/", "/admin/incidents/"]
NO_STORE_EXEMPT_PATHS = ["/static/", "/favicon.ico"]

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
    # Sessions read from Redis, written to both: one database query fewer on every signed-in
    # request. The database stays the record (the admin's sessions page reads it); a session is
    # ended through the engine (portal.services.sessions_end), which clears both.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    # Rate limits must be shared by web workers; a database cache works with no extra server.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "kitbag_cache"}}
# The progress of a large MDM import, written by the worker while the import's one transaction is
# open, so never to the database (devices.imports.services.jobs): Redis, or else files web and worker share.
CACHES["progress"] = (
    {**CACHES["default"], "KEY_PREFIX": "progress"}
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(VAR_DIR / "progress")}
)
IMPORT_PROGRESS_CACHE = "progress"
# An MDM file with this many data rows or more is checked and imported by a worker, with a progress bar.
IMPORT_ASYNC_ROWS = env.int("IMPORT_ASYNC_ROWS", default=1000)
