"""Frozen records shared by every stage. Spans are character offsets into Document.text (normalized)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

SECTION_SEP = " > "


@dataclass(frozen=True, slots=True)
class Responsibility:
    """A 「（责任单位：…）」 note closing a clause."""

    units: tuple[str, ...]  # as written, in order, e.g. ("市工信局", "市发改委")
    has_etc: bool  # the list ends with 「等」
    text: str  # verbatim, including the brackets
    start: int
    end: int
    inherited_units: tuple[str, ...] = ()  # from an earlier 「以下均需…落实，不再列出」 note
    note: str = ""  # the 「以下均需…」 note itself when this clause carries it
    lead: tuple[str, ...] = ()  # 牵头单位 when the note tells them apart from the other units (also in ``units``)

    def display(self) -> str:
        return "、".join(self.units) + ("等" if self.has_etc else "")


@dataclass(frozen=True, slots=True)
class Section:
    id: str
    doc_id: str
    level: int  # 0 = attachment / top document part, 1 = 一、 / 第X章, 2 = （一）/第X条, 3 = 1., 4 = （1）
    marker: str  # "三、", "（二）", "3.", "第五条"
    title: str  # "发展重点"; may be "" for bare articles
    path: tuple[str, ...]  # labels from the root, ending with this section's label
    start: int
    end: int  # end of the section's whole extent (children included)
    parent_id: str | None

    @property
    def label(self) -> str:
        return self.path[-1]

    @property
    def path_str(self) -> str:
        return SECTION_SEP.join(self.path)


@dataclass(frozen=True, slots=True)
class Clause:
    """One body paragraph (after page-break repair), the unit chunks never cross."""

    id: str
    doc_id: str
    section_id: str | None
    section_path: tuple[str, ...]
    start: int
    end: int
    text: str
    heading: str = ""  # run-in heading text inside the paragraph, e.g. "细化行动方案"
    responsibility: Responsibility | None = None


@dataclass(frozen=True, slots=True)
class DocumentMeta:
    doc_id: str
    title: str
    doc_number: str = ""  # 文号
    issuer: str = ""  # 发文机关
    date: str = ""  # 成文日期, ISO yyyy-mm-dd
    date_text: str = ""  # as written, 2023年7月3日
    recipients: str = ""  # 主送机关
    signatory: str = ""  # 落款 office
    notes: tuple[str, ...] = ()  # 附注, e.g. （此件主动公开）
    attachments: tuple[str, ...] = ()  # attachment titles
    effective: str = ""  # 施行 sentence, when stated
    source: str = ""  # file name
    sha256: str = ""
    format: str = ""  # txt | md | docx | pdf | html: what the source file is (from its content)
    valid_from: str = ""  # ISO date the notice takes effect (from its 施行 sentence)
    valid_until: str = ""  # ISO date of its last day in force ("" = no end stated)
    repealed_by: str = ""  # doc_id of a notice in the library that repeals it
    # (start, end, section path) in repealed_by's text of the sentence that repeals this notice
    repeal_sentence: tuple[int, int, str] | None = None


@dataclass(frozen=True, slots=True)
class Document:
    meta: DocumentMeta
    text: str  # normalized text; every span points into it
    sections: tuple[Section, ...]
    clauses: tuple[Clause, ...]
    spans: dict[str, tuple[int, int]] = field(default_factory=dict, hash=False, compare=False)  # metadata field -> span
    # where each stretch of text came from in the source file: (offset, "p.3" | "段12" | "表1行4"), ascending
    origins: tuple[tuple[int, str], ...] = field(default=(), hash=False, compare=False)

    @property
    def doc_id(self) -> str:
        return self.meta.doc_id


@dataclass(frozen=True, slots=True)
class Chunk:
    id: str
    doc_id: str
    doc_title: str
    clause_id: str
    section_path: tuple[str, ...]
    start: int
    end: int
    text: str  # == document.text[start:end]
    units: tuple[str, ...] = ()
    has_etc: bool = False
    origin: str = ""  # where it came from in the source file: "p.3" (PDF page), "段12", "表1行4" (DOCX); "" for text

    @property
    def section(self) -> str:
        return SECTION_SEP.join(self.section_path)

    @property
    def index_text(self) -> str:
        """What the indexes see: the section path gives a clause its topic."""
        return f"{self.section} {self.text}" if self.section_path else self.text


@dataclass(frozen=True, slots=True)
class Hit:
    chunk: Chunk
    score: float  # fused (RRF) score
    dense_score: float | None = None
    sparse_score: float | None = None
    dense_rank: int | None = None
    sparse_rank: int | None = None


@dataclass(frozen=True, slots=True)
class Citation:
    id: int
    doc_id: str
    doc_title: str
    section: str
    text: str
    start: int
    end: int
    score: float
    status: str = ""  # the cited notice today: in_force | expired | not_yet | repealed | unknown
    origin: str = ""  # where the quote came from in the source file: "p.3", "段12", "表1行4"; "" for text files


@dataclass(frozen=True, slots=True)
class Turn:
    role: Literal["user", "assistant"]
    content: str


@dataclass(frozen=True, slots=True)
class Answer:
    answer: str
    answerable: bool
    citations: tuple[Citation, ...]
    rewritten_query: str
    question_type: str
    departments: tuple[str, ...] = ()
    suggestions: tuple[str, ...] = ()  # nearest sections, for refusals
    refusal_reason: str = ""  # which check refused (for evaluation and logs)
    timings_ms: dict[str, float] = field(default_factory=dict, hash=False, compare=False)
