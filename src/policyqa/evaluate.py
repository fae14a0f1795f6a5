"""`policyqa eval`: the QA benchmark. Questions and outcomes are plain records; metrics are pure functions.

Flow: load a question set -> ask a system (in-process ``Assistant``, a running server over HTTP, or the textbook
LangChain baseline) -> one ``Outcome`` per question -> ``judge`` against the gold fields -> ``aggregate`` into
metrics (overall and per question type) -> results JSON + Markdown report.

Text matching (evidence in citations, must_include in answers) compares NFKC-normalized text with all whitespace
and markdown ``**`` removed on both sides, so neither full-width punctuation, page-break spaces nor formatting
decide a match.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import statistics
import subprocess
import time
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Protocol

from policyqa.errors import ConfigError, PolicyQAError
from policyqa.settings import Settings
from policyqa.text.aliases import AliasTable

log = logging.getLogger(__name__)

SCHEMA = 1
DEFAULT_SET = "questions"  # evals/questions.jsonl -> <date>-<sha>.json and latest.md
QUESTION_TYPES = (
    "metadata", "fact", "number", "responsibility", "responsibility_topic", "reverse_responsibility", "enumeration",
    "paraphrase", "page_break", "colloquial", "keyword", "traditional", "english", "followup", "unanswerable",
)
HIT_KS = (1, 3, 5)


class QuestionSetError(PolicyQAError):
    """A question-set file is missing or holds a malformed line."""


# ---------------------------------------------------------------------------------------------------- records
@dataclass(frozen=True, slots=True)
class Question:
    id: str
    question: str
    history: tuple[tuple[str, str], ...]  # (role, content) turns before the question
    type: str
    answerable: bool
    evidence: tuple[str, ...]  # a correct citation contains any one of these
    must_include: tuple[tuple[str, ...], ...]  # every item required; any alternative of an item is enough
    departments: tuple[str, ...]  # gold 责任单位 as the clause writes them
    doc_id: str

    def history_dicts(self) -> list[dict[str, str]]:
        return [{"role": r, "content": c} for r, c in self.history]


@dataclass(frozen=True, slots=True)
class QuestionSet:
    name: str  # file stem, e.g. "questions", "questions_multi"
    path: Path
    sha256: str  # the dataset revision
    questions: tuple[Question, ...]

    @property
    def label(self) -> str:
        """Short name for file names: questions -> "", questions_multi -> "multi", holdout/questions_library -> "holdout-library"."""
        if self.name == DEFAULT_SET:
            return ""
        base = self.name.removeprefix(DEFAULT_SET + "_") or self.name
        # a held-out set shares its stem with the dev set it mirrors; its results must not overwrite the dev results
        return f"holdout-{base}" if _is_holdout(self.path) else base


@dataclass(frozen=True, slots=True)
class CitedSpan:
    doc_id: str
    section: str
    text: str
    start: int
    end: int
    score: float = 0.0


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a system returned for one question."""

    question_id: str
    answer: str
    answerable: bool
    citations: tuple[CitedSpan, ...]
    latency_ms: float
    refusal_reason: str = ""
    question_type: str = ""  # the system's own classification
    rewritten_query: str = ""
    error: str = ""  # the call failed (bad input, HTTP error); the question counts as wrong

    @property
    def refused(self) -> bool:
        return not self.answerable and not self.error


@dataclass(frozen=True, slots=True)
class Judgement:
    """One outcome measured against its question's gold fields."""

    question_id: str
    type: str
    answerable: bool  # gold
    refused: bool
    error: str
    evidence_rank: int | None  # 1-based rank of the first citation holding evidence (answerable only)
    key_coverage: float | None  # answerable only
    missing: tuple[str, ...]  # must_include items absent from the answer (alternatives joined by " / ")
    gold_departments: tuple[str, ...]  # canonical
    predicted_departments: tuple[str, ...]  # canonical, found in the answer text
    citations: int
    valid_citations: int
    answer_chars: int
    latency_ms: float
    correct: bool  # strict accuracy
    doc_id: str = ""  # gold notice ("" for unanswerable)
    first_citation_doc: str = ""  # notice of the first citation ("" when none)

    @property
    def right_notice(self) -> bool | None:
        """The first citation quotes the notice the answer comes from (answerable, answered questions)."""
        if not self.answerable or not self.doc_id:
            return None
        return self.first_citation_doc == self.doc_id

    @property
    def wrong_departments(self) -> tuple[str, ...]:
        if not self.gold_departments:
            return ()
        return tuple(d for d in self.predicted_departments if d not in self.gold_departments)

    @property
    def missed_departments(self) -> tuple[str, ...]:
        return tuple(d for d in self.gold_departments if d not in self.predicted_departments)

    @property
    def failure(self) -> str:
        """The first reason this question fails strict accuracy ("" when correct), for grouping in reports."""
        if self.correct:
            return ""
        if self.error:
            return "error"
        if not self.answerable:
            return "answered an unanswerable question"
        if self.refused:
            return "refused an answerable question"
        if self.wrong_departments:
            return "named a wrong department"
        return "missing required content"


