"""A small PDF writer for the printable report: monospaced text lines on A4 pages.

Written by hand because the report is only tables of text, and a PDF library would be a new
dependency for that alone. Uses the built-in Courier font (every PDF reader has it), so columns
line up with plain padding and no font file is embedded.
"""

PAGE_WIDTH, PAGE_HEIGHT = 595, 842  # A4 in points
MARGIN, FONT_SIZE, LEADING = 40, 8, 11
LINES_PER_PAGE = (PAGE_HEIGHT - 2 * MARGIN) // LEADING
WIDTH_CHARS = int((PAGE_WIDTH - 2 * MARGIN) / (FONT_SIZE * 0.6))


def _escape(line: str) -> bytes:
    raw = line[:WIDTH_CHARS].encode("cp1252", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _page_stream(lines: list[str]) -> bytes:
    top = PAGE_HEIGHT - MARGIN
    body = b"".join(b"(" + _escape(line) + b") Tj T*\n" for line in lines)
    return (f"BT /F1 {FONT_SIZE} Tf {LEADING} TL {MARGIN} {top} Td\n".encode() + body + b"ET")


def render(lines: list[str]) -> bytes:
    """One PDF document holding `lines`, split over as many pages as needed."""
    pages = [lines[i:i + LINES_PER_PAGE] for i in range(0, len(lines), LINES_PER_PAGE)] or [[]]
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Courier /Encoding /WinAnsiEncoding >>"
    objects: list[bytes] = [b"", b"", font]  # catalog and page tree are filled in once the pages are known
    kids = []
    for page in pages:
        stream = _page_stream(page)
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources << /Font << /F1 3 0 R >> >> "
                       b"/Contents %d 0 R >>" % (PAGE_WIDTH, PAGE_HEIGHT, len(objects)))
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
