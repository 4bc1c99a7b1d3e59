"""Pieces of the refusals that services and API views raise: a choice shown to a person by its
label, with the code in brackets for API clients (the code is what they send back)."""

from collections.abc import Iterable

from django.db.models import Choices


def choice(kind: type[Choices], code: object) -> str:
    """"Pindah (moved)": the label of a code in the reader's language, or the code alone when unknown."""
    labels = dict(kind.choices)
    return f"{labels[code]} ({code})" if code in labels else str(code)


def choices(kind: type[Choices], codes: Iterable[object] | None = None) -> str:
    """The codes a person may choose from (all of `kind` unless `codes` are given), each as `choice`."""
    return ", ".join(choice(kind, code) for code in (kind.values if codes is None else codes))


def listed(values: Iterable[object]) -> str:
    return ", ".join(str(v) for v in values)
