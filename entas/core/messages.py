"""Messages of imports and identity checks: stored in English with their parameters in place,
translated when shown.

Each message an import can give (a row's reason, a note, a file's error) is a `Message` of one
catalogue, written where the problem is found: as a Polars expression (`expr`), as SQL (`sql`) or
in Python (`__call__`). The staging table, the batch and the logs keep the English text, which
keeps the SQL checks free of languages; `translate` parses a stored text back against the
catalogue and renders it in the active language. The rejects file is written in the language of
the user who uploaded (kept on the batch); pages translate when they show. Every template is also
a msgid (marked with gettext_noop where it is declared), so makemessages finds it.
"""

import re
from dataclasses import dataclass
from functools import cache, lru_cache

import polars as pl
from django.utils.translation import get_language, gettext, gettext_noop

PARAM = re.compile(r"%\((\w+)\)s")
FIELD = re.compile(r"[a-z][a-z0-9_]*: ")

CATALOGUE: list["Message"] = []
LINE = gettext_noop("line")  # the field of a reason about the line itself (its fields), not one column

# Words a message takes as a parameter (what a number is, a sex): translated with the message.
WORDS = (gettext_noop("birth date"), gettext_noop("issue date"), gettext_noop("female"), gettext_noop("male"),
         gettext_noop("household"), gettext_noop("village"), gettext_noop("region"), gettext_noop("name"),
         gettext_noop("region code"), gettext_noop("cooperative"), gettext_noop("enterprise"))


@dataclass(frozen=True, eq=False)
class Message:
    text: str  # English with %(name)s parameters: the msgid
    words: tuple[str, ...] = ()  # parameters whose values are WORDS, translated too
    nested: tuple[str, ...] = ()  # parameters whose values are messages (or several, joined by "; ")

    def __post_init__(self) -> None:
        assert "{" not in self.text and "}" not in self.text, self.text  # pl.format's placeholders
        CATALOGUE.append(self)
        for cached in (_ordered, _known, _message):
            cached.cache_clear()
        _by_shape.clear()

    def __call__(self, **params: object) -> str:
        """As stored: English."""
        return self.text % params

    def shown(self, **params: object) -> str:
        """In the active language."""
        return self.render({name: str(value) for name, value in params.items()}, get_language() or "")

    def expr(self, **params: pl.Expr) -> pl.Expr:
        names = PARAM.findall(self.text)
        if not names:
            return pl.lit(self.text)
        return pl.format(PARAM.sub("{}", self.text), *(params[name] for name in names))

    def sql(self, **params: str) -> str:
        """The message as an SQL text expression; `params` are SQL expressions."""
        pieces = PARAM.split(self.text)  # literal, name, literal, name, ..., literal
        parts = [("'" + piece.replace("'", "''") + "'") if i % 2 == 0 else f"({params[piece]})"
                 for i, piece in enumerate(pieces) if piece or i % 2]
        return " || ".join(parts)

    def pattern(self) -> re.Pattern[str]:
        """Matches the stored texts of this message, a group per parameter."""
        pieces, seen, regex = PARAM.split(self.text), set(), ""
        for i, piece in enumerate(pieces):
            if i % 2 == 0:
                regex += re.escape(piece)
            else:
                regex += f"(?P={piece})" if piece in seen else f"(?P<{piece}>.*?)"
                seen.add(piece)
        return re.compile(regex, re.DOTALL)

    def render(self, params: dict[str, str], language: str) -> str:
        for name in self.words:
            params[name] = _gettext(params[name], language)
        for name in self.nested:
            params[name] = "; ".join(_message(part, language) for part in params[name].split("; "))
        return _gettext(self.text, language) % params


@cache
def _ordered() -> tuple[tuple[Message, re.Pattern[str]], ...]:
    # The most specific first: "'x' is not a date (no month 13)" before a bare "'x' is not a date".
    ordered = sorted(CATALOGUE, key=lambda m: -len(PARAM.sub("", m.text)))
    return tuple((m, m.pattern()) for m in ordered)


# A text's shape without its quoted values and numbers: rows of a file repeat a few shapes, and the
# message found for a shape is tried first (one match instead of a search of the catalogue).
SHAPE = re.compile(r"'[^']*'|\d[\d.,:/-]*")
_by_shape: dict[str, int] = {}


# Bounded: reasons quote the file's values, so most texts are seen once.
@lru_cache(maxsize=10_000)
def _known(text: str) -> tuple[Message, dict[str, str]] | None:
    ordered = _ordered()
    shape = SHAPE.sub("#", text)
    first = _by_shape.get(shape)
    for index in ([first] if first is not None else []) + list(range(len(ordered))):
        message, pattern = ordered[index]
        found = pattern.fullmatch(text)
        if found:
            if len(_by_shape) < 10_000:
                _by_shape[shape] = index
            return message, found.groupdict()
    return None


@lru_cache(maxsize=10_000)
def _message(text: str, language: str) -> str:
    known = _known(text)
    return known[0].render(dict(known[1]), language) if known else text


@lru_cache(maxsize=1_000)
def _gettext(text: str, language: str) -> str:
    """gettext in `language`, the active one: cached, as a rejects file asks for the same few
    texts on every row."""
    return gettext(text)


def translate_message(text: str) -> str:
    """One stored message in the active language (as stored when the catalogue does not know it)."""
    return _message(text, get_language() or "")


def _parts(stored: str) -> list[tuple[str, str]]:
    """(`field: `, message) of each reason of a stored reasons text. A value quoted in a message may
    hold "; x: " itself: a piece that completes a message the previous piece left unknown joins it."""
    found: list[tuple[str, str]] = []
    for part in re.split(r"; (?=[a-z][a-z0-9_]*: )", stored) if stored else []:
        if found and _known(found[-1][1]) is None and _known(joined := f"{found[-1][1]}; {part}") is not None:
            found[-1] = (found[-1][0], joined)
            continue
        field = FIELD.match(part)
        head = field.group(0) if field else ""
        found.append((head, part[len(head):]))
    return found


def translate(stored: str) -> str:
    """A stored reasons text, `field: message; field: message`, in the active language."""
    language = get_language() or ""
    if language == "en":
        return stored  # stored in English
    line = _gettext(LINE, language) + ": "
    return "; ".join((line if head == "line: " else head) + _message(message, language)
                     for head, message in _parts(stored))


def unknown(stored: str) -> list[str]:
    """The reasons of a stored text that no message of the catalogue gives: shown untranslated."""
    return [message for _, message in _parts(stored) if _known(message) is None]
