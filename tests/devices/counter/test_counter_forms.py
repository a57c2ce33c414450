"""The counter's input and its scan list: posted text is never refused by a form (the scan rules
say what is wrong), bad input gets a clear message and a 4xx, and nothing on the list is lost."""

import re

import pytest
from django.http import QueryDict
from django.urls import reverse

from devices.counter.forms import CounterConfirmForm, CounterScanForm, ScanListForm
from devices.counter.scan_list import CounterScanList
from devices.counter.services import MAX_LINES
from devices.models import CounterVisit, Device
from policy.forms import shown_version_token
from policy.models import Acknowledgement
from tests.factories import UserFactory
from tests.policy.factories import accept, published_version


def posted(**lists) -> QueryDict:
    data = QueryDict(mutable=True)
    for name, values in lists.items():
        data.setlist(name, values if isinstance(values, list) else [values])
    return data


def lines(data) -> dict:
    form = ScanListForm(data)
    assert form.is_valid()
    return form.lines()


def hidden(content: bytes, name: str) -> list[str]:
    return re.findall(rf'name="{re.escape(name)}" value="([^"]*)"', content.decode())


def person_url(person):
    return reverse("admin:devices_counter_person", kwargs={"payroll": person.payroll_number})


# --- the forms -------------------------------------------------------------------------------------
def test_the_scan_list_form_reads_each_line_with_its_reason_and_condition():
    data = posted(take=["KB1", "KB2"], give="KB3", refused="NOPE", **{"reason-KB1": "faulty"})
    data["condition-KB1"] = "  cracked\x00 screen  "
    assert lines(data) == {
        "take": [("KB1", "faulty", "cracked screen"), ("KB2", "", "")],
        "give": ["KB3"],
        "refused": ["NOPE"],
        "accessories": [],
    }


def test_an_unknown_reason_reads_as_not_chosen_and_a_long_condition_is_cut():
    data = posted(take="KB1", **{"reason-KB1": "stolen"})
    data["condition-KB1"] = "x" * 500
    assert lines(data)["take"] == [("KB1", "", "x" * 200)]


def test_remove_takes_one_line_off_and_the_list_has_its_limits():
    data = posted(
        take=["KB1", "KB2"], give=[f"G{n}" for n in range(MAX_LINES + 5)], refused=[f"R{n}" for n in range(9)]
    )
    data["remove"] = "KB2"
    read = lines(data)
    assert [code for code, _, _ in read["take"]] == ["KB1"]
    assert len(read["give"]) == MAX_LINES and read["refused"] == ["R4", "R5", "R6", "R7", "R8"]


def test_the_scan_list_form_takes_a_plain_dict_and_nothing_at_all():
    assert lines({"take": "KB1", "reason-KB1": "leaver"})["take"] == [("KB1", "leaver", "")]
    assert lines(QueryDict()) == {"take": [], "give": [], "refused": [], "accessories": []}


def test_the_list_carried_to_a_leaver_line_and_back_keeps_reasons_and_conditions():
    data = posted(take="KB1", give="KB2", refused="NOPE", **{"reason-KB1": "damaged", "condition-KB1": "dented"})
    form = ScanListForm(data)
    assert form.is_valid()
    assert form.carried() == [
        ("take", "KB1"),
        ("reason-KB1", "damaged"),
        ("condition-KB1", "dented"),
        ("give", "KB2"),
        ("refused", "NOPE"),
    ]
    assert lines(QueryDict("&".join(f"{k}={v}" for k, v in form.carried()))) == lines(data)


def test_the_scan_field_is_trimmed_and_cut_and_confirm_is_a_button():
    form = CounterScanForm({"code": "  KB000001 \n", "action": "scan"})
    assert form.is_valid() and form.cleaned_data["code"] == "KB000001" and not form.confirming
    form = CounterScanForm({"code": "9" * 300, "action": "confirm"})
    assert form.is_valid() and form.cleaned_data["code"] == "9" * 100 and form.confirming
    assert not CounterScanForm(None).is_valid()  # a GET: nothing scanned, nothing confirmed


@pytest.mark.django_db
def test_the_confirm_form_needs_the_tick_in_the_persons_name(officer):
    form = CounterConfirmForm({"confirmed": "on"}, person=officer, versions=[])
    assert not form.is_valid()
    assert form.problems() == [f"{officer.get_full_name()} must tick the box to confirm the devices below."]
    form = CounterConfirmForm({"confirmed": "yes"}, person=officer, versions=[])
    assert form.is_valid() and form.acceptance is None


