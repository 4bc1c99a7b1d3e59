"""One DCI `search_criteria` as a registry query: attributes, operators, sort and pages.

Only the attributes named here can be asked for, each needing the field group that would reveal
it (asking "desil < 3" reveals the desil as surely as returning it). Values are compared as typed
values through the ORM, never pasted into SQL, so text such as `'; DROP TABLE` or `$..nik` is just a
value that matches nothing. The agreement's region is applied to every query before anything else.
"""

import datetime
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from entas.partnerships.models import SharedField as F
from entas.registry.models import Household, Person

MAX_DEPTH = 6
MAX_CONDITIONS = 50
MAX_PAGE_SIZE = 1000
MAX_AGE = 150
DEFAULT_PAGE_SIZE = 100
GROUP, MEMBER = "Group", "Member"
ENTITIES = {"group": GROUP, "household": GROUP, "family": GROUP, "member": MEMBER, "person": MEMBER,
            "individual": MEMBER}
REGION_CODE = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")


class Invalid(ValueError):
    """A search request refused with its DCI reason code."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code, self.reason = code, reason


@dataclass(frozen=True)
class Attribute:
    path: str  # ORM path from the entity
    kind: str  # "int", "text", "date", "bool", "region", "sex", "score", "age"
    needs: str  # the SharedField group that reveals it


def _via(prefix: str, attributes: dict[str, Attribute]) -> dict[str, Attribute]:
    return {name: Attribute(prefix + a.path, a.kind, a.needs) for name, a in attributes.items()}


PLACE = {
    "poverty_score": Attribute("decile", "score", F.POVERTY),
    "desil": Attribute("decile", "int", F.POVERTY),
    "decile": Attribute("decile", "int", F.POVERTY),
    "location": Attribute("village__code", "region", F.LOCATION),
    "region_code": Attribute("village__code", "region", F.LOCATION),
    "village_code": Attribute("village__code", "region", F.LOCATION),
    "per_capita_income": Attribute("per_capita_income", "int", F.WELFARE),
    "extreme_poor": Attribute("extreme_poor", "bool", F.WELFARE),
}
# Counted on the fly (services annotates it when asked): the members living in the household now.
GROUP_SIZE = "group_size"
GROUP_ATTRIBUTES = {
    **PLACE,
    "kk": Attribute("kk_number", "text", F.IDENTIFIERS),
    "no_kk": Attribute("kk_number", "text", F.IDENTIFIERS),
    "group_identifier": Attribute("kk_number", "text", F.IDENTIFIERS),
    "entas-id": Attribute("id", "int", ""),
    GROUP_SIZE: Attribute(GROUP_SIZE, "int", F.HOUSEHOLD),
}
MEMBER_ATTRIBUTES = {
    **_via("household__", PLACE),
    "nik": Attribute("nik", "text", F.IDENTIFIERS),
    "identifier": Attribute("nik", "text", F.IDENTIFIERS),
    "kk": Attribute("household__kk_number", "text", F.IDENTIFIERS),
    "name": Attribute("full_name", "name", F.NAME),
    "sex": Attribute("sex", "sex", F.BIRTH),
    "gender": Attribute("sex", "sex", F.BIRTH),
    "birth_date": Attribute("birth_date", "date", F.BIRTH),
    "age": Attribute("birth_date", "age", F.BIRTH),
    "relationship": Attribute("relationship", "text", F.SOCIAL),
    "education": Attribute("education", "text", F.SOCIAL),
    "occupation": Attribute("occupation", "text", F.SOCIAL),
    "disability": Attribute("disability", "text", F.SOCIAL),
    "marital_status": Attribute("marital_status", "text", F.SOCIAL),
    "entas-id": Attribute("id", "int", ""),
}
ID_TYPES = {  # idtype-value: type -> (entity, attribute)
    "nik": (MEMBER, "nik"), "uin": (MEMBER, "nik"), "national_id": (MEMBER, "nik"), "nid": (MEMBER, "nik"),
    "kk": (GROUP, "kk"), "no_kk": (GROUP, "kk"), "family_card": (GROUP, "kk"), "entas-id": (GROUP, "entas-id"),
}
OPERATORS = {"eq": "eq", "$eq": "eq", "=": "eq", "ne": "ne", "$ne": "ne", "!=": "ne",
             "lt": "lt", "$lt": "lt", "<": "lt", "le": "le", "$le": "le", "lte": "le", "$lte": "le", "<=": "le",
             "gt": "gt", "$gt": "gt", ">": "gt", "ge": "ge", "$ge": "ge", "gte": "ge", "$gte": "ge", ">=": "ge",
             "in": "in", "$in": "in", "nin": "nin", "$nin": "nin"}
LOOKUP = {"eq": "exact", "lt": "lt", "le": "lte", "gt": "gt", "ge": "gte", "in": "in"}
MIRROR = {"lt": "gt", "le": "ge", "gt": "lt", "ge": "le", "eq": "eq", "ne": "ne", "in": "in", "nin": "nin"}


@dataclass(frozen=True)
class Criteria:
    entity: str
    condition: Q
    order: list[str]
    page_size: int
    page_number: int
    attributes: frozenset[str]
    regions: frozenset[str]  # the region codes asked for by location


def entity_of(criteria: dict[str, Any]) -> str:
    for key in ("response_entity", "reg_record_type"):
        value = criteria.get(key)
        if isinstance(value, str) and value:
            found = ENTITIES.get(value.rsplit(":", 1)[-1].strip().lower())
            if found is None:
                raise Invalid("rjct.search_criteria.invalid", f"{key} '{value[:40]}' is not Group or Member.")
            return found
    return ""


def attributes_for(entity: str) -> dict[str, Attribute]:
    return MEMBER_ATTRIBUTES if entity == MEMBER else GROUP_ATTRIBUTES


def compile_criteria(criteria: dict[str, Any], allowed: frozenset[str]) -> Criteria:
    query_type = criteria.get("query_type")
    query = criteria.get("query")
    entity = entity_of(criteria)
    used = Used()
    used.regions = set()
    if query_type == "idtype-value":
        entity, condition = _idtype(query, entity, used)
    elif query_type == "expression":
        entity, condition = _expression(query, entity, used)
    elif query_type == "predicate":
        entity = entity or GROUP
        condition = _predicates(query, entity, used)
    else:
        raise Invalid("rjct.search_criteria.invalid", f"query_type '{str(query_type)[:40]}' is not one of "
                      "idtype-value, expression, predicate.")
    known = attributes_for(entity)
    if outside := sorted(name for name in used if known[name].needs and known[name].needs not in allowed):
        raise Invalid("rjct.search_criteria.invalid", f"Searching by {', '.join(outside)} is outside your "
                      "data-sharing agreement.")
    size, number = _pagination(criteria.get("pagination"))
    return Criteria(entity, condition, _sort(criteria.get("sort"), entity, allowed), size, number,
                    frozenset(used), frozenset(used.regions))


def _idtype(query: Any, entity: str, used: set[str]) -> tuple[str, Q]:
    if not isinstance(query, dict) or not isinstance(query.get("type"), str) or "value" not in query:
        raise Invalid("rjct.search_criteria.invalid", "An idtype-value query is {\"type\": …, \"value\": …}.")
    kind = query["type"].rsplit(":", 1)[-1].strip().lower()
    if kind not in ID_TYPES:
        raise Invalid("rjct.search_criteria.invalid", f"Identifier type '{query['type'][:40]}' is unknown: use "
                      "NIK, KK or entas-id.")
    found_entity, name = ID_TYPES[kind]
    if entity == MEMBER and found_entity == GROUP and name == "kk":
        found_entity = MEMBER  # the members of the family with this No. KK
    elif entity == GROUP and name == "nik":
        return GROUP, _condition(GROUP, "household_nik", "eq", query["value"], used)
    return found_entity, _condition(found_entity, name, "eq", query["value"], used)


def _expression(query: Any, entity: str, used: set[str]) -> tuple[str, Q]:
    # {type, value: {expression: {collection, query}}} as the spec's example, or the expression itself.
    body = query
    if isinstance(body, dict) and isinstance(body.get("value"), dict):
        body = body["value"]
    if isinstance(body, dict) and "expression" in body:
        body = body["expression"]
    if not isinstance(body, dict):
        raise Invalid("rjct.search_criteria.invalid", "An expression query is {\"collection\": \"Group\"|\"Member\", "
                      "\"query\": {…}}.")
    collection = body.get("collection")
    if isinstance(collection, str) and collection:
        found = ENTITIES.get(collection.rsplit(":", 1)[-1].lower())
        if found is None:
            raise Invalid("rjct.search_criteria.invalid", f"collection '{collection[:40]}' is not Group or Member.")
        entity = found
    entity = entity or GROUP
    tree = body.get("query", body if "collection" not in body else None)
    if not isinstance(tree, dict) or not tree:
        raise Invalid("rjct.search_criteria.invalid", "The expression has no query.")
    counter = [0]
    return entity, _node(tree, entity, used, 0, counter)


def _node(node: Any, entity: str, used: set[str], depth: int, counter: list[int]) -> Q:
    if depth > MAX_DEPTH:
        raise Invalid("rjct.search_criteria.invalid", f"The expression is nested more than {MAX_DEPTH} deep.")
    if not isinstance(node, dict) or not node:
        raise Invalid("rjct.search_criteria.invalid", "Each part of an expression is an object.")
    result = Q()
    for key, value in node.items():
        if key in ("$and", "and", "$or", "or"):
            if not isinstance(value, list) or not value:
                raise Invalid("rjct.search_criteria.invalid", f"'{key}' takes a list of conditions.")
            parts = [_node(item, entity, used, depth + 1, counter) for item in value]
            combined = parts[0]
            for part in parts[1:]:
                combined = (combined | part) if key.endswith("or") else (combined & part)
            result &= combined
        elif key in ("$not", "not"):
            result &= ~_node(value, entity, used, depth + 1, counter)
        else:
            counter[0] += 1
            if counter[0] > MAX_CONDITIONS:
                raise Invalid("rjct.search_criteria.invalid", f"At most {MAX_CONDITIONS} conditions in a query.")
            if isinstance(value, dict):
                if not value:
                    raise Invalid("rjct.search_criteria.invalid", f"'{key}' has no operator.")
                for operator, operand in value.items():
                    result &= _condition(entity, key, operator, operand, used)
            else:
                result &= _condition(entity, key, "eq", value, used)
    return result


def _predicates(query: Any, entity: str, used: set[str]) -> Q:
    if not isinstance(query, list) or not query:
        raise Invalid("rjct.search_criteria.invalid", "A predicate query is a list of {seq_num, expression1, "
                      "condition, expression2}.")
    if len(query) > MAX_CONDITIONS:
        raise Invalid("rjct.search_criteria.invalid", f"At most {MAX_CONDITIONS} predicates.")
    result: Q | None = None
    for item in sorted(query, key=lambda p: p.get("seq_num", 0) if isinstance(p, dict)
                       and isinstance(p.get("seq_num"), int) else 0):
        if not isinstance(item, dict) or not isinstance(item.get("expression1"), dict):
            raise Invalid("rjct.search_criteria.invalid", "Each predicate needs expression1.")
        part = _predicate(item["expression1"], entity, used)
        if isinstance(item.get("expression2"), dict):
            condition = str(item.get("condition", "and")).lower()
            if condition not in ("and", "or"):
                raise Invalid("rjct.search_criteria.invalid", f"condition '{condition[:10]}' is not and/or.")
            second = _predicate(item["expression2"], entity, used)
            part = (part | second) if condition == "or" else (part & second)
        result = part if result is None else result & part
    return result if result is not None else Q()


def _predicate(expression: dict[str, Any], entity: str, used: set[str]) -> Q:
    name, operator = expression.get("attribute_name"), expression.get("operator", "eq")
    if not isinstance(name, str) or "attribute_value" not in expression:
        raise Invalid("rjct.search_criteria.invalid", "A predicate expression is {attribute_name, operator, "
                      "attribute_value}.")
    return _condition(entity, name, operator, expression["attribute_value"], used)


def _condition(entity: str, name: str, operator: Any, value: Any, used: set[str]) -> Q:
    if entity == GROUP and name == "household_nik":
        used.add("kk")  # a family found by one member's NIK: reveals identifiers
        return Q(members__nik=_text(value, "nik"))
    known = attributes_for(entity)
    attribute = known.get(name)
    if attribute is None:
        raise Invalid("rjct.filter.invalid", f"'{str(name)[:40]}' is not an attribute of a {entity}; known: "
                      f"{', '.join(sorted(known))}.")
    op = OPERATORS.get(str(operator).lower())
    if op is None:
        raise Invalid("rjct.filter.invalid", f"Operator '{str(operator)[:10]}' is unknown: use eq, ne, lt, le, "
                      "gt, ge, in or nin.")
    used.add(name)
    if op in ("in", "nin"):
        if not isinstance(value, list) or not 1 <= len(value) <= 100:
            raise Invalid("rjct.filter.invalid", f"'{name}' {op} takes a list of 1 to 100 values.")
        values = [_typed(attribute, v, name) for v in value]
        if attribute.kind in ("region", "age"):
            found = Q()
            for code in values:
                found |= _region(attribute.path, code, used_regions(used)) if attribute.kind == "region" \
                    else _age(attribute.path, "eq", code)  # an age is a range of birth dates
            return found if op == "in" else ~found
        if attribute.kind == "score":  # poverty_score = 11 - desil, as below
            values = [11 - v for v in values]
        lookup = Q(**{f"{attribute.path}__in": values})
        return lookup if op == "in" else ~lookup
    typed = _typed(attribute, value, name)
    if attribute.kind == "score":  # poverty_score = 11 - desil: the comparison turns round
        op, typed = MIRROR[op], 11 - typed
    if attribute.kind == "age":
        return _age(attribute.path, op, typed)
    if attribute.kind == "region":
        if op not in ("eq", "ne"):
            raise Invalid("rjct.filter.invalid", f"'{name}' takes eq, ne, in or nin (a region code or its parent).")
        found = _region(attribute.path, typed, used_regions(used) if op == "eq" else None)
        return found if op == "eq" else ~found
    if attribute.kind == "name":
        if op not in ("eq", "ne"):
            raise Invalid("rjct.filter.invalid", "'name' takes eq or ne.")
        found = Q(**{f"{attribute.path}__iexact": typed})
        return found if op == "eq" else ~found
    if op == "ne":
        return ~Q(**{attribute.path: typed})
    if attribute.kind in ("text", "sex", "bool") and op != "eq":
        raise Invalid("rjct.filter.invalid", f"'{name}' takes eq, ne, in or nin.")
    return Q(**{f"{attribute.path}__{LOOKUP[op]}": typed})


def _region(path: str, code: str, asked: set[str] | None = None) -> Q:
    if asked is not None:
        asked.add(code)
    if not REGION_CODE.match(code):
        return Q(pk__in=[])  # not a Kemendagri code: names no place, matches nothing
    return Q(**{path: code}) | Q(**{f"{path}__startswith": code + "."})


class Used(set[str]):
    """The attribute names a query uses, and the region codes it asks for."""

    regions: set[str]


def used_regions(used: set[str]) -> set[str] | None:
    return used.regions if isinstance(used, Used) else None


def outside(asked: Iterable[str], scope: str) -> list[str]:
    """The region codes asked for that lie outside the agreement's region."""
    return sorted(c for c in asked if scope and REGION_CODE.match(c) and c != scope
                  and not c.startswith(scope + ".") and not scope.startswith(c + "."))


