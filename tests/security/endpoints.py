"""Every form of the portal and the admin's work pages, as (who posts, where, what the page needs to
exist). The hostile-input and the inertness tests are driven by this table; the URL builders are the
access matrix's (tests/test_url_permissions.py), so the objects are the ones it already proves."""

from collections.abc import Callable
from dataclasses import dataclass, field

from tests import test_url_permissions as matrix


@dataclass(frozen=True)
class FormEndpoint:
    url_name: str
    role: str
    kwargs: Callable | None = None  # function(fixture getter) -> URL kwargs
    # Where the form is shown, when it is posted elsewhere (autosave, POST-only actions): a URL name
    # taking the same kwargs, or None to post to the page itself.
    shown_at: str | None = None
    # Fields posted besides those found on the page, with candidate values (function(getter, kwargs)).
    extra_fields: Callable | None = None
    # Models a refused post may still change, and why (e.g. the draft kept so nothing typed is lost).
    may_change_when_refused: frozenset = frozenset()
    before: Callable | None = None  # function(client, getter, kwargs): a session the page needs
    params: dict = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.url_name}[{self.role}]"


def _officer_pk(get) -> dict:
    return {"object_id": get("officer").pk}


def _officer_for_sessions(get) -> dict:
    """The officer, signed in elsewhere: a session for the page to list and end."""
    from django.test import Client

    Client().force_login(get("officer"))
    return {"pk": get("officer").pk}


def _choose_tech_bar(client, get, kwargs):
    from devices.counter.views import SESSION_KEY
    from devices.models import TechBar

    bar, _ = TechBar.objects.get_or_create(code="perm", defaults={"name": "Permissions Tech Bar"})
    session = client.session
    session[SESSION_KEY] = bar.pk
    session.save()


def _counter_person(get) -> dict:
    """The officer at the counter, holding a phone; a second phone in stock at the Tech Bar."""
    from devices.models import Device, DeviceModel

    kwargs = matrix._officers_payroll_and_phone(get)
    phone = Device.objects.get(pk=kwargs.pop("pk"))
    model = DeviceModel.objects.get(pk=phone.model_id)
    Device.objects.create(asset_tag="KBSTOCK2", model=model, tech_bar=phone.tech_bar)
    _loan_pool_tablet()
    return kwargs


def _loan_pool_tablet() -> None:
    """A tablet in the counter's Tech Bar's loan pool: handed over only with a due-back date."""
    from devices.models import Device, DeviceModel, LoanPoolDevice, TechBar

    bar, _ = TechBar.objects.get_or_create(code="perm", defaults={"name": "Permissions Tech Bar"})
    tablets, _ = DeviceModel.objects.get_or_create(make="Apple", model_name="iPad loan", defaults={"kind": "tablet"})
    tablet = Device.objects.create(asset_tag="KBLOAN1", model=tablets, tech_bar=bar)
    LoanPoolDevice.objects.create(device=tablet, tech_bar=bar)


def _counter_basket_fields(get, kwargs) -> dict:
    from devices.models import Assignment

    codes = ["KBPERM1", "KBSTOCK2", "KBLOAN1", "NOPE", get("officer").payroll_number]
    return {
        "take": codes,
        "give": codes,
        "refused": codes,
        "remove": codes,
        "action": ["confirm", "scan"],
        "confirmed": ["yes", "no"],
        "reason-KBPERM1": list(Assignment.ReturnReason.values),
        "condition-KBPERM1": [],
        "due-KBLOAN1": [],
        "code": codes,
    }


def _triage_queue(get) -> dict:
    """A phone handed back at the counter, waiting for triage."""
    from devices.counter import services
    from devices.models import Assignment, Device, TechBar

    kwargs = matrix._officers_phone(get)
    phone = Device.objects.get(pk=kwargs["pk"])
    services.counter_visit_confirm(
        person=get("officer"),
        actor=get("tech_bar_staff"),
        tech_bar=TechBar.objects.get(code="perm"),
        basket=services.CounterBasket(take_back=[services.TakeBack(phone, Assignment.ReturnReason.FAULTY, "cracked")]),
    )
    return None