@pytest.mark.django_db
def test_the_confirm_form_turns_the_shown_text_into_an_acceptance_or_says_why_not(officer, portal_admin):
    version = published_version(by=portal_admin)
    token = shown_version_token(user=officer, version=version)
    form = CounterConfirmForm(
        {"confirmed": "yes", f"shown-{version.pk}": token}, person=officer, versions=[version], ip_address="10.0.0.1"
    )
    assert form.is_valid()
    assert form.acceptance.versions == [version] and form.acceptance.ip_address == "10.0.0.1"

    someone_else = shown_version_token(user=UserFactory(), version=version)
    for bad, words in ((token + "x", "changed or damaged"), (someone_else, "for someone else")):
        form = CounterConfirmForm({"confirmed": "yes", f"shown-{version.pk}": bad}, person=officer, versions=[version])
        assert not form.is_valid() and words in " ".join(form.problems())


# --- the service-side list ----------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_line_that_no_longer_fits_is_kept_as_dropped_and_stops_the_confirm(frozen, officer, bar, make_device, issued):
    taken_meanwhile = issued(make_device(), UserFactory())
    spare = make_device()
    scan_list = CounterScanList.restore(person=officer, tech_bar=bar, give=[spare.asset_tag, taken_meanwhile.asset_tag])
    assert scan_list.hand_over == [spare]
    assert [scan.code for scan in scan_list.refused] == [taken_meanwhile.asset_tag]
    assert scan_list.confirm_refusals() == [
        f"{taken_meanwhile.asset_tag} is off the list: {taken_meanwhile.asset_tag} is issued to someone else "
        f"({taken_meanwhile.assignments.get().holder})."
    ]


@pytest.mark.django_db
def test_an_empty_list_and_a_missing_reason_stop_the_confirm(frozen, officer, bar, make_device, issued):
    assert CounterScanList(person=officer, tech_bar=bar).confirm_refusals() == [
        "Scan at least one device before confirming."
    ]
    held = issued(make_device(), officer)
    scan_list = CounterScanList.restore(person=officer, tech_bar=bar, take=[(held.asset_tag, "", "")])
    assert scan_list.confirm_refusals() == [f"Choose why {held.asset_tag} is coming back."]
    assert scan_list.to_basket().take_back[0].device == held


@pytest.mark.django_db
def test_a_scan_is_placed_once_and_the_list_has_a_limit(monkeypatch, frozen, officer, bar, make_device):
    spare = make_device()
    scan_list = CounterScanList(person=officer, tech_bar=bar)
    assert scan_list.scan(spare.asset_tag).placement == "hand_over"
    again = scan_list.scan(spare.serial_number)
    assert again.placement == "already" and scan_list.hand_over == [spare]
    monkeypatch.setattr("devices.counter.services.MAX_LINES", 1)
    full = scan_list.scan(make_device().asset_tag)
    assert full.placement == "refused" and full.message == "At most 1 devices in one visit." and full.device


# --- the screen: bad input is a 4xx with a clear message, and the list is kept -------------------------
@pytest.mark.django_db
def test_a_tampered_reason_is_asked_for_again_and_the_list_is_kept(counter_client, make_device, issued, officer):
    held, spare = issued(make_device(), officer), make_device()
    data = {"take": held.asset_tag, f"reason-{held.asset_tag}": "stolen", "give": spare.asset_tag}
    visits = CounterVisit.objects.count()
    r = counter_client.post(person_url(officer), {**data, "confirmed": "yes", "action": "confirm"})
    assert r.status_code == 400 and f"Choose why {held.asset_tag} is coming back." in r.content.decode()
    assert hidden(r.content, "take") == [held.asset_tag] and hidden(r.content, "give") == [spare.asset_tag]
    assert CounterVisit.objects.count() == visits


@pytest.mark.django_db
def test_a_damaged_conditions_token_is_refused_saying_why(counter_client, make_device, tech_bar_staff, portal_admin):
    version = published_version(by=portal_admin)
    accept(tech_bar_staff, version)  # the staff member's own acceptance is not what this is about
    person, phone = UserFactory(), make_device()
    data = {"give": phone.asset_tag, f"shown-{version.pk}": "tampered", "confirmed": "yes", "action": "confirm"}
    r = counter_client.post(person_url(person), data)
    assert r.status_code == 400 and "The form was changed or damaged" in r.content.decode()
    assert hidden(r.content, "give") == [phone.asset_tag]
    assert not Acknowledgement.objects.filter(user=person).exists()
    phone.refresh_from_db()
    assert phone.status == Device.Status.IN_STOCK


@pytest.mark.django_db
def test_a_code_no_scanner_sends_is_not_found_and_the_list_is_kept(counter_client, make_device, officer):
    spare = make_device()
    r = counter_client.post(person_url(officer), {"give": spare.asset_tag, "code": "KB\x001"})
    assert r.status_code == 404 and "no scanner sends" in r.content.decode()
    assert hidden(r.content, "give") == [spare.asset_tag]
