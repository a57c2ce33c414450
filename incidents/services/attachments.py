"""Attachments to an incident: what a file really is (by its content and its name) and storing it."""

import hashlib
from pathlib import PurePath

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from incidents import permissions
from incidents.models import (
    Incident,
    IncidentAttachment,
    IncidentEvent,
)
from incidents.services.common import (
    IncidentError,
    NotAllowed,
    _event,
    _locked,
    _validated,
)
from portal import timers
from portal.models import User

# (content type, magic numbers at the start of the file, the file name endings that may carry it)
_SIGNATURES = [
    ("image/png", (b"\x89PNG\r\n\x1a\n",), {"png"}),
    ("image/jpeg", (b"\xff\xd8\xff",), {"jpg", "jpeg"}),
    ("image/gif", (b"GIF87a", b"GIF89a"), {"gif"}),
    ("application/pdf", (b"%PDF-",), {"pdf"}),
]
_HEIF_BRANDS = (b"heic", b"heix", b"mif1", b"msf1", b"heif")  # phone photos: "ftyp<brand>" at byte 4
_TEXT_ENDINGS = {"txt", "csv", "log"}
ALLOWED_ENDINGS = sorted({e for *_, endings in _SIGNATURES for e in endings} | _TEXT_ENDINGS | {"heic", "heif"})


def attachment_content_type(upload: UploadedFile) -> str | None:
    """What the file is, judged by its content and its name together; None if not allowed."""
    ending = PurePath(upload.name or "").suffix.lower().lstrip(".")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for content_type, magics, endings in _SIGNATURES:
        if any(head.startswith(magic) for magic in magics):
            return content_type if ending in endings else None
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return "image/heic" if ending in {"heic", "heif"} else None
    if ending in _TEXT_ENDINGS:
        data = b"".join(upload.chunks())
        upload.seek(0)
        if b"\x00" in data:
            return None
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return None
        return "text/csv" if ending == "csv" else "text/plain"
    return None


@transaction.atomic
def incident_attachment_add(*, incident: Incident, actor: User, upload: UploadedFile) -> IncidentAttachment:
    """Store a screenshot or document, after checking its size and what it really is."""
    incident = _locked(incident)
    if not permissions.can_add_attachment(actor, incident):
        raise NotAllowed("You cannot add attachments to this incident.")
    limit = settings.INCIDENT_ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise IncidentError({"file": f"The file must be smaller than {limit // (1024 * 1024)} MB"})
    if upload.size == 0:
        raise IncidentError({"file": "The file is empty"})
    if incident.attachments.count() >= settings.INCIDENT_ATTACHMENTS_PER_INCIDENT:
        raise IncidentError(
            {"file": f"An incident can have at most {settings.INCIDENT_ATTACHMENTS_PER_INCIDENT} attachments"}
        )
    content_type = attachment_content_type(upload)
    if content_type is None:
        raise IncidentError(
            {"file": "The file must be a PNG, JPEG, GIF, HEIC, PDF, TXT or CSV, and its name must match what it is"}
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    original_name = PurePath(upload.name).name[-200:]
    attachment = IncidentAttachment(
        incident=incident,
        uploaded_by=actor,
        uploaded_at=timers.current_time(),
        original_name=original_name,
        content_type=content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
    )
    attachment.file.save(original_name, upload, save=False)
    try:
        _validated(attachment)
        attachment.save()
        _event(incident, IncidentEvent.Kind.ATTACHMENT_ADDED, actor, f"Attachment added: {original_name}.")
    except Exception:
        attachment.file.delete(save=False)  # no row, no file
        raise
    return attachment
