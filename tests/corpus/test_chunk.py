"""Clause-level chunks on the real documents: inside their clause, split at sentence ends, with provenance."""

from __future__ import annotations

import re

import pytest

from policyqa.corpus.chunk import ClauseChunker, sentence_spans
from policyqa.corpus.load import read_sources
from policyqa.corpus.structure import parse_document
from policyqa.errors import ConfigError
from policyqa.types import Chunk, Document
from conftest import CORPUS, TEST_DATA

ENDS = "。！？；"


@pytest.fixture(scope="module")
def docs() -> list[Document]:
    return [parse_document(s) for s in [*read_sources(CORPUS), *read_sources(TEST_DATA)]]


@pytest.fixture(scope="module", params=[220, 80])
def chunked(request: pytest.FixtureRequest, docs: list[Document]) -> tuple[int, list[Chunk]]:
    return request.param, ClauseChunker(request.param).chunk(docs)


def _clauses(docs: list[Document]) -> dict:  # type: ignore[type-arg]
    return {c.id: (d, c) for d in docs for c in d.clauses}


def test_chunks_stay_inside_their_clause_and_quote_the_text(docs: list[Document], chunked: tuple[int, list[Chunk]]) -> None:
    _, chunks = chunked
    clauses = _clauses(docs)
    for ch in chunks:
        doc, clause = clauses[ch.clause_id]
        assert clause.start <= ch.start < ch.end <= clause.end, ch.id
        assert ch.text == doc.text[ch.start:ch.end]
        assert ch.doc_id == doc.doc_id and ch.doc_title == doc.meta.title
        assert ch.section_path == clause.section_path
        assert ch.units == (clause.responsibility.units if clause.responsibility else ())
        assert ch.has_etc == bool(clause.responsibility and clause.responsibility.has_etc)


def test_every_clause_is_covered_once(docs: list[Document], chunked: tuple[int, list[Chunk]]) -> None:
    _, chunks = chunked
    assert len({c.id for c in chunks}) == len(chunks)
    by_clause: dict[str, list[Chunk]] = {}
    for ch in chunks:
        by_clause.setdefault(ch.clause_id, []).append(ch)
    for doc, clause in _clauses(docs).values():
        parts = by_clause[clause.id]
        assert parts[0].start == clause.start and parts[-1].end == clause.end
        for a, b in zip(parts, parts[1:]):
            assert a.end <= b.start
            assert doc.text[a.end:b.start].strip() == ""


def test_long_clauses_split_only_at_sentence_ends(docs: list[Document], chunked: tuple[int, list[Chunk]]) -> None:
    _, chunks = chunked
    clauses = _clauses(docs)
    for ch in chunks:
        doc, clause = clauses[ch.clause_id]
        if ch.end != clause.end:
            at_line_end = doc.text[ch.end:ch.end + 1] == "\n"  # a list item of a 第X条 ends its line
            assert ch.text.rstrip("”’」』")[-1] in ENDS or at_line_end, f"{ch.id} ends mid-sentence: …{ch.text[-12:]}"


def _is_note(sentence: str) -> bool:
    return bool(re.match(r"^[（〔]责任单位", sentence))


def test_chunks_respect_max_chars_except_single_sentences_and_notes(docs: list[Document]) -> None:
    max_chars = 220
    too_long = []
    for ch in ClauseChunker(max_chars).chunk(docs):
        body = [(s, e) for s, e in sentence_spans(ch.text) if not _is_note(ch.text[s:e])]
        if len(body) > 1 and body[-1][1] - body[0][0] > max_chars:
            too_long.append(ch.id)
    assert too_long == []


def test_fuzhou_chunks_respect_max_chars_except_single_sentences_and_notes(docs: list[Document],
                                                                            chunked: tuple[int, list[Chunk]]) -> None:
    max_chars, chunks = chunked
    for ch in chunks:
        if ch.doc_id != docs[0].doc_id:
            continue
        body = [(s, e) for s, e in sentence_spans(ch.text) if not _is_note(ch.text[s:e])]
        if len(body) > 1 and re.fullmatch(r"(?:\d{1,2}\.\s*|（[一二三四五六七八九十]+）|——)?[^。，；]{1,30}。", ch.text[body[0][0]:body[0][1]]):
            body = body[1:]  # a run-in heading (「1. 新一代光电。」) is glued to the sentence after it
        assert len(body) == 1 or body[-1][1] - body[0][0] <= max_chars, ch.id


