"""The one place that decides what a user may see.

Every view, API endpoint, export and admin page narrows its queryset through `visible()`.
A model opts in by naming its region field in `scope_region_field` (a dotted region code or a
foreign key to Region, whose key is that code); being inside a region is a prefix match on it.
A model that names a person outside its own place (a membership, a job) also lists that relation in
`scope_also`: the row is visible only when the person is.

Some roles see less than their region: a facilitator her caseload, a cooperative manager his
cooperatives. Those roles are `confine`d, and the apps that know what a caseload or a managed
cooperative is register one `rule` per model and role (in AppConfig.ready, so core imports no
feature app). A confined role sees nothing of a model without a rule: a new model is closed to
them until someone decides what they may see of it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models
from django.db.models import Q
from django.http import Http404

from entas.core import audit

if TYPE_CHECKING:
    from entas.accounts.models import User  # core imports no feature app at run time (core/actors.py)

M = TypeVar("M", bound=models.Model)


def region_q(scope: str | None, field: str) -> Q:
    if scope is None:
        return Q()
    # Django refuses text lookups on a foreign-key column (`village_id__startswith`); through the
    # related key (`village__pk__startswith`) it compares the same column without a join.
    if field.endswith("_id"):
        field = field[: -len("_id")] + "__pk"
    return Q(**{field: scope}) | Q(**{f"{field}__startswith": scope + "."})


def user_scope(user: User | None) -> str | None:
    """The user's region code; None for the whole country (and for the system)."""
    return user.region_id if user is not None else None


Rule = Callable[["User"], Q] | None
"""user -> the condition on top of the region scope; None: the region scope is all there is."""

_confined: set[str] = set()
_rules: dict[tuple[str, str], Rule] = {}


def confine(*roles: str) -> None:
    """These roles see, of each model, only what a registered rule lets through."""
    _confined.update(roles)


def rule(model: type[models.Model], role: str, condition: Rule) -> None:
    _rules[(model._meta.label_lower, role)] = condition


def is_confined(user: User | None) -> bool:
    return user is not None and user.role in _confined


def region_only(user: User | None, queryset: models.QuerySet[M]) -> models.QuerySet[M]:
    """The user's region without the narrowing of a confined role. Only for an exact lookup that
    the user's task needs beyond what she may list (a new cooperative member by the NIK on his
    KTP): never for a list or a search."""
    if user is None or not user.is_active:
        return queryset.none()
    return queryset.filter(region_q(user_scope(user), queryset.model.scope_region_field))  # type: ignore[attr-defined]


def visible(user: User | None, queryset: models.QuerySet[M]) -> models.QuerySet[M]:
    """The part of `queryset` that `user` may see: nothing for no user (None) or an inactive one."""
    if user is None or not user.is_active:
        return queryset.none()
    field = getattr(queryset.model, "scope_region_field", None)
    if field is None:
        raise TypeError(f"{queryset.model.__name__} has no scope_region_field; it cannot be scoped")
    queryset = queryset.filter(region_q(user_scope(user), field))
    role = user.role
    if role in _confined:
        key = (queryset.model._meta.label_lower, role)
        if key not in _rules:
            return queryset.none()
        condition = _rules[key]
        if condition is not None:
            queryset = queryset.filter(condition(user))
    return _with_visible_relations(user, queryset)


def _with_visible_relations(user: User, queryset: models.QuerySet[M]) -> models.QuerySet[M]:
    """A row that names a person (a cooperative membership, a job) lies where its place lies, but
    is shown only when its person is visible too (`scope_also` names such relations): a member who
    moved to another regency, or a family outside a facilitator's caseload, stays out of sight."""
    names = getattr(queryset.model, "scope_also", ())
    if not names or (user_scope(user) is None and not is_confined(user)):
        return queryset  # the whole country, unconfined: every related row is visible anyway
    for name in names:
        relation = queryset.model._meta.get_field(name)
        related = visible(user, relation.related_model._default_manager.all())  # type: ignore[union-attr]
        condition = Q(**{f"{name}__in": related.values("pk")})
        if relation.null:
            condition |= Q(**{f"{name}__isnull": True})
        queryset = queryset.filter(condition)
    return queryset


def get_visible_or_404(user: User | None, queryset: models.QuerySet[M], **lookup: Any) -> M:
    """Fetch one object inside the user's scope. Outside it, answer 404 (never 403, which would
    confirm the object exists) and log the attempt."""
    try:
        return visible(user, queryset).get(**lookup)
    except queryset.model.DoesNotExist:  # type: ignore[attr-defined]
        if queryset.filter(**lookup).exists():
            audit.record(
                user, audit.Action.SCOPE_DENIED, details={"model": queryset.model._meta.label_lower, "lookup": {
                    k: str(v) for k, v in lookup.items()}},
            )
        raise Http404 from None
