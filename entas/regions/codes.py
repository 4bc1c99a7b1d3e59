"""Rules of Kemendagri region codes: `PP`, `PP.KK`, `PP.KK.CC`, `PP.KK.CC.NNNN`."""

import re

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class Level:
    PROVINCE = 1
    REGENCY = 2
    DISTRICT = 3
    VILLAGE = 4


class Kind(TextChoices):
    PROVINCE = "provinsi", _("Province")
    KABUPATEN = "kabupaten", _("Regency (kabupaten)")
    KOTA = "kota", _("City (kota)")
    KECAMATAN = "kecamatan", _("District (kecamatan)")
    DESA = "desa", _("Village (desa)")
    KELURAHAN = "kelurahan", _("Urban village (kelurahan)")
    DESA_ADAT = "desa_adat", _("Customary village (desa adat)")


CODE_PATTERN = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")
REGION_CODE = _("give a dotted Kemendagri region code, e.g. 33 (province), 33.10 (regency), 33.10.01 "
                           "(district) or 33.10.01.2001 (village)")


class InvalidRegionCode(ValueError):
    pass


def level_of(code: str) -> int:
    if not CODE_PATTERN.match(code):
        raise InvalidRegionCode(
            f"'{code}' is not a Kemendagri region code (expected PP, PP.KK, PP.KK.CC or PP.KK.CC.NNNN)"
        )
    return code.count(".") + 1


def is_regency(code: str) -> bool:
    return CODE_PATTERN.match(code) is not None and code.count(".") == 1


def parent_of(code: str) -> str | None:
    return code.rsplit(".", 1)[0] if "." in code else None


def kind_of(code: str) -> Kind:
    """Derive the kind from the code: kabupaten 01-69 / kota 71-99; village 1xxx kelurahan,
    2xxx desa, 3xxx desa adat."""
    level = level_of(code)
    last = code.rsplit(".", 1)[-1]
    if level == Level.PROVINCE:
        return Kind.PROVINCE
    if level == Level.REGENCY:
        return Kind.KOTA if int(last) >= 71 else Kind.KABUPATEN
    if level == Level.DISTRICT:
        return Kind.KECAMATAN
    return {"1": Kind.KELURAHAN, "3": Kind.DESA_ADAT}.get(last[0], Kind.DESA)


def within(code: str, scope: str | None) -> bool:
    """True when `code` lies inside the region `scope` (None means the whole country)."""
    return scope is None or code == scope or code.startswith(scope + ".")


def undotted(code: str) -> str:
    return code.replace(".", "")


def dotted(digits: str) -> str:
    """'317401' -> '31.74.01': NIK and KK carry region codes without dots."""
    parts = [digits[0:2], digits[2:4], digits[4:6], digits[6:10]]
    return ".".join(p for p in parts if p)
