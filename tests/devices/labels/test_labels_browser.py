"""The label sheet scans as printed: Chromium renders it from the live server with the
Content-Security-Policy on, and zxing-cpp reads the Code 128 and the QR code of every selected
device from the screenshot's pixels (not from the SVG source)."""

import struct
import zlib

import pytest
import zxingcpp

from tests.conftest import DESKTOP, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A tag of each shape the force uses: the barcode's module width changes with its length.
TAGS = ["KB000001", "KB000002", "A1", "LAP-2026-0042", "KB-PHONE-0003"]
# 4 device pixels to a CSS pixel: a 0.3 mm bar is about 4.5 pixels wide, as a 600 dpi print is.
SCALE = 4

LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


def png_luminance(png: bytes) -> memoryview:
    """The green channel of an 8-bit, non-interlaced RGB or RGBA PNG (what Chromium writes) as a
    height x width buffer zxing-cpp reads: no Pillow or numpy needed for black-and-white labels."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    position, idat, header = 8, [], None
    while position < len(png):
        (length,) = struct.unpack(">I", png[position : position + 4])
        kind = png[position + 4 : position + 8]
        data = png[position + 8 : position + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", data)
        elif kind == b"IDAT":
            idat.append(data)
        position += 12 + length
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in (2, 6) and interlace == 0, header
    channels = 3 if colour == 2 else 4
    stride = width * channels
    raw = zlib.decompress(b"".join(idat))
    previous = bytearray(stride)
    green = bytearray()
    for y in range(height):
        start = y * (stride + 1)
        kind, row = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        if kind == 1:  # Sub
            for i in range(channels, stride):
                row[i] = (row[i] + row[i - channels]) & 0xFF
        elif kind == 2:  # Up
            row = bytearray((a + b) & 0xFF for a, b in zip(row, previous, strict=True))
        elif kind == 3:  # Average
            for i in range(stride):
                left = row[i - channels] if i >= channels else 0
                row[i] = (row[i] + ((left + previous[i]) >> 1)) & 0xFF
        elif kind == 4:  # Paeth
            for i in range(stride):
                a = row[i - channels] if i >= channels else 0
                b = previous[i]
                c = previous[i - channels] if i >= channels else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                row[i] = (row[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        green += row[1::channels]
        previous = row
    return memoryview(bytes(green)).cast("B", (height, width))


def _decoded(png: bytes) -> dict[str, list[str]]:
    found = {"Code128": [], "QRCode": []}
    formats = [zxingcpp.BarcodeFormat.Code128, zxingcpp.BarcodeFormat.QRCode]
    for result in zxingcpp.read_barcodes(png_luminance(png), formats=formats):
        found[result.format.name].append(result.text)
    return found


def test_every_selected_label_scans_from_the_rendered_sheet_with_the_policy_on(
    browser, live_server, tech_bar_staff, make_device
):
    selected = [make_device(asset_tag=tag) for tag in TAGS]
    left_out = make_device(asset_tag="KB000999")
    context = browser.new_context(viewport=DESKTOP, device_scale_factor=SCALE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    refused = []
    page.on("console", lambda msg: refused.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.add_init_script(LISTEN)

    sign_in(page, live_server, tech_bar_staff)
    page.goto(f"{live_server.url}/admin/devices/device/")
    for device in selected:
        page.locator(f'input[name="_selected_action"][value="{device.pk}"]').check()
    page.locator('select[name="action"]').select_option("print_labels")
    with page.expect_navigation():
        page.locator("#changelist-form button[name=index]").click()
    page.wait_for_load_state("load")
    assert page.get_by_role("heading", level=1).inner_text() == "Asset-tag labels"

    labels = page.locator(".kitbag-label")
    assert labels.count() == len(selected)
    barcodes, qr_codes = set(), set()
    for index in range(labels.count()):
        found = _decoded(labels.nth(index).screenshot())
        # One of each on every label, not a lucky read of a neighbour.
        assert len(found["Code128"]) == 1 and len(found["QRCode"]) == 1, (index, found)
        barcodes.update(found["Code128"])
        qr_codes.update(found["QRCode"])
    assert barcodes == set(TAGS)
    assert qr_codes == set(TAGS)
    assert left_out.asset_tag not in barcodes | qr_codes

    assert page.evaluate("window.__violations") == []
    assert refused == []
    context.close()
