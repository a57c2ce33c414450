"""Outgoing mail is chosen by one EMAIL_URL: any backend, its server and credentials."""

import json

import pytest
from django.core.exceptions import ImproperlyConfigured

from portal.mailconfig import email_settings
from tests.portal.test_settings import _manage

PRINT_MAIL = (
    "import json; from django.conf import settings as s; print(json.dumps({k: getattr(s, k) for k in "
    "('EMAIL_BACKEND', 'EMAIL_HOST', 'EMAIL_PORT', 'EMAIL_USE_TLS', 'EMAIL_USE_SSL')}))"
)


def _mail_settings(**env):
    result = _manage("shell", "--no-imports", "-c", PRINT_MAIL, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_defaults_print_in_development_and_use_a_local_server_in_production():
    assert _mail_settings()["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    production = _mail_settings(DEBUG="0", SECRET_KEY="s" * 50, ALLOWED_HOSTS="kitbag.police.example")
    assert production == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "localhost",
        "EMAIL_PORT": 25,
        "EMAIL_USE_TLS": False,
        "EMAIL_USE_SSL": False,
    }


def test_a_file_backend_chosen_from_the_environment_writes_the_mail(tmp_path):
    outbox = tmp_path / "mail"
    result = _manage("sendtestemail", "someone@police.example", EMAIL_URL=f"filemail://{outbox}")
    assert result.returncode == 0, result.stderr
    (written,) = outbox.iterdir()
    assert "To: someone@police.example" in written.read_text()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "smtp://kitbag:p%40ss%2Fword@mail.police.example:587/?tls=True",
            {
                "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "EMAIL_HOST": "mail.police.example",
                "EMAIL_PORT": 587,
                "EMAIL_HOST_USER": "kitbag",
                "EMAIL_HOST_PASSWORD": "p@ss/word",
                "EMAIL_USE_TLS": True,
                "EMAIL_USE_SSL": False,
            },
        ),
        (
            "smtp://relay.police.example/?tls=False",
            {"EMAIL_HOST": "relay.police.example", "EMAIL_PORT": 25, "EMAIL_USE_TLS": False},
        ),
        ("smtp+ssl://relay.police.example", {"EMAIL_PORT": 465, "EMAIL_USE_SSL": True, "EMAIL_USE_TLS": False}),
        ("smtp+tls://relay.police.example", {"EMAIL_PORT": 587, "EMAIL_USE_TLS": True}),
        ("smtp://relay.police.example/?timeout=20", {"EMAIL_TIMEOUT": 20}),
        ("consolemail://", {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}),
        (
            "filemail:///var/lib/kitbag/mail",
            {
                "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
                "EMAIL_FILE_PATH": "/var/lib/kitbag/mail",
            },
        ),
        ("memorymail://", {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}),
    ],
)
def test_email_urls(url, expected):
    config = email_settings(url)
    assert {key: config[key] for key in expected} == expected


@pytest.mark.parametrize(
    "url",
    ["smtp://relay.police.example/?tsl=True", "smtp://relay/?tls=maybe", "pigeon://loft", "filemail://", "smtp://"],
)
def test_a_mistyped_email_url_stops_start_up_with_a_reason(url):
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
        email_settings(url)