# ---------------------------------------------------------------------------------------------------- loading
def _str_list(value: object, what: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
        raise ValueError(f"{what} must be a list of strings")
    return tuple(value)


def parse_question(data: object) -> Question:
    """One JSONL item -> Question; raises ValueError naming the bad field."""
    if not isinstance(data, dict):
        raise ValueError("item must be a JSON object")
    missing = [k for k in ("id", "question", "history", "type", "answerable", "evidence", "must_include",
                           "departments", "doc_id") if k not in data]
    if missing:
        raise ValueError(f"missing field(s): {', '.join(missing)}")
    for k in ("id", "question", "type", "doc_id"):
        if not isinstance(data[k], str):
            raise ValueError(f"{k} must be a string, got {type(data[k]).__name__}")
    if not data["id"] or not data["question"].strip():
        raise ValueError("id and question must not be empty")
    if data["type"] not in QUESTION_TYPES:
        raise ValueError(f"unknown type {data['type']!r}; expected one of {', '.join(QUESTION_TYPES)}")
    if not isinstance(data["answerable"], bool):
        raise ValueError("answerable must be true or false")
    history = data["history"]
    if not isinstance(history, list) or not all(
        isinstance(t, dict) and t.get("role") in ("user", "assistant") and isinstance(t.get("content"), str)
        for t in history
    ):
        raise ValueError("history must be a list of {role: user|assistant, content: str}")
    must: list[tuple[str, ...]] = []
    if not isinstance(data["must_include"], list):
        raise ValueError("must_include must be a list")
    for item in data["must_include"]:
        alts = (item,) if isinstance(item, str) else _str_list(item, "a must_include item") if isinstance(item, list) else None
        if not alts:
            raise ValueError(f"must_include item {item!r} must be a string or a non-empty list of strings")
        must.append(alts)
    q = Question(
        id=data["id"],
        question=data["question"],
        history=tuple((t["role"], t["content"]) for t in history),
        type=data["type"],
        answerable=data["answerable"],
        evidence=_str_list(data["evidence"], "evidence"),
        must_include=tuple(must),
        departments=_str_list(data["departments"], "departments"),
        doc_id=data["doc_id"],
    )
    if q.answerable and not (q.evidence and q.must_include):
        raise ValueError("an answerable item needs evidence and must_include")
    if not q.answerable and (q.evidence or q.must_include or q.departments):
        raise ValueError("an unanswerable item must have empty evidence, must_include and departments")
    return q


def load_questions(path: Path) -> QuestionSet:
    """Read and validate a question-set JSONL file; the error names the file, line and field."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise QuestionSetError(f"cannot read question set {path}: {exc.strerror or exc}") from exc
    questions: list[Question] = []
    seen: dict[str, int] = {}
    for lineno, line in enumerate(raw.decode("utf-8-sig").splitlines(), 1):
        if not line.strip():
            continue
        try:
            q = parse_question(json.loads(line))
        except ValueError as exc:  # json.JSONDecodeError is a ValueError
            raise QuestionSetError(f"{path}:{lineno}: {exc}") from None
        if q.id in seen:
            raise QuestionSetError(f"{path}:{lineno}: duplicate id {q.id!r} (first on line {seen[q.id]})")
        seen[q.id] = lineno
        questions.append(q)
    if not questions:
        raise QuestionSetError(f"{path} holds no questions")
    return QuestionSet(path.stem, path, hashlib.sha256(raw).hexdigest(), tuple(questions))


# ---------------------------------------------------------------------------------------------------- metrics
def match_key(text: str) -> str:
    """NFKC, markdown ``**`` and all whitespace removed: the form every text comparison uses."""
    return "".join(unicodedata.normalize("NFKC", text).replace("**", "").split())


def evidence_rank(citation_texts: Sequence[str], evidence: Sequence[str]) -> int | None:
    """1-based rank of the first citation containing any evidence string; None when none does."""
    keys = [match_key(e) for e in evidence if match_key(e)]
    for rank, text in enumerate(citation_texts, 1):
        t = match_key(text)
        if any(k in t for k in keys):
            return rank
    return None


def hit_at(ranks: Sequence[int | None], k: int) -> float | None:
    """Share of questions whose evidence is cited within the first k citations."""
    if not ranks:
        return None
    return sum(1 for r in ranks if r is not None and r <= k) / len(ranks)


def mean_reciprocal_rank(ranks: Sequence[int | None]) -> float | None:
    if not ranks:
        return None
    return sum(1 / r for r in ranks if r) / len(ranks)


def missing_items(answer: str, must_include: Sequence[str | Sequence[str]]) -> list[tuple[str, ...]]:
    """The required items that the answer does not contain; an item is a string or a list of alternatives."""
    text = match_key(answer)
    items = [(item,) if isinstance(item, str) else tuple(item) for item in must_include]
    return [alts for alts in items if not any(match_key(a) and match_key(a) in text for a in alts)]


def key_coverage(answer: str, must_include: Sequence[str | Sequence[str]]) -> float | None:
    """Share of required items present in the answer; None when nothing is required."""
    if not must_include:
        return None
    return 1 - len(missing_items(answer, must_include)) / len(must_include)


def canonical_departments(names: Iterable[str], aliases: AliasTable) -> tuple[str, ...]:
    """Gold names as the alias table's canonical names (unknown names stay as they are), order kept."""
    out: list[str] = []
    for n in names:
        c = next((c for v in _bracket_variants(n) if (c := aliases.canonical(v))), n)
        if c not in out:
            out.append(c)
    return tuple(out)


def departments_in_answer(answer: str, aliases: AliasTable) -> tuple[str, ...]:
    """Canonical departments named in an answer text, in order of first mention (either bracket style)."""
    out: list[str] = []
    for variant in _bracket_variants(answer):
        out.extend(d for d in aliases.find(variant) if d not in out)
    return tuple(out)


def _bracket_variants(text: str) -> list[str]:
    """The text as written, with full-width brackets, and NFKC'd: 各县(市)区人民政府 == 各县（市）区人民政府."""
    full = text.replace("(", "（").replace(")", "）")
    return list(dict.fromkeys([text, full, unicodedata.normalize("NFKC", text)]))


def department_counts(predicted: Iterable[str], gold: Iterable[str]) -> tuple[int, int, int]:
    """(true positives, false positives, false negatives) of one question's canonical department sets."""
    p, g = set(predicted), set(gold)
    return len(p & g), len(p - g), len(g - p)


def precision_recall_f1(tp: int, fp: int, fn: int) -> tuple[float | None, float | None, float | None]:
    """Micro precision/recall/F1; None where the denominator is empty."""
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    if precision is None or recall is None:
        return precision, recall, None
    return precision, recall, (2 * precision * recall / (precision + recall) if precision + recall else 0.0)


def refusal_rates(gold_answerable: Sequence[bool], refused: Sequence[bool]) -> tuple[float | None, float | None]:
    """(refusal accuracy = share of unanswerable questions refused, false-refusal rate = share of answerable refused)."""
    unans = [r for a, r in zip(gold_answerable, refused) if not a]
    ans = [r for a, r in zip(gold_answerable, refused) if a]
    return (sum(unans) / len(unans) if unans else None, sum(ans) / len(ans) if ans else None)


def citation_is_valid(citation: CitedSpan, documents: Mapping[str, str]) -> bool:
    """The quoted text is exactly ``documents[doc_id][start:end]``."""
    text = documents.get(citation.doc_id)
    return (text is not None and 0 <= citation.start <= citation.end <= len(text)
            and text[citation.start : citation.end] == citation.text and bool(citation.text))


def is_strictly_correct(answerable: bool, refused: bool, error: str, missing: Sequence[object],
                        wrong_departments: Sequence[str]) -> bool:
    """Answerable: answered, every required item present, no department outside the gold set.
    Unanswerable: refused."""
    if error:
        return False
    if not answerable:
        return refused
    return not refused and not missing and not wrong_departments


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolated percentile (numpy's default), q in [0, 100]."""
    if not values:
        return None
    xs = sorted(values)
    pos = (len(xs) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def judge(question: Question, outcome: Outcome, aliases: AliasTable, documents: Mapping[str, str]) -> Judgement:
    """Measure one outcome; ``documents`` maps doc_id -> the text citations must quote verbatim."""
    if outcome.question_id != question.id:
        raise ValueError(f"outcome {outcome.question_id!r} does not belong to question {question.id!r}")
    refused = outcome.refused
    answer = "" if refused or outcome.error else outcome.answer
    miss = missing_items(answer, question.must_include) if question.answerable else []
    gold = canonical_departments(question.departments, aliases)
    predicted = departments_in_answer(answer, aliases)
    # a department type no 责任单位 note lists (「财政部门」「水务部门」) is still named when the answer says it verbatim
    predicted += tuple(g for g, raw in zip(gold, question.departments)
                       if g not in predicted and any(v in answer for v in _bracket_variants(raw)))
    wrong = [d for d in predicted if d not in gold] if gold else []
    return Judgement(
        question_id=question.id,
        type=question.type,
        answerable=question.answerable,
        refused=refused,
        error=outcome.error,
        evidence_rank=evidence_rank([c.text for c in outcome.citations], question.evidence) if question.answerable else None,
        key_coverage=key_coverage(answer, question.must_include) if question.answerable else None,
        missing=tuple(" / ".join(m) for m in miss),
        gold_departments=gold,
        predicted_departments=predicted,
        citations=len(outcome.citations),
        valid_citations=sum(citation_is_valid(c, documents) for c in outcome.citations),
        answer_chars=len(answer),
        latency_ms=outcome.latency_ms,
        correct=is_strictly_correct(question.answerable, refused, outcome.error, miss, wrong),
        doc_id=question.doc_id,
        first_citation_doc=outcome.citations[0].doc_id if outcome.citations and not refused else "",
    )


def aggregate(judgements: Sequence[Judgement]) -> dict[str, Any]:
    """Metrics over a list of judgements; a metric that does not apply to the subset is None."""
    answerable = [j for j in judgements if j.answerable]
    ranks = [j.evidence_rank for j in answerable]
    dept = [j for j in judgements if j.gold_departments]
    tp = fp = fn = 0
    for j in dept:
        a, b, c = department_counts(j.predicted_departments, j.gold_departments)
        tp, fp, fn = tp + a, fp + b, fn + c
    precision, recall, f1 = precision_recall_f1(tp, fp, fn)
    ref_acc, false_ref = refusal_rates([j.answerable for j in judgements], [j.refused for j in judgements])
    n_cit = sum(j.citations for j in judgements)
    answered = [j.answer_chars for j in judgements if not j.refused and not j.error]
    latencies = [j.latency_ms for j in judgements]
    coverages = [j.key_coverage for j in answerable if j.key_coverage is not None]
    notice = [j.right_notice for j in answerable if j.right_notice is not None]
    notice_answered = [j.right_notice for j in answerable if j.right_notice is not None and not j.refused and not j.error]
    return {
        "n": len(judgements),
        "n_answerable": len(answerable),
        "n_unanswerable": len(judgements) - len(answerable),
        "strict_accuracy": sum(j.correct for j in judgements) / len(judgements) if judgements else None,
        "strict_correct": sum(j.correct for j in judgements),
        "key_coverage": statistics.fmean(coverages) if coverages else None,
        **{f"hit@{k}": hit_at(ranks, k) for k in HIT_KS},
        "mrr": mean_reciprocal_rank(ranks),
        "right_notice_first": sum(notice) / len(notice) if notice else None,
        "right_notice_first_answered": sum(notice_answered) / len(notice_answered) if notice_answered else None,
        "department_precision": precision,
        "department_recall": recall,
        "department_f1": f1,
        "n_department_questions": len(dept),
        "refusal_accuracy": ref_acc,
        "false_refusal_rate": false_ref,
        "refused": sum(j.refused for j in judgements),
        "citation_validity": sum(j.valid_citations for j in judgements) / n_cit if n_cit else None,
        "citations": n_cit,
        "answer_chars_mean": statistics.fmean(answered) if answered else None,
        "answer_chars_median": statistics.median(answered) if answered else None,
        "latency_p50_ms": percentile(latencies, 50),
        "latency_p95_ms": percentile(latencies, 95),
        "errors": sum(bool(j.error) for j in judgements),
    }


def aggregate_by_type(judgements: Sequence[Judgement]) -> dict[str, dict[str, Any]]:
    types = sorted({j.type for j in judgements}, key=lambda t: (QUESTION_TYPES.index(t) if t in QUESTION_TYPES else 99, t))
    return {t: aggregate([j for j in judgements if j.type == t]) for t in types}


def aggregate_by_notice(judgements: Sequence[Judgement]) -> dict[str, dict[str, Any]]:
    """Per gold notice (unanswerable questions under "(unanswerable)"), when a set spans several notices."""
    keys = sorted({j.doc_id or "(unanswerable)" for j in judgements})
    return {k: aggregate([j for j in judgements if (j.doc_id or "(unanswerable)") == k]) for k in keys}


def score(questions: Sequence[Question], outcomes: Sequence[Outcome], aliases: AliasTable,
          documents: Mapping[str, str]) -> tuple[list[Judgement], dict[str, Any]]:
    """Judge every outcome and aggregate: (judgements, {**overall, "by_type": {...}})."""
    by_id = {o.question_id: o for o in outcomes}
    missing = [q.id for q in questions if q.id not in by_id]
    if missing:
        raise ValueError(f"no outcome for {len(missing)} question(s): {', '.join(missing[:5])}")
    judgements = [judge(q, by_id[q.id], aliases, documents) for q in questions]
    out = {**aggregate(judgements), "by_type": aggregate_by_type(judgements)}
    if len({j.doc_id for j in judgements if j.doc_id}) > 1:
        out["by_notice"] = aggregate_by_notice(judgements)
    return judgements, out


def check_thresholds(metrics: Mapping[str, Any], minimums: Mapping[str, float]) -> list[str]:
    """Human-readable violations of ``{metric: minimum}`` (a missing metric counts as a violation)."""
    out = []
    for name, floor in minimums.items():
        value = metrics.get(name)
        if value is None or value < floor - 1e-12:
            out.append(f"{name} = {_fmt_num(value)} < threshold {floor}")
    return out


# ---------------------------------------------------------------------------------------------------- systems
class QASystem(Protocol):
    """Anything that answers a question with citations; ``ask`` never raises for a single bad question."""

    name: str

    def ask(self, question: Question) -> Outcome: ...


def _outcome_from_json(qid: str, data: Mapping[str, Any], latency_ms: float) -> Outcome:
    """The ``cli.answer_json`` / ``POST /v1/ask`` shape -> Outcome."""
    return Outcome(
        question_id=qid,
        answer=str(data.get("answer", "")),
        answerable=bool(data.get("answerable")),
        citations=tuple(
            CitedSpan(str(c.get("doc_id", "")), str(c.get("section", "")), str(c.get("text", "")),
                      int(c.get("start", -1)), int(c.get("end", -1)), float(c.get("score") or 0.0))
            for c in data.get("citations") or ()
        ),
        latency_ms=latency_ms,
        refusal_reason=str(data.get("refusal_reason", "")),
        question_type=str(data.get("question_type", "")),
        rewritten_query=str(data.get("rewritten_query", "")),
    )


class InProcessSystem:
    """Our pipeline, called directly."""

    name = "policyqa"

    def __init__(self, assistant: Any) -> None:  # policyqa.pipeline.Assistant (not imported: keeps this light)
        self.assistant = assistant

    def ask(self, question: Question) -> Outcome:
        t0 = time.perf_counter()
        try:
            a = self.assistant.ask(question.question, question.history_dicts())
        except PolicyQAError as exc:
            return Outcome(question.id, "", False, (), _ms(t0), error=exc.message)
        return Outcome(
            question_id=question.id,
            answer=a.answer,
            answerable=a.answerable,
            citations=tuple(CitedSpan(c.doc_id, c.section, c.text, c.start, c.end, c.score) for c in a.citations),
            latency_ms=_ms(t0),
            refusal_reason=a.refusal_reason,
            question_type=a.question_type,
            rewritten_query=a.rewritten_query,
        )


class HttpSystem:
    """A running server: ``POST {url}/v1/ask`` with ``{question, history, top_k}``."""

    name = "policyqa"

    def __init__(self, url: str, *, api_key: str | None = None, top_k: int | None = None, timeout: float = 60.0,
                 retries: int = 5) -> None:
        try:
            import httpx
        except ImportError as exc:  # pragma: no cover - depends on the install
            from policyqa.errors import MissingDependencyError

            raise MissingDependencyError("evaluating a server with --url needs httpx: pip install httpx") from exc
        if not url.startswith(("http://", "https://")):
            raise ConfigError(f"--url must start with http:// or https://, got {url!r}")
        self.url = url.rstrip("/")
        self.top_k = top_k
        self.retries = retries
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._httpx = httpx
        self._client = httpx.Client(base_url=self.url, headers=headers, timeout=timeout)

    def ask(self, question: Question) -> Outcome:
        body: dict[str, Any] = {"question": question.question, "history": question.history_dicts()}
        if self.top_k is not None:
            body["top_k"] = self.top_k
        for attempt in range(self.retries + 1):
            t0 = time.perf_counter()
            try:
                r = self._client.post("/v1/ask", json=body)
            except self._httpx.HTTPError as exc:
                raise PolicyQAError(f"cannot reach {self.url}/v1/ask: {exc}") from exc
            latency = _ms(t0)
            if r.status_code not in (429, 503) or attempt == self.retries:
                break
            # rate-limited or still loading: wait as told, then ask again (the wait is not latency)
            time.sleep(min(_retry_after(r.headers.get("retry-after")), 60.0))
        if r.status_code in (401, 403):
            raise PolicyQAError(f"{self.url} refused the request (HTTP {r.status_code}): pass the server's API key "
                                "(POLICYQA_API_KEYS)")
        if r.status_code != 200:
            return Outcome(question.id, "", False, (), latency, error=f"HTTP {r.status_code}: {r.text[:200]}")
        return _outcome_from_json(question.id, r.json(), latency)

    def server_info(self) -> dict[str, Any] | None:
        """What the server says about itself (``GET /readyz``: document and chunk counts), when it answers."""
        try:
            r = self._client.get("/readyz")
            data = r.json() if r.status_code == 200 else None
        except (self._httpx.HTTPError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def close(self) -> None:
        self._client.close()


def _retry_after(value: str | None) -> float:
    try:
        return max(float(value or 1), 0.1)
    except ValueError:
        return 1.0


def run_questions(system: QASystem, questions: Sequence[Question], *, progress: bool = False,
                  desc: str | None = None) -> list[Outcome]:
    """Ask every question in order, with a progress bar."""
    from tqdm.auto import tqdm

    return [system.ask(q) for q in tqdm(questions, desc=desc or system.name, unit="q", disable=not progress,
                                         leave=False)]


# ---------------------------------------------------------------------------------------------------- reference data
@dataclass
class Reference:
    """What outcomes are checked against, derived from the corpus files alone (same for in-process and --url)."""

    documents: dict[str, str]  # doc_id -> normalized text (what our citations quote)
    raw_documents: dict[str, str]  # doc_id -> raw file text (what the baseline's citations quote)
    aliases: AliasTable
    corpus_hash: str
    titles: dict[str, str] = field(default_factory=dict)


def load_reference(settings: Settings) -> Reference:
    from policyqa.corpus.load import read_sources
    from policyqa.index.store import parse_corpus

    docs, chash = parse_corpus(settings)
    # the same alias table the index builds: the built-in groups plus every 责任单位 the corpus writes
    units = [u for d in docs for c in d.clauses if c.responsibility for u in c.responsibility.units]
    return Reference(
        documents={d.doc_id: d.text for d in docs},
        raw_documents={s.doc_id: s.raw for s in read_sources(settings.corpus_dir)},
        aliases=AliasTable(units),
        corpus_hash=chash,
        titles={d.doc_id: d.meta.title for d in docs},
    )


# ---------------------------------------------------------------------------------------------------- run
def git_info(cwd: Path | None = None) -> dict[str, Any]:
    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=10,
                                  check=True).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    sha = git("rev-parse", "HEAD")
    return {"sha": sha or "unknown", "short": sha[:7] or "nogit",
            "dirty": bool(git("status", "--porcelain", "--untracked-files=no")) if sha else None}


def versions() -> dict[str, str]:
    from policyqa.index.manifest import _version, library_versions

    out = library_versions()
    for pkg in ("sentence-transformers", "torch", "langchain-text-splitters", "httpx", "rich", "tqdm"):
        out[pkg] = _version(pkg)
    return out


def _system_settings(settings: Settings) -> dict[str, Any]:
    return {k: getattr(settings, k) for k in ("embedder", "top_k", "refusal_threshold", "refusal_gate", "sentence_scorer",
                                              "sentence_vectors", "chunk_max_chars", "rrf_k", "candidates")}


def _outcome_record(q: Question, o: Outcome, j: Judgement) -> dict[str, Any]:
    return {
        "answer": o.answer,
        "answerable": o.answerable,
        "refusal_reason": o.refusal_reason,
        "error": o.error,
        "question_type": o.question_type,
        "rewritten_query": o.rewritten_query,
        "citations": [asdict(c) for c in o.citations],
        "latency_ms": round(o.latency_ms, 1),
        "correct": j.correct,
        "failure": j.failure,
        "missing": list(j.missing),
        "departments_found": list(j.predicted_departments),
        "wrong_departments": list(j.wrong_departments),
        "missed_departments": list(j.missed_departments),
        "evidence_rank": j.evidence_rank,
        "key_coverage": j.key_coverage,
        "citations_valid": j.valid_citations == j.citations,
    }


def run_eval(settings: Settings, questions: Path | QuestionSet, url: str | None = None, baseline: bool = False,
             progress: bool = True, *, assistant: Any = None, api_key: str | None = None) -> dict[str, Any]:
    """Run the question set against our system (in-process, or ``url``) and optionally the baseline.

    Returns the results record (what ``run_eval_cli`` writes as JSON). ``assistant`` reuses a loaded Assistant;
    ``api_key`` (sent as ``Authorization: Bearer``) defaults to the first of POLICYQA_API_KEYS.
    """
    qset = questions if isinstance(questions, QuestionSet) else load_questions(questions)
    started = datetime.now(timezone.utc)
    load_at_start = round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None
    ref = load_reference(settings)
    unknown = sorted({d for q in qset.questions for d in q.departments if ref.aliases.canonical(d) is None})
    if unknown:
        log.warning("gold departments unknown to the alias table (matched only where an answer writes them verbatim): %s", "、".join(unknown))
    asked_docs = sorted({q.doc_id for q in qset.questions if q.doc_id} - ref.documents.keys())
    if asked_docs:
        log.warning("the question set asks about documents missing from %s: %s", settings.corpus_dir, ", ".join(asked_docs))

    manifest: dict[str, Any] | None
    system: QASystem
    if url:
        http = HttpSystem(url, api_key=api_key or next(iter(settings.api_key_list), None), top_k=settings.top_k)
        system, manifest, mode = http, None, "http"
        server = http.server_info()
        if server is None:
            raise PolicyQAError(f"no policyqa server answers at {url} (GET /readyz failed)")
    else:
        if assistant is None:
            from policyqa.pipeline import Assistant

            assistant = Assistant(settings, progress=progress)
        system, manifest, mode = InProcessSystem(assistant), asdict(assistant.bundle.manifest), "in-process"
        server = None
    if manifest and manifest.get("corpus_hash") not in (None, ref.corpus_hash):
        log.warning("the index was built from another corpus than %s: citation validity will be off", settings.corpus_dir)

    outcomes = run_questions(system, qset.questions, progress=progress, desc="policyqa")
    if isinstance(system, HttpSystem):
        system.close()
    judgements, metrics = score(qset.questions, outcomes, ref.aliases, ref.documents)
    systems: dict[str, Any] = {"policyqa": {
        "mode": mode, "url": url, "embedder": (manifest or {}).get("embedder"), "settings": _system_settings(settings),
        "index_manifest": manifest, "server": server,
    }}
    all_metrics = {"policyqa": metrics}
    per_system = {"policyqa": (outcomes, judgements)}

    if baseline:
        b_outcomes, b_info = run_baseline(settings, qset.questions, progress=progress)
        b_judgements, b_metrics = score(qset.questions, b_outcomes, ref.aliases, ref.raw_documents)
        systems["baseline"] = b_info
        all_metrics["baseline"] = b_metrics
        per_system["baseline"] = (b_outcomes, b_judgements)

    records = []
    for i, q in enumerate(qset.questions):
        rec: dict[str, Any] = {
            "id": q.id, "type": q.type, "question": q.question, "history": q.history_dicts(),
            "expected": {"answerable": q.answerable, "must_include": [list(m) for m in q.must_include],
                         "departments": list(q.departments), "evidence": list(q.evidence), "doc_id": q.doc_id},
        }
        for name, (outs, judges) in per_system.items():
            rec[name] = _outcome_record(q, outs[i], judges[i])
        records.append(rec)

    return {
        "schema": SCHEMA,
        "time": started.isoformat(timespec="seconds"),
        "duration_s": round((datetime.now(timezone.utc) - started).total_seconds(), 1),
        "git": git_info(),
        "dataset": {
            "name": qset.name, "path": str(qset.path), "sha256": qset.sha256, "revision": qset.sha256[:12],
            "n": len(qset.questions), "types": dict(Counter(q.type for q in qset.questions)),
        },
        "corpus": {"dir": str(settings.corpus_dir), "hash": ref.corpus_hash,
                   "documents": [{"doc_id": d, "title": t} for d, t in ref.titles.items()]},
        "versions": versions(),
        "host": {"cpus": os.cpu_count(), "loadavg_1min_at_start": load_at_start},
        "systems": systems,
        "metrics": all_metrics,
        "outcomes": records,
    }


def run_baseline(settings: Settings, questions: Sequence[Question], *, progress: bool = False
                 ) -> tuple[list[Outcome], dict[str, Any]]:
    """The textbook LangChain recipe on the same questions, its refusal threshold calibrated on them."""
    from policyqa.baseline import TextbookRAG, calibrate_refusal_threshold

    rag = TextbookRAG(settings.corpus_dir)
    rag.build(progress=progress)
    from tqdm.auto import tqdm

    tops = [rag.top(q.question) for q in tqdm(questions, desc="baseline", unit="q", disable=not progress, leave=False)]
    cal = calibrate_refusal_threshold([t.score for t in tops], [q.answerable for q in questions])
    outcomes = [
        Outcome(q.id, t.text, True, (CitedSpan(t.doc_id, "", t.text, t.start, t.end, t.score),), t.latency_ms)
        if t.score >= cal.threshold else
        Outcome(q.id, rag.refusal_text, False, (), t.latency_ms, refusal_reason=f"score {t.score:.3f} < {cal.threshold:.3f}")
        for q, t in zip(questions, tops)
    ]
    return outcomes, {**rag.describe(), "calibration": asdict(cal)}


# ---------------------------------------------------------------------------------------------------- files
def result_paths(out: Path, qset_label: str, date: str, short_sha: str) -> tuple[Path, Path]:
    suffix = f"-{qset_label}" if qset_label else ""
    return out / f"{date}-{short_sha}{suffix}.json", out / f"latest{suffix}.md"


def _is_holdout(path: Path | str) -> bool:
    """A held-out set lives in a ``holdout`` folder and may share its file name with the dev set it mirrors."""
    return Path(path).parent.name == "holdout"


def find_previous(out: Path, dataset_name: str, exclude: Path,
                  dataset_path: Path | None = None) -> tuple[Path, dict[str, Any]] | None:
    """The newest other result JSON for the same question set (committed ones first; bench files skipped).
    With ``dataset_path``, a held-out set and the dev set of the same name are told apart."""
    tracked: set[str] = set()
    try:
        ls = subprocess.run(["git", "ls-files", "--", "."], cwd=out, capture_output=True, text=True, timeout=10)
        tracked = {Path(line).name for line in ls.stdout.splitlines()}
    except (OSError, subprocess.SubprocessError):
        pass
    found = []
    for p in out.glob("*.json"):
        if p.name.startswith("bench") or p.resolve() == exclude.resolve():
            continue
        try:
            data = json.loads(p.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        same_set = isinstance(data, dict) and data.get("dataset", {}).get("name") == dataset_name and (
            dataset_path is None or _is_holdout(data["dataset"].get("path", "")) == _is_holdout(dataset_path))
        if same_set and "metrics" in data:
            found.append((p.name in tracked, str(data.get("time", "")), p, data))
    if not found:
        return None
    _, _, p, data = max(found, key=lambda x: (x[0], x[1]))
    return p, data


def run_eval_cli(settings: Settings, questions: Path, url: str | None = None, baseline: bool = False,
                 out: Path = Path("evals/results"), *, api_key: str | None = None) -> dict[str, Any]:
    """Run, write ``<date>-<sha>[-<set>].json`` and ``latest[-<set>].md`` into ``out``, print a summary table."""
    qset = load_questions(questions)
    result = run_eval(settings, qset, url=url, baseline=baseline, progress=True, api_key=api_key)
    out.mkdir(parents=True, exist_ok=True)
    json_path, md_path = result_paths(out, qset.label, result["time"][:10], result["git"]["short"])
    previous = find_previous(out, qset.name, json_path, qset.path)
    json_path.write_text(json.dumps(result, ensure_ascii=False, indent=1, default=str) + "\n", encoding="utf-8")
    md_path.write_text(render_markdown(result, json_path, previous), encoding="utf-8")
    print_summary(result, json_path, md_path)
    return result


# ---------------------------------------------------------------------------------------------------- reports
SUMMARY_ROWS: list[tuple[str, str, str]] = [  # (metric key, label, format)
    ("strict_accuracy", "strict accuracy", "pct"),
    ("key_coverage", "key coverage", "pct"),
    ("hit@1", "retrieval hit@1", "pct"),
    ("hit@3", "retrieval hit@3", "pct"),
    ("hit@5", "retrieval hit@5", "pct"),
    ("mrr", "MRR", "num"),
    ("right_notice_first", "first citation from the right notice (refusals count as misses)", "pct"),
    ("right_notice_first_answered", "first citation from the right notice, answered questions", "pct"),
    ("department_precision", "department precision", "pct"),
    ("department_recall", "department recall", "pct"),
    ("department_f1", "department F1", "pct"),
    ("refusal_accuracy", "refusal accuracy (unanswerable refused)", "pct"),
    ("false_refusal_rate", "false-refusal rate (answerable refused) ↓", "pct"),
    ("citation_validity", "citation validity", "pct"),
    ("answer_chars_mean", "answer length, mean chars", "int"),
    ("answer_chars_median", "answer length, median chars", "int"),
    ("latency_p50_ms", "latency p50 ms ↓", "int"),
    ("latency_p95_ms", "latency p95 ms ↓", "int"),
    ("errors", "errors ↓", "int"),
]


def _fmt_num(v: object) -> str:
    return "—" if v is None else f"{v:.3f}" if isinstance(v, float) else str(v)


def _fmt(v: object, kind: str) -> str:
    if v is None:
        return "—"
    if kind == "pct":
        return f"{100 * float(v):.1f}%"  # type: ignore[arg-type]
    if kind == "int":
        return f"{float(v):.0f}"  # type: ignore[arg-type]
    return f"{float(v):.3f}"  # type: ignore[arg-type]


def _delta(new: object, old: object, kind: str) -> str:
    if new is None or old is None:
        return ""
    d = float(new) - float(old)  # type: ignore[arg-type]
    if abs(d) < 1e-9:
        return "±0"
    return f"{100 * d:+.1f} pt" if kind == "pct" else f"{d:+.0f}" if kind == "int" else f"{d:+.3f}"


def _cell(text: str, limit: int | None = None) -> str:
    text = " ".join(text.split())
    if limit and len(text) > limit:
        text = text[: limit - 1] + "…"
    return text.replace("|", "\\|")


def _alts(items: Iterable[Iterable[str]]) -> str:
    return "；".join(" / ".join(a) for a in items)


def render_markdown(result: dict[str, Any], json_path: Path,
                    previous: tuple[Path, dict[str, Any]] | None = None) -> str:
    ds, git, ours = result["dataset"], result["git"], result["systems"]["policyqa"]
    m = result["metrics"]
    has_base = "baseline" in m
    man = ours.get("index_manifest") or {}
    emb = ours.get("embedder") or {}
    L: list[str] = []
    L.append(f"# policyqa evaluation — `{Path(ds['path']).name}` ({ds['n']} questions)\n")
    L.append(f"- **question set:** `{ds['path']}` · sha256 `{ds['sha256'][:12]}` (dataset revision)")
    docs = ", ".join(f"`{d['doc_id']}`" for d in result["corpus"]["documents"])
    L.append(f"- **corpus:** `{result['corpus']['dir']}` — {len(result['corpus']['documents'])} document(s): {docs}"
             f" · corpus hash `{result['corpus']['hash'][:12]}`")
    if man:
        L.append(f"- **policyqa:** {ours['mode']} · embedder `{emb.get('name', '?')}` · chunker `{man.get('chunker')}` · "
                 f"index built {man.get('built_at', '?')} · code `{man.get('code', '?')}` · "
                 f"top_k {ours['settings']['top_k']} · refusal_threshold {ours['settings']['refusal_threshold']}")
    else:
        L.append(f"- **policyqa:** server at {ours.get('url')} ({ours.get('server') or 'no /readyz'}); the server does "
                 "not expose its index manifest")
    if has_base:
        b = result["systems"]["baseline"]
        cal = b["calibration"]
        L.append(f"- **baseline:** {b['recipe']} · embedder `{b['embedder']}` · {b['chunks']} chunks · refusal when "
                 f"top cosine < **{cal['threshold']:.3f}**")
    L.append(f"- **git:** `{git['short']}`{' (uncommitted changes)' if git.get('dirty') else ''} · **time:** "
             f"{result['time']} · run took {result['duration_s']} s · results: `{json_path.name}`\n")

    L.append("## Summary\n")
    head = "| metric | policyqa |" + (" baseline |" if has_base else "") + (" Δ vs previous |" if previous else "")
    L.append(head)
    L.append("|---|---:|" + ("---:|" if has_base else "") + ("---:|" if previous else ""))
    prev_m = previous[1]["metrics"]["policyqa"] if previous else {}
    for key, label, kind in SUMMARY_ROWS:
        if key == "errors" and not m["policyqa"].get("errors") and not (has_base and m["baseline"].get("errors")):
            continue
        row = f"| {label} | {_fmt(m['policyqa'].get(key), kind)}"
        if key == "strict_accuracy":
            row += f" ({m['policyqa']['strict_correct']}/{m['policyqa']['n']})"
        row += " |"
        if has_base:
            bv = m["baseline"].get(key)
            row += f" {_fmt(bv, kind)}" + (f" ({m['baseline']['strict_correct']}/{m['baseline']['n']})"
                                           if key == "strict_accuracy" else "") + " |"
        if previous:
            row += f" {_delta(m['policyqa'].get(key), prev_m.get(key), kind)} |"
        L.append(row)
    mp = m["policyqa"]
    L.append("")
    L.append(f"{mp['n_answerable']} answerable and {mp['n_unanswerable']} unanswerable questions; department metrics "
             f"over the {mp['n_department_questions']} questions with a gold 责任单位 set; latency is wall-clock per "
             f"question{' over HTTP' if ours['mode'] == 'http' else ' in-process'} (host: {result.get('host', {}).get('cpus', '?')} CPUs, "
             f"1-min load {result.get('host', {}).get('loadavg_1min_at_start', '?')} at start); answer length over answered "
             "questions only. Metric definitions: `evals/README.md`.\n")

    if has_base:
        b = result["systems"]["baseline"]
        cal = b["calibration"]
        L.append("### Baseline recipe\n")
        L.append(f"{b['description']}\n")
        L.append(f"Refusal threshold **{cal['threshold']:.3f}**: {cal['rule']} On this set it gives refusal accuracy "
                 f"{_fmt(cal['refusal_accuracy'], 'pct')} at a false-refusal rate of "
                 f"{_fmt(cal['false_refusal_rate'], 'pct')} (tuned on the test questions themselves, which flatters "
                 "the baseline). Follow-ups are asked without their history (the textbook recipe has none); "
                 "its single citation is the top chunk, so its hit@3/5 equal hit@1.\n")

    by_type_cols = [("n", lambda t: str(t["n"])), ("strict", lambda t: _fmt(t["strict_accuracy"], "pct")),
                    ("key cov.", lambda t: _fmt(t["key_coverage"], "pct")), ("hit@1", lambda t: _fmt(t["hit@1"], "pct")),
                    ("hit@5", lambda t: _fmt(t["hit@5"], "pct")), ("MRR", lambda t: _fmt(t["mrr"], "num")),
                    ("dept F1", lambda t: _fmt(t["department_f1"], "pct")), ("refused", lambda t: f"{t['refused']}/{t['n']}"),
                    ("p50 ms", lambda t: _fmt(t["latency_p50_ms"], "int"))]
    base_strict = [("baseline strict", lambda t: _fmt(t.get("strict_accuracy"), "pct"))]
    L.extend(_breakdown("By question type", "type", mp["by_type"], by_type_cols,
                        m["baseline"]["by_type"] if has_base else None, base_strict))
    L.append("\n`refused` is good for `unanswerable` and a false refusal for every other type.\n")
    if mp.get("by_notice"):
        by_notice_cols = [("n", lambda t: str(t["n"])), ("strict", lambda t: _fmt(t["strict_accuracy"], "pct")),
                          ("right notice first", lambda t: _fmt(t["right_notice_first"], "pct")),
                          ("hit@1", lambda t: _fmt(t["hit@1"], "pct")), ("hit@5", lambda t: _fmt(t["hit@5"], "pct")),
                          ("dept F1", lambda t: _fmt(t["department_f1"], "pct")),
                          ("refused", lambda t: f"{t['refused']}/{t['n']}")]
        base_notice = base_strict + [("baseline right notice", lambda t: _fmt(t.get("right_notice_first"), "pct"))]
        L.extend(_breakdown("By notice", "notice", mp["by_notice"], by_notice_cols,
                            m["baseline"].get("by_notice", {}) if has_base else None, base_notice))
        L.append("")

    outcomes = result["outcomes"]
    if previous:
        ppath, pdata = previous
        L.append("## Change against the previous result\n")
        L.append(f"Previous: `{ppath.name}` (git `{pdata.get('git', {}).get('short', '?')}`, {pdata.get('time', '?')}, "
                 f"question-set revision `{pdata.get('dataset', {}).get('revision', '?')}`"
                 + (" — **a different revision of the question set**" if pdata.get("dataset", {}).get("sha256") != ds["sha256"] else "")
                 + "). Metric deltas are in the summary table.\n")
        was = {o["id"]: o["policyqa"]["correct"] for o in pdata.get("outcomes", []) if "policyqa" in o}
        fixed = [o["id"] for o in outcomes if o["id"] in was and o["policyqa"]["correct"] and not was[o["id"]]]
        broke = [o["id"] for o in outcomes if o["id"] in was and not o["policyqa"]["correct"] and was[o["id"]]]
        new = [o["id"] for o in outcomes if o["id"] not in was]
        L.append(f"- now passing ({len(fixed)}): {', '.join(f'`{i}`' for i in fixed) or '—'}")
        L.append(f"- now failing ({len(broke)}): {', '.join(f'`{i}`' for i in broke) or '—'}")
        if new:
            L.append(f"- new questions ({len(new)}): {', '.join(f'`{i}`' for i in new[:30])}{' …' if len(new) > 30 else ''}")
        L.append("")

    failing = [o for o in outcomes if not o["policyqa"]["correct"]]
    L.append(f"## Failing questions — policyqa ({len(failing)} of {len(outcomes)})\n")
    if not failing:
        L.append("None.\n")
    groups: dict[str, list[dict[str, Any]]] = {}
    for o in failing:
        groups.setdefault(o["policyqa"]["failure"], []).append(o)
    order = ["refused an answerable question", "answered an unanswerable question", "named a wrong department",
             "missing required content", "error"]
    for g in sorted(groups, key=lambda x: order.index(x) if x in order else 99):
        L.append(f"### {g} ({len(groups[g])})\n")
        for o in groups[g]:
            L.extend(_failure_block(o))
    invalid = [o for o in outcomes if not o["policyqa"]["citations_valid"]]
    if invalid:
        L.append(f"### citations that are not verbatim spans of their document ({len(invalid)} answers)\n")
        L.append(", ".join(f"`{o['id']}`" for o in invalid) + "\n")
    return "\n".join(L).rstrip() + "\n"


def _breakdown(title: str, key: str, groups: dict[str, dict[str, Any]], cols: list[tuple[str, Any]],
               baseline: dict[str, dict[str, Any]] | None, base_cols: list[tuple[str, Any]]) -> list[str]:
    """A per-group Markdown table (per type, per notice), with the baseline's columns when it ran."""
    extra = base_cols if baseline is not None else []
    lines = [f"## {title}\n", "| " + " | ".join([key] + [h for h, _ in cols + extra]) + " |",
             "|---|" + "---:|" * (len(cols) + len(extra))]
    for name, tm in groups.items():
        cells = [fn(tm) for _, fn in cols] + [fn((baseline or {}).get(name, {})) for _, fn in extra]
        lines.append("| " + " | ".join([name] + cells) + " |")
    return lines


def _failure_block(o: dict[str, Any]) -> list[str]:
    e, g = o["expected"], o["policyqa"]
    base = ""
    if "baseline" in o:
        base = " · baseline " + ("✓" if o["baseline"]["correct"] else "✗")
    out = [f"**`{o['id']}`** · {o['type']}{base} — {_cell(o['question'])}"]
    if o["history"]:
        out.append("- history: " + " ‖ ".join(f"{t['role']}: {_cell(t['content'], 80)}" for t in o["history"]))
    if e["answerable"]:
        exp = f"- expected: {_alts(e['must_include'])}"
        if e["departments"]:
            exp += f" · departments {'、'.join(e['departments'])}"
        out.append(exp)
    else:
        out.append("- expected: a refusal")
    if g["error"]:
        got = f"- got: error {g['error']}"
    elif not g["answerable"]:
        got = "- got: refusal" + (f" (`{g['refusal_reason']}`)" if g["refusal_reason"] else "")
    else:
        got = f"- got: {_cell(g['answer'], 300)}"
    out.append(got)
    why: list[str] = []
    if not g["answerable"] or g["error"]:
        out.append("")
        return out
    if g["missing"]:
        why.append("missing " + "；".join(g["missing"]))
    if g["wrong_departments"]:
        why.append("wrong departments " + "、".join(g["wrong_departments"]))
    if e["answerable"] and g["evidence_rank"] is None:
        why.append("evidence not cited" + (f" (cited: {_cell(g['citations'][0]['section'], 40)})" if g["citations"] else ""))
    if why:
        out.append("- why: " + " · ".join(why))
    out.append("")
    return out


def print_summary(result: dict[str, Any], json_path: Path, md_path: Path) -> None:
    from rich.console import Console
    from rich.table import Table

    m = result["metrics"]
    has_base = "baseline" in m
    console = Console(stderr=False)
    t = Table(title=f"{result['dataset']['name']} · {result['dataset']['n']} questions · git {result['git']['short']}")
    t.add_column("metric")
    t.add_column("policyqa", justify="right")
    if has_base:
        t.add_column("baseline", justify="right")
    for key, label, kind in SUMMARY_ROWS:
        row = [label, _fmt(m["policyqa"].get(key), kind)]
        if has_base:
            row.append(_fmt(m["baseline"].get(key), kind))
        t.add_row(*row)
    console.print(t)
    bt = Table(title="by question type (policyqa)")
    for c in ("type", "n", "strict", "key cov.", "hit@1", "dept F1", "refused"):
        bt.add_column(c, justify="left" if c == "type" else "right")
    for name, tm in m["policyqa"]["by_type"].items():
        bt.add_row(name, str(tm["n"]), _fmt(tm["strict_accuracy"], "pct"), _fmt(tm["key_coverage"], "pct"),
                   _fmt(tm["hit@1"], "pct"), _fmt(tm["department_f1"], "pct"), f"{tm['refused']}/{tm['n']}")
    console.print(bt)
    console.print(f"wrote {json_path} and {md_path}")


def _ms(t0: float) -> float:
    return (time.perf_counter() - t0) * 1e3



# ---------------------------------------------------------------------------------------------------- calibration
def sweep_refusal_threshold(settings: Settings, questions: Path, values: Sequence[float],
                            progress: bool = True) -> list[dict[str, Any]]:
    """Run the question set once per coverage threshold (one Assistant, thresholds swapped in place).

    The gate's rule: refuse when less than ``value`` of a question's topic words (IDF-weighted) are found in
    the evidence, unless the passage is very similar. Pick the highest refusal accuracy whose false-refusal
    rate stays under 3% (issue 2's target), then the highest strict accuracy.
    """
    from dataclasses import replace as dc_replace

    from policyqa.pipeline import Assistant

    qset = load_questions(questions)
    assistant = Assistant(settings, progress=progress)
    ref = load_reference(settings)
    base = assistant.composer.th
    rows = []
    try:
        for v in values:
            assistant.composer.th = dc_replace(base, coverage=float(v))
            outcomes = run_questions(InProcessSystem(assistant), qset.questions, progress=progress, desc=f"coverage≥{v:.2f}")
            _, m = score(qset.questions, outcomes, ref.aliases, ref.documents)
            rows.append({"coverage": float(v), "strict_accuracy": m["strict_accuracy"],
                         "refusal_accuracy": m["refusal_accuracy"], "false_refusal_rate": m["false_refusal_rate"]})
    finally:
        assistant.composer.th = base
    return rows


def run_calibrate_cli(settings: Settings, questions: Path, values: Sequence[float]) -> None:
    from rich.console import Console
    from rich.table import Table

    rows = sweep_refusal_threshold(settings, questions, values)
    ok = [r for r in rows if (r["false_refusal_rate"] or 0.0) < 0.03]
    best = max(ok or rows, key=lambda r: (r["refusal_accuracy"] or 0.0, r["strict_accuracy"] or 0.0))
    table = Table(title=f"refusal gate sweep on {questions}")
    for col in ("coverage", "strict", "refusal acc.", "false refusals", ""):
        table.add_column(col, justify="right")
    for r in rows:
        table.add_row(f"{r['coverage']:.2f}", f"{r['strict_accuracy']:.1%}", f"{r['refusal_accuracy']:.1%}",
                      f"{r['false_refusal_rate']:.1%}", "← best" if r is best else "")
    Console().print(table)
    Console().print(f"current POLICYQA_REFUSAL_THRESHOLD={settings.refusal_threshold}; best on this set: {best['coverage']:.2f}")
