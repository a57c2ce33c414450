"""The Tech Bar counter: custom admin views for a walk-up queue with a barcode scanner.

Choose the Tech Bar once (kept in the session), scan a payroll number, then scan devices one
after another; each lands in "taking back" or "handing over", or is refused with the reason.
The scan list lives in the form itself, so it survives any error, works as a plain form post
and, with static/js/counter.js, without reloading the page. The views read it with the forms of
`devices.counter.forms`; the list and its rules are `devices.counter.scan_list.CounterScanList`, and writes
go through `devices.counter.services.counter_visit_confirm`.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode

from devices import permissions as device_permissions
from devices.accessories import selectors as accessory_selectors
from devices.core import panels, selectors, services
from devices.core.forms import TAKE_BACK_REASONS, CounterLossForm, PersonLookupForm, TechBarChoiceForm
from devices.core.models import Assignment, TechBar
from devices.counter import services as counter_services
from devices.counter.forms import CounterConfirmForm, CounterScanForm, ScanListForm
from devices.counter.scan_list import CounterScanList
from devices.counter.selectors import counter_person as counter_person_by_payroll
from devices.counter.selectors import loan_pool_ids
from devices.loans.forms import LendForm
from devices.losses.models import DeviceLoss
from devices.losses.services import losses
from devices.losses.services.losses import REQUESTED_WORDS
from incidents import services as incident_services
from policy import selectors as policy_selectors
from policy.forms import shown_version_token
from policy.services import PolicyError
from portal import permissions
from portal.localtime import local_time
from portal.services import client_ip, user_agent

SESSION_KEY = "devices.counter.tech_bar"


def _require_counter(request) -> None:
    if not permissions.is_tech_bar(request.user):
        raise PermissionDenied("Only Tech Bar staff and Portal admins work at the counter.")


def _context(request, title: str, **extra) -> dict:
    return {**admin.site.each_context(request, sidebar=False), "title": title, **extra}


def current_tech_bar(request) -> TechBar | None:
    """The Tech Bar chosen this session; until one is chosen, the one the staff member works at
    (the first by name when they work at several)."""
    pk = request.session.get(SESSION_KEY)
    if pk:
        return TechBar.objects.filter(pk=pk, is_active=True).first()
    bar = selectors.tech_bar_worked_at(user=request.user)
    if bar is not None:
        request.session[SESSION_KEY] = bar.pk
    return bar


def counter_start(request):
    """Choose my Tech Bar (once a session), then scan or type the next person's payroll number."""
    _require_counter(request)
    bar = current_tech_bar(request)
    status = 200
    bar_form = TechBarChoiceForm(initial={"tech_bar": bar})
    lookup = PersonLookupForm()
    # A person asked for before the Tech Bar is chosen (a payroll typed on the first screen, or a
    # link to a person's counter screen) comes along through the choice rather than being dropped.
    pending = (request.POST.get("payroll") or request.GET.get("payroll") or "").strip()[:20]
    if request.method == "POST":
        bar_form = TechBarChoiceForm(request.POST)
        if bar_form.is_valid():
            request.session[SESSION_KEY] = bar_form.cleaned_data["tech_bar"].pk
            if pending:
                return redirect(f"{reverse('admin:devices_counter')}?{urlencode({'payroll': pending})}")
            return redirect("admin:devices_counter")
        status = 400
    elif "payroll" in request.GET and bar is not None:
        lookup = PersonLookupForm(request.GET)
        if lookup.is_valid():
            person = counter_person_by_payroll(payroll_number=lookup.cleaned_data["payroll"])
            if person is not None:
                # Their screen at once, not a redirect to it: one request at scanner speed. The
                # counter's script puts the screen's own address (its form's action) in the address
                # bar, so a reload or a bookmark is the person's screen.
                return _person_screen(request, person=person, tech_bar=bar, scan=CounterScanForm(None))
            lookup.add_error("payroll", f"Nobody has the payroll or warrant number {lookup.cleaned_data['payroll']}")
            status = 404
        else:
            status = 400
    context = _context(
        request,
        "Tech Bar counter",
        tech_bar=bar,
        bar_form=bar_form,
        lookup=lookup,
        pending_payroll=pending if bar is None or request.method == "POST" else "",
        choosing=bar is None or request.GET.get("change") == "1" or (status == 400 and request.method == "POST"),
    )
    return TemplateResponse(request, "admin/devices/counter/start.html", context, status=status)