def _triage_fields(get, kwargs) -> dict:
    from devices.models import Device

    return {
        "_selected_action": [str(pk) for pk in Device.objects.values_list("pk", flat=True)] + ["0", "x"],
        "action": ["to_stock", "to_repair", "dispose", "back_from_repair", "delete_selected"],
        "apply": ["1"],
        "post": ["yes"],
        "index": ["0"],
    }


def _stock_in_my_bar(get) -> None:
    """Two phones in stock at the counter's Tech Bar, and another Tech Bar to send them to."""
    from devices.models import Device, DeviceModel, TechBar

    bar, _ = TechBar.objects.get_or_create(code="perm", defaults={"name": "Permissions Tech Bar"})
    TechBar.objects.get_or_create(code="other", defaults={"name": "Other Tech Bar"})
    model = DeviceModel.objects.create(make="Samsung", model_name="Galaxy A", kind=DeviceModel.Kind.SMARTPHONE)
    for tag in ("KBSEND1", "KBSEND2"):
        Device.objects.create(asset_tag=tag, model=model, tech_bar=bar)
    return None


def _transfer_fields(get, kwargs) -> dict:
    from devices.models import Device, TechBar

    return {
        "_selected_action": [str(pk) for pk in Device.objects.values_list("pk", flat=True)] + ["0", "x"],
        "action": ["send_to_tech_bar"],
        "to_tech_bar": [str(pk) for pk in TechBar.objects.values_list("pk", flat=True)],
        "note": [],
        "index": ["0"],
    }


def _leaver_write_off_fields(get, kwargs) -> dict:
    return {"reason": [], "approved_by": [str(get("portal_admin").pk)]}


def _reserve_fields(get, kwargs) -> dict:
    return {"device": ["KBPERM9", "0", "KBSTOCK2"], "asset_tag": ["KBPERM9"]}


def _import_job_confirm(get) -> dict:
    return matrix._tech_bar_staffs_import_job(get)


def _policy_accept_fields(get, kwargs) -> dict:
    return {"confirm": ["on"]}


def _drafts(*labels):
    return frozenset(labels)


