"""`entas synth --extracts N`: quarterly household extracts with income trajectories, and a programme
planted in them with a known effect, so that impact estimates have something to find."""

import hashlib
from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from entas.registry import synth

pytestmark = pytest.mark.django_db

PEOPLE, SEED, EXTRACTS = 6_000, 11, 8
DATES = ["2023-10-31", "2024-01-31", "2024-04-30", "2024-07-31", "2024-10-31", "2025-01-31", "2025-04-30",
         "2025-07-31"]
# `entas synth --people 3000 --seed 11` before extracts existed (sha256 of each file).
BEFORE = {
    "households.csv": "14e280026ba5911cb04673a5e98e718a4f357ddac7d591c9a637d35103f1e293",
    "people.csv": "07278d1107a46eff367df89ccbc5b6c36514bf2706b1421909d2badfc102867e",
    "assistance.csv": "c0fed3e97b56e156031424613473a93297b1cd8829874eadca2fa7585e6b20b5",
}


def run(out: Path, *args: str) -> str:
    stdout = StringIO()
    call_command("synth", "--out", str(out), "--people", str(PEOPLE), "--seed", str(SEED), *args, stdout=stdout)
    return stdout.getvalue()


def extract(out: Path, day: str) -> pl.DataFrame:
    return pl.read_csv(out / f"households-{day}.csv", infer_schema=False)


def panel(effect: float, share: float = 0.3, pre_trend: float = 0.0) -> synth.Extracts:
    geo = synth.load_geography(synth.DEFAULT_REGIONS, synth.DEFAULT_POOR_REGIONS)
    options = synth.ExtractConfig(extracts=EXTRACTS, programme_share=share, effect=effect, pre_trend=pre_trend)
    return synth.generate_extracts(geo, synth.SynthConfig(people=PEOPLE, seed=SEED), options)[1]


@pytest.fixture(scope="module")
def planted(tmp_path_factory: Any, django_db_setup: Any, django_db_blocker: Any) -> Path:
    out = Path(tmp_path_factory.mktemp("planted"))
    with django_db_blocker.unblock():
        run(out, "--extracts", str(EXTRACTS), "--programme-share", "0.3", "--effect", "0.08")
    return out


@pytest.fixture(scope="module")
def panels(django_db_setup: Any, django_db_blocker: Any) -> tuple[synth.Extracts, synth.Extracts]:
    with django_db_blocker.unblock():
        return panel(0.0), panel(0.08)


def test_it_writes_quarterly_extracts_oldest_first_ending_at_the_reference_date(planted: Path) -> None:
    assert sorted(p.name for p in planted.glob("households-*.csv")) == [f"households-{d}.csv" for d in DATES]
    latest = pl.read_csv(planted / "households.csv", infer_schema=False)
    for day in DATES:
        frame = extract(planted, day)
        assert frame.columns == latest.columns
        assert frame["kk_number"].to_list() == latest["kk_number"].to_list()
        assert frame["decile_date"].unique().to_list() == [day]
        assert frame["village_code"].to_list() == latest["village_code"].to_list()
    assert synth.extract_dates(date(2025, 7, 15), 3) == (date(2025, 1, 15), date(2025, 4, 15), date(2025, 7, 15))


def test_one_extract_keeps_todays_files_byte_for_byte(tmp_path: Path) -> None:
    stdout = StringIO()
    call_command("synth", "--out", str(tmp_path), "--people", "3000", "--seed", "11", stdout=stdout)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(BEFORE)
    for name, digest in BEFORE.items():
        assert hashlib.sha256((tmp_path / name).read_bytes()).hexdigest() == digest, name


def test_extracts_leave_todays_files_as_they_were(planted: Path, tmp_path: Path) -> None:
    run(tmp_path)
    for name in ("households.csv", "people.csv", "assistance.csv"):
        assert (planted / name).read_bytes() == (tmp_path / name).read_bytes(), name


def test_without_a_programme_the_latest_extract_is_households_csv(tmp_path: Path) -> None:
    output = run(tmp_path, "--extracts", "4")
    assert (tmp_path / "households-2025-07-31.csv").read_bytes() == (tmp_path / "households.csv").read_bytes()
    assert not (tmp_path / "programme.csv").exists()
    assert "households-2024-10-31.csv" in output


