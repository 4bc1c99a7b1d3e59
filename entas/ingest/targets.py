"""What can be imported. Feature apps register here in AppConfig.ready(); the `import_data` command
and the upload page look them up, so ingest never imports the apps that use it."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from entas.ingest.models import ImportBatch

ProgressCallback = Callable[[str, int, int], None]
"""Called as progress(phase, done, total); total 0 means unknown."""


class RunImport(Protocol):
    def __call__(
        self,
        actor: Any,
        path: Path,
        *,
        kind: str,
        mode: str,
        source: str,
        extract_date: date | None,
        progress: ProgressCallback | None = None,
        batch: ImportBatch | None = None,
    ) -> ImportBatch: ...


@dataclass(frozen=True)
class Target:
    name: str
    kinds: tuple[str, ...]  # "auto" among them means: detect from the header
    run: RunImport
    help: str = ""


_targets: dict[str, Target] = {}


def register(target: Target) -> None:
    _targets[target.name] = target


def get(name: str) -> Target:
    try:
        return _targets[name]
    except KeyError:
        known = ", ".join(sorted(_targets)) or "none"
        raise LookupError(f"'{name}' cannot be imported; known targets: {known}") from None


def names() -> list[str]:
    return sorted(_targets)
