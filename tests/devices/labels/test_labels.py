"""Asset-tag labels: the admin action renders an A4 sheet of valid SVG barcodes, and each barcode,
drawn as a scanner would see it, decodes to the asset tag (zxing-cpp, on a raster made here from the
SVG's own geometry: no cairo needed)."""

import re
import xml.etree.ElementTree as ET

import pytest
import zxingcpp
from django.urls import reverse

from devices.labels import services as labels
from devices.models import Device

SVG = "{http://www.w3.org/2000/svg}"
CHANGELIST = reverse("admin:devices_device_changelist")


def _mm(text: str) -> float:
    return float(text.removesuffix("mm"))


def _raster(rows: list[list[int]], *, quiet: int = 0) -> memoryview:
    """A grayscale image (0 black, 255 white) of 0/1 rows, for zxing-cpp."""
    width = len(rows[0]) + 2 * quiet
    blank = [255] * width
    pixels = [blank] * quiet + [[255] * quiet + [0 if v else 255 for v in row] + [255] * quiet for row in rows]
    pixels += [blank] * quiet
    return memoryview(bytes(b for row in pixels for b in row)).cast("B", (len(pixels), width))


def barcode_modules_from_svg(svg: str) -> str:
    """The bars of a python-barcode SVG as modules ('1' dark), read back from its <rect>s."""
    root = ET.fromstring(svg)  # valid XML, or this raises
    bars = [r for r in root.iter(f"{SVG}rect") if r.get("x")]
    module = min(_mm(r.get("width")) for r in bars)
    start = _mm(bars[0].get("x"))
    modules = []
    for bar in bars:
        left = round((_mm(bar.get("x")) - start) / module)
        modules.extend("0" * (left - len(modules)))
        modules.extend("1" * round(_mm(bar.get("width")) / module))
    return "".join(modules)


def qr_matrix_from_svg(svg: str) -> list[list[int]]:
    """The modules of a segno SVG path (M/m moves, h runs of stroke width 1), border included."""
    root = ET.fromstring(svg)
    size = int(root.get("viewBox").split()[2])
    matrix = [[0] * size for _ in range(size)]
    x = y = 0.0
    for command, numbers in re.findall(r"([Mmh])([-\d. ]+)", root.find("path").get("d")):
        values = [float(v) for v in numbers.split()]
        if command == "M":
            x, y = values
        elif command == "m":
            x, y = x + values[0], y + values[1]
        else:
            for column in range(int(x), int(x + values[0])):
                matrix[int(y)][column] = 1
            x += values[0]
    return matrix


def _decode(image: memoryview, fmt) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(image, formats=fmt)]


@pytest.mark.parametrize("tag", ["KB000001", "LAP-2026-0042", "A1"])
def test_each_barcode_is_valid_svg_and_decodes_to_the_asset_tag(tag):
    code128 = str(labels.code128_svg(tag))
    modules = barcode_modules_from_svg(code128)
    assert modules == labels.code128_modules(tag)  # the encoded pattern, bar for bar
    scaled = [int(m) for m in modules for _ in range(3)]
    assert _decode(_raster([scaled] * 60, quiet=30), zxingcpp.BarcodeFormat.Code128) == [tag]

    qr = str(labels.qr_svg(tag))
    matrix = qr_matrix_from_svg(qr)
    assert [row[2:-2] for row in matrix[2:-2]] == [list(row) for row in labels.qr_matrix(tag)]
    scaled = [[v for v in row for _ in range(6)] for row in matrix for _ in range(6)]
    assert _decode(_raster(scaled, quiet=12), zxingcpp.BarcodeFormat.QRCode) == [tag]


def test_a_barcode_fits_its_label_with_bars_a_scanner_reads():
    root = ET.fromstring(str(labels.code128_svg("KB000001")))
    assert _mm(root.get("width")) <= labels.BARCODE_WIDTH_MM
    widths = [_mm(r.get("width")) for r in root.iter(f"{SVG}rect") if r.get("x")]
    assert min(widths) >= 0.19


def test_tech_bar_staff_print_an_a4_sheet_of_the_selected_devices(client, tech_bar_staff, make_device):
    devices = [make_device() for _ in range(25)]
    odd = make_device(asset_tag="KB-Ünicode")  # Code 128 carries ASCII only
    client.force_login(tech_bar_staff)
    selected = [d.pk for d in devices] + [odd.pk]
    response = client.post(CHANGELIST, {"action": "print_labels", "_selected_action": selected, "index": 0})
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('class="kitbag-labels__sheet"') == 2  # 24 to a sheet, then 1
    assert page.count('class="kitbag-label"') == 25
    assert "KB-Ünicode: a Code 128 barcode carries only plain letters, digits and symbols (ASCII)." in page
    assert "Avery L7159" in page and "devices/labels.css" in page
    # Every inline SVG in the page is well-formed XML, one barcode and one QR code per label.
    svgs = re.findall(r"<svg.*?</svg>", page, re.DOTALL)
    assert len(svgs) == 50
    for svg in svgs:
        ET.fromstring(svg if "xmlns" in svg else svg.replace("<svg ", f'<svg xmlns="{SVG[1:-1]}" ', 1))
    first = devices[0].asset_tag
    assert f'<p class="kitbag-label__tag">{first}</p>' in page
    assert barcode_modules_from_svg(svgs[1]) == labels.code128_modules(first)


def test_the_label_sheet_has_no_inline_style_for_the_policy_to_refuse(client, tech_bar_staff, make_device):
    devices = [make_device(), make_device(asset_tag="LAP-2026-0042")]
    client.force_login(tech_bar_staff)
    response = client.post(
        CHANGELIST, {"action": "print_labels", "_selected_action": [d.pk for d in devices], "index": 0}
    )
    assert response.status_code == 200
    assert "style-src 'self'" in response["Content-Security-Policy"]
    page = response.content.decode()
    assert "style=" not in page and "<style" not in page
    bars = re.findall(r"<rect [^>]*>", page)
    assert bars and all('fill="' in bar for bar in bars)


def test_too_many_labels_at_once_are_refused(client, tech_bar_staff, make_device, monkeypatch):
    monkeypatch.setattr(labels, "MAX_LABELS", 2)
    devices = [make_device() for _ in range(3)]
    client.force_login(tech_bar_staff)
    response = client.post(
        CHANGELIST, {"action": "print_labels", "_selected_action": [d.pk for d in devices], "index": 0}, follow=True
    )
    assert "3 devices selected: print at most 2 labels" in response.text
    assert "kitbag-labels__sheet" not in response.text


def test_people_without_the_device_admin_cannot_print(client, data_office, make_device):
    device = make_device()
    client.force_login(data_office)
    response = client.post(CHANGELIST, {"action": "print_labels", "_selected_action": [device.pk], "index": 0})
    assert response.status_code == 403
    assert Device.objects.count() == 1
