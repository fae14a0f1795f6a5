"""Clause-level chunks: never cross a clause; long clauses split at sentence ends."""

from __future__ import annotations

import re
from collections.abc import Iterable

from policyqa.corpus.provenance import origin_at
from policyqa.errors import ConfigError
from policyqa.types import Chunk, Clause, Document

_ENDS = "。！？；!?;"
_CLOSERS = "”’」』"
_OPEN, _CLOSE = "（(〔[【", "）)〕]】"


def sentence_spans(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """Spans of sentences (ending in 。！？； or a newline, never inside brackets), trimmed of whitespace.

    Hand-written: a 〔责任单位：…。以下均需…〕 note holds a 。 that must not end the sentence.
    """
    bounds, depth, i, n = [], 0, 0, len(text)
    start = 0
    while i < n:
        ch = text[i]
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        if ch == "\n" or (ch in _ENDS and depth == 0):
            j = i + 1
            while j < n and text[j] in _CLOSERS:
                j += 1
            bounds.append((start, j))
            start, i = j, j
            continue
        i += 1
    if start < n:
        bounds.append((start, n))
    spans = []
    for s, e in bounds:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            spans.append((offset + s, offset + e))
    return spans


_RESP_NOTE = re.compile(r"^[（〔(\[]\s*(?:主要)?(?:责任单位|牵头单位|责任部门|配合单位)")
_RUNIN = re.compile(r"^(?:\d{1,2}[.．]\s*|[（(][一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+、|——)?[^。，；]{1,30}。$")


def _is_runin_heading(sentence: str) -> bool:
    return bool(_RUNIN.match(sentence)) and len(sentence) <= 36


class ClauseChunker:
    """Packs a clause's sentences into chunks of at most ``max_chars`` (a longer single sentence stays whole)."""

    def __init__(self, max_chars: int = 220) -> None:
        if max_chars < 40:
            raise ConfigError(f"chunk max_chars must be >= 40, got {max_chars}")
        self.max_chars = max_chars

    @property
    def params(self) -> dict[str, object]:
        return {"kind": "clause", "max_chars": self.max_chars}

    def chunk(self, docs: Iterable[Document]) -> list[Chunk]:
        out: list[Chunk] = []
        for doc in docs:
            for clause in doc.clauses:
                out.extend(self._clause_chunks(doc, clause))
        return out

    def _clause_chunks(self, doc: Document, clause: Clause) -> list[Chunk]:
        spans = sentence_spans(clause.text, clause.start)
        groups: list[tuple[int, int]] = []
        for s, e in spans:
            # a responsibility note never stands alone: it closes the sentence before it;
            # a run-in heading 「1. 新一代光电。」 never stands alone either: it opens the sentence after it
            heading_only = len(groups) == 1 and groups[0][0] == clause.start and _is_runin_heading(doc.text[groups[0][0]:groups[0][1]])
            if groups and (e - groups[-1][0] <= self.max_chars or _RESP_NOTE.match(doc.text[s:e]) or heading_only):
                groups[-1] = (groups[-1][0], e)
            else:
                groups.append((s, e))
        resp = clause.responsibility
        units = resp.units if resp else ()
        return [
            Chunk(
                id=f"{clause.id}:{i}",
                doc_id=doc.doc_id,
                doc_title=doc.meta.title,
                clause_id=clause.id,
                section_path=clause.section_path,
                start=s,
                end=e,
                text=doc.text[s:e],
                units=units,
                has_etc=bool(resp and resp.has_etc),
                origin=origin_at(doc.origins, s, e),
            )
            for i, (s, e) in enumerate(groups)
        ]
