"""HTTP request/response models. Separate from the internal records in ``types.py``: the wire format can
stay stable while the pipeline changes. ``from_*`` helpers are the only place the two meet."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from policyqa.types import Answer, Citation, Document, Hit, Responsibility, Section

ASK_EXAMPLE_QUESTION = "哪些部门负责未来能源？"


# ---------------------------------------------------------------------------------------- shared pieces
class ChatTurn(BaseModel):
    """One earlier turn of the conversation; follow-ups such as 「那元宇宙呢？」 are resolved against it."""

    role: Literal["user", "assistant"] = Field(description="who said it")
    content: str = Field(description="what was said (for the assistant: the answer text it gave)")


class CitationOut(BaseModel):
    id: int = Field(description="footnote number, 1-based, as used in the answer")
    doc_id: str
    doc_title: str
    section: str = Field(description="section path in the document, e.g. 「三、发展重点 > （二）… > 3. 未来能源」")
    text: str = Field(description="verbatim quote: equals document.text[start:end]")
    start: int = Field(description="character offset of the quote in the normalized document text")
    end: int
    score: float = Field(description="retrieval score of the passage the quote came from (higher is closer)")
    status: str = Field("", description="the cited notice today: in_force | expired | not_yet | repealed | unknown")
    origin: str = Field("", description="where the quote is in the source file: 「p.3」 (PDF page, 「p.3–4」 across a "
                                        "break), 「段12」 (DOCX paragraph), 「表1行4」 (DOCX table row); '' for text files")

    @classmethod
    def from_citation(cls, c: Citation) -> CitationOut:
        return cls(id=c.id, doc_id=c.doc_id, doc_title=c.doc_title, section=c.section, text=c.text,
                   start=c.start, end=c.end, score=c.score, status=c.status, origin=c.origin)


class ErrorOut(BaseModel):
    detail: str = Field(description="what went wrong and what to do about it (Chinese and English)")


# ---------------------------------------------------------------------------------------- /v1/ask
# At least one character that is not whitespace, judged as Python's str.strip() judges it (the pipeline refuses
# the rest); pydantic uses Python's re so that the schema and the server agree on every character.
NOT_BLANK = r"\S"


class AskRequest(BaseModel):
    question: str = Field(min_length=1, pattern=NOT_BLANK, examples=[ASK_EXAMPLE_QUESTION],
                          description="the question, simplified or traditional characters (not blank; at most "
                                      "POLICYQA_MAX_QUESTION_CHARS, else 413)")
    history: list[ChatTurn] = Field(default_factory=list, description="earlier turns, oldest first")
    top_k: int | None = Field(None, ge=1, le=50, description="passages to retrieve (default from settings)")

    model_config = ConfigDict(regex_engine="python-re", json_schema_extra={"examples": [
        {"question": ASK_EXAMPLE_QUESTION},
        {"question": "那元宇宙呢？", "history": [
            {"role": "user", "content": ASK_EXAMPLE_QUESTION},
            {"role": "assistant", "content": "「3. 未来能源」的责任单位是：市工信局、市发改委、市科技局。"}]},
    ]})


class AskResponse(BaseModel):
    answer: str = Field(description="the answer, composed only of text found in the documents; "
                                    "a refusal says so and names the nearest sections")
    answerable: bool = Field(description="false when the documents hold no basis for an answer")
    citations: list[CitationOut] = Field(description="verbatim quotes backing the answer, numbered from 1")
    rewritten_query: str = Field(description="the question as understood after resolving follow-ups")
    question_type: str = Field(description="responsibility, enumeration, metadata, count, general, …")
    departments: list[str] = Field(default_factory=list, description="responsible units named in the answer")
    suggestions: list[str] = Field(default_factory=list, description="for refusals: the nearest section paths")
    refusal_reason: str = Field("", description="for refusals: which check refused (e.g. detail_not_stated:amount)")
    timings_ms: dict[str, float] = Field(default_factory=dict, description="time per pipeline stage")

    @classmethod
    def from_answer(cls, a: Answer) -> AskResponse:
        return cls(answer=a.answer, answerable=a.answerable,
                   citations=[CitationOut.from_citation(c) for c in a.citations],
                   rewritten_query=a.rewritten_query, question_type=a.question_type,
                   departments=list(a.departments), suggestions=list(a.suggestions),
                   refusal_reason=a.refusal_reason, timings_ms=dict(a.timings_ms))


# ---------------------------------------------------------------------------------------- /v1/search
class SearchRequest(BaseModel):
    model_config = ConfigDict(regex_engine="python-re")
    query: str = Field(min_length=1, pattern=NOT_BLANK, examples=["未来能源 责任单位"],
                       description="search text (not blank; at most POLICYQA_MAX_QUESTION_CHARS, else 413)")
    top_k: int | None = Field(None, ge=1, le=50, description="number of passages (default from settings)")


class SearchHitOut(BaseModel):
    rank: int = Field(description="1-based rank after fusion")
    chunk_id: str
    doc_id: str
    doc_title: str
    section: str = Field(description="section path of the passage")
    text: str = Field(description="the passage, verbatim")
    start: int
    end: int
    units: list[str] = Field(description="responsible units of the clause the passage belongs to")
    score: float = Field(description="fused reciprocal-rank score")
    dense_score: float | None = Field(None, description="cosine similarity from the embedding index")
    sparse_score: float | None = Field(None, description="BM25 score")
    dense_rank: int | None = Field(None, description="0-based rank in the embedding index, if retrieved there")
    sparse_rank: int | None = Field(None, description="0-based rank in BM25, if retrieved there")
    origin: str = Field("", description="where the passage is in the source file: 「p.3」, 「段12」, 「表1行4」; '' for text")

    @classmethod
    def from_hit(cls, rank: int, h: Hit) -> SearchHitOut:
        c = h.chunk
        return cls(rank=rank, chunk_id=c.id, doc_id=c.doc_id, doc_title=c.doc_title, section=c.section,
                   text=c.text, start=c.start, end=c.end, units=list(c.units) + (["等"] if c.has_etc else []),
                   score=h.score, dense_score=h.dense_score, sparse_score=h.sparse_score,
                   dense_rank=h.dense_rank, sparse_rank=h.sparse_rank, origin=c.origin)


class SearchResponse(BaseModel):
    query: str
    hits: list[SearchHitOut]


# ---------------------------------------------------------------------------------------- /v1/documents
class DocumentSummaryOut(BaseModel):
    doc_id: str
    title: str = Field(description="标题")
    doc_number: str = Field(description="文号, e.g. 榕政办〔2023〕50号")
    issuer: str = Field(description="发文机关")
    date: str = Field(description="成文日期, yyyy-mm-dd")
    date_text: str = Field(description="成文日期 as written")
    recipients: str = Field(description="主送机关")
    signatory: str = Field(description="落款")
    notes: list[str] = Field(description="附注")
    attachments: list[str] = Field(description="附件 titles")
    effective: str = Field(description="施行 sentence, when stated")
    source: str = Field(description="file name in the corpus")
    sections: int = Field(description="number of sections")
    clauses: int = Field(description="number of body paragraphs")
    valid_from: str = Field("", description="date it takes effect, from its 施行 sentence (yyyy-mm-dd; '' = not stated)")
    valid_until: str = Field("", description="last day in force (yyyy-mm-dd; '' = no end stated)")
    repealed_by: str = Field("", description="doc_id of a notice in the library that repeals it")
    format: str = Field("", description="source file format read from its content: txt, md, docx, pdf, html")
    sha256: str = Field("", description="SHA-256 of the source file's bytes")
    original_name: str = Field("", description="the name the file was uploaded as")
    added_at: str = Field("", description="when it entered the library (ISO 8601, UTC; file time for files placed by hand)")
    size: int = Field(0, description="source file size in bytes")
    chunks: int = Field(0, description="passages indexed from it")

    @classmethod
    def fields_from(cls, d: Document) -> dict[str, Any]:
        m = d.meta
        return dict(doc_id=m.doc_id, title=m.title, doc_number=m.doc_number, issuer=m.issuer, date=m.date,
                    date_text=m.date_text, recipients=m.recipients, signatory=m.signatory, notes=list(m.notes),
                    attachments=list(m.attachments), effective=m.effective, source=m.source,
                    sections=len(d.sections), clauses=len(d.clauses), valid_from=m.valid_from,
                    valid_until=m.valid_until, repealed_by=m.repealed_by, format=m.format, sha256=m.sha256)

    @classmethod
    def from_document(cls, d: Document) -> DocumentSummaryOut:
        return cls(**cls.fields_from(d))


class DocumentListResponse(BaseModel):
    count: int
    documents: list[DocumentSummaryOut]
    index_version: str = Field("", description="the index version serving (a folder name under index/versions)")


class DocumentChangeOut(BaseModel):
    """The result of an upload or a removal: the knowledge base already serves the new index version."""

    added: list[str] = Field(description="doc_ids added")
    replaced: list[str] = Field(description="doc_ids replaced by an upload (same id, 文号 or title)")
    removed: list[str] = Field(description="doc_ids removed")
    documents: int = Field(description="notices in the library now")
    chunks: int = Field(description="passages in the index now")
    index_version: str = Field(description="the index version now serving")
    seconds: float = Field(description="time to read, store and index the change")


class ResponsibilityOut(BaseModel):
    clause_id: str = Field(description="the paragraph that carries the 「（责任单位：…）」 note")
    units: list[str] = Field(description="units as written, in order")
    has_etc: bool = Field(description="the list ends with 「等」")
    text: str = Field(description="the note verbatim")
    start: int
    end: int
    inherited_units: list[str] = Field(description="units added by an earlier 「以下均需…落实，不再列出」 note")
    note: str = Field(description="the 「以下均需…」 note itself, when this clause carries it")

    @classmethod
    def from_responsibility(cls, clause_id: str, r: Responsibility) -> ResponsibilityOut:
        return cls(clause_id=clause_id, units=list(r.units), has_etc=r.has_etc, text=r.text, start=r.start,
                   end=r.end, inherited_units=list(r.inherited_units), note=r.note)


class SectionNodeOut(BaseModel):
    id: str
    level: int = Field(description="1 = 一、, 2 = （一）, 3 = 1., 4 = （1）; 0 = attachment")
    marker: str
    title: str
    label: str = Field(description="marker + title, as in citations")
    path: list[str] = Field(description="labels from the root to this section")
    start: int
    end: int
    responsibility_units: list[str] = Field(description="units responsible for this section's own paragraphs")
    responsibilities: list[ResponsibilityOut] = Field(description="each 「（责任单位：…）」 note in the section")
    children: list[SectionNodeOut] = Field(default_factory=list)

    @classmethod
    def from_section(cls, s: Section, responsibilities: list[ResponsibilityOut]) -> SectionNodeOut:
        units: list[str] = []
        for r in responsibilities:
            units += [u for u in r.units if u not in units]
        return cls(id=s.id, level=s.level, marker=s.marker, title=s.title, label=s.label, path=list(s.path),
                   start=s.start, end=s.end, responsibility_units=units, responsibilities=responsibilities)


class DocumentDetailOut(DocumentSummaryOut):
    sections_tree: list[SectionNodeOut] = Field(description="top-level sections; each holds its children")
    text: str | None = Field(None, description="normalized full text (only with ?include_text=true); "
                                               "every start/end offset points into it")

    @classmethod
    def from_document(cls, d: Document, include_text: bool = False) -> DocumentDetailOut:  # type: ignore[override]
        return cls(**cls.fields_from(d), sections_tree=section_tree(d), text=d.text if include_text else None)


def section_tree(d: Document) -> list[SectionNodeOut]:
    resp: dict[str, list[ResponsibilityOut]] = {}
    for c in d.clauses:
        if c.section_id and c.responsibility:
            resp.setdefault(c.section_id, []).append(ResponsibilityOut.from_responsibility(c.id, c.responsibility))
    nodes = {s.id: SectionNodeOut.from_section(s, resp.get(s.id, [])) for s in d.sections}
    roots: list[SectionNodeOut] = []
    for s in d.sections:  # sections are in document order, so children stay ordered
        parent = nodes.get(s.parent_id) if s.parent_id else None
        (parent.children if parent else roots).append(nodes[s.id])
    return roots


# ---------------------------------------------------------------------------------------- health
class HealthOut(BaseModel):
    status: Literal["ok"] = "ok"


class ReadyOut(BaseModel):
    status: Literal["ready"] = "ready"
    documents: int
    chunks: int
    load_seconds: float = Field(description="time spent loading the model and index at start-up")
    ui: Literal["ready", "starting", "failed", "off"] = Field(
        description="the chat UI at /: `starting` while it is built after the API opened (/ answers 503 meanwhile), "
                    "`failed` when it could not be built (the API keeps working), `off` when not served")


# ---------------------------------------------------------------------------------------- OpenAI-compatible chat
class TextPart(BaseModel):
    """Only text parts are answered; an image or audio part is refused (422)."""

    model_config = ConfigDict(extra="allow")
    type: Literal["text"]
    text: str


class ChatMessageIn(BaseModel):
    model_config = ConfigDict(extra="allow")  # name, tool_calls, … are accepted and ignored
    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | list[TextPart] | None = None


class ChatCompletionRequest(BaseModel):
    """The OpenAI chat-completions request. Sampling parameters (temperature, …) are accepted and ignored:
    answers are extractive and deterministic."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [{
        "model": "policyqa",
        "messages": [{"role": "user", "content": ASK_EXAMPLE_QUESTION}],
    }]})
    model: str = Field("policyqa", description="any string; echoed back")
    messages: list[ChatMessageIn] = Field(min_length=1, description="the conversation; the last message must be the "
                                                                    "user's question (else 422); system/developer "
                                                                    "messages are ignored")
    stream: bool = Field(False, description="send the answer as server-sent events (chat.completion.chunk)")
    n: int = Field(1, ge=1, le=1, description="only 1 is supported")
    top_k: int | None = Field(None, ge=1, le=50, description="policyqa extension: passages to retrieve")


class ChatMessageOut(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str


class ChatChoice(BaseModel):
    index: int = 0
    message: ChatMessageOut
    finish_reason: Literal["stop"] = "stop"


class Usage(BaseModel):
    """Counted in characters: the pipeline has no tokenizer of its own."""

    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class AnswerInfo(BaseModel):
    answerable: bool
    question_type: str
    rewritten_query: str
    departments: list[str]
    suggestions: list[str]

    @classmethod
    def from_answer(cls, a: Answer) -> AnswerInfo:
        return cls(answerable=a.answerable, question_type=a.question_type, rewritten_query=a.rewritten_query,
                   departments=list(a.departments), suggestions=list(a.suggestions))


class ChatCompletionResponse(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    system_fingerprint: str
    choices: list[ChatChoice]
    usage: Usage
    citations: list[CitationOut] = Field(description="extension: the footnotes [1], [2], … of the content")
    policyqa: AnswerInfo = Field(description="extension: how the question was understood")


class ModelOut(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int
    owned_by: str = "policyqa"


class ModelListOut(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelOut]


SectionNodeOut.model_rebuild()
