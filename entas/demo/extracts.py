"""Quarterly DTSEN extracts for the demo, with the programme's effect planted in them.

The registry is loaded from one extract (the reference date of the synthetic data, EXTRACT_DATE);
after the demo programme has enrolled its families (chosen on that registry), the same synthetic
households are written again as quarterly extracts ending at that date (at least MIN_EXTRACTS, and
enough for two to precede the first wave of enrolments), by `registry.synth.generate_extracts`
anchored at the first extract: the first holds the registry as loaded, the data the programme chose
its families on, as the impact analysis chooses comparison families on the first extract. From there
incomes follow a national trend, regency shocks and household noise, desil moves, housing and
assets improve, and every family of the demo programme carries EFFECT on its log per-capita income
in the extracts dated after its own enrolment date (in full from the first one). The extracts are
imported oldest first; the last one, dated like the first load, leaves the households' current
values at the latest extract. Families enrolled after the last extract are not treated in any of
them; the eligible families the programme did not reach, in the same regencies, are the comparison
group."""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from entas.demo.enrol import wave_dates
from entas.demo.programme import PROGRAMME
from entas.graduation.models import Enrolment
from entas.ingest.models import ImportBatch
from entas.ingest.services import import_file
from entas.registry import synth

MIN_EXTRACTS = 8
EFFECT = 0.08  # log per-capita income: about +8 %
SOURCE = "DTSEN (synthetic demo)"


@dataclass(frozen=True)
class Loaded:
    files: list[Path]  # households-YYYY-MM-DD.csv oldest first, then programme.csv
    families: int  # demo programme families found among the synthetic households
    treated: int  # of them, those with at least one extract after their enrolment


def enrolment_dates() -> dict[str, date]:
    """No. KK → first enrolment date of each family of the demo programme."""
    rows = (Enrolment.objects.filter(programme__name=PROGRAMME).order_by("-enrolled_on")
            .values_list("household__kk_number", "enrolled_on"))
    return dict(rows)  # the earliest date wins: it comes last


def extract_count(today: date, extract_date: date) -> int:
    """Enough quarterly extracts up to `extract_date` for two of them to precede the first wave."""
    first_wave = wave_dates(today)[0]
    count = MIN_EXTRACTS
    while count < synth.MAX_EXTRACTS and sum(d <= first_wave for d in synth.extract_dates(extract_date, count)) < 2:
        count += 1
    return count


def load_extracts(people: int, regions: str, seed: int, extract_date: date, today: date, out: Path) -> Loaded:
    """Write and import the extracts of the synthetic registry `entas synth` wrote with the same
    people, regions and seed (the demo's own)."""
    codes = synth.parse_codes(regions, "--regions")
    geo = synth.load_geography(codes, synth.default_poor_regions(codes))
    config = synth.SynthConfig(people=people, seed=seed, reference_date=extract_date)
    # Anchored at the first extract: the programme chose its families on the registry as loaded, so
    # that is their data before enrolment, as it is for the comparison families (eligible then).
    options = synth.ExtractConfig(extracts=extract_count(today, extract_date), effect=EFFECT,
                                  enrolled=enrolment_dates(), anchor="first")
    _, extracts = synth.generate_extracts(geo, config, options)
    files = [path for path, _ in synth.write_extracts(extracts, out)]
    for day, path in zip(extracts.dates, files, strict=False):
        batch = import_file(None, "registry", path, kind="households", mode=ImportBatch.Mode.ACCEPT_VALID,
                            source=SOURCE, extract_date=day)
        if batch.status != ImportBatch.Status.DONE:
            raise RuntimeError(f"Demo extract {path.name} failed: {batch.error_message}")
    return Loaded(files, extracts.programme.height, int(extracts.treated.any(axis=1).sum()))
