"""Asset-tag labels: a Code 128 barcode and a QR code per device, as inline SVG, laid out for an A4
sheet of 3 x 8 labels of 63.5 x 33.9 mm (the Avery L7159 layout; 24 to a sheet).

Both symbols are drawn by pure-Python libraries (python-barcode, segno): nothing to install on the
server, no images on disk. The SVG carries only geometry: the asset tag is printed by the template."""

import functools
import re
from dataclasses import dataclass

import segno
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.safestring import SafeString, mark_safe

from devices import permissions
from devices.core import panels

# The sheet (millimetres): Avery L7159 / J8159 and their equivalents.
SHEET = {
    "columns": 3,
    "rows": 8,
    "label_width": 63.5,
    "label_height": 33.9,
    "top_margin": 12.9,
    "side_margin": 7.2,
    "column_gap": 2.5,
}
PER_SHEET = SHEET["columns"] * SHEET["rows"]
# One print run: more labels than this is a mistake in the selection, not a job for a browser tab.
MAX_LABELS = 20 * PER_SHEET

# The barcode's width on the label, quiet zones included, and its narrowest bar. An asset tag of up
# to 12 characters (or 24 digits) keeps bars of 0.19 mm or more, which handheld scanners read.
BARCODE_WIDTH_MM = 36.0
MAX_MODULE_MM = 0.33
BARCODE_HEIGHT_MM = 11.0
QUIET_MODULES = 10  # the quiet zone either side, in modules: Code 128's minimum

_PROLOGUE = re.compile(r"^.*?(?=<svg)", re.DOTALL)  # the XML declaration and DOCTYPE
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


class LabelError(ValueError):
    """This asset tag cannot be drawn as a Code 128 barcode."""


def code128_modules(asset_tag: str) -> str:
    """The barcode as bars and spaces ('1' a dark module), start, check and stop symbols included."""
    # Imported here: python-barcode logs "Pillow not found" at import, which every manage.py run
    # (and the admin) would otherwise print; only the SVG writer is used.
    import barcode

    try:
        return barcode.Code128(asset_tag).build()[0]
    except (barcode.errors.BarcodeError, ValueError, KeyError) as error:
        raise LabelError(
            f"{asset_tag}: a Code 128 barcode carries only plain letters, digits and symbols (ASCII)."
        ) from error


@functools.cache
def _presentation_svg_writer():
    """python-barcode's SVG writer, colouring with presentation attributes (fill="black") instead of
    its inline style="fill:black", which the Content-Security-Policy (style-src 'self') refuses: the
    bars would fall back to black on a black background, a solid block no scanner reads."""
    from barcode.writer import SVGWriter  # here, not at the top: see code128_modules

    class PresentationSVGWriter(SVGWriter):
        def _finish(self):
            for element in self._document.getElementsByTagName("*"):
                if element.hasAttribute("style"):
                    for declaration in filter(None, element.getAttribute("style").split(";")):
                        name, _, value = declaration.partition(":")
                        element.setAttribute(name.strip(), value.strip())
                    element.removeAttribute("style")
            return super()._finish()

    return PresentationSVGWriter


def code128_svg(asset_tag: str) -> SafeString:
    """A Code 128 barcode of the asset tag as an inline <svg> element, BARCODE_WIDTH_MM wide at most."""
    import barcode  # here, not at the top: see code128_modules

    modules = len(code128_modules(asset_tag))
    module_width = min(MAX_MODULE_MM, int(1000 * BARCODE_WIDTH_MM / (modules + 2 * QUIET_MODULES)) / 1000)
    symbol = barcode.Code128(asset_tag, writer=_presentation_svg_writer()())
    svg = symbol.render(
        {
            "module_width": module_width,
            "module_height": BARCODE_HEIGHT_MM,
            "quiet_zone": QUIET_MODULES * module_width,
            "write_text": False,
            "compress": False,
            "margin_top": 0,
            "margin_bottom": 0,
        }
    ).decode()
    svg = _COMMENT.sub("", _PROLOGUE.sub("", svg, count=1)).replace(' id="barcode_group"', "")
    svg = svg.replace("<svg ", '<svg class="kitbag-label__barcode" aria-hidden="true" focusable="false" ', 1)
    return mark_safe(svg.strip())  # noqa: S308 # nosec B308 B703 # the library's geometry; no text from the device


def qr_matrix(asset_tag: str) -> tuple[tuple[int, ...], ...]:
    """The QR code's modules (1 dark), without its quiet zone."""
    return tuple(tuple(row) for row in _qr(asset_tag).matrix)


def qr_svg(asset_tag: str) -> SafeString:
    """A QR code of the asset tag as an inline <svg> element, sized by the label's CSS."""
    svg = _qr(asset_tag).svg_inline(border=2, omitsize=True, svgclass="kitbag-label__qr", lineclass=None)
    svg = svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)
    return mark_safe(svg)  # noqa: S308 # nosec B308 B703 # the library's geometry; no text from the device


def _qr(asset_tag: str) -> segno.QRCode:
    # Error correction M at least (segno raises it when the symbol has room): a scuffed label still reads.
    return segno.make_qr(asset_tag, error="m")


@dataclass(frozen=True)
class Label:
    asset_tag: str
    model: str
    barcode: SafeString
    qr: SafeString


def labels_for(devices) -> tuple[list[Label], list[str]]:
    """A label per device that can have one, and the asset tags refused, with why."""
    labels, refused = [], []
    for device in devices:
        try:
            labels.append(
                Label(
                    asset_tag=device.asset_tag,
                    model=str(device.model),
                    barcode=code128_svg(device.asset_tag),
                    qr=qr_svg(device.asset_tag),
                )
            )
        except LabelError as error:
            refused.append(str(error))
    return labels, refused


def sheets(labels: list[Label]) -> list[list[Label]]:
    return [labels[start : start + PER_SHEET] for start in range(0, len(labels), PER_SHEET)]


@admin.action(description="Print asset-tag labels", permissions=["view"])
def print_labels(modeladmin, request, queryset):
    """The admin action: a printable page of the selected devices' labels, in asset-tag order."""
    count = queryset.count()
    if count > MAX_LABELS:
        modeladmin.message_user(
            request,
            f"{count} devices selected: print at most {MAX_LABELS} labels ({MAX_LABELS // PER_SHEET} sheets) at once.",
            messages.ERROR,
        )
        return None
    labels, refused = labels_for(queryset.select_related("model").order_by("asset_tag"))
    return TemplateResponse(
        request,
        "devices/labels.html",
        {
            "title": "Asset-tag labels",
            "sheets": sheets(labels),
            "refused": refused,
            "count": len(labels),
            "sheet": SHEET,
            "per_sheet": PER_SHEET,
        },
    )


def device_label_action(*, device, user) -> panels.DeviceAction | None:
    """On a device's page: print its label (the device list's action, for this one device)."""
    if not permissions.can_act_on_device(user):
        return None
    return panels.DeviceAction.admin_action(
        label="Print its label",
        changelist="admin:devices_device_changelist",
        action="print_labels",
        device_pk=device.pk,
        hint="A printable sheet with its barcode and QR code.",
    )