def _text(value: Any, name: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int) or len(str(value)) > 200:
        raise Invalid("rjct.filter.invalid", f"'{name}' takes a text value of at most 200 characters.")
    return str(value).strip()


def _typed(attribute: Attribute, value: Any, name: str) -> Any:
    kind = attribute.kind
    if kind in ("int", "score", "age"):
        if isinstance(value, bool):
            raise Invalid("rjct.filter.invalid", f"'{name}' takes a number.")
        try:
            number = float(value) if isinstance(value, str) else value
        except ValueError:
            raise Invalid("rjct.filter.invalid", f"'{name}' takes a number, not '{str(value)[:20]}'.") from None
        if not isinstance(number, int | float) or number != number or abs(number) > 1e15:
            raise Invalid("rjct.filter.invalid", f"'{name}' takes a number.")
        if kind == "age" and not 0 <= number <= MAX_AGE:  # beyond it, no date of birth to compare with
            raise Invalid("rjct.filter.invalid", f"'{name}' takes a number of years from 0 to {MAX_AGE}.")
        return number
    if kind == "date":
        try:
            return datetime.date.fromisoformat(str(value)[:10]) if isinstance(value, str) else _bad_date(name)
        except ValueError:
            return _bad_date(name)
    if kind == "bool":
        if isinstance(value, bool):
            return value
        if str(value).lower() in ("true", "false"):
            return str(value).lower() == "true"
        raise Invalid("rjct.filter.invalid", f"'{name}' takes true or false.")
    if kind == "sex":
        text = _text(value, name).lower()
        found = {"male": "L", "m": "L", "l": "L", "laki-laki": "L", "female": "P", "f": "P", "p": "P",
                 "perempuan": "P"}.get(text)
        if found is None:
            raise Invalid("rjct.filter.invalid", f"'{name}' takes male or female.")
        return found
    return _text(value, name)


