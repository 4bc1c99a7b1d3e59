"""NIK and No. KK: masking, and the scalar rules (forms) agreeing with the vectorised ones (import)."""

import polars as pl
import pytest

from entas.core.identifiers import kk_problem, mask_nik, nik_problem
from entas.registry.import_rules import identity_problem, identity_valid

SAMPLES = [
    "3174010101010001",  # a man born 1 Jan 2001 (or 1901)
    "3174014101010001",  # a woman: day 41 = 1
    "3174017102000001",  # a woman born 31 Feb? no: day 71 = 31, month 02
    "3174012902040001",  # 29 Feb 04: a leap year
    "3174012902050001",  # 29 Feb 05: not
    "3174013101800000",  # serial 0000
    "3174013113800001",  # month 13
    "3174010001800001",  # day 00
    "317401010101001",  # 15 digits
    "31740101010100011",  # 17 digits
    "31740101O1010001",  # a letter O for a zero
]


def test_mask_nik_keeps_the_first_and_last_four_digits() -> None:
    assert mask_nik("3174010101010001") == "3174********0001"
    assert mask_nik("1234") == "****"


@pytest.mark.parametrize("nik", [True, False])
def test_the_vectorised_rules_say_what_the_scalar_ones_say(nik: bool) -> None:
    frame = pl.DataFrame({"v": SAMPLES})
    checked = frame.select(
        identity_valid(pl.col("v"), nik=nik).alias("ok"), identity_problem(pl.col("v"), nik=nik).alias("problem"))
    scalar = [nik_problem(v) if nik else kk_problem(v) for v in SAMPLES]
    for value, ok, problem, expected in zip(SAMPLES, checked["ok"], checked["problem"], scalar, strict=True):
        assert ok == (expected is None), value
        if expected is not None:
            assert problem == expected, value


def test_a_nik_checked_alone_also_checks_the_sex() -> None:
    assert nik_problem("3174014101010001", sex="L") == "day 41 means female but sex is L"
    assert nik_problem("3174014101010001", sex="P") is None
