"""Refusals reach people (forms, pages, API answers), so each message goes through gettext: a
ValidationError, fail() or a DRF exception raised with an f-string or a plain string literal would be
English on an Indonesian page. The import reasons (stored as codes, translated when shown) are
checked by their own tests and left out here, as are the management commands (CommandError)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "entas"
# Called with a message a person reads; for fail()/_fail() the message is the second argument.
RAISING = {"ValidationError", "ApiValidationError", "PermissionDenied", "AuthenticationFailed", "ParseError",
           "NotFound", "fail", "_fail"}
FIELD_FIRST = {"fail", "_fail"}


def out_of_scope(path: Path) -> bool:
    relative = path.relative_to(ROOT)
    name = relative.name
    return ("migrations" in relative.parts or "management" in relative.parts or relative.parts[0] == "ingest"
            or name.startswith("import") or name.endswith("_import.py") or name in ("importer.py", "link_import.py"))


def _called(node: ast.expr) -> str | None:
    return node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None


def untranslated(node: ast.expr) -> bool:
    """A message built without gettext: an f-string, a literal with words, or such a literal formatted."""
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and any(c.isalpha() for c in node.value)
    if isinstance(node, ast.BinOp):  # "..." % {...} or "..." + x
        return untranslated(node.left)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return untranslated(node.func.value)
    if isinstance(node, ast.List | ast.Tuple):
        return any(untranslated(e) for e in node.elts)
    if isinstance(node, ast.Dict):
        return any(untranslated(v) for v in node.values)
    return False


def offenders(source: str, filename: str = "<source>") -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Call) and (name := _called(node.func)) in RAISING:
            messages = node.args[1:] if name in FIELD_FIRST else node.args
            if any(untranslated(m) for m in messages):
                found.append(f"{filename}:{node.lineno}: {ast.get_source_segment(source, node)}")
    return found


def modules() -> list[Path]:
    return sorted(p for p in ROOT.rglob("*.py") if not out_of_scope(p))


def test_the_check_sees_an_untranslated_refusal() -> None:
    assert offenders('raise fail("kind", f"{kind} is not a kind")')
    assert offenders('raise ValidationError({"weights": "the weights sum to zero"})')
    assert offenders('raise ApiValidationError({"to": ["give the target status"]})')
    assert offenders('raise PermissionDenied("your role may not")')
    assert offenders('raise ValidationError({"x": "%s is wrong" % x})')
    assert not offenders('raise fail("kind", _("%(kind)s is not a kind.") % {"kind": kind})')
    assert not offenders('raise ValidationError({"x": [_("No.")]}, code="bad")')
    assert not offenders('raise fail("nib", problem)')


def test_the_modules_checked_include_services_and_api_views_but_not_the_imports() -> None:
    names = {p.relative_to(ROOT).as_posix() for p in modules()}
    assert {"graduation/services.py", "graduation/api.py", "programmes/priority.py",
            "enterprises/cooperatives.py", "registry/api.py"} <= names
    assert not names & {"registry/importer.py", "enterprises/link_import.py", "graduation/poverty_import.py",
                        "monitoring/target_import.py"}
    assert not any(n.startswith(("ingest/", "enterprises/import")) for n in names)


def test_no_refusal_is_raised_untranslated() -> None:
    found = [line for path in modules()
             for line in offenders(path.read_text(encoding="utf-8"), path.relative_to(ROOT).as_posix())]
    assert found == [], "wrap these messages in gettext with named placeholders:\n" + "\n".join(found)
