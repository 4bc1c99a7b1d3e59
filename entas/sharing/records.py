"""Registry rows as DCI Social Registry records: households as Group, people as Member, in the
shape of the spec's example (group_identifier, poverty_score, group_head_info, member_list;
member_identifier, demographic_info).

Only the field groups of the client's agreement are written into a record (partnerships.SharedField);
what the agreement does not allow is never put into the answer. Every record carries the registry's
own id (`entas-id`), which names nobody outside Entas, so that a partner can come back to a record
it received without holding its NIK.
"""

from collections.abc import Iterable, Sequence
from typing import Any

from entas.partnerships.models import SharedField as F
from entas.registry.models import Household, Person

SEX = {"L": "male", "P": "female"}


def _identifiers(kind: str, value: str | None, pk: int, fields: frozenset[str]) -> list[dict[str, str]]:
    found = [{"identifier_type": "entas-id", "identifier_value": str(pk)}]
    if F.IDENTIFIERS in fields and value:
        found.insert(0, {"identifier_type": kind, "identifier_value": value})
    return found


def member_record(person: Person, fields: frozenset[str], place: Household | None) -> dict[str, Any]:
    """`place`: the person's household, whose codes and desil the record carries (None inside a Group)."""
    record: dict[str, Any] = {"@type": "Member",
                              "member_identifier": _identifiers("NIK", person.nik, person.pk, fields)}
    person_info: dict[str, Any] = {}
    if F.NAME in fields:
        person_info["name"] = {"given_name": person.full_name}
    if F.BIRTH in fields:
        person_info["sex"] = SEX.get(person.sex or "", "")
        if person.birth_date:
            person_info["birth_date"] = person.birth_date.isoformat()
        person_info["birth_place"] = person.birth_place or ""
    if person_info:
        record["demographic_info"] = person_info
    if F.SOCIAL in fields:
        record["relationship_head"] = person.relationship or ""
        record["is_disabled"] = bool(person.disability) and person.disability != "none"
        record["disability_info"] = person.disability or ""
        record["marital_status"] = person.marital_status or ""
        record["occupation"] = person.occupation or ""
        record["education_level"] = person.education or ""
    if place is not None:
        record["group_identifier"] = _identifiers("KK", place.kk_number, place.pk, fields)
        record.update(_place(place, fields))
    return record


def _place(household: Household, fields: frozenset[str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    village = household.village_id or ""
    if F.ADDRESS in fields:
        found["address"] = {"address_line1": household.address or "", "country_code": "IDN"}
        if F.LOCATION in fields:
            found["address"]["region_code"] = village
    if F.LOCATION in fields:
        parts = village.split(".")
        found["place"] = {"village_code": village, "district_code": ".".join(parts[:3]),
                          "regency_code": ".".join(parts[:2]), "province_code": parts[0] if parts else ""}
    if F.POVERTY in fields and household.decile:
        # Desil 1 is the poorest tenth; the score a partner compares is "how poor": 11 - desil.
        found["poverty_score"] = 11 - household.decile
        found["poverty_score_type"] = "DTSEN desil (poverty_score = 11 - desil)"
        found["desil"] = household.decile
        if household.decile_date:
            found["desil_date"] = household.decile_date.isoformat()
    return found


def group_record(household: Household, members: Sequence[Person], fields: frozenset[str]) -> dict[str, Any]:
    record: dict[str, Any] = {"@type": "Group", "group_type": "household",
                              "group_identifier": _identifiers("KK", household.kk_number, household.pk, fields)}
    record.update(_place(household, fields))
    if F.WELFARE in fields:
        record["additional_attributes"] = {
            "per_capita_income": household.per_capita_income, "floor": household.floor_material or "",
            "wall": household.wall_material or "", "roof": household.roof_material or "",
            "drinking_water": household.drinking_water or "", "sanitation": household.sanitation or "",
            "electricity_watt": household.electricity_watt, "cooking_fuel": household.cooking_fuel or "",
            "assets": household.assets or "", "extreme_poor": household.extreme_poor}
    if F.HOUSEHOLD in fields:
        record["group_size"] = len(members)
        head = next((p for p in members if p.relationship == "head"), None)
        if head is not None:
            record["group_head_info"] = member_record(head, fields, None)
        record["member_list"] = [member_record(p, fields, None) for p in members]
    return record


def members_by_household(households: Iterable[Household]) -> dict[int, list[Person]]:
    wanted = [h.pk for h in households]
    found: dict[int, list[Person]] = {pk: [] for pk in wanted}
    for person in Person.objects.filter(household_id__in=wanted).order_by("household_id", "id"):
        found[person.household_id or 0].append(person)
    return found
