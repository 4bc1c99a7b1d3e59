"""Partners and agreements made through the services."""

import datetime
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from entas.partnerships import services
from entas.partnerships.models import Agreement, Partner, PartnerKind

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name: str = "mou.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def partner(name: str = "Bank Rakyat Indonesia", kind: str = PartnerKind.BUMN) -> Partner:
    return services.create_partner(None, name=name, kind=kind)


def agreement(parties: list[Partner], number: str = "001/MOU/2025", **fields: Any) -> Agreement:
    values: dict[str, Any] = {
        "kind": "mou", "title": "Akses pembiayaan bagi KPM", "signed": datetime.date(2025, 1, 10),
        "valid_until": datetime.date(2030, 1, 10),
    }
    values.update(fields)
    return services.create_agreement(None, number=number, parties=parties, **values)
