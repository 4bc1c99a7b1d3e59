"""The import contracts in pyproject.toml (checked by `lint-imports` in `make test`) keep up with the
code: every app has its place in the layers, every views module is one services may not import
(import-linter's wildcards replace whole module names, so `*_views` modules are listed by name), and
the imports the contracts leave aside (`exclude_type_checking_imports`) stay the one they are for."""

import ast
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def contract(contract_id: str) -> dict[str, Any]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    return next(c for c in config["contracts"] if c["id"] == contract_id)


def test_every_app_has_a_layer() -> None:
    apps = {f"entas.{folder.name}" for folder in (ROOT / "entas").iterdir() if (folder / "__init__.py").exists()}
    layered = {name.strip() for layer in contract("layers")["layers"] for name in layer.split("|")}
    assert apps == layered


def test_every_views_module_is_forbidden_to_services() -> None:
    views = {".".join(path.relative_to(ROOT).with_suffix("").parts)
             for path in (ROOT / "entas").glob("*/*views.py")}
    forbidden = set(contract("services-views")["forbidden_modules"])
    unlisted = {v for v in views if v not in forbidden and not (v.endswith(".views") and "entas.*.views" in forbidden)}
    assert not unlisted, f"add to the services-views contract in pyproject.toml: {sorted(unlisted)}"
    assert forbidden - {"entas.*.views"} <= views  # a listed module that no longer exists breaks lint-imports


def _type_checking_imports(tree: ast.Module) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING"):
            for inner in node.body:
                if isinstance(inner, ast.ImportFrom):
                    found |= {f"{inner.module}.{alias.name}" for alias in inner.names}
                elif isinstance(inner, ast.Import):
                    found |= {alias.name for alias in inner.names}
    return found


def test_the_only_import_for_the_type_checker_is_the_acting_user() -> None:
    """import-linter does not see imports under `if TYPE_CHECKING:`; the one they are for is the
    acting user's type, named by core (and regions) below accounts (core/actors.py)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    assert config["exclude_type_checking_imports"] is True
    found = {name for path in (ROOT / "entas").rglob("*.py")
             for name in _type_checking_imports(ast.parse(path.read_text(), str(path)))}
    assert found == {"entas.accounts.models.User"}
