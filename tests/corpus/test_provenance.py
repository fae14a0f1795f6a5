"""Provenance on every chunk and citation: PDF page, DOCX paragraph or table row (corpus/provenance.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from notice_files import files, pdf_file  # noqa: F401  (fixtures)
from policyqa.corpus.chunk import ClauseChunker
from policyqa.corpus.load import SourceFile
from policyqa.corpus.provenance import origin_at
from policyqa.corpus.readers import read_file
from policyqa.corpus.structure import parse_document
from policyqa.text.normalize import normalize_text
from policyqa.types import Chunk


def _chunks(path: Path) -> tuple[object, list[Chunk]]:
    r = read_file(path)
    doc = parse_document(SourceFile(path.stem, path, r.text, "0" * 64, r.format, r.spans))
    return r, ClauseChunker().chunk([doc])


def test_every_pdf_chunk_names_the_page_it_starts_on(pdf_file: Path) -> None:
    r, chunks = _chunks(pdf_file)
    assert chunks and all(re.fullmatch(r"p\.\d+(–\d+)?", c.origin) for c in chunks), [c.origin for c in chunks]
    pages: dict[int, str] = {}
    for s in r.spans:  # a page may be recorded as several spans
        pages[s.index] = pages.get(s.index, "") + normalize_text(r.text[s.start:s.end]).replace("\n", "")
    for c in chunks:
        first = int(c.origin[2:].split("–")[0])
        assert c.text[:8] in pages[first], (c.origin, c.text[:20])
    assert chunks[0].origin == "p.1" and int(chunks[-1].origin[2:].split("–")[-1]) == max(pages)


def test_docx_chunks_name_their_paragraph_and_table_rows(files: dict[str, Path]) -> None:
    _, chunks = _chunks(files["task_docx"])
    origins = [c.origin for c in chunks]
    assert all(re.fullmatch(r"(段\d+|表\d+行\d+)(–\d+|–段\d+|–表\d+行\d+)?", o) for o in origins), origins
    assert any(o.startswith("表1行") for o in origins)  # the 分工表 rows became clauses with their own origin
    numbers = [int(re.match(r"段(\d+)", o).group(1)) for o in origins if o.startswith("段")]
    assert numbers == sorted(numbers)  # in reading order


def test_text_files_have_no_origin() -> None:
    from conftest import FUZHOU

    _, chunks = _chunks(FUZHOU)
    assert {c.origin for c in chunks} == {""}


@pytest.mark.parametrize(("start", "end", "want"), [(0, 5, "p.1"), (95, 105, "p.1–2"), (100, 260, "p.2–3"),
                                                    (300, 310, "p.3")])
def test_origin_at_gives_a_range_across_a_break(start: int, end: int, want: str) -> None:
    marks = ((0, "p.1"), (100, "p.2"), (200, "p.3"))
    assert origin_at(marks, start, end) == want
    assert origin_at(((0, "段7"), (50, "段8")), 40, 60) == "段7–8"
    assert origin_at(((0, "表1行4"), (50, "表1行5")), 40, 60) == "表1行4–5"
    assert origin_at((), 0, 10) == ""
