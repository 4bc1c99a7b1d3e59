"""Base classes and fields shared by every app's API.

- `ScopedReadOnlyViewSet`: lists and retrieves through the caller's scope (404 outside it, logged).
- `NumericIds`: a numeric detail route only matches digits (at most 18, so it fits in 64 bits);
  `NotAnId` answers what the router did not match there (`/api/households/abc/`): 400 naming the
  id, never a database error.
- `AuditedList`: the list action writes one `<model>.listed` audit entry per answer
  (`core.audit.record_list_read`).
- `bounded_integer`, `IdField`, `IdRelatedField`: integer input bounded like the column it ends up
  in, so a number beyond 64 bits (or beyond a small column) answers 400 naming the field instead of
  a database overflow.
- `Schema`: the OpenAPI schema class; it documents such a path id as the integer it is.
"""

from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from entas.core import audit
from entas.core.actors import acting_user, signed_in
from entas.core.pagination import MAX_ID
from entas.core.scoping import get_visible_or_404, visible

M = TypeVar("M", bound=Model)

# Path ids are at most 18 digits: every such number fits in 64 bits, a longer one names nothing.
ID_PATTERN = r"[0-9]{1,18}"


def _messages() -> dict[str, Any]:
    return {
        "max_value": _("too large: at most {max_value}"),
        "min_value": _("too small: at least {min_value}"),
        "invalid": _("not a whole number"),
        "max_string_length": _("too long to be a number"),
    }


def column_range(model: type[Model], name: str) -> tuple[int, int]:
    """The values an integer column holds on every supported database (SQLite stores any 64-bit
    number in any integer column, PostgreSQL refuses 40,000 in a smallint: take the narrower)."""
    field = model._meta.get_field(name)
    internal = field.get_internal_type()
    if internal in ("AutoField", "BigAutoField", "ForeignKey", "OneToOneField"):
        return 1, MAX_ID
    low, high = BaseDatabaseOperations.integer_field_ranges[internal]
    return low, high


def bounded_integer(model: type[Model], name: str, *, min_value: int | None = None,
                    **kwargs: Any) -> serializers.IntegerField:
    """A serializer IntegerField that accepts only what the model column `name` can store; a
    narrower `min_value` (e.g. 0 for money) may be given."""
    low, high = column_range(model, name)
    return serializers.IntegerField(min_value=low if min_value is None else max(low, min_value), max_value=high,
                                    error_messages=_messages(), **kwargs)


class IdField(serializers.IntegerField):
    """The id of a record, given in a query parameter or a body: a whole number from 1 to 2^63 - 1."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        kwargs.setdefault("error_messages", _messages())
        super().__init__(**kwargs)


class IdRelatedField(serializers.PrimaryKeyRelatedField[Any]):
    """A PrimaryKeyRelatedField whose number is checked before the database sees it: a key beyond
    64 bits is "does not exist" (400 naming the field), not an overflow in the query."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, bool):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if isinstance(data, int) and not 1 <= data <= MAX_ID:
            self.fail("does_not_exist", pk_value=data)
        if isinstance(data, str) and data.strip().isascii() and data.strip().isdigit() and int(data) > MAX_ID:
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(data)


class BoundedModelSerializer(serializers.ModelSerializer[M]):
    """A ModelSerializer whose related fields are `IdRelatedField`s. (Its integer fields already
    carry the column's range: DRF takes it from the model field's validators.)"""

    serializer_related_field = IdRelatedField


class NumericIds:
    """Detail routes of a viewset keyed by a numeric id (anything else: NotAnId)."""

    lookup_value_regex = ID_PATTERN


# What stands where a numeric id should (up to the next /) but is not one: the NotAnId routes.
NOT_AN_ID = rf"(?P<given>(?!{ID_PATTERN}(?:/|\.|$))[^/]+)"


class Schema(AutoSchema):
    """drf-spectacular documents a path parameter with a regex as a string with that pattern; an
    id matched by ID_PATTERN is an integer (of at most 18 digits), and says so."""

    def _resolve_path_parameters(self, variables: list[str]) -> list[dict[str, Any]]:
        parameters: list[dict[str, Any]] = super()._resolve_path_parameters(variables)
        for parameter in parameters:
            if parameter["schema"].get("pattern") == f"^{ID_PATTERN}$":
                parameter["schema"] = {"type": "integer", "format": "int64", "minimum": 0, "maximum": 10**18 - 1}
                owner = parameter["name"].removesuffix("_pk") if parameter["name"].endswith("_pk") else "record"
                parameter.setdefault("description", f"the {owner}'s id")  # enrolment_pk: the enrolment's id
        return parameters


class AuditedList:
    """The list action answers one page and writes one `<model>.listed` audit entry for it
    (`core.audit.record_list_read`): who, the query parameters, the count and the ids returned.

    A viewset whose rows name people says where: `listed_people` names the attribute holding a
    person id (`"pk"` for people themselves, `"person_id"`, `"owner_id"`), `listed_households` the
    one holding a household id (`"pk"`, `"household_id"`); `people_listed()` may add more (the
    members of the households listed)."""

    listed_people: str | None = None
    listed_households: str | None = None

    def people_listed(self, rows: Sequence[Any], households: list[int]) -> list[int]:
        return _values(rows, self.listed_people)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        view: Any = self
        queryset = view.filter_queryset(view.get_queryset())
        page = view.paginate_queryset(queryset)
        rows: Sequence[Any] = page if page is not None else list(queryset)
        households = _values(rows, self.listed_households)
        audit.record_list_read(acting_user(request), queryset.model._meta.label_lower, request.query_params,
                               [row.pk for row in rows], people=self.people_listed(rows, households),
                               households=households)
        data = view.get_serializer(rows, many=True).data
        return view.get_paginated_response(data) if page is not None else Response(data)


def _values(rows: Iterable[Any], attribute: str | None) -> list[Any]:
    if attribute is None:
        return []
    return [value for row in rows if (value := getattr(row, attribute)) is not None]


class ScopedReadOnlyViewSet(NumericIds, viewsets.ReadOnlyModelViewSet[M]):
    """Lists only what the caller's scope allows; an object outside it answers 404 and is logged."""

    def base_queryset(self) -> QuerySet[M]:
        raise NotImplementedError

    def get_queryset(self) -> QuerySet[M]:
        return visible(signed_in(self.request), self.base_queryset())  # the schema generator has no user

    def get_object(self) -> M:
        lookup: dict[str, Any] = {self.lookup_field: self.kwargs[self.lookup_url_kwarg or self.lookup_field]}
        obj = get_visible_or_404(acting_user(self.request), self.base_queryset(), **lookup)
        self.check_object_permissions(self.request, obj)
        return obj


# After Schema: extend_schema reads the schema class when it decorates.
@extend_schema(exclude=True)
class NotAnId(APIView):
    """Any method on a path whose id is not a number of at most 18 digits: 400 naming the part
    (`id`, or `enrolment` for the enrolment a nested route names), after the usual authentication,
    so an anonymous caller still gets 401."""

    def _refuse(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        field = kwargs.get("part", "id")
        raise serializers.ValidationError({field: [
            _("'%(value)s' is not an id: give a whole number of at most 18 digits")
            % {"value": str(kwargs["given"])[:40]}]})

    get = post = put = patch = delete = _refuse
