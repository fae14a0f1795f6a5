"""Where a stretch of a document came from in its source file: 「p.3」 (PDF page), 「段12」 (DOCX paragraph),
「表1行4」 (DOCX table row). Readers record spans in their raw text; the parser rewrites that text (NFKC,
traditional→simplified, page breaks joined, glued items split), so each raw line is found again in the
normalized text, in order, and marks where its origin begins."""

from __future__ import annotations

import os
from bisect import bisect_right
from collections.abc import Sequence

from policyqa.corpus.readers.base import SourceSpan
from policyqa.text.normalize import normalize_text

ANCHOR_CHARS = 12  # enough characters of a line to find it again; short enough to survive a split line
SEARCH_WINDOW = 2000  # how far past the previous line a line may be found (dropped lines, repaired breaks)

Marks = tuple[tuple[int, str], ...]  # (offset in the normalized text, origin label), ascending


def span_labels(spans: Sequence[SourceSpan]) -> list[str]:
    """One label per span; paragraphs and tables are numbered in reading order from 1, pages as printed."""
    paragraphs: dict[int, int] = {}
    tables: dict[int, int] = {}
    out = []
    for s in spans:
        if s.kind == "page":
            out.append(f"p.{s.index}")
        elif s.kind == "paragraph":
            out.append(f"段{paragraphs.setdefault(s.index, len(paragraphs) + 1)}")
        elif s.kind == "table":
            out.append(f"表{tables.setdefault(s.index, len(tables) + 1)}行{s.row + 1}")
        else:  # a line of a portal page or a text file says nothing a reader can look up
            out.append("")
    return out


def origin_marks(raw: str, spans: Sequence[SourceSpan], text: str) -> Marks:
    """Marks in ``text`` (the normalized document) where each recorded span's lines begin."""
    marks: list[tuple[int, str]] = []
    cursor = 0
    for span, label in zip(spans, span_labels(spans)):
        if not label:
            continue
        for line in raw[span.start : span.end].split("\n"):
            anchor = normalize_text(line).strip().lstrip("#*").strip()[:ANCHOR_CHARS]
            if len(anchor) < 2:
                continue
            found = text.find(anchor, cursor, cursor + SEARCH_WINDOW + len(line))
            if found < 0:
                continue  # a line the parser dropped or rewrote: the previous mark still covers the place
            if not marks or marks[-1][1] != label:
                marks.append((found, label))
            cursor = found + len(anchor)
    return tuple(marks)


def origin_at(marks: Marks, start: int, end: int) -> str:
    """The origin of ``text[start:end]``: one label, or a range when it runs over a page or paragraph break."""
    if not marks:
        return ""
    offsets = [m[0] for m in marks]
    first = marks[max(0, bisect_right(offsets, start) - 1)][1]
    last = marks[max(0, bisect_right(offsets, max(start, end - 1)) - 1)][1]
    if first == last:
        return first
    shared = os.path.commonprefix([first, last]).rstrip("0123456789")  # 「段7–8」, 「p.3–4」, 「表1行4–5」
    return f"{first}–{last[len(shared):]}"
