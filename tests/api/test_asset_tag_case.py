"""The API finds a device by its asset tag in any case (one tag whatever its case)."""

import pytest

from devices.models import Device

pytestmark = pytest.mark.django_db


def test_the_api_finds_a_device_by_its_tag_in_any_case(api_as, make_device):
    device = make_device(asset_tag="KB654321")
    reader = api_as("read")
    assert reader.get("/api/v1/devices/kb654321/").json()["asset_tag"] == "KB654321"
    mdm = api_as("mdm")
    response = mdm.post(
        "/api/v1/mdm/devices/", {"devices": [{"asset_tag": "kb654321", "phone_number": "07700 900999"}]}, format="json"
    )
    assert response.status_code == 200, response.content
    device.refresh_from_db()
    assert device.phone_number == "07700 900999" and Device.objects.count() == 1


def test_a_very_long_tag_in_the_url_is_a_404(api_as):
    assert api_as("read").get("/api/v1/devices/" + "Ǆ" * 30000 + "/").status_code == 404
