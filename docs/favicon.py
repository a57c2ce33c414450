"""Draws Kitbag's favicon (static/favicon.svg and static/favicon.ico: 32 and 16 px PNGs in an icon
directory) from one geometry, with the standard library only: `python docs/favicon.py`."""

import struct
import zlib
from pathlib import Path

BLUE = (0x1D, 0x70, 0xB8)
POLYS = [  # the K, in a 32 x 32 box
    [(9, 7), (13.5, 7), (13.5, 25), (9, 25)],
    [(13.5, 15), (20, 7), (25.5, 7), (16.5, 18.6)],
    [(15.6, 14.4), (25.5, 25), (20, 25), (13.5, 17.8)],
]
RADIUS = 6


def inside(poly, x, y):
    hit = False
    for (x1, y1), (x2, y2) in zip(poly, poly[1:] + poly[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            hit = not hit
    return hit


def in_square(x, y):
    cx = min(max(x, RADIUS), 32 - RADIUS)
    cy = min(max(y, RADIUS), 32 - RADIUS)
    return (x - cx) ** 2 + (y - cy) ** 2 <= RADIUS**2


def raster(size, samples=8):
    scale = 32 / size
    pixels = []
    for py in range(size):
        row = []
        for px in range(size):
            bg = fg = 0
            for sy in range(samples):
                for sx in range(samples):
                    x = (px + (sx + 0.5) / samples) * scale
                    y = (py + (sy + 0.5) / samples) * scale
                    if in_square(x, y):
                        if any(inside(p, x, y) for p in POLYS):
                            fg += 1
                        else:
                            bg += 1
            n = samples * samples
            alpha = (bg + fg) / n
            if bg + fg:
                white = fg / (bg + fg)
                rgb = tuple(round(c + (255 - c) * white) for c in BLUE)
            else:
                rgb = (0, 0, 0)
            row.append((*rgb, round(alpha * 255)))
        pixels.append(row)
    return pixels


def png(pixels):
    h, w = len(pixels), len(pixels[0])
    raw = b"".join(b"\0" + bytes(v for px in row for v in px) for row in pixels)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def ico(images):
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    entries, data = b"", b""
    for size, blob in images:
        entries += struct.pack("<BBBBHHII", size % 256, size % 256, 0, 0, 1, 32, len(blob), offset + len(data))
        data += blob
    return header + entries + data


def svg():
    paths = " ".join("M" + " ".join(f"{x:g} {y:g}" for x, y in p) + "Z" for p in POLYS)
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
        f'<rect width="32" height="32" rx="{RADIUS}" fill="#1d70b8"/>'
        f'<path fill="#fff" d="{paths}"/></svg>\n'
    )


STATIC = Path(__file__).resolve().parent.parent / "static"
if __name__ == "__main__":
    (STATIC / "favicon.svg").write_text(svg())
    (STATIC / "favicon.ico").write_bytes(ico([(32, png(raster(32))), (16, png(raster(16)))]))
