"""System checks: a mistyped escalation ladder in settings stops the site starting, not a sweep at 3 a.m."""

from django.core.checks import Error, register

from incidents import ladders


@register()
def check_ladders(app_configs, **kwargs):
    return [
        Error(f"Incident escalation ladder: {problem}.", id="incidents.E001", hint="See incidents/ladders.py.")
        for problem in ladders.problems()
    ]
