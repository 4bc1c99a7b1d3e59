"""What the programme and graduation commands share: finding the programme, turning refusals into CLI errors,
printing tables."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from entas.programmes.models import Programme


def find_programme(ref: str) -> Programme:
    """A programme by id or by exact name."""
    found = Programme.objects.filter(pk=int(ref)).first() if ref.isdigit() else None
    found = found or Programme.objects.filter(name=ref).first()
    if found is None:
        raise CommandError(f"programme: no programme with id or name '{ref}'")
    return found


def refusal(error: ValidationError) -> CommandError:
    if hasattr(error, "error_dict"):
        return CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items()))
    return CommandError(" ".join(error.messages))


def table(headers: list[str], rows: list[list[Any]]) -> str:
    """A plain fixed-width table: numbers right-aligned, text left-aligned."""
    cells = [[str(v) for v in row] for row in rows]
    widths = [max([len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(headers)]
    numeric = [all(isinstance(row[i], int | float) for row in rows) and bool(rows) for i in range(len(headers))]

    def line(values: list[str]) -> str:
        return "  ".join(v.rjust(w) if n else v.ljust(w) for v, w, n in zip(values, widths, numeric, strict=True))

    return "\n".join([line(headers), line(["-" * w for w in widths]), *(line(r) for r in cells)])
