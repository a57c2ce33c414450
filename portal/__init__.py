"""Kitbag's shell: settings, sign-in, people and roles, the home page and dashboards."""

from portal.celery import app as celery_app

__all__ = ("celery_app",)
