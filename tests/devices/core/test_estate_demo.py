"""The estate's journey walked through the pages on the demo data: TB001 triages the phone
returned at the counter back into stock, runs a stocktake that finds one device missing, prints
labels for new stock and imports the demo MDM file of 1,000 devices through its job page (the
worker's task run as the worker runs it); DO001 finds a device by IMEI and reads its history."""

import io

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from devices import tasks
from devices.models import Device, DeviceImportJob, DeviceTriage, Stocktake, TechBar
from portal.models import User

pytestmark = pytest.mark.django_db


def test_a_tech_bar_day_and_a_data_office_lookup_on_the_demo_data(client, tmp_path, django_capture_on_commit_callbacks):
    call_command("seed_demo", stdout=io.StringIO())
    hq = TechBar.objects.get(code="hq")
    tb001 = User.objects.get(payroll_number="TB001")
    client.force_login(tb001)

    # 1. The phone returned at the counter goes back into stock, wiped and checked by TB001.
    returned = Device.objects.get(status=Device.Status.RETURNED, tech_bar=hq)
    queue = reverse("admin:devices_triagedevice_changelist")
    assert returned.asset_tag in client.get(queue).text
    done = client.post(
        queue,
        {
            "action": "to_stock",
            ACTION_CHECKBOX_NAME: [returned.pk],
            "apply": "1",
            "checked_by": tb001.pk,
            "wiped_and_checked": "on",
        },
    )
    assert done.status_code == 302
    returned.refresh_from_db()
    assert returned.status == Device.Status.IN_STOCK
    assert DeviceTriage.objects.get(device=returned).checked_by == tb001

    # 2. A stocktake at HQ: every phone on the shelf scanned but one, which the result lists as missing.
    shelf = list(Device.objects.filter(tech_bar=hq, status=Device.Status.IN_STOCK).order_by("asset_tag"))
    client.post(reverse("admin:devices_stocktake_start"), {"tech_bar": hq.pk})
    taken = Stocktake.objects.get(tech_bar=hq)
    count = reverse("admin:devices_stocktake_count", args=[taken.pk])
    scanned = client.post(count, {"action": "scan", "codes": "\n".join(d.asset_tag for d in shelf[:-1])})
    assert scanned.status_code == 200
    client.post(count, {"action": "close", "confirmed": "yes"})
    taken.refresh_from_db()
    assert taken.closed_by == tb001
    assert [m.device for m in taken.missing.all()] == [shelf[-1]]

    # 3. The demo MDM file of 1,000 phones: over the threshold, so a job with a progress bar.
    path = tmp_path / "mdm.csv"
    call_command("demo_mdm_csv", "--rows", "1000", "--out", str(path), stderr=io.StringIO())
    upload = SimpleUploadedFile("mdm.csv", path.read_bytes(), "text/csv")
    with django_capture_on_commit_callbacks():
        started = client.post(
            reverse("admin:devices_device_import"),
            {"import_file": upload, "format": "0", "resource": "0", "tech_bar": hq.pk},
        )
    check = DeviceImportJob.objects.get()
    job_page = reverse("admin:devices_device_import_job", args=[check.pk])
    assert started.status_code == 302 and started.url == job_page
    assert '<progress id="import-progress" max="1000" value="0">' in client.get(job_page).text
    tasks.run_device_import_job(check.pk)
    with django_capture_on_commit_callbacks():
        client.post(reverse("admin:devices_device_import_job_confirm", args=[check.pk]))
    imported = DeviceImportJob.objects.get(checked_by=check)
    tasks.run_device_import_job(imported.pk)
    imported.refresh_from_db()
    assert (imported.status, imported.created) == ("succeeded", 1000)
    new_stock = Device.objects.filter(asset_tag__startswith="MDM", tech_bar=hq, status=Device.Status.IN_STOCK)
    assert new_stock.count() == 1000

    # 4. Labels for some of the new stock, from the device list's admin action.
    chosen = list(new_stock.order_by("asset_tag")[:24])
    sheet = client.post(
        reverse("admin:devices_device_changelist"),
        {"action": "print_labels", ACTION_CHECKBOX_NAME: [d.pk for d in chosen], "index": 0},
    )
    assert sheet.status_code == 200 and sheet.text.count('class="kitbag-label"') == 24
    assert f'<p class="kitbag-label__tag">{chosen[0].asset_tag}</p>' in sheet.text

    # 5. The Data Office finds the triaged phone by its IMEI and reads its custody history.
    client.force_login(User.objects.get(payroll_number="DO001"))
    found = client.get(reverse("devices:device_list"), {"q": returned.imei})
    detail = reverse("devices:device_detail", args=[returned.pk])
    assert found.status_code == 200 and detail in found.text
    history = client.get(detail).text
    for words in ("Issued", "Returned", "Back to stock"):
        assert words in history, words
