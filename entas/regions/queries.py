"""Read helpers for region pages (children, ancestors and counts of what lies below) and the lists
of codes of one level that imports check their rows against."""

from collections import defaultdict

import polars as pl
from django.db.models import Count
from django.db.models.functions import Substr

from entas.regions.codes import Kind, within
from entas.regions.models import Region

# Length of a code at each level: 2, 5, 8, 13 characters.
CODE_LENGTH = {1: 2, 2: 5, 3: 8, 4: 13}


def children(parent: Region | None) -> list[Region]:
    if parent is None:
        return list(Region.objects.filter(level=1).order_by("code"))
    return list(parent.children.order_by("code"))


def ancestors(region: Region) -> list[Region]:
    codes = []
    code = region.code
    while "." in code:
        code = code.rsplit(".", 1)[0]
        codes.append(code)
    return sorted(Region.objects.filter(code__in=codes), key=lambda r: r.level)


def trail(region: Region | None, scope: str | None) -> list[tuple[Region, bool]]:
    """The breadcrumb of a region page: every ancestor, linked only where the user may open it."""
    if region is None:
        return []
    return [(a, within(a.code, scope)) for a in ancestors(region)]


def descendant_counts(parent: Region | None) -> dict[str, dict[str, int]]:
    """{child code: {kind: number of regions of that kind below the child}} in one query."""
    level = 1 if parent is None else parent.level + 1
    if level > 3:
        return {}
    below = Region.objects.filter(level__gt=level)
    if parent is not None:
        below = below.filter(code__startswith=parent.code + ".")
    rows = (
        below.annotate(child=Substr("code", 1, CODE_LENGTH[level]))
        .values("child", "kind")
        .annotate(n=Count("code"))
    )
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        counts[row["child"]][row["kind"]] = row["n"]
    return counts


def column_kinds(level: int) -> list[Kind]:
    """The kinds worth a column on a page listing regions of `level`."""
    columns = {
        1: [Kind.KABUPATEN, Kind.KOTA, Kind.KECAMATAN, Kind.DESA, Kind.KELURAHAN, Kind.DESA_ADAT],
        2: [Kind.KECAMATAN, Kind.DESA, Kind.KELURAHAN, Kind.DESA_ADAT],
        3: [Kind.DESA, Kind.KELURAHAN, Kind.DESA_ADAT],
    }
    return columns.get(level, [])


def codes(level: int) -> pl.Series:
    """Every region code of `level` (Level.DISTRICT, Level.VILLAGE, ...), as the column an
    import's schema matches a file's codes against."""
    return pl.Series(list(Region.objects.filter(level=level).values_list("code", flat=True)), dtype=pl.String)
