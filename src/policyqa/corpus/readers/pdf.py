"""PDF with a text layer, with pdfminer.six (MIT, pure Python): lines in reading order with their positions
and colours; ruled tables with pdfplumber (MIT), read as rows (a 任务清单 across pages, its header repeated or not);
by hand the 公文 parts: page numbers and running headers removed, wrapped lines joined into paragraphs (indent and
line length), the red 版头 line recognised, the 抄送/印发 block kept out of the body.
A scanned PDF (no text layer) is refused with a "needs OCR" error."""

from __future__ import annotations

import io
import logging
import re
import statistics
from collections import Counter
from dataclasses import dataclass

from policyqa.corpus.readers.base import ReadResult, SourceSpan
from policyqa.corpus.readers.gongwen import is_page_number, split_distribution, table_lines
from policyqa.errors import UnreadableFileError

# a line that opens an article or an item after a line that closed a sentence starts a paragraph, indented or not
_OPENS = re.compile(r"第[一二三四五六七八九十百零〇\d]+[条章节](?!规定)|[（(][一二三四五六七八九十\d]{1,3}[）)]|[一二三四五六七八九十]{1,3}、|\d{1,2}[.．、](?!\d)")
_ENDS = re.compile(r"[。；;：:！!]$")
MIN_TEXT_CHARS = 20  # below this over the whole file, the PDF is a scan
_RUN_ON_TOP = 0.2  # a table that starts this high on its page, after a table on the page before, may run on from it

log = logging.getLogger(__name__)


@dataclass
class _Line:
    text: str
    page: int
    x0: float
    x1: float
    top: float
    size: float
    red: bool
    row: bool = False  # a table row, read from the table's cells: a line of its own, never joined
    frame: str = ""  # "L" / "R": a line of the left / right column of a page set in two columns; "" across the page


def _is_red(color: object) -> bool:
    if not isinstance(color, (tuple, list)):
        return False
    c = [float(v) for v in color if isinstance(v, (int, float))]
    if len(c) == 3:
        return c[0] > 0.5 and c[1] < 0.35 and c[2] < 0.35
    if len(c) == 4:  # CMYK
        return c[1] > 0.6 and c[2] > 0.6 and c[0] < 0.3 and c[3] < 0.4
    return False


def _lines(data: bytes, name: str) -> tuple[list[list[_Line]], list[float]]:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTChar, LTTextContainer, LTTextLine
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psparser import PSException

    pages: list[list[_Line]] = []
    widths: list[float] = []
    try:
        for pno, page in enumerate(extract_pages(io.BytesIO(data), laparams=LAParams(line_margin=0.3)), start=1):
            lines: list[_Line] = []

            def visit(obj: object) -> None:
                if isinstance(obj, LTTextLine):
                    text = re.sub(r"\s+", " ", obj.get_text()).strip()
                    if not text:
                        return
                    chars = [c for c in obj if isinstance(c, LTChar) and c.get_text().strip()]
                    red = bool(chars) and sum(_is_red(c.graphicstate.ncolor) for c in chars) > len(chars) / 2
                    size = statistics.median(c.size for c in chars) if chars else obj.height
                    lines.append(_Line(text, pno, obj.x0, obj.x1, page.height - obj.y1, size, red))
                elif isinstance(obj, LTTextContainer) or hasattr(obj, "__iter__"):
                    for child in obj:  # type: ignore[attr-defined]
                        visit(child)

            for element in page:
                visit(element)
            lines.sort(key=lambda ln: (round(ln.top / 2), ln.x0))
            pages.append(lines)
            widths.append(float(page.width))
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise UnreadableFileError(f"PDF 已加密，无法读取：{name}，请上传未加密的文件 / {name} is an encrypted PDF; upload "
                                  f"a copy without a password") from exc
    except (PDFSyntaxError, PSException, ValueError, TypeError, KeyError, AssertionError, IndexError) as exc:
        raise UnreadableFileError(f"PDF 文件已损坏：{name} / {name} is a damaged PDF ({type(exc).__name__}: {exc})") from exc
    return pages, widths