def _scan_list(data, *, person, tech_bar, scanning: str = "") -> CounterScanList:
    """The scan list the form carried (posted, or in the query back from a leaver line's page).
    `scanning`: the code about to be scanned, read in the same batch as the list's lines."""
    form = ScanListForm(data)
    form.is_valid()  # never refuses: every line is checked again by the scan rules
    return CounterScanList.restore(person=person, tech_bar=tech_bar, scanning=scanning, **form.lines())


def carried_basket(data) -> list[tuple[str, str]]:
    """The scan list as the counter form posts it (codes, reasons, conditions): carried through the
    leaver case's line actions (Received, Mark lost, Write off) and back to the counter screen,
    so nothing scanned is lost. Checked again on the counter screen like any posted list."""
    form = ScanListForm(data)
    form.is_valid()
    return form.carried()


def counter_person_url(person, carried: list[tuple[str, str]] = ()) -> str:
    """The counter screen for this person, with the scan list carried in the query when there is one."""
    url = reverse("admin:devices_counter_person", kwargs={"payroll": person.payroll_number})
    return f"{url}?{urlencode(carried)}" if carried else url


def _leaving_status(person) -> str:
    today = timezone.localdate()
    if not person.is_active:
        return "Inactive: no kit may be handed over"
    if person.leaving_date and person.leaving_date < today:
        return f"Left on {date_format(person.leaving_date, 'j F Y')}: no kit may be handed over"
    if person.leaving_date:
        return f"Leaving on {date_format(person.leaving_date, 'j F Y')}"
    return "Active"


def counter_person(request, payroll):
    """One screen for one person: who they are, what they hold, and the scan list."""
    _require_counter(request)
    tech_bar = current_tech_bar(request)
    if tech_bar is None:
        return redirect(f"{reverse('admin:devices_counter')}?{urlencode({'payroll': payroll})}")
    # with their open leaver case, read once for the request (devices.counter.selectors.HandOverFacts)
    person = counter_person_by_payroll(payroll_number=payroll)
    if person is None:
        raise Http404("Nobody has this payroll or warrant number.")
    scan = CounterScanForm(request.POST if request.method == "POST" else None)  # unbound: never valid
    if request.headers.get("X-Counter-Fragment") == "1" and scan.is_valid() and not scan.confirming:
        return _scan_fragment(request, person=person, tech_bar=tech_bar, code=scan.cleaned_data["code"])
    return _person_screen(request, person=person, tech_bar=tech_bar, scan=scan)


def _person_screen(request, *, person, tech_bar, scan: CounterScanForm):
    """The person's screen: shown, or a scan or a confirm posted to it (counter_person), or
    straight from the payroll scan (counter_start). `person`: from counter_person_by_payroll."""
    status = 200
    errors: list[str] = []
    last_scan = faq_device = None
    policy_states = policy_selectors.policy_states_for(user=person)
    to_accept = [state.current for state in policy_states if not state.up_to_date]
    scanning = scan.cleaned_data["code"] if scan.is_valid() and not scan.confirming else ""
    scan_list = _scan_list(
        request.POST if request.method == "POST" else request.GET, person=person, tech_bar=tech_bar, scanning=scanning
    )
    # The due-back dates of the loan pool devices handed over (devices.loans), carried like the list.
    lending = _lending(request.POST if request.method == "POST" else None, scan_list)
    if scan.is_valid() and scan.confirming:
        visit, errors = _confirm(
            request, person=person, tech_bar=tech_bar, scan_list=scan_list, states=policy_states, lending=lending
        )
        if visit is not None:
            return redirect("admin:devices_counter_receipt", pk=visit.pk)
        status = 400
        # FAQ 7: the old one of the kind is still held; offer to report it lost or stolen.
        faq_device = (
            scan_list.faq_device or counter_services.faq_conflict(person=person, basket=scan_list.to_basket())[1]
        )
    elif scan.is_valid() and scan.cleaned_data["code"]:
        last_scan = scan_list.scan(
            scan.cleaned_data["code"],
            # what a leaver brings back is coming back as a leaver's
            reason=Assignment.ReturnReason.LEAVER if scan_list.facts.leaver_case is not None else "",
        )
        if last_scan.placement == last_scan.REFUSED:
            status = _refused_status(last_scan)
            faq_device = scan_list.faq_device
        lending = _lending(request.POST, scan_list)  # a pool device just scanned
    if scan_list.accessory_problems and status == 200:
        status = 400  # an accessory line refused (or left off): said on the page
    # What leavers and requests add (devices.core.panels): a leaver's case comes first on the screen;
    # open requests and their reserved devices. Read for the page only: a confirm that succeeds skips it.
    panels_context = panels.context_for(panels.COUNTER_PERSON, person=person, user=request.user)
    context = _context(
        request,
        f"Counter: {person.get_full_name()}",
        person=person,
        tech_bar=tech_bar,
        basket=scan_list,
        last_scan=last_scan,
        errors=errors,
        leaving_status=_leaving_status(person),
        may_hand_over=not services.holder_refusal(person),
        policy_states=policy_states,
        to_accept=to_accept,
        shown=[(v, shown_version_token(user=person, version=v)) for v in to_accept],
        held=selectors.assignments_open_for(user=person),
        past_problems=selectors.past_problem_kit(user=person)[:20],
        reasons=TAKE_BACK_REASONS,
        faq_device=faq_device,
        lending=lending,
        **_accessory_context(person, scan_list),
        **panels_context,
    )
    return TemplateResponse(request, "admin/devices/counter/person.html", context, status=status)


