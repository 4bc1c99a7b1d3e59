from django import template
from django.contrib.auth.models import AnonymousUser

from entas.accounts.models import User
from entas.core import numbers
from entas.core.identifiers import mask_nik
from entas.registry.identifiers import shown

register = template.Library()


@register.filter
def identifier(value: str | None, full: bool) -> str:
    """`{{ person.nik|identifier:full_ids }}`: the number in full or masked, by the viewer's role."""
    if not value:
        return ""
    return value if full else mask_nik(value)


@register.filter
def rupiah(value: int | None) -> str:
    """The same as `{% load numbers %}`'s, for the pages that load only this library."""
    return numbers.rupiah(value)


@register.filter
def shown_to(value: str | None, user: User | AnonymousUser) -> str:
    """`{{ household.kk_number|shown_to:user }}`: for pages whose view does not work out `full_ids`.
    `user` is the template's (the auth context processor's), so it may be anonymous: masked then."""
    return shown(user if user.is_authenticated else None, value)