def test_desil_income_housing_and_assets_move_between_extracts(planted: Path) -> None:
    frames = [extract(planted, day) for day in DATES]
    desil = np.stack([f["decile"].cast(pl.Int64).to_numpy() for f in frames], axis=1)
    moved = (desil[:, 1:] != desil[:, :-1]).mean(axis=0)
    assert ((moved > 0.05) & (moved < 0.5)).all(), moved
    income = np.stack([f["per_capita_income"].cast(pl.Int64).to_numpy() for f in frames], axis=1)
    assert np.log(income[:, -1]).mean() > np.log(income[:, 0]).mean() + 0.03  # the national trend
    assets = [f["assets"].str.split(";").list.len().fill_null(0).sum() for f in frames]
    assert assets == sorted(assets) and assets[-1] > assets[0]  # assets are gained, never lost
    floors = [f["floor_material"].replace_strict(list(synth.FLOOR), list(range(5))).sum() for f in frames]
    assert floors == sorted(floors)
    for frame in frames:  # desil stays the income's band, moved by the national trend
        poor = frame.filter(pl.col("decile") == "1")["per_capita_income"].cast(pl.Int64).to_numpy()
        rich = frame.filter(pl.col("decile") == "10")["per_capita_income"].cast(pl.Int64).to_numpy()
        assert poor.max() < rich.min()


def test_programme_csv_lists_poor_participants_in_staggered_cohorts(planted: Path) -> None:
    programme = pl.read_csv(planted / "programme.csv", infer_schema=False)
    assert programme.columns == ["kk_number", "enrolled_on"]
    first = extract(planted, DATES[0]).join(programme, on="kk_number")
    assert first.height == programme.height > 100
    assert set(first["decile"].to_list()) <= {"1", "2", "3"}
    shares = first["decile"].value_counts(normalize=True).sort("decile")["proportion"].to_list()
    assert shares[0] > shares[2]  # poorer more likely
    enrolled = [date.fromisoformat(d) for d in programme["enrolled_on"].to_list()]
    assert min(enrolled) > date.fromisoformat(DATES[1])  # two extracts before every cohort
    assert max(enrolled) < date.fromisoformat(DATES[-1])
    cohorts = {sum(date.fromisoformat(d) <= day for d in DATES) for day in enrolled}
    assert cohorts == set(range(2, EXTRACTS))


def test_the_planted_effect_is_exactly_the_effect_after_enrolment(
    panels: tuple[synth.Extracts, synth.Extracts],
) -> None:
    without, with_effect = panels
    assert without.programme.equals(with_effect.programme)  # the same families on the same dates
    assert np.array_equal(without.treated, with_effect.treated) and with_effect.treated.any()
    assert np.array_equal(without.counterfactual, with_effect.counterfactual)
    difference = with_effect.log_income - without.log_income
    np.testing.assert_allclose(difference[with_effect.treated], 0.08, rtol=0, atol=1e-12)
    assert (difference[~with_effect.treated] == 0).all()
    np.testing.assert_allclose(with_effect.log_income - with_effect.counterfactual, 0.08 * with_effect.treated,
                               rtol=0, atol=1e-12)
    # In the files, to the rounding of incomes to the thousand.
    incomes = [np.stack([f["per_capita_income"].to_numpy() for f in p.households], axis=1) for p in panels]
    logged = np.log(incomes[1][with_effect.treated]) - np.log(incomes[0][with_effect.treated])
    assert abs(logged.mean() - 0.08) < 0.002


def test_the_programme_raises_desil_and_assets_of_its_families(
    panels: tuple[synth.Extracts, synth.Extracts],
) -> None:
    last = panels[1].treated[:, -1]
    desil = [p.households[-1]["decile"].to_numpy()[last] for p in panels]
    assert desil[1].mean() > desil[0].mean()
    assert (desil[1] >= desil[0]).all()


