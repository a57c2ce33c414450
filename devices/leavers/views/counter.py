"""The leaver's case at the Tech Bar counter (admin views beside devices.counter.views): tick off force
property received, mark a line lost, write one off (Tech Bar leads and Portal admins). Devices
come back through the counter's own scan list; the return service ends their lines. The line
buttons post the counter's form, and the scan list goes back to the counter screen with the
person (devices.counter.views.carried_basket)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from devices import permissions as device_permissions
from devices.core import selectors
from devices.counter.views import _context, _require_counter, carried_basket, counter_person_url, current_tech_bar
from devices.leavers import services as leavers
from devices.leavers.forms import LineLostForm, LineWriteOffForm
from devices.leavers.selectors import cases as leaver_selectors


def _person_and_line(request, payroll, line_pk):
    _require_counter(request)
    person = selectors.person_by_payroll_number(payroll_number=payroll)
    if person is None:
        raise Http404("Nobody has this payroll or warrant number.")
    case = leaver_selectors.leaver_case_open_for(person=person)
    line = case.lines.select_related("assignment__device", "property_kind").filter(pk=line_pk).first() if case else None
    if line is None:
        raise Http404(f"{person.get_full_name()} has no open leaver case with this line.")
    return person, line


def _back(request, person):
    return redirect(counter_person_url(person, carried_basket(request.POST)))


def _opening(request) -> bool:
    """The line's button on the counter screen: it posts the scan list to open this form."""
    return request.method == "POST" and request.POST.get("line_action") == "open"


def _line_page(request, *, person, line, title, form=None, action="", errors=(), status=200):
    carried = carried_basket(request.POST if request.method == "POST" else request.GET)
    context = _context(
        request,
        title,
        person=person,
        line=line,
        form=form,
        action=action,
        errors=list(errors),
        carried=carried,
        back_url=counter_person_url(person, carried),
    )
    return TemplateResponse(request, "admin/devices/counter/leaver_line.html", context, status=status)


def counter_leaver_receive(request, payroll, line_pk):
    """A property item (warrant card, radio...) handed over the counter: ends its line RETURNED."""
    _require_counter(request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    person, line = _person_and_line(request, payroll, line_pk)
    tech_bar = current_tech_bar(request)
    if tech_bar is None:
        return redirect("admin:devices_counter")
    try:
        leavers.leaver_line_property_receive(line=line, actor=request.user, tech_bar=tech_bar)
    except leavers.LeaverError as error:
        return _line_page(
            request, person=person, line=line, title=f"{line.description}", errors=[str(error)], status=409
        )
    messages.success(request, f"Received {line.description} from {person.get_full_name()} at {tech_bar}.")
    return _back(request, person)


def counter_leaver_lost(request, payroll, line_pk):
    """A line that cannot come back: lost (a device goes through the loss flow and its incident)."""
    person, line = _person_and_line(request, payroll, line_pk)
    title = f"Mark {line.description} lost"
    posted = request.method == "POST" and not _opening(request)
    form = LineLostForm(request.POST if posted else None)  # an empty post is bound too
    if posted and form.is_valid():
        try:
            leavers.leaver_line_lost(line=line, actor=request.user, details=form.cleaned_data["details"].strip())
        except leavers.LeaverError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{line.description} is recorded as lost for {person.get_full_name()}.")
            return _back(request, person)
    status = 400 if posted else 200
    return _line_page(request, person=person, line=line, title=title, form=form, action="lost", status=status)


def counter_leaver_write_off(request, payroll, line_pk):
    """Write a line off with a reason: a Tech Bar lead or Portal admin approves it by doing so."""
    person, line = _person_and_line(request, payroll, line_pk)
    if not device_permissions.can_write_off(request.user, line.case):
        raise PermissionDenied("Only a Tech Bar lead or a Portal admin writes an item off, never of their own case.")
    title = f"Write off {line.description}"
    posted = request.method == "POST" and not _opening(request)
    form = LineWriteOffForm(request.POST if posted else None)
    if posted and form.is_valid():
        try:
            leavers.leaver_line_write_off(line=line, actor=request.user, reason=form.cleaned_data["reason"])
        except leavers.LeaverError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{line.description} is written off for {person.get_full_name()}.")
            return _back(request, person)
    status = 400 if posted else 200
    return _line_page(request, person=person, line=line, title=title, form=form, action="write_off", status=status)
