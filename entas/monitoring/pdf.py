"""A small PDF writer for the printable report: text, filled shapes and lines on A4 pages.

Written by hand because the report needs only tables of text, bars and map polygons, and a PDF
library would be a new dependency for that alone. Uses the built-in Courier (tables: columns line
up with plain padding) and Helvetica (headings, chart labels) fonts that every PDF reader has, so no
font file is embedded. Content streams are left uncompressed: the report is small and its text
stays searchable in the raw bytes.
"""

from collections.abc import Iterable, Sequence

PAGE_WIDTH, PAGE_HEIGHT = 595, 842  # A4 in points
MARGIN, FONT_SIZE, LEADING = 40, 8, 11
LINES_PER_PAGE = (PAGE_HEIGHT - 2 * MARGIN) // LEADING
WIDTH_CHARS = int((PAGE_WIDTH - 2 * MARGIN) / (FONT_SIZE * 0.6))
FONTS = {"mono": b"/F1", "sans": b"/F2", "bold": b"/F3"}
BASE_FONTS = (b"Courier", b"Helvetica", b"Helvetica-Bold")
Colour = tuple[float, float, float]
Point = tuple[float, float]


def _escape(text: str, width: int | None = None) -> bytes:
    raw = (text if width is None else text[:width]).encode("cp1252", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _num(value: float) -> bytes:
    return (b"%.2f" % value).rstrip(b"0").rstrip(b".")


def hex_colour(text: str) -> Colour:
    return (int(text[1:3], 16) / 255, int(text[3:5], 16) / 255, int(text[5:7], 16) / 255)


def text_width(text: str, size: float) -> float:
    """Rough Helvetica width (half the size per character): enough to right-align labels."""
    return len(text) * size * 0.5


class Page:
    """One page's content stream. Coordinates are PDF points from the bottom-left corner."""

    def __init__(self) -> None:
        self.ops: list[bytes] = []

    def text(self, x: float, y: float, text: str, size: float = 8, font: str = "sans",
             colour: Colour = (0, 0, 0)) -> None:
        self.ops.append(b"BT %s rg %s %s Tf %s %s Td (%s) Tj ET" % (
            b" ".join(_num(c) for c in colour), FONTS[font], _num(size), _num(x), _num(y), _escape(text)))

    def lines_of_text(self, lines: Sequence[str], top: float = PAGE_HEIGHT - MARGIN) -> None:
        body = b"".join(b"(" + _escape(line, WIDTH_CHARS) + b") Tj T*\n" for line in lines)
        self.ops.append(b"BT 0 0 0 rg /F1 %d Tf %d TL %d %s Td\n" % (FONT_SIZE, LEADING, MARGIN, _num(top))
                        + body + b"ET")

    def rect(self, x: float, y: float, width: float, height: float, fill: Colour | None = None,
             stroke: Colour | None = None) -> None:
        operator = b"B" if fill and stroke else b"f" if fill else b"S"
        box = b" ".join(_num(v) for v in (x, y, width, height))
        self.ops.append(b"q %s %s re %s Q" % (self._colours(fill, stroke), box, operator))

    def line(self, points: Sequence[Point], colour: Colour, width: float = 1, dash: bool = False) -> None:
        if len(points) < 2:
            return
        path = b" ".join(b"%s %s %s" % (_num(x), _num(y), b"m" if i == 0 else b"l") for i, (x, y) in enumerate(points))
        self.ops.append(b"q %s w %s %s RG %s S Q" % (_num(width), b"[4 3] 0 d" if dash else b"[] 0 d",
                                                     b" ".join(_num(c) for c in colour), path))

    def shape(self, rings: Iterable[Sequence[Point]], fill: Colour, stroke: Colour, width: float = 0.3) -> None:
        """Closed rings filled even-odd, so that a hole ring cuts its outer ring."""
        parts = []
        for ring in rings:
            parts.append(b" ".join(b"%s %s %s" % (_num(x), _num(y), b"m" if i == 0 else b"l")
                                   for i, (x, y) in enumerate(ring)) + b" h")
        if parts:
            self.ops.append(b"q %s w %s %s B* Q" % (_num(width), self._colours(fill, stroke), b"\n".join(parts)))

    @staticmethod
    def _colours(fill: Colour | None, stroke: Colour | None) -> bytes:
        out = []
        if fill is not None:
            out.append(b" ".join(_num(c) for c in fill) + b" rg")
        if stroke is not None:
            out.append(b" ".join(_num(c) for c in stroke) + b" RG")
        return b" ".join(out)

    @property
    def stream(self) -> bytes:
        return b"\n".join(self.ops)


def text_pages(lines: list[str]) -> list[Page]:
    """Monospaced lines split over as many pages as needed."""
    pages = []
    for start in range(0, max(len(lines), 1), LINES_PER_PAGE):
        page = Page()
        page.lines_of_text(lines[start:start + LINES_PER_PAGE])
        pages.append(page)
    return pages


def render_pages(pages: list[Page]) -> bytes:
    fonts = [b"<< /Type /Font /Subtype /Type1 /BaseFont /%s /Encoding /WinAnsiEncoding >>" % name
             for name in BASE_FONTS]
    # Catalog and page tree are filled in once the pages are known; the fonts are objects 3-5.
    objects: list[bytes] = [b"", b"", *fonts]
    font_refs = b" ".join(b"%s %d 0 R" % (FONTS[key], 3 + i) for i, key in enumerate(FONTS))
    kids = []
    for page in pages or [Page()]:
        stream = page.stream
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources << /Font << %s >> >> "
                       b"/Contents %d 0 R >>" % (PAGE_WIDTH, PAGE_HEIGHT, font_refs, len(objects)))
        kids.append(len(objects))
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids), len(kids))
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