def _bad_date(name: str) -> Any:
    raise Invalid("rjct.filter.invalid", f"'{name}' takes a date as YYYY-MM-DD.")


def _age(path: str, op: str, years: float) -> Q:
    today = timezone.localdate()

    def born_before(age: float) -> datetime.date:  # people at least `age` years old were born on or before
        whole = int(age)
        try:
            return today.replace(year=today.year - whole)
        except ValueError:
            return today.replace(year=today.year - whole, day=28)

    build: dict[str, Callable[[], Q]] = {
        "ge": lambda: Q(**{f"{path}__lte": born_before(years)}),
        "gt": lambda: Q(**{f"{path}__lte": born_before(int(years) + 1)}),
        "lt": lambda: Q(**{f"{path}__gt": born_before(years if years == int(years) else int(years) + 1)}),
        "le": lambda: Q(**{f"{path}__gt": born_before(int(years) + 1)}),
        "eq": lambda: Q(**{f"{path}__gt": born_before(int(years) + 1), f"{path}__lte": born_before(years)}),
    }
    if op == "ne":
        return ~build["eq"]()
    return build[op]()


def _pagination(value: Any) -> tuple[int, int]:
    if value is None:
        return DEFAULT_PAGE_SIZE, 1
    if not isinstance(value, dict):
        raise Invalid("rjct.pagination.invalid", "pagination is {\"page_size\": …, \"page_number\": …}.")
    size, number = value.get("page_size", DEFAULT_PAGE_SIZE), value.get("page_number", 1)  # >= 1: check_form
    if size > MAX_PAGE_SIZE:
        raise Invalid("rjct.pagination.invalid", f"pagination.page_size is at most {MAX_PAGE_SIZE}.")
    if (number - 1) * size >= settings.DCI_MAX_MATCHES:
        raise Invalid("rjct.pagination.invalid", f"Pages end at record {settings.DCI_MAX_MATCHES}: narrow the query.")
    return size, number


