import pytest

from entas.regions.codes import (
    InvalidRegionCode,
    Kind,
    dotted,
    kind_of,
    level_of,
    parent_of,
    within,
)


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("33", Kind.PROVINCE),
        ("33.10", Kind.KABUPATEN),
        ("33.72", Kind.KOTA),
        ("33.10.01", Kind.KECAMATAN),
        ("33.10.01.2001", Kind.DESA),
        ("33.72.01.1001", Kind.KELURAHAN),
        ("91.01.01.3001", Kind.DESA_ADAT),
    ],
)
def test_it_derives_the_kind_from_the_code(code: str, kind: Kind) -> None:
    assert kind_of(code) == kind


@pytest.mark.parametrize("code", ["", "3", "331", "33.1", "33.10.01.201", "33-10", "ab", "33.10."])
def test_it_rejects_malformed_codes(code: str) -> None:
    with pytest.raises(InvalidRegionCode, match="not a Kemendagri region code"):
        level_of(code)


def test_it_knows_parents_levels_and_containment() -> None:
    assert parent_of("33.10.01") == "33.10"
    assert parent_of("33") is None
    assert level_of("33.10.01.2001") == 4
    assert within("33.10.01", "33.10")
    assert within("33.10", "33.10")
    assert not within("33.11", "33.1")
    assert not within("33.101", "33.10")
    assert within("53.01", None)
    assert dotted("3310012001") == "33.10.01.2001"
