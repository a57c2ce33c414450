"""EMAIL_URL: one setting chooses the mail backend, its server and its credentials.

django-environ's email URL schemes: smtp://user:password@host:port/?tls=True, smtp+ssl://,
smtp+tls://, consolemail://, filemail:///absolute/folder, memorymail://, dummymail://.
Imported by settings, so it must not import anything that needs settings.
"""

from urllib.parse import parse_qs, urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

_SMTP = "django.core.mail.backends.smtp.EmailBackend"
_FILE = "django.core.mail.backends.filebased.EmailBackend"
_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off", ""}


def _flag(name: str, values: list[str], where: str) -> bool:
    value = values[-1].strip().lower()
    if value not in _TRUE | _FALSE:
        raise ImproperlyConfigured(f"EMAIL_URL ({where}): {name}={values[-1]!r} is not True or False.")
    return value in _TRUE


def email_settings(url: str) -> dict:
    """Django's EMAIL_* settings for `url`. A mistake stops start-up with a reason that names the
    scheme and host, never the password."""
    parts = urlsplit(url)
    where = f"{parts.scheme}://{parts.hostname or ''}"
    try:
        config = environ.Env.email_url_config(url)
    except (ImproperlyConfigured, ValueError) as error:
        raise ImproperlyConfigured(f"EMAIL_URL ({where}): {error}. See the README's settings table.") from None
    options = parse_qs(parts.query, keep_blank_values=True)
    unknown = set(options) - {"tls", "ssl", "timeout"}
    if unknown:
        raise ImproperlyConfigured(f"EMAIL_URL ({where}): unknown option {', '.join(sorted(unknown))}.")
    use_tls = _flag("tls", options["tls"], where) if "tls" in options else parts.scheme in ("smtps", "smtp+tls")
    use_ssl = _flag("ssl", options["ssl"], where) if "ssl" in options else parts.scheme == "smtp+ssl"
    if use_tls and use_ssl:
        raise ImproperlyConfigured(f"EMAIL_URL ({where}): choose tls or ssl, not both.")
    timeout = None
    if "timeout" in options:
        try:
            timeout = int(options["timeout"][-1])
        except ValueError:
            raise ImproperlyConfigured(f"EMAIL_URL ({where}): timeout is a number of seconds.") from None
    backend = config["EMAIL_BACKEND"]
    if backend == _SMTP and not parts.hostname:
        raise ImproperlyConfigured(f"EMAIL_URL ({where}): an SMTP URL needs a host, e.g. smtp://mail.example:25.")
    file_path = None
    if backend == _FILE:
        # The folder is the URL's path as written: filemail:///var/lib/kitbag/mail.
        file_path = parts.path
        if not file_path.startswith("/"):
            raise ImproperlyConfigured(f"EMAIL_URL ({where}): filemail needs an absolute folder, filemail:///path.")
    return {
        "EMAIL_BACKEND": backend,
        "EMAIL_HOST": parts.hostname or "localhost",
        "EMAIL_PORT": config["EMAIL_PORT"] or (465 if use_ssl else 587 if use_tls else 25),
        "EMAIL_HOST_USER": config["EMAIL_HOST_USER"] or "",
        "EMAIL_HOST_PASSWORD": config["EMAIL_HOST_PASSWORD"] or "",
        "EMAIL_USE_TLS": use_tls,
        "EMAIL_USE_SSL": use_ssl,
        "EMAIL_TIMEOUT": timeout,
        "EMAIL_FILE_PATH": file_path,
    }
