"""Photos of an inspection: checked as images (Pillow), their EXIF time and GPS read with ExifRead, stored
in the database with their distance to the house. The phone resizes them before sending; a photo sent
twice (same ``client_id``) is stored once."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import uuid
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import exifread
from PIL import Image, UnidentifiedImageError

from service.audit.trail import record
from service.core.errors import Conflict, InvalidInput
from service.core.settings import InspectionSettings
from service.inspections.models import Inspection, InspectionPhoto

TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
CAMERA_TZ = ZoneInfo("Asia/Shanghai")  # EXIF times carry no zone unless OffsetTimeOriginal says one


@dataclass(frozen=True)
class Exif:
    """What a photo's EXIF says: when (DateTimeOriginal) and where (GPS, WGS84)."""

    taken_at: dt.datetime | None
    lon: float | None
    lat: float | None


def _ratio(value) -> float:
    return float(value.num) / float(value.den) if getattr(value, "den", 1) else 0.0


def _degrees(tag) -> float:
    d, m, s = (_ratio(v) for v in tag.values[:3])
    return d + m / 60 + s / 3600


def read_exif(data: bytes) -> Exif:
    """Time and GPS position from EXIF (None where absent or unreadable)."""
    try:
        tags = exifread.process_file(io.BytesIO(data), details=False)
    except Exception:  # noqa: BLE001 - a malformed EXIF block is a photo without EXIF, not an error
        return Exif(None, None, None)
    taken = None
    stamp = tags.get("EXIF DateTimeOriginal") or tags.get("Image DateTime")
    if stamp is not None:
        try:
            taken = dt.datetime.strptime(str(stamp.values).strip(), "%Y:%m:%d %H:%M:%S")
            offset = tags.get("EXIF OffsetTimeOriginal")
            tz = dt.datetime.strptime(str(offset.values), "%z").tzinfo if offset else CAMERA_TZ
            taken = taken.replace(tzinfo=tz)
        except ValueError:
            taken = None
    lon = lat = None
    try:
        if "GPS GPSLatitude" in tags and "GPS GPSLongitude" in tags:
            lat = _degrees(tags["GPS GPSLatitude"]) * (-1 if str(tags.get("GPS GPSLatitudeRef", "N")) == "S" else 1)
            lon = _degrees(tags["GPS GPSLongitude"]) * (-1 if str(tags.get("GPS GPSLongitudeRef", "E")) == "W" else 1)
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                lon = lat = None
    except (ValueError, ZeroDivisionError, IndexError, AttributeError):
        lon = lat = None
    return Exif(taken, lon, lat)


def check_image(data: bytes, settings: InspectionSettings) -> tuple[str, int, int]:
    """(content type, width, height) of a photo the service accepts; a refusal in Chinese otherwise."""
    if not data:
        raise InvalidInput("照片文件为空。", "The photo is empty.")
    if len(data) > settings.photo_max_bytes:
        raise InvalidInput(f"照片超过 {settings.photo_max_bytes // (1024 * 1024)} MB，请压缩后再上传。", "Photo too large.")
    try:
        with Image.open(io.BytesIO(data)) as img:
            kind, (width, height) = img.format, img.size
            if width * height > settings.photo_max_pixels:
                raise InvalidInput("照片像素过多，请压缩后再上传。", "Too many pixels.")
            img.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise InvalidInput("文件不是可识别的照片（须为 JPEG、PNG 或 WebP）。", "Not a readable image.") from exc
    if kind not in TYPES:
        raise InvalidInput("照片须为 JPEG、PNG 或 WebP 格式。", f"Unsupported image format {kind}.")
    return TYPES[kind], width, height


def add_photo(
    session, principal, row: Inspection, client_id: uuid.UUID, data: bytes, caption: str | None,
    settings: InspectionSettings,
) -> tuple[InspectionPhoto, bool]:  # fmt: skip
    """Store a photo of an editable inspection (once per ``client_id``); returns it and whether it is new."""
    from service.inspections.service import EDITABLE, distance_m

    same = session.query(InspectionPhoto).filter_by(client_id=client_id).one_or_none()
    if same is not None:
        if same.inspection_id != row.id:
            raise Conflict("该照片编号已用于另一条检查记录。", "The photo id belongs to another inspection.")
        return same, False
    if row.status not in EDITABLE:
        raise Conflict("该检查已提交或审核通过，不能再添加照片。", f"The inspection is {row.status}.")
    count = session.query(InspectionPhoto).filter_by(inspection_id=row.id).count()
    if count >= settings.photos_per_inspection:
        raise InvalidInput(f"每条检查记录最多 {settings.photos_per_inspection} 张照片。", "Too many photos.")
    content_type, width, height = check_image(data, settings)
    exif = read_exif(data)
    geom = distance = None
    if exif.lon is not None:
        geom = f"SRID=4490;POINT({exif.lon} {exif.lat})"
        distance = round(distance_m(session, row.house_id, exif.lon, exif.lat), 1)
    photo = InspectionPhoto(
        client_id=client_id, inspection_id=row.id, content=data, content_type=content_type,
        sha256=hashlib.sha256(data).hexdigest(), size_bytes=len(data), width=width, height=height,
        caption=(caption or "").strip()[:200] or None, taken_at=exif.taken_at, exif_geom=geom,
        exif_distance_m=distance, uploaded_by_account_id=principal.account_id,
    )  # fmt: skip
    session.add(photo)
    session.flush()
    record(session, principal.actor, "inspection_photo_add", "inspection_photo", photo.id, detail={
        "inspection_id": row.id, "sha256": photo.sha256, "bytes": len(data), "exif_distance_m": distance,
        "taken_at": exif.taken_at.isoformat() if exif.taken_at else None,
    })  # fmt: skip
    session.flush()
    return photo, True