def _sort(value: Any, entity: str, allowed: frozenset[str]) -> list[str]:
    if value in (None, []):
        return ["id"]
    if not isinstance(value, list) or len(value) > 5:
        raise Invalid("rjct.sort.invalid", "sort is a list of at most 5 {attribute_name, sort_order}.")
    known, order = attributes_for(entity), []
    for item in value:
        name = item.get("attribute_name") if isinstance(item, dict) else None
        attribute = known.get(name) if isinstance(name, str) else None
        direction = str(item.get("sort_order", "asc")).lower() if isinstance(item, dict) else ""
        if attribute is None or direction not in ("asc", "desc") or attribute.kind == "region" \
                or (attribute.needs and attribute.needs not in allowed):
            raise Invalid("rjct.sort.invalid", f"Cannot sort by '{str(name)[:40]}' {direction[:5]}.")
        descending = (direction == "desc") != (attribute.kind == "score")
        order.append(("-" if descending else "") + attribute.path)
    return [*order, "id"]


def base(entity: str, region_code: str) -> QuerySet[Any]:
    """Everything an agreement with this region may reach, before the query narrows it."""
    if entity == MEMBER:
        people = Person.objects.select_related("household")
        return people.filter(_region("household__village__code", region_code)) if region_code else people
    households = Household.objects.all()
    return households.filter(_region("village__code", region_code)) if region_code else households