def test_energy_clause_is_split_in_two_at_a_full_stop(docs: list[Document]) -> None:
    chunks = [c for c in ClauseChunker(220).chunk(docs[:1]) if c.section_path[-1] == "3. 未来能源"]
    assert len(chunks) == 2
    assert chunks[0].text.startswith("3. 未来能源。聚焦储能变流器")
    assert chunks[0].text.endswith("打造全国有影响力的新能源集聚中心。")
    assert chunks[1].text.startswith("重点突破高效安全氢气储运装备、燃料电池关键材料")
    assert chunks[1].text.endswith("（责任单位：市工信局、市发改委、市科技局）")
    assert all(c.units == ("市工信局", "市发改委", "市科技局") for c in chunks)
    assert chunks[0].section == "三、发展重点 > （二）推动重点产业倍增发展 > 3. 未来能源"


def test_a_responsibility_note_never_stands_alone(chunked: tuple[int, list[Chunk]]) -> None:
    _, chunks = chunked
    assert not any(re.match(r"^[（〔]责任单位", ch.text) for ch in chunks)


@pytest.mark.parametrize(
    "max_chars",
    [
        220,
        80,
    ],
)
def test_no_heading_only_chunks(docs: list[Document], max_chars: int) -> None:
    # a 第X条 carries its own text; every other heading must never be a chunk by itself
    sections = [s for d in docs for s in d.sections if not s.marker.endswith("条")]
    headings = {_bare(s.marker + s.title) for s in sections} | {_bare(s.marker) for s in sections}
    heading_only = [ch.text for ch in ClauseChunker(max_chars).chunk(docs) if _bare(ch.text) in headings]
    assert heading_only == []


def _bare(text: str) -> str:
    return re.sub(r"[\s。：:]", "", text)


def test_index_text_carries_the_section_path(docs: list[Document]) -> None:
    ch = next(c for c in ClauseChunker(220).chunk(docs[:1]) if "忆阻器" in c.text)
    assert ch.index_text.startswith("三、发展重点 > （二）推动重点产业倍增发展 > 2. 自主人工智能 ")
    assert ch.index_text.endswith(ch.text)


def test_chunker_rejects_a_tiny_limit() -> None:
    with pytest.raises(ConfigError, match="39"):
        ClauseChunker(39)
    assert ClauseChunker(300).params == {"kind": "clause", "max_chars": 300}


def test_sentence_spans_do_not_split_inside_brackets() -> None:
    text = "加大研发力度。〔责任单位：市工信局，各县（市）区人民政府。以下均需各县（市）区人民政府落实，不再列出〕"
    spans = sentence_spans(text)
    assert [text[s:e] for s, e in spans] == [
        "加大研发力度。",
        "〔责任单位：市工信局，各县（市）区人民政府。以下均需各县（市）区人民政府落实，不再列出〕",
    ]


def test_sentence_spans_keep_closing_quotes_and_offsets() -> None:
    text = "一是建立“揭榜挂帅”制度。二是实施“无人机+行业场景”！ 三是创新首推政策；\n四是载体"
    spans = sentence_spans(text, offset=10)
    assert [text[s - 10:e - 10] for s, e in spans] == [
        "一是建立“揭榜挂帅”制度。", "二是实施“无人机+行业场景”！", "三是创新首推政策；", "四是载体",
    ]
    assert sentence_spans("他说：“好。”然后走了。") == [(0, 7), (7, 12)]


def test_sentence_spans_on_the_notice_note(docs: list[Document]) -> None:
    notice = docs[0]
    clause = next(c for c in notice.clauses if c.responsibility is not None and c.responsibility.note)
    last_s, last_e = sentence_spans(clause.text, clause.start)[-1]
    assert notice.text[last_s:last_e] == clause.responsibility.text