def _lending(data, scan_list: CounterScanList) -> LendForm:
    """The due-back fields of the loan pool devices handed over (devices.loans), knowing which
    they are from the scan list's own read (devices.counter.selectors.ScanFacts)."""
    return LendForm(data, devices=scan_list.hand_over, pooled=loan_pool_ids(scan_list.hand_over))


def _refused_status(scan) -> int:
    """A refused scan: 400 for a code recognised (a device, an accessory kind) that the rules
    refused; 404 for a code nothing has."""
    return 400 if scan.device is not None or scan.accessory_kind is not None else 404


def _accessory_context(person, scan_list: CounterScanList) -> dict:
    """What the lists' accessory section shows beside the lines: the kinds to choose from (as the
    scan list read them) and what the person holds (devices.accessories)."""
    return {
        "accessory_kinds": scan_list.accessory_kinds,
        "accessories_held": accessory_selectors.accessories_held_by(person=person),
    }


def _scan_fragment(request, *, person, tech_bar, code: str):
    """One scan (or a line removed) sent by static/js/counter.js: the same scan list and rules as
    the full post, answered with the lists alone (admin/devices/counter/_basket.html), placing the
    device in its column or refusing it (400, or 404 for a code no device has). None of the page
    around the lists is read again: who the person is, what they hold, the leaver's case, the
    conditions of use to accept and the confirm section that shows them."""
    scan_list = _scan_list(request.POST, person=person, tech_bar=tech_bar, scanning=code)
    status, last_scan = 200, None
    if code:
        reason = Assignment.ReturnReason.LEAVER if scan_list.facts.leaver_case is not None else ""
        last_scan = scan_list.scan(code, reason=reason)
        if last_scan.placement == last_scan.REFUSED:
            status = _refused_status(last_scan)
    if scan_list.accessory_problems and status == 200:
        status = 400  # an accessory line refused (or left off): said in the lists
    context = {
        "scan_only": True,  # the confirm section (the conditions to accept, the tick) stays as the page has it
        "person": person,
        "basket": scan_list,
        "last_scan": last_scan,
        "errors": [],
        "faq_device": scan_list.faq_device if status != 200 else None,
        "leaving_status": _leaving_status(person),
        "may_hand_over": not services.holder_refusal(person),
        "reasons": TAKE_BACK_REASONS,
        # a loan pool device placed by this scan gets its due-back field, and earlier ones keep theirs
        "lending": _lending(request.POST, scan_list),
        **_accessory_context(person, scan_list),
    }
    return TemplateResponse(request, "admin/devices/counter/_basket.html", context, status=status)