FORMS = [
    # incidents: the first notification, the full report and its autosave, updates, the Data Office's
    FormEndpoint("incidents:incident_start", "officer"),
    FormEndpoint(
        "incidents:incident_report_edit",
        "officer",
        matrix._officers_incident,
        # nothing typed is lost: the valid part of a refused report is kept as the draft
        may_change_when_refused=_drafts("incidents.incident", "incidents.incidentevent", "auditlog.logentry"),
    ),
    FormEndpoint(
        "incidents:incident_autosave",
        "officer",
        matrix._officers_incident,
        shown_at="incidents:incident_report_edit",
        may_change_when_refused=_drafts("incidents.incident", "incidents.incidentevent", "auditlog.logentry"),
    ),
    FormEndpoint("incidents:incident_update_add", "officer", matrix._officers_incident),
    FormEndpoint("incidents:incident_attachment_add", "officer", matrix._officers_incident),
    FormEndpoint("incidents:incident_triage", "data_office", matrix._officers_incident),
    FormEndpoint("incidents:incident_decision", "data_office", matrix._officers_breach_triaged),
    FormEndpoint("incidents:incident_status", "data_office", matrix._officers_breach_triaged),
    # the conditions of use
    FormEndpoint("policy:accept", "officer", matrix._policy_slug, extra_fields=_policy_accept_fields),
    # the holder's reports
    FormEndpoint("devices:device_report", "officer", matrix._officers_phone),
    FormEndpoint("devices:device_report_loss", "officer", matrix._officers_phone_stolen_form),
    # (devices:device_report_faulty is a page of advice: it has no form)
    # the Tech Bar counter: choose the bar, scan, issue, take back, swap, report a loss
    FormEndpoint("admin:devices_counter", "tech_bar_staff", _stock_in_my_bar),
    FormEndpoint(
        "admin:devices_counter_person",
        "tech_bar_staff",
        _counter_person,
        extra_fields=_counter_basket_fields,
        before=_choose_tech_bar,
    ),
    FormEndpoint(
        "admin:devices_counter_report_loss",
        "tech_bar_staff",
        matrix._officers_payroll_and_phone,
        before=_choose_tech_bar,
    ),
    FormEndpoint(
        "admin:devices_counter_leaver_lost",
        "tech_bar_staff",
        matrix._officers_leaver_counter_line,
        before=_choose_tech_bar,
    ),
    FormEndpoint(
        "admin:devices_counter_leaver_write_off",
        "portal_admin",
        matrix._officers_leaver_counter_line,
        extra_fields=_leaver_write_off_fields,
        before=_choose_tech_bar,
    ),
    FormEndpoint(
        "admin:devices_counter_leaver_receive",
        "tech_bar_staff",
        matrix._officers_leaver_counter_line,
        before=_choose_tech_bar,
    ),
    # triage (admin actions on the queue), stock and transfers, stocktakes
    FormEndpoint("admin:devices_triagedevice_changelist", "tech_bar_staff", _triage_queue, extra_fields=_triage_fields),
    FormEndpoint(
        "admin:devices_device_changelist",
        "tech_bar_staff",
        _stock_in_my_bar,
        extra_fields=_transfer_fields,
        before=_choose_tech_bar,
    ),
    FormEndpoint("admin:devices_stocktake_start", "tech_bar_staff"),
    FormEndpoint("admin:devices_accessory_delivery", "tech_bar_staff"),
    FormEndpoint("admin:devices_accessory_transfer", "tech_bar_staff"),
    FormEndpoint("admin:devices_loan_extend", "tech_bar_staff", matrix._officers_loan),
    FormEndpoint(
        "admin:devices_stocktake_count",
        "tech_bar_staff",
        matrix._a_stocktake,
        # a code no device has is itself a finding: it is recorded as scanned (UNKNOWN) and the page
        # answers 400 saying so; nothing else may change
        may_change_when_refused=frozenset({"devices.stocktakescan"}),
    ),
    FormEndpoint(
        "admin:devices_device_import_job_confirm",
        "tech_bar_staff",
        _import_job_confirm,
        shown_at="admin:devices_device_import_job",
    ),
    # leavers: a supervisor's team page, the case, the sign-off
    FormEndpoint("devices:leaving_date", "supervisor", matrix._team_members_payroll),
    FormEndpoint("devices:leaver_line_handed", "supervisor", matrix._officers_leaver_line),
    FormEndpoint("devices:leaver_case_sign_off", "supervisor", matrix._officers_leaver_case),
    # kit requests: ask, decide, reserve, release, cancel
    FormEndpoint("devices:request_new", "officer"),
    FormEndpoint("devices:request_decide", "supervisor", matrix._officers_request),
    FormEndpoint(
        "devices:request_reserve", "tech_bar_staff", matrix._officers_approved_request, extra_fields=_reserve_fields
    ),
    FormEndpoint("devices:request_release", "tech_bar_staff", matrix._officers_ready_request),
    FormEndpoint("devices:request_cancel", "officer", matrix._officers_request),
    # an answer to an FOI request saved in the disclosure log
    FormEndpoint(
        "devices:figures_disclosure_create",
        "data_office",
        shown_at="devices:figures",
        extra_fields=lambda get, kwargs: {
            "as_of_date": ["2026-06-01", "2023-04-08"],
            "as_of_time": ["", "01:30"],
            "command_unit": [""],
            "activity_from": ["", "2026-05-01"],
            "activity_to": ["", "2026-05-31"],
            "withhold_models_reason": ["", "Section 31."],
            "reference": ["01.FOI.23.029741"],
        },
    ),
    # the admin's person form and a person's sessions
    FormEndpoint("admin:portal_user_change", "portal_admin", _officer_pk),
    FormEndpoint("admin:portal_user_sessions", "portal_admin", _officer_for_sessions),
    # the imports' first step (the file itself: tests/security/test_uploads.py)
    FormEndpoint("admin:devices_device_import", "tech_bar_staff"),
    FormEndpoint("admin:portal_user_import", "portal_admin"),
]
