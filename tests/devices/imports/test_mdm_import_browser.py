"""A large MDM file in a real browser: uploaded in the device admin, followed on its job page
(the script's poll brings the result without a reload by hand), confirmed and imported; axe clean
at each step."""

import pytest

from devices.imports.services import jobs as import_jobs
from devices.models import Device, DeviceImportJob
from tests.conftest import assert_accessible, sign_in
from tests.devices.imports.test_mdm_import import _csv, _row

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_large_import_followed_on_its_job_page(
    page, live_server, settings, tmp_path, tech_bar_staff, bar, phone_model
):
    settings.IMPORT_ASYNC_ROWS = 5
    path = tmp_path / "intune.csv"
    path.write_bytes(_csv([_row(n) for n in range(1, 8)]))
    sign_in(page, live_server, tech_bar_staff)

    page.goto(f"{live_server.url}/admin/devices/device/import/")
    page.get_by_label("Tech Bar receiving new devices").select_option(label=bar.name)
    page.locator("input[type=file]").set_input_files(path)
    page.get_by_role("button", name="Submit").click()
    page.wait_for_url("**/admin/devices/device/import/jobs/*/")
    check = DeviceImportJob.objects.get()
    status = page.get_by_role("status")
    assert status.inner_text() == "Queued: 0 of 7 rows"
    assert page.get_by_label("Rows checked").get_attribute("max") == "7"
    assert_accessible(page)

    import_jobs.device_import_job_run(job_id=check.pk)  # the worker's part
    page.get_by_text("The file is good: 7 new, 0 updated, 0 unchanged.").wait_for()  # the poll reloaded it
    assert page.get_by_role("status").inner_text() == "Succeeded: 7 of 7 rows"
    assert_accessible(page)
    assert not Device.objects.exists()

    page.get_by_role("button", name="Import these devices").click()
    imported = DeviceImportJob.objects.get(checked_by=check)
    page.wait_for_url(f"**/admin/devices/device/import/jobs/{imported.pk}/")
    assert page.get_by_label("Rows imported").get_attribute("value") == "0"
    import_jobs.device_import_job_run(job_id=imported.pk)
    page.get_by_text("Imported: 7 new, 0 updated, 0 unchanged.").wait_for()
    assert_accessible(page)
    assert Device.objects.filter(tech_bar=bar).count() == 7
