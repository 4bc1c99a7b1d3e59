"""How NIK and No. KK are shown to a given user: in full only for roles that need them."""

from typing import Any

from entas.accounts.roles import SEES_FULL_IDENTIFIERS
from entas.core.identifiers import mask_nik


def sees_full_identifiers(user: Any) -> bool:
    return getattr(user, "role", None) in SEES_FULL_IDENTIFIERS


def shown(user: Any, value: str | None) -> str:
    if not value:
        return ""
    return value if sees_full_identifiers(user) else mask_nik(value)