def _confirm(request, *, person, tech_bar, scan_list: CounterScanList, states, lending: LendForm):
    """The visit confirmed, or why not: the list's own problems, then the tick and the conditions
    shown, then the services' refusal in their words. `states`: the person's policy states, read
    once for the request and passed down."""
    to_accept = [state.current for state in states if not state.up_to_date]
    errors = scan_list.confirm_refusals()
    form = CounterConfirmForm(
        request.POST, person=person, versions=to_accept, ip_address=client_ip(request), user_agent=user_agent(request)
    )
    if not scan_list.dropped and not form.is_valid():  # a list that changed is confirmed anew first
        errors += form.problems()
    if not lending.is_valid():
        errors += lending.problems()
    if errors:
        return None, errors
    try:
        visit = counter_services.counter_visit_confirm(
            person=person,
            actor=request.user,
            tech_bar=tech_bar,
            basket=scan_list.to_basket(),
            acceptance=form.acceptance,
            loans=lending.terms(),
            policy_states=states,
        )
    except services.DeviceError as error:
        return None, [str(error)]
    except PolicyError as error:  # the acceptance refused, in the policy service's words
        return None, [error.message]
    return visit, []


def counter_receipt(request, pk):
    """The printable receipt, for the staff member to print or hand over."""
    _require_counter(request)
    visit = selectors.counter_visit_for_viewer(viewer=request.user, pk=pk)
    if visit is None:
        raise Http404("No such receipt.")
    context = _context(request, f"Receipt {visit.reference}", visit=visit, next_url=reverse("admin:devices_counter"))
    return TemplateResponse(request, "admin/devices/counter/receipt.html", context)


def counter_report_loss(request, payroll, pk):
    """Report a device the person holds lost or stolen on their behalf, so that its replacement
    can be handed over (FAQ 7). The service blocks the SIM, asks for a wipe and opens the incident."""
    _require_counter(request)
    person = selectors.person_by_payroll_number(payroll_number=payroll)
    if person is None:
        raise Http404("Nobody has this payroll or warrant number.")
    assignment = selectors.assignment_held(user=person, device_pk=pk)
    already = None if assignment else selectors.loss_open_reported_by(user=person, device_pk=pk)
    if assignment is None and (already is None or request.method != "POST"):
        raise Http404(f"{person.get_full_name()} does not hold this device.")
    device = assignment.device if assignment else already.device
    back = redirect("admin:devices_counter_person", payroll=person.payroll_number)
    status = 200
    if request.method == "POST":
        form = CounterLossForm(request.POST)
        if form.is_valid():
            try:
                loss = losses.device_report_lost(
                    device=device,
                    actor=request.user,
                    holder=person,
                    kind=form.cleaned_data["kind"],
                    noticed_at=form.cleaned_data["noticed_at"],
                    where=form.cleaned_data["where"],
                )
            except losses.AlreadyReported as error:
                messages.info(
                    request, f"{device.asset_tag} is already reported; its incident is {error.loss.incident.reference}."
                )
                return back
            except services.DeviceError as error:
                form.add_error(None, str(error))
            except incident_services.IncidentError as error:  # a time the incident clock refuses
                for field, problems in error.message_dict.items():
                    form.add_error("noticed_at" if field == "aware_at" else None, problems)
            else:
                actions = " and ".join(REQUESTED_WORDS[a.kind] for a in loss.remote_actions.all())
                messages.success(
                    request,
                    f"{device.asset_tag} is reported {DeviceLoss.Kind(loss.kind).label.lower()} for "
                    f"{person.get_full_name()}"
                    + (f"; {actions} {'have' if ' and ' in actions else 'has'} been requested" if actions else "")
                    + f". Security incident {loss.incident.reference} is open (full report due by "
                    f"{local_time(loss.incident.due_at)}). A replacement can be handed over now.",
                )
                return back
        status = 400
    else:
        form = CounterLossForm(
            initial={"noticed_at": timezone.localtime().replace(second=0, microsecond=0, tzinfo=None)}
        )
    context = _context(request, f"Report {device.asset_tag} lost or stolen", person=person, device=device, form=form)
    return TemplateResponse(request, "admin/devices/counter/report_loss.html", context, status=status)


def device_holder_action(*, device, user) -> panels.DeviceAction | None:
    """On a device's page: its holder's screen at the counter (to take it back or swap it)."""
    # device_record() prefetched the open assignment with its holder: no query here.
    holders = [assignment.holder for assignment in device.open_assignments]
    if not holders or not device_permissions.can_act_on_device(user):
        return None
    holder = holders[0]
    return panels.DeviceAction(
        label=f"Open {holder.get_full_name() or holder} at the counter",
        url=counter_person_url(holder),
        hint="Take it back, swap it or report it lost with the holder.",
    )
