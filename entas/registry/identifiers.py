"""How NIK and No. KK are shown to a given user: in full only for roles that need them."""


from entas.accounts.models import User
from entas.accounts.roles import SEES_FULL_IDENTIFIERS
from entas.core.identifiers import mask_nik


def sees_full_identifiers(user: User | None) -> bool:
    return user is not None and user.role in SEES_FULL_IDENTIFIERS


def shown(user: User | None, value: str | None) -> str:
    if not value:
        return ""
    return value if sees_full_identifiers(user) else mask_nik(value)
