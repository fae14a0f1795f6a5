"""DOCX with python-docx (MIT): paragraphs and tables in body order, heading styles kept as Markdown-style
headings when the text has no 公文 numbering of its own; footnotes, headers and footers are not body text."""

from __future__ import annotations

import io
import re
import zipfile

from policyqa.corpus.readers.base import ReadResult, assemble
from policyqa.corpus.readers.gongwen import split_distribution, table_lines
from policyqa.errors import FileTooLargeError, UnreadableFileError

MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 100  # a real .docx unpacks to a few times its size; a zip bomb to thousands
_NUMBERED = re.compile(r"^(?:[一二三四五六七八九十百]+、|[（(][一二三四五六七八九十]+[）)]|\d{1,2}[.．、]|[（(]\d{1,2}[）)]|第[一二三四五六七八九十百零〇]+[章节条])")
_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.I)


_LIST_STYLE = re.compile(r"^(?:List Number|列表编号)\s*(\d)?$", re.I)


def _list_level(paragraph) -> int | None:  # type: ignore[no-untyped-def]
    """The automatic-numbering level (0 = first) of a paragraph, from its own numPr, its style's, or a
    「List Number 2」 style name; None when Word draws no number before it."""
    own = paragraph._p.pPr.numPr if paragraph._p.pPr is not None else None
    if own is not None and own.numId is not None and own.numId.val != 0 and own.ilvl is not None:
        return int(own.ilvl.val)
    m = _LIST_STYLE.match(paragraph.style.name if paragraph.style is not None else "")
    if m:  # 「List Number 2」: the level is in the name (its own list definition starts at level 0)
        return int(m.group(1) or 1) - 1
    for ppr in (paragraph._p.pPr, getattr(getattr(paragraph.style, "element", None), "pPr", None)):
        num = getattr(ppr, "numPr", None) if ppr is not None else None
        if num is not None and num.numId is not None and num.numId.val != 0:
            return int(num.ilvl.val) if num.ilvl is not None else 0
    return None


def _is_title(text: str) -> bool:
    """Short and not a sentence: what a heading's text looks like (「总体要求」, 「加快县级电商公共服务中心建设」)."""
    return len(text) <= 40 and not re.search(r"[。；;！？?：:]", text)


def check_zip(data: bytes, name: str) -> None:
    """Refuse a DOCX whose unpacked size is out of proportion before anything unpacks it."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            unpacked = sum(max(0, i.file_size) for i in z.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise UnreadableFileError(f"DOCX 文件已损坏：{name} / {name} is a damaged DOCX file ({exc})") from exc
    if unpacked > MAX_UNPACKED_BYTES or (unpacked > 10 * 1024 * 1024 and unpacked > MAX_RATIO * len(data)):
        raise FileTooLargeError(f"DOCX 解压后过大（{unpacked // (1024 * 1024)} MB，疑似压缩炸弹）：{name} / {name} unpacks "
                                f"to {unpacked} bytes from {len(data)}: refused as a possible zip bomb")


def read(data: bytes, name: str = "") -> ReadResult:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    check_zip(data, name)
    try:
        document = docx.Document(io.BytesIO(data))
        items = list(document.iter_inner_content())
        core_title = (document.core_properties.title or "").strip()
    except (KeyError, ValueError, zipfile.BadZipFile, OSError, AttributeError) as exc:
        raise UnreadableFileError(f"DOCX 文件已损坏：{name} / {name} is not a readable DOCX document ({exc})") from exc
    except Exception as exc:  # lxml's XMLSyntaxError and friends: the package's XML is broken
        if type(exc).__module__.startswith(("lxml", "docx")):
            raise UnreadableFileError(f"DOCX 文件已损坏：{name} / {name} is not a readable DOCX document ({exc})") from exc
        raise

    parts: list[tuple[str, str, int, int]] = []
    for index, item in enumerate(items):
        if isinstance(item, Paragraph):
            text = re.sub(r"[\r\n\v]+", "", item.text).strip()
            if not text:
                continue
            style = item.style.name if item.style is not None else ""
            m = _HEADING_STYLE.match(style or "")
            if m and not _NUMBERED.match(text):
                text = "#" * int(m.group(1)) + " " + text
            elif not _NUMBERED.match(text) and (level := _list_level(item)) is not None and _is_title(text):
                # Word's automatic numbering (「一、」「（一）」 drawn by Word, not in the text): a short numbered
                # paragraph is a heading at its list level
                text = "#" * (level + 1) + " " + text
            parts.append((text, "paragraph", index, -1))
        elif isinstance(item, Table):
            rows = [[cell.text for cell in row.cells] for row in item.rows]
            for r, line in enumerate(table_lines(rows)):
                parts.append((line, "table", index, r))
    body, copy_to, printed = split_distribution([p[0] for p in parts])
    text, spans = assemble(parts[: len(body)])
    if not text.strip():
        raise UnreadableFileError(f"DOCX 中没有文字：{name} / {name} holds no text")
    return ReadResult(text=text, format="docx", title=core_title, copy_to=copy_to, printed_by=printed, spans=spans)
