"""System checks: a mistyped leaver, request or loan ladder or working hour in settings stops the site starting."""

from django.core.checks import Error, register

from devices.leavers import ladder as leaver_ladder
from devices.loans import ladder as loan_ladder
from devices.requests import ladder as request_ladder


@register()
def check_leaver_ladder(app_configs, **kwargs):
    return [
        Error(f"Leaver case ladder: {problem}.", id="devices.E001", hint="See devices/leavers/ladder.py.")
        for problem in leaver_ladder.problems()
    ]


@register()
def check_request_ladder(app_configs, **kwargs):
    return [
        Error(f"Kit request ladder: {problem}.", id="devices.E002", hint="See devices/requests/ladder.py.")
        for problem in request_ladder.problems()
    ]


@register()
def check_loan_ladder(app_configs, **kwargs):
    return [
        Error(f"Loan ladder: {problem}.", id="devices.E003", hint="See devices/loans/ladder.py.")
        for problem in loan_ladder.problems()
    ]
