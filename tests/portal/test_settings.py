"""Settings: the laptop defaults need no environment; production refuses to start without a secret."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args, **env):
    clean = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_defaults_work_with_no_environment():
    result = _manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL, s.DEBUG)",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "filesystem://", "True"]


def test_production_refuses_to_start_without_secret_key():
    result = _manage("check", DEBUG="0", ALLOWED_HOSTS="kitbag.police.example")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_deploy_check_with_production_variables_reports_nothing_but_the_silenced_preload_warning():
    result = _manage(
        "check",
        "--deploy",
        DEBUG="0",
        SECRET_KEY="x" * 20 + "production-secret-from-the-vault-0123456789",
        ALLOWED_HOSTS="kitbag.police.example",
        REDIS_URL="redis://127.0.0.1:6379/9",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/9",
    )
    assert result.returncode == 0, result.stderr
    output = result.stdout + result.stderr
    # The README explains W021 (silenced in settings): an intranet host is never submitted to the
    # public HSTS preload list. Nothing else is reported or silenced.
    assert "System check identified no issues (1 silenced)." in output
    assert "security.W" not in output and "security.E" not in output


def test_redis_url_switches_the_cache_and_database_url_the_database():
    result = _manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; "
        "print(s.CACHES['default']['BACKEND'], s.DATABASES['default']['ENGINE'], s.SESSION_ENGINE)",
        REDIS_URL="redis://127.0.0.1:6379/9",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/test",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.core.cache.backends.redis.RedisCache",
        "django.db.backends.postgresql",
        "django.contrib.sessions.backends.cached_db",  # sessions read from Redis, kept in the database
    ]


def test_without_redis_sessions_are_the_databases_alone():
    result = _manage(
        "shell", "--no-imports", "-c", "from django.conf import settings as s; print(s.SESSION_ENGINE)", REDIS_URL=""
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.contrib.sessions.backends.db"]


def _secret_key(var_dir, **env):
    result = _manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; print(s.SECRET_KEY)",
        KITBAG_VAR_DIR=str(var_dir),
        **env,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_development_generates_a_random_secret_key_once_and_keeps_it(tmp_path):
    first = _secret_key(tmp_path / "var")
    kept = tmp_path / "var" / "secret_key"
    assert kept.read_text().strip() == first
    assert kept.stat().st_mode & 0o077 == 0  # readable by its owner only
    assert len(first) >= 50 and "insecure" not in first
    assert _secret_key(tmp_path / "var") == first  # sessions and signed tokens survive a restart
    assert _secret_key(tmp_path / "other") != first  # random, not a constant every install shares


def test_a_secret_key_from_the_environment_wins_and_nothing_is_written(tmp_path):
    assert _secret_key(tmp_path / "var", SECRET_KEY="from-the-environment-" + "x" * 40).startswith("from-the-env")
    assert not (tmp_path / "var" / "secret_key").exists()


def test_production_does_not_fall_back_to_a_kept_development_key(tmp_path):
    _secret_key(tmp_path / "var")  # a development run left a key behind
    result = _manage("check", DEBUG="0", ALLOWED_HOSTS="kitbag.police.example", KITBAG_VAR_DIR=str(tmp_path / "var"))
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_the_working_files_folder_is_ignored_by_git():
    result = subprocess.run(["git", "check-ignore", "-q", "var/secret_key"], cwd=ROOT, timeout=30)
    assert result.returncode == 0