def _in_columns(lines: list[_Line], width: float) -> list[_Line]:
    """A page set in two columns (a 政府公报) read column by column: lines on either side of a gutter that no line
    crosses (the gutter with the fewest crossing lines, at its middle), left column first, band by band between the
    lines that span the page (a running header, a title across both columns). A page of one column comes back as it is.
    By hand: pdfminer's own box ordering also reorders single-column pages whose lines it boxes oddly."""
    if len(lines) < 8:
        return lines
    lo, hi = int(0.3 * width), int(0.7 * width)
    long = [ln for ln in lines if ln.x1 - ln.x0 > 0.25 * width]  # a column's lines; a centred 「— 3 —」 finds no gutter
    crossing = [sum(ln.x0 < g - 1 and ln.x1 > g + 1 for ln in long) for g in range(lo, hi)]
    least = min(crossing)
    runs: list[tuple[int, int]] = []  # the stretches of x where that few lines cross, the widest taken
    for i, c in enumerate(crossing):
        if c == least:
            runs.append((runs.pop()[0], i) if runs and runs[-1][1] == i - 1 else (i, i))
    a, b = max(runs, key=lambda r: r[1] - r[0])
    gutter = lo + (a + b) / 2
    left = [ln for ln in lines if ln.x1 <= gutter]
    right = [ln for ln in lines if ln.x0 >= gutter]
    size = statistics.median(ln.size for ln in lines)
    # both sides carry text at the same heights: two columns (not a signature or a date set to the right)
    paired = sum(any(abs(r.top - ln.top) < 0.6 * size for ln in left) for r in right)
    if len(left) < 4 or len(right) < 4 or least > 0.25 * len(long) or paired < 3:
        return lines
    def by_column(band: list[_Line]) -> list[_Line]:
        return sorted(band, key=lambda x: (x.frame, x.top))  # "L" before "R", each top to bottom

    out: list[_Line] = []
    band: list[_Line] = []
    for ln in sorted(lines, key=lambda ln: ln.top):
        if ln.x0 < gutter < ln.x1:  # across the page: the band above it is read, column by column
            out += by_column(band) + [ln]
            band = []
        else:
            ln.frame = "L" if ln.x1 <= gutter else "R"
            band.append(ln)
    return out + by_column(band)


def _tables(data: bytes) -> dict[int, list[tuple[tuple[float, float, float, float], list[list[str]]]]]:
    """Ruled tables per page (1-based): (bbox as x0, top, x1, bottom; rows of cell texts, wrapped lines joined). A
    table that runs on from the page before without its header row gets that header. Empty when pdfplumber fails."""
    import pdfplumber

    out: dict[int, list[tuple[tuple[float, float, float, float], list[list[str]]]]] = {}
    header: list[str] = []
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for pno, page in enumerate(pdf.pages, start=1):
                for table in page.find_tables():
                    rows = [[_unwrap(c or "") for c in r] for r in table.extract()]
                    rows = [r for r in rows if any(r)]
                    if len(rows) < 2 or max(len(r) for r in rows) < 2:
                        continue
                    if header and len(rows[0]) == len(header) and rows[0] != header and out.get(pno - 1) \
                            and table.bbox[1] < _RUN_ON_TOP * page.height and not _names_columns(rows[0]):
                        rows = [header, *rows]  # the table runs on from the page before, at the top of this one
                    header = rows[0]
                    out.setdefault(pno, []).append((table.bbox, rows))
    except Exception as exc:  # noqa: BLE001 - a table the library cannot read leaves the text lines as they are
        log.warning("PDF tables not read: %s", exc)
        return {}
    return out


def _names_columns(row: list[str]) -> bool:
    """A first row of short phrases (「序号」「重点任务」「牵头单位」) names columns: it starts a table of its own."""
    cells = [c for c in row if c]
    return bool(cells) and all(len(c) <= 10 and not re.search(r"[，。；,;\d]", c) for c in cells)


def _unwrap(cell: str) -> str:
    parts = [p.strip() for p in cell.split("\n") if p.strip()]
    text = parts[0] if parts else ""
    for p in parts[1:]:
        text = _joined(text, p)
    return text


