"""What can be imported. Feature apps register a Target in AppConfig.ready(): their plan factory, the
kinds of file it takes and the models each kind writes. `ingest.services.import_file` runs any target,
so ingest never imports the apps that use it, and apps above (monitoring) learn from the declaration
what an import may have changed instead of keeping their own list."""

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.functional import Promise as StrPromise

from entas.ingest.pipeline import PlanFactory

AUTO = "auto"  # a kind that means: detect from the header


@dataclass(frozen=True)
class Target:
    name: str
    kinds: tuple[str, ...]  # AUTO among them means: detect from the header
    plans: PlanFactory
    # kind -> the models ("app_label.Model") an import of that kind may insert or change
    writes: Mapping[str, tuple[str, ...]]
    help: "str | StrPromise" = ""  # shown on the upload page and by `entas import --help`, translated
    source: str = ""  # the batch's source when the caller names none

    def __post_init__(self) -> None:
        # A kind whose writes are not declared would leave monitoring's rollups stale without a sign.
        undeclared = [kind for kind in self.kinds if kind != AUTO and kind not in self.writes]
        if undeclared:
            raise ValueError(f"target '{self.name}' does not declare what {', '.join(undeclared)} writes")


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
