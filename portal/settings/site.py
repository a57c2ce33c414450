"""Language and time, static and uploaded files, email."""

from portal.mailconfig import email_settings
from portal.settings.core import BASE_DIR, DEBUG, VAR_DIR, env

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
# Figures for Freedom of Information answers: a count from 1 to this less one shows as "fewer than N".
FIGURES_DISCLOSURE_THRESHOLD = env.int("FIGURES_DISCLOSURE_THRESHOLD", default=5)

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
