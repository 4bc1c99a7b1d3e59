"""Evidence files of typed achievements: a scanned report (PDF) or a photo, told by its first bytes.

The name and the declared content type of an upload prove nothing, so the file's own signature
decides what it is, and the download answers with the type found there, never the uploader's.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils.translation import gettext as _

MAX_BYTES = 10 * 1024 * 1024
# signature -> (content type, file extension)
SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
)
HEAD = 16


def _head(document: File[Any]) -> bytes:
    document.seek(0)
    head = bytes(document.read(HEAD))
    document.seek(0)
    return head


def kind_of(document: File[Any]) -> tuple[str, str] | None:
    """(content type, extension) of a PDF, PNG, JPEG or WebP file; None for anything else."""
    head = _head(document)
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", ".webp"
    return next(((kind, ext) for magic, kind, ext in SIGNATURES if head.startswith(magic)), None)


def check(document: File[Any]) -> str:
    """The extension to store the file under; ValidationError on field `evidence` when the file is
    neither a PDF nor an image, or too large."""
    name = str(document.name or "")
    if document.size is not None and document.size > MAX_BYTES:
        raise ValidationError({"evidence": _("The evidence '%(name)s' is larger than %(max)s MB.") % {
            "name": name, "max": MAX_BYTES // (1024 * 1024)}})
    found = kind_of(document)
    if found is None:
        raise ValidationError({"evidence": _(
            "The evidence '%(name)s' is not a PDF or an image (PNG, JPEG or WebP).") % {"name": name}})
    return found[1]
