"""Small generated JPEGs for the synthetic inspections: 320×240, "合成演示照片" written on them (with the
WenQuanYi Zen Hei font that ``scripts/setup.sh`` installs, plain shapes without it), EXIF time and GPS of
where the synthetic inspector stood. Each is a few kilobytes."""

from __future__ import annotations

import datetime as dt
import functools
import io
import struct
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

SIZE = (320, 240)
QUALITY = 45
VARIANTS = 5
FONTS = ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
BACKGROUNDS = ((176, 160, 138), (150, 160, 170), (170, 150, 120), (140, 150, 130), (185, 175, 160))


@functools.lru_cache(maxsize=2)
def _font(size: int):
    for path in FONTS:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return None


@functools.lru_cache(maxsize=64)
def _base(variant: int, caption: str) -> Image.Image:
    """The picture without EXIF: a house-like block, the label and the caption (cached per variant)."""
    img = Image.new("RGB", SIZE, BACKGROUNDS[variant % len(BACKGROUNDS)])
    d = ImageDraw.Draw(img)
    x = 70 + 12 * (variant % 5)
    d.rectangle((x, 80, x + 180, 200), fill=(205, 195, 180), outline=(90, 80, 70), width=3)
    d.polygon(((x - 10, 80), (x + 90, 30), (x + 190, 80)), fill=(120, 70, 60))
    for k in range(3):
        d.rectangle((x + 20 + 55 * k, 110, x + 50 + 55 * k, 150), fill=(90, 110, 130))
    font, small = _font(22), _font(16)
    if font is not None:
        d.rectangle((0, 0, SIZE[0], 30), fill=(200, 30, 30))
        d.text((10, 3), "合成演示照片", font=font, fill=(255, 255, 255))
        d.text((10, 212), caption, font=small, fill=(20, 20, 20))
    else:  # no CJK font: a red band and a cross say "not a real photo"
        d.rectangle((0, 0, SIZE[0], 30), fill=(200, 30, 30))
        d.line((0, 0, SIZE[0], SIZE[1]), fill=(200, 30, 30), width=3)
        d.line((0, SIZE[1], SIZE[0], 0), fill=(200, 30, 30), width=3)
    return img


def _rationals(v: float) -> bytes:
    """Degrees, minutes and seconds as three TIFF RATIONALs (seconds to 1/10000)."""
    d = int(v)
    m = int((v - d) * 60)
    sec = round(((v - d) * 60 - m) * 60 * 10000)
    return struct.pack("<6I", d, 1, m, 1, sec, 10000)


def exif_segment(lon: float, lat: float, taken_at: dt.datetime) -> bytes:
    """An APP1 EXIF segment (little-endian TIFF): DateTime, ImageDescription and a GPS IFD (north, east).

    Written by hand because it is the same few tags every time and Pillow's ``Exif.tobytes`` costs a
    millisecond per photo; ExifRead reads it back (tests check)."""
    desc = b"SYNTHETIC DEMO PHOTO\0"
    when = taken_at.strftime("%Y:%m:%d %H:%M:%S").encode() + b"\0"
    ifd0 = 8
    gps = ifd0 + 2 + 3 * 12 + 4
    data = gps + 2 + 4 * 12 + 4  # values that do not fit in an entry follow the GPS IFD
    entry = struct.Struct("<HHII")
    out = b"II*\0" + struct.pack("<I", ifd0) + struct.pack("<H", 3)
    out += entry.pack(0x010E, 2, len(desc), data) + entry.pack(0x0132, 2, len(when), data + len(desc))
    out += entry.pack(0x8825, 4, 1, gps) + struct.pack("<I", 0)
    values = data + len(desc) + len(when)
    out += struct.pack("<H", 4)
    out += entry.pack(1, 2, 2, int.from_bytes(b"N\0\0\0", "little")) + entry.pack(2, 5, 3, values)
    out += entry.pack(3, 2, 2, int.from_bytes(b"E\0\0\0", "little")) + entry.pack(4, 5, 3, values + 24)
    out += struct.pack("<I", 0) + desc + when + _rationals(lat) + _rationals(lon)
    payload = b"Exif\0\0" + out
    return b"\xff\xe1" + (len(payload) + 2).to_bytes(2, "big") + payload


@functools.lru_cache(maxsize=64)
def _jpeg(variant: int, caption: str) -> tuple[bytes, bytes]:
    """The encoded picture split after its JFIF header (SOI + APP0), where the EXIF segment goes."""
    out = io.BytesIO()
    _base(variant, caption).save(out, "JPEG", quality=QUALITY)
    data = out.getvalue()
    assert data[:4] == b"\xff\xd8\xff\xe0", "Pillow writes SOI then the JFIF APP0 segment"
    cut = 4 + int.from_bytes(data[4:6], "big")
    return data[:cut], data[cut:]


def demo_photo(lon: float, lat: float, taken_at: dt.datetime, caption: str, variant: int) -> bytes:
    """A JPEG whose EXIF says when (local time of the camera, Asia/Shanghai) and where (WGS84) it was taken.

    The picture is encoded once per variant and caption; each photo only gets its own EXIF (APP1) segment."""
    head, tail = _jpeg(variant % VARIANTS, caption)
    return head + exif_segment(lon, lat, taken_at) + tail