def test_a_pre_trend_is_planted_before_enrolment_only(django_db_blocker: Any) -> None:
    base, trending = panel(0.08), panel(0.08, pre_trend=0.02)
    difference = trending.log_income - base.log_income
    participant = np.asarray(trending.treated.any(axis=1), dtype=np.bool_)  # all treated in the latest extract
    assert (difference[trending.treated] == 0).all()
    before = ~trending.treated & participant[:, None]
    assert (difference[before] < 0).all()  # lower the further before enrolment: rising towards it
    assert (difference[~participant] == 0).all()


def test_the_seed_decides_everything(tmp_path: Path, planted: Path) -> None:
    run(tmp_path, "--extracts", str(EXTRACTS), "--programme-share", "0.3")
    for name in [f"households-{d}.csv" for d in DATES] + ["programme.csv"]:
        assert (tmp_path / name).read_bytes() == (planted / name).read_bytes(), name


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--extracts", "0"], "--extracts: must be a whole number from 1 to 40, not 0"),
        (["--extracts", "41"], "--extracts: must be a whole number from 1 to 40"),
        (["--extracts", "2", "--programme-share", "0.5"], "--extracts: a programme needs 3 extracts or more"),
        (["--extracts", "4", "--programme-share", "2"], "--programme-share: must be a fraction between 0 and 1"),
        (["--extracts", "4", "--programme-share", "-0.1"], "--programme-share: must be a fraction"),
        (["--extracts", "4", "--effect", "5"], "--effect: must be a log effect on income between -1 and 1"),
        (["--extracts", "4", "--pre-trend", "nan"], "--pre-trend: must be a log trend per quarter"),
    ],
)
def test_it_refuses_bad_options_naming_them(tmp_path: Path, args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message.replace("(", r"\(")):
        run(tmp_path, *args)
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("effect", "x", "--effect: must be a number, not 'x'"),
        ("programme_share", "lots", "--programme-share: must be a number, not 'lots'"),
        ("extracts", 2.5, "--extracts: must be a whole number, not 2.5"),
    ],
)
def test_it_refuses_options_that_are_not_numbers(tmp_path: Path, option: str, value: object, message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("synth", "--out", str(tmp_path), "--people", "100", **{option: value}, stdout=StringIO())



def test_anchored_at_the_first_extract_the_first_holds_generates_households(django_db_blocker: Any) -> None:
    geo = synth.load_geography(synth.DEFAULT_REGIONS, synth.DEFAULT_POOR_REGIONS)
    config = synth.SynthConfig(people=PEOPLE, seed=SEED)
    tables = synth.generate(geo, config)
    kk = tables.households["kk_number"].to_list()
    enrolled = {kk[i]: date(2024, 6, 1) for i in range(0, len(kk), 7)}
    options = synth.ExtractConfig(extracts=EXTRACTS, effect=0.08, enrolled={**enrolled, "0000": date(2024, 6, 1)},
                                  anchor="first")
    same, extracts = synth.generate_extracts(geo, config, options)
    assert same.households.equals(tables.households)
    first = extracts.households[0]
    assert first.drop("decile_date").equals(tables.households.drop("decile_date"))
    assert extracts.unmatched == 1 and extracts.programme.height == len(enrolled)
    assert extracts.treated.sum(axis=0).tolist() == [0, 0, 0, len(enrolled), *[len(enrolled)] * 4]
    np.testing.assert_allclose((extracts.log_income - extracts.counterfactual)[extracts.treated], 0.08, atol=1e-12)
    assets = [f["assets"].str.split(";").list.len().fill_null(0).sum() for f in extracts.households]
    assert assets == sorted(assets) and assets[-1] > assets[0]
    income = np.stack([f["per_capita_income"].to_numpy() for f in extracts.households], axis=1)
    assert np.log(income[:, -1]).mean() > np.log(income[:, 0]).mean() + 0.03


def test_it_refuses_an_unknown_anchor_and_a_share_with_given_enrolments() -> None:
    with pytest.raises(synth.SynthError, match="anchor: must be 'latest' or 'first', not 'middle'"):
        synth.check_extracts(synth.ExtractConfig(extracts=4, anchor="middle"))
    with pytest.raises(synth.SynthError, match="--programme-share: give a share or the enrolments, not both"):
        synth.check_extracts(synth.ExtractConfig(extracts=4, programme_share=0.1, enrolled={}))
