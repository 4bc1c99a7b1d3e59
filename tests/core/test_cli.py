import pytest

from entas.cli import main


def test_help_lists_every_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for name in ["demo", "serve", "load-regions", "synth", "create-user"]:
        assert f"  {name} " in out


def test_an_unknown_subcommand_is_refused_with_the_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["frobnicate"]) == 2
    assert "unknown subcommand 'frobnicate'" in capsys.readouterr().err


@pytest.mark.django_db
def test_create_user_names_the_bad_region(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["create-user", "x", "--role", "analyst", "--region", "99.99", "--password", "p-long-enough-1"])
    assert "99.99" in capsys.readouterr().err