def _running_lines(pages: list[list[_Line]]) -> set[str]:
    """Lines that repeat at the top or bottom of most pages (running headers/footers), digits ignored."""
    if len(pages) < 2:
        return set()
    seen: Counter[str] = Counter()
    for lines in pages:
        edge = {re.sub(r"\d+", "#", ln.text) for ln in lines[:2] + lines[-2:]}
        seen.update(edge)
    return {k for k, n in seen.items() if n >= max(2, len(pages) // 2)}


def read(data: bytes, name: str = "") -> ReadResult:
    pages, widths = _lines(data, name)
    n_pages = len(pages)
    if sum(len(ln.text.replace(" ", "")) for lines in pages for ln in lines) < MIN_TEXT_CHARS:
        raise UnreadableFileError(f"PDF 没有文字层（可能是扫描件），需要先做 OCR 文字识别：{name} / {name} has no text "
                                  f"layer (a scan?): it needs OCR before it can be added")
    running = _running_lines(pages)
    tables = _tables(data)
    for pno, found in tables.items():  # a table's cells leave the lines; its rows take their place
        lines = pages[pno - 1]
        for (x0, top, x1, bottom), rows in found:
            inside = [ln for ln in lines if x0 - 1 <= (ln.x0 + ln.x1) / 2 <= x1 + 1 and top - 1 <= ln.top <= bottom + 1]
            size = statistics.median(ln.size for ln in inside) if inside else 10.0
            lines[:] = [ln for ln in lines if ln not in inside]
            lines.extend(_Line(t, pno, x0, x0, top + k * 0.01, size, False, row=True) for k, t in enumerate(table_lines(rows)))
        lines.sort(key=lambda ln: (round(ln.top / 2), ln.x0))
    pages = [_in_columns(lines, w) for lines, w in zip(pages, widths)]
    kept: list[_Line] = []
    header = ""
    for lines in pages:
        for i, ln in enumerate(lines):
            at_edge = i < 2 or i >= len(lines) - 2
            if at_edge and (is_page_number(ln.text) or re.sub(r"\d+", "#", ln.text) in running):
                continue
            if ln.page == 1 and ln.red and not header and not kept:
                header = ln.text.replace(" ", "")
            kept.append(ln)
    body = [ln for ln in kept if ln.text]
    sizes = [ln.size for ln in body] or [12.0]
    size = statistics.median(sizes)
    margins = {f: _margins([ln for ln in body if ln.frame == f]) for f in ("", "L", "R")}
    whole = _margins(body)

    paras: list[tuple[str, int]] = []  # (text, first page)
    prev: _Line | None = None
    for ln in body:
        text = ln.text
        if re.fullmatch(r"[\u4e00-\u9fff ]+", text):
            text = text.replace(" ", "")  # letter-spaced titles 「福 州 市 人 民 政 府」
        left = (margins[ln.frame] or whole)[0]  # a column's lines measured against the column's own edges
        indented = ln.x0 > left + 0.8 * size
        prev_full = prev is not None and prev.x1 >= (margins[prev.frame] or whole)[1] - 1.5 * size and not prev.red
        continues = prev is not None and prev_full and not indented and abs(ln.size - prev.size) < 1.5 \
            and not ln.row and not prev.row and not (_ENDS.search(prev.text) and _OPENS.match(text))
        if continues and paras:
            joined = paras[-1][0]
            paras[-1] = (_joined(joined, text), paras[-1][1])
        else:
            paras.append((text, ln.page))
        prev = ln
    lines, copy_to, printed = split_distribution([p[0] for p in paras])
    out, spans, pos = [], [], 0
    for text, page in paras[: len(lines)]:
        out.append(text)
        spans.append(SourceSpan(pos, pos + len(text), "page", page))
        pos += len(text) + 1
    return ReadResult(text="\n".join(out), format="pdf", header=header, copy_to=copy_to, printed_by=printed,
                      spans=tuple(spans), pages=n_pages)


def _margins(lines: list[_Line]) -> tuple[float, float] | None:
    """The left edge most lines start at and the right edge nine lines in ten stop before; None for too few lines."""
    if len(lines) < 3:
        return None
    return Counter(round(ln.x0) for ln in lines).most_common(1)[0][0], sorted(ln.x1 for ln in lines)[int(0.9 * (len(lines) - 1))]


def _joined(a: str, b: str) -> str:
    """Two pieces of one line or cell wrapped apart, put back together (a space only between Latin words)."""
    return a + ("" if _cjk_edge(a, b) else " ") + b


def _cjk_edge(a: str, b: str) -> bool:
    """No space when joining across a CJK character or punctuation (Chinese has no spaces between words), or inside a
    number."""
    if a and b and re.match(r"[\d.]", a[-1]) and re.match(r"[\d.%]", b[0]):
        return True  # 「48.」 and 「50米」 across a line break are one number
    if a and b and (a[-1] in "/(" or b[0] in "/),.;:%"):
        return True  # 「VR/」 and 「AR」 are one word
    return bool(a) and bool(b) and (ord(a[-1]) > 0x2E80 or ord(b[0]) > 0x2E80)
