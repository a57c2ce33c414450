"""The Tech Bar counter: custom admin views for a walk-up queue with a barcode scanner.

Choose the Tech Bar once (kept in the session), scan a payroll number, then scan devices one
after another; each lands in "taking back" or "handing over", or is refused with the reason.
The scan list lives in the form itself, so it survives any error, works as a plain form post
and, with static/js/counter.js, without reloading the page. Writes go through
`devices.counter.services.counter_visit_confirm`.
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

from devices.core import selectors, services
from devices.core.forms import TAKE_BACK_REASONS, CounterLossForm, PersonLookupForm, TechBarChoiceForm
from devices.counter import services as counter_services
from devices.leavers.selectors.pages import counter_leaver_context
from devices.losses.services import losses
from devices.losses.services.losses import REQUESTED_WORDS
from devices.models import Assignment, Device, DeviceLoss, TechBar
from devices.requests.selectors.pages import counter_request_context
from incidents import services as incident_services
from policy import selectors as policy_selectors
from policy.forms import AcceptForm, shown_version_token
from policy.models import PolicyVersion
from policy.services import PolicyError
from portal import permissions
from portal.localtime import local_time
from portal.services import client_ip, user_agent

SESSION_KEY = "devices.counter.tech_bar"
MAX_LINES = 40  # more than anyone carries; stops a runaway scanner filling the form


def _require_counter(request) -> None:
    if not permissions.is_tech_bar(request.user):
        raise PermissionDenied("Only Tech Bar staff and Portal admins work at the counter.")


def _context(request, title: str, **extra) -> dict:
    return {**admin.site.each_context(request), "title": title, **extra}


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
    if request.method == "POST":
        bar_form = TechBarChoiceForm(request.POST)
        if bar_form.is_valid():
            request.session[SESSION_KEY] = bar_form.cleaned_data["tech_bar"].pk
            return redirect("admin:devices_counter")
        status = 400
    elif "payroll" in request.GET and bar is not None:
        lookup = PersonLookupForm(request.GET)
        if lookup.is_valid():
            person = selectors.person_by_payroll_number(payroll_number=lookup.cleaned_data["payroll"])
            if person is not None:
                return redirect("admin:devices_counter_person", payroll=person.payroll_number)
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
        choosing=bar is None or request.GET.get("change") == "1" or (status == 400 and request.method == "POST"),
    )
    return TemplateResponse(request, "admin/devices/counter/start.html", context, status=status)


class Basket:
    """The scan list as the form carries it, checked again against the database on every post."""

    def __init__(self, *, person, tech_bar):
        self.person = person
        self.tech_bar = tech_bar
        self.take_back: list[dict] = []  # {"device", "reason", "condition", "found", "message"}
        self.hand_over: list[Device] = []
        self.refused: list[selectors.Scan] = []
        self.notice = ""
        self.faq_device: Device | None = None  # FAQ 7: the device held that stopped the last hand-over
        self.dropped: list[selectors.Scan] = []  # lines on the posted list that no longer fit

    @property
    def device_ids(self) -> set[int]:
        return {line["device"].pk for line in self.take_back} | {d.pk for d in self.hand_over}

    @property
    def is_empty(self) -> bool:
        return not self.take_back and not self.hand_over

    def add(self, scan: selectors.Scan, *, reason: str = "", condition: str = "") -> selectors.Scan:
        """Place one scan; returns it as placed: refused (saying why), already in the list, or in
        the column it was classified for. A device is refused for "handing over" by the same rules
        the confirm applies (counter_services.hand_over_refusal)."""
        if scan.placement == scan.REFUSED:
            self.refused.append(scan)
            return scan
        if scan.device.pk in self.device_ids:
            taking = any(line["device"].pk == scan.device.pk for line in self.take_back)
            where = "taking back" if taking else "handing over"
            self.notice = f"{scan.device.asset_tag} is already in the list ({where})."
            return selectors.Scan(scan.code, scan.ALREADY, self.notice, scan.device)
        if len(self.device_ids) >= MAX_LINES:
            refused = selectors.Scan(scan.code, scan.REFUSED, f"At most {MAX_LINES} devices in one visit.")
            self.refused.append(refused)
            return refused
        if scan.placement == scan.TAKE_BACK:
            self.take_back.append(
                {
                    "device": scan.device,
                    "reason": Assignment.ReturnReason.FOUND if scan.found_after_loss else reason,
                    "condition": condition,
                    "found": scan.found_after_loss,
                    "message": scan.message,
                }
            )
            return scan
        refusal, blocker = counter_services.hand_over_refusal(
            person=self.person, basket=self.to_service(), device=scan.device
        )
        if refusal:
            self.faq_device = blocker
            refused = selectors.Scan(scan.code, scan.REFUSED, refusal, scan.device)
            self.refused.append(refused)
            return refused
        self.hand_over.append(scan.device)
        return scan

    @classmethod
    def from_post(cls, data, *, person, tech_bar) -> "Basket":
        basket = cls(person=person, tech_bar=tech_bar)
        removed = data.get("remove", "")
        for code in data.getlist("take")[:MAX_LINES]:
            if code != removed:
                basket._repost(
                    selectors.scan_classify(code=code, person=person, tech_bar=tech_bar),
                    reason=data.get(f"reason-{code}", ""),
                    # control characters (NUL) are never typed, and PostgreSQL refuses NUL in text
                    condition="".join(c for c in data.get(f"condition-{code}", "") if c >= " " or c in "\n\t").strip()[
                        :200
                    ],
                )
        for code in data.getlist("give")[:MAX_LINES]:
            if code != removed:
                basket._repost(selectors.scan_classify(code=code, person=person, tech_bar=tech_bar))
        # A line that no longer fits (another counter took the device meanwhile) moves to refused.
        for code in data.getlist("refused")[-5:]:
            scan = selectors.scan_classify(code=code, person=person, tech_bar=tech_bar)
            if scan.placement == scan.HAND_OVER:  # refused by the rules, not by where the device is
                refusal = counter_services.hand_over_refusal(
                    person=person, basket=basket.to_service(), device=scan.device
                )[0]
                scan = selectors.Scan(code, scan.REFUSED, refusal, scan.device)
            basket.refused.append(scan)
        return basket

    def _repost(self, scan: selectors.Scan, **line) -> None:
        """A line the form carried, placed again: one that no longer fits is kept in `dropped`."""
        placed = self.add(scan, **line)
        if placed.placement == scan.REFUSED:
            self.dropped.append(placed)

    def to_service(self) -> counter_services.CounterBasket:
        return counter_services.CounterBasket(
            take_back=[
                counter_services.TakeBack(line["device"], line["reason"], line["condition"]) for line in self.take_back
            ],
            hand_over=list(self.hand_over),
        )

    def missing_reasons(self) -> list[str]:
        return [line["device"].asset_tag for line in self.take_back if not line["reason"]]


def carried_basket(data) -> list[tuple[str, str]]:
    """The scan list as the counter form posts it (codes, reasons, conditions): carried through the
    leaver case's line actions (Received, Mark lost, Write off) and back to the counter screen,
    so nothing scanned is lost. Checked again on the counter screen like any posted list."""
    pairs = []
    for name in ("take", "give", "refused"):
        for code in data.getlist(name)[:MAX_LINES]:
            code = code[:100]
            pairs.append((name, code))
            for extra in ("reason", "condition") if name == "take" else ():
                value = data.get(f"{extra}-{code}", "")[:200]
                if value:
                    pairs.append((f"{extra}-{code}", value))
    return pairs


def counter_person_url(person, carried: list[tuple[str, str]] = ()) -> str:
    """The counter screen for this person, with the scan list carried in the query when there is one."""
    url = reverse("admin:devices_counter_person", kwargs={"payroll": person.payroll_number})
    return f"{url}?{urlencode(carried)}" if carried else url


def _policy_to_accept(person) -> list[PolicyVersion]:
    return [state.current for state in policy_selectors.policies_to_accept(user=person)]


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
        return redirect("admin:devices_counter")
    person = selectors.person_by_payroll_number(payroll_number=payroll)
    if person is None:
        raise Http404("Nobody has this payroll or warrant number.")
    status = 200
    errors: list[str] = []
    last_scan = faq_device = None
    # A leaver's case comes first on the screen, and what they bring back is coming back as a leaver's.
    leaver = counter_leaver_context(person=person, user=request.user)
    if request.method == "POST":
        basket = Basket.from_post(request.POST, person=person, tech_bar=tech_bar)
        action = request.POST.get("action", "scan")
        if action == "confirm":
            visit, errors = _confirm(request, person=person, tech_bar=tech_bar, basket=basket)
            if visit is not None:
                return redirect("admin:devices_counter_receipt", pk=visit.pk)
            status = 400
            # FAQ 7: the old one of the kind is still held; offer to report it lost or stolen.
            faq_device = (
                basket.faq_device or counter_services.faq_conflict(person=person, basket=basket.to_service())[1]
            )
        elif request.POST.get("code", "").strip():
            code = request.POST["code"].strip()[:100]
            scan = selectors.scan_classify(code=code, person=person, tech_bar=tech_bar)
            last_scan = basket.add(scan, reason=Assignment.ReturnReason.LEAVER if leaver["leaver_case"] else "")
            if last_scan.placement == scan.REFUSED:
                status = 400 if scan.device is not None else 404
                faq_device = basket.faq_device
    elif any(name in request.GET for name in ("take", "give", "refused")):
        # Back from a leaver line's action with the list as it was (carried_basket).
        basket = Basket.from_post(request.GET, person=person, tech_bar=tech_bar)
    else:
        basket = Basket(person=person, tech_bar=tech_bar)
    to_accept = _policy_to_accept(person)
    context = _context(
        request,
        f"Counter: {person.get_full_name()}",
        person=person,
        tech_bar=tech_bar,
        basket=basket,
        last_scan=last_scan,
        errors=errors,
        leaving_status=_leaving_status(person),
        may_hand_over=not services.holder_refusal(person),
        policy_states=policy_selectors.policy_states_for(user=person),
        to_accept=to_accept,
        shown=[(v, shown_version_token(user=person, version=v)) for v in to_accept],
        held=selectors.assignments_open_for(user=person),
        past_problems=selectors.past_problem_kit(user=person)[:20],
        reasons=TAKE_BACK_REASONS,
        faq_device=faq_device,
        **leaver,
        # Open requests and the devices reserved for them come first on the screen.
        **counter_request_context(person=person),
    )
    fragment = request.headers.get("X-Counter-Fragment") == "1"
    template = "admin/devices/counter/_basket.html" if fragment else "admin/devices/counter/person.html"
    return TemplateResponse(request, template, context, status=status)


def _accepted_versions(request, person) -> tuple[counter_services.CounterAcceptance | None, str]:
    """The acceptance of the conditions shown on this screen (one signed token per version shown)."""
    versions, shown_at = [], None
    for version in _policy_to_accept(person):
        token = request.POST.get(f"shown-{version.pk}")
        if not token:
            continue  # not shown on the page the person confirmed (published since): not accepted
        form = AcceptForm({"shown": token, "confirm": "on"}, user=person, version=version)
        if not form.is_valid():
            return None, " ".join(form.non_field_errors()) or "The conditions of use shown were not recorded."
        shown = form.cleaned_data["shown"]
        if shown.version_id != version.pk or shown.content_hash != version.content_hash:
            return None, "The conditions of use changed while the page was open: read the new text with them."
        versions.append(version)
        shown_at = shown.shown_at if shown_at is None else min(shown_at, shown.shown_at)
    if not versions:
        return None, ""
    acceptance = counter_services.CounterAcceptance(
        versions=versions, shown_at=shown_at, ip_address=client_ip(request), user_agent=user_agent(request)
    )
    return acceptance, ""


def _confirm(request, *, person, tech_bar, basket: Basket):
    if basket.dropped:  # the list changed since the person read it: they confirm the new one
        return None, [f"{scan.code} is off the list: {scan.message}" for scan in basket.dropped]
    errors = []
    if basket.is_empty:
        errors.append("Scan at least one device before confirming.")
    missing = basket.missing_reasons()
    if missing:
        errors.append(f"Choose why {', '.join(missing)} {'is' if len(missing) == 1 else 'are'} coming back.")
    if request.POST.get("confirmed") != "yes":
        errors.append(f"{person.get_full_name()} must tick the box to confirm the devices below.")
    acceptance, problem = _accepted_versions(request, person) if request.POST.get("confirmed") == "yes" else (None, "")
    if problem:
        errors.append(problem)
    if errors:
        return None, errors
    try:
        visit = counter_services.counter_visit_confirm(
            person=person, actor=request.user, tech_bar=tech_bar, basket=basket.to_service(), acceptance=acceptance
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
