"""Every list page's CSV export, rendered table and filter form, byte for byte as they were before the lists were
made faster (tests/portal/golden/): ordering, columns, cell text and markup must not change when
the way rows are rendered does. The data is the same every run (fixed seed, sequences and clock);
ids, which differ by database, are written as N.

KITBAG_WRITE_GOLDEN=1 rewrites the files, for a change meant to alter what a list shows, and writes
them for a list added to LIST_EXPORTS (skipped until then)."""

import contextlib
import os
import re
from datetime import timedelta
from pathlib import Path

import factory.random
import pytest
from django.utils import timezone

from tests import factories
from tests.policy import factories as policy_factories
from tests.test_export_formulas import LIST_EXPORTS

GOLDEN = Path(__file__).parent / "golden"


def _reset_factories():
    factory.random.reseed_random("kitbag-golden")
    for module in (factories, policy_factories):
        for thing in vars(module).values():
            if isinstance(thing, type) and issubclass(thing, factory.base.BaseFactory) and thing._meta.model:
                with contextlib.suppress(ValueError):  # shares its parent's counter
                    thing.reset_sequence(500)


def _extras(name, get):
    """Rows the hostile-value builders leave out: holders, dates, overdue cases."""
    if name == "devices:device_list":
        from devices.models import Device

        device = Device.objects.order_by("asset_tag").first()
        device.end_of_life_date = timezone.localdate() + timedelta(days=400)
        device.save(update_fields=["end_of_life_date"])
        factories.AssignmentFactory(device=device, issued_by=get("tech_bar_staff"))
        factories.AssignmentFactory(issued_by=get("tech_bar_staff"))
    if name == "devices:leaver_list":
        factories.LeaverCaseFactory(leaving_date=timezone.localdate() - timedelta(days=3), actor=get("portal_admin"))


def _normalised(content: bytes) -> bytes:
    content = re.sub(rb"/\d+/", b"/N/", content)
    content = re.sub(rb'value="\d+"', b'value="N"', content)  # a model's id in a filter's options
    return re.sub(rb"INC-\d{5}", b"INC-NNNNN", content)


def _between(page: bytes, start: bytes, end: bytes) -> bytes:
    at = page.find(start)
    return page[at : page.index(end, at) + len(end)] if at >= 0 else b""


def _table_html(page: bytes) -> bytes:
    return _between(page, b'<div class="kitbag-table-wrapper kitbag-table-wrapper--wide"', b"</table>")


def _filter_form_html(page: bytes) -> bytes:
    return _between(page, b'<form method="get" class="kitbag-filters"', b"</form>")


def _check(path: Path, content: bytes):
    if os.environ.get("KITBAG_WRITE_GOLDEN"):
        GOLDEN.mkdir(exist_ok=True)
        path.write_bytes(content)
    if not path.exists():  # a list new since the files were written: nothing to compare with yet
        pytest.skip(f"no golden file {path.name}: write it with KITBAG_WRITE_GOLDEN=1 and commit it")
    assert content == path.read_bytes(), f"{path.name} changed"


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(LIST_EXPORTS))
def test_the_list_exports_and_renders_as_it_always_has(name, client, request, freeze_clock):
    with freeze_clock():
        _reset_factories()
        url, user = LIST_EXPORTS[name](request.getfixturevalue)
        _extras(name, request.getfixturevalue)
        client.force_login(user)
        exported = client.get(url, {"_export": "csv"}).getvalue()
        page = client.get(url, {"per_page": 5, "page": 1})
        sorted_page = client.get(url, {"sort": "-status"} if "activity" not in name else {})
        filtered_page = client.get(url, {"q": "1", "unit": "North"})
    assert page.status_code == 200 and sorted_page.status_code == 200
    assert exported.count(b"\n") > 2
    stem = name.replace(":", "-")
    _check(GOLDEN / f"{stem}.csv", _normalised(exported))
    _check(GOLDEN / f"{stem}.form.html", _normalised(_filter_form_html(filtered_page.content)))
    _check(GOLDEN / f"{stem}.html", _normalised(_table_html(page.content) + b"\n" + _table_html(sorted_page.content)))
