"""After a synthetic import: members, units and managers of the cooperatives, jobs in the
enterprises and groups, drawn from the people of the same villages. One transaction, one audit
record; bulk inserts, because these are thousands of rows at once (the demo, not the service)."""

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

import numpy as np
import polars as pl
from django.db import transaction
from django.db.models import Q

from entas.accounts.models import User
from entas.core import audit
from entas.core.scoping import region_q
from entas.enterprises.models import (
    BusinessUnit,
    Cooperative,
    Enterprise,
    Group,
    GroupMember,
    Job,
    Manager,
    Membership,
    UnitKind,
)
from entas.registry.models import Person

JOINED = date(2025, 7, 21)
MANAGER_ROLES = ("chair", "secretary", "treasurer")


def within(field: str, regions: Sequence[str]) -> Q:
    where = Q(pk__in=[])
    for code in regions:
        where |= region_q(code, field)
    return where


def _frame(queryset: Any, schema: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(list(queryset.values_list(*schema)), orient="row", schema=schema)


def _pick_in_village(rng: np.random.Generator, people: pl.DataFrame, villages: pl.Series) -> pl.Series:
    """One random person id from each given village (null where the village has nobody)."""
    spans = people.group_by("village", maintain_order=True).agg(pl.len().alias("n")).with_columns(
        start=pl.col("n").cum_sum() - pl.col("n"))
    wanted = pl.DataFrame({"village": villages}).join(spans, on="village", how="left")
    offset = (wanted["start"].to_numpy() + np.floor(rng.random(len(wanted)) * wanted["n"].to_numpy()))
    ids = people["id"].to_numpy()
    valid = ~np.isnan(offset)
    chosen = np.where(valid, ids[np.nan_to_num(offset).astype(np.int64).clip(0, len(ids) - 1)], -1)
    return pl.Series(chosen).replace(-1, None)


def _memberships(rng: np.random.Generator, coops: pl.DataFrame, people: pl.DataFrame) -> pl.DataFrame:
    merah_putih = coops.filter(pl.col("type") == "merah_putih").select("coop", "village")
    joined = people.join(merah_putih, on="village", how="inner")
    chance = np.where(joined["decile"].fill_null(5).to_numpy() <= 2, 0.4, 0.2)
    return joined.filter(pl.Series(rng.random(joined.height) < chance))


@transaction.atomic
def load_links(actor: User | None, regions: Sequence[str], seed: int = 42) -> dict[str, int]:
    rng = np.random.default_rng(seed)
    coops = _frame(Cooperative.objects.filter(within("village_id", regions)).order_by("id"),
                   {"id": pl.Int64, "village_id": pl.String, "type": pl.String}).rename(
        {"id": "coop", "village_id": "village"})
    if Membership.objects.filter(cooperative_id__in=coops["coop"].to_list()).exists():
        raise ValueError("members are already loaded for these regions")
    people = _frame(Person.objects.filter(within("household__village_id", regions)).order_by(
        "household__village_id", "id"), {"id": pl.Int64, "household__village_id": pl.String,
                                         "household__decile": pl.Int64}).rename(
        {"household__village_id": "village", "household__decile": "decile"})
    members = _memberships(rng, coops, people)
    Membership.objects.bulk_create([
        Membership(cooperative_id=c, person_id=p, joined=JOINED + timedelta(days=int(d)), share_principal=100_000,
                   share_mandatory=10_000) for c, p, d in zip(members["coop"], members["id"],
                                                              rng.integers(0, 10, members.height), strict=True)
    ], batch_size=5000)
    counts = {"members": members.height, "units": _units(rng, coops), "managers": _managers(members),
              "jobs": _jobs(rng, regions, people), "groups": _groups(regions, coops)}
    audit.record(actor, audit.Action.KUMKM_SYNTHETIC_LINKS_LOADED, details={"regions": list(regions), **counts})
    return counts


def _units(rng: np.random.Generator, coops: pl.DataFrame) -> int:
    units = []
    for coop in coops.filter(pl.col("type") == "merah_putih")["coop"]:
        for kind in UnitKind.values:
            roll = rng.random()
            status = "operating" if kind == "office" or roll < 0.3 else "building" if roll < 0.6 else "planned"
            units.append(BusinessUnit(cooperative_id=coop, kind=kind, status=status,
                                      opened=JOINED if status == "operating" else None))
    BusinessUnit.objects.bulk_create(units, batch_size=5000)
    return len(units)


def _managers(members: pl.DataFrame) -> int:
    first = members.group_by("coop", maintain_order=True).head(len(MANAGER_ROLES)).with_columns(
        rank=pl.int_range(pl.len()).over("coop"))
    managers = [Manager(cooperative_id=c, person_id=p, role=MANAGER_ROLES[r], start=JOINED)
                for c, p, r in first.select("coop", "id", "rank").iter_rows()]
    Manager.objects.bulk_create(managers, batch_size=5000)
    return len(managers)


def _jobs(rng: np.random.Generator, regions: Sequence[str], people: pl.DataFrame) -> int:
    shops = _frame(Enterprise.objects.filter(within("village_id", regions), status="active", workers__gt=1),
                   {"id": pl.Int64, "village_id": pl.String, "workers": pl.Int64, "founded": pl.Date})
    slots = shops.with_columns(slot=pl.int_ranges(0, pl.col("workers") - 1)).explode("slot")
    if slots.height == 0:
        return 0
    slots = slots.with_columns(person=_pick_in_village(rng, people, slots["village_id"])).drop_nulls("person")
    slots = slots.unique(["id", "person"], keep="first", maintain_order=True)
    Job.objects.bulk_create([Job(enterprise_id=e, person_id=p, start=f or JOINED, position="")
                             for e, p, f in slots.select("id", "person", "founded").iter_rows()], batch_size=5000)
    return slots.height


def _groups(regions: Sequence[str], coops: pl.DataFrame) -> int:
    makers = _frame(Enterprise.objects.filter(within("village_id", regions), kbli_section="C", status="active")
                    .order_by("village_id", "id"), {"id": pl.Int64, "village_id": pl.String})
    by_village = makers.group_by("village_id", maintain_order=True).head(10)
    merah_putih = dict(coops.filter(pl.col("type") == "merah_putih").select("village", "coop").iter_rows())
    made = 0
    for (village,), rows in by_village.group_by("village_id", maintain_order=True):
        if len(rows) < 3 or village not in merah_putih:
            continue
        group = Group.objects.create(name=f"Kelompok Olahan Pangan {str(village)[9:]}", kind="kelompok", sector="C",
                                     region_id=village, cooperative_id=merah_putih[village], formed=JOINED)
        GroupMember.objects.bulk_create([GroupMember(group=group, enterprise_id=e, joined=JOINED) for e in rows["id"]])
        made += 1
    return made
