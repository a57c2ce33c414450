"""System checks: a mistyped leaver ladder or working hour in settings stops the site starting."""

from django.core.checks import Error, register

from devices import leaver_ladder


@register()
def check_leaver_ladder(app_configs, **kwargs):
    return [
        Error(f"Leaver case ladder: {problem}.", id="devices.E001", hint="See devices/leaver_ladder.py.")
        for problem in leaver_ladder.problems()
    ]
