"""Builds everything from Settings once; ``Assistant.ask`` is the single entry for every edge."""

from __future__ import annotations

import functools
import logging
import re
import threading
import time
from collections.abc import Callable, Container, Sequence
from datetime import date
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from policyqa.answer.classify import QueryInfo, asks_metadata, classify, meta_fields, topic_type
from policyqa.answer.compose import Composer, Thresholds
from policyqa.answer.gate import load_gate
from policyqa.answer.scorer import load_scorer
from policyqa.answer.verify import verify_citations
from policyqa.corpus.provenance import origin_at
from policyqa.corpus.validity import status_of
from policyqa.errors import InputError, NotFoundError, PolicyQAError
from policyqa.index.embedders import QueryCache, _NumpyEmbeddings, make_embedder
from policyqa.index.store import IndexBundle, current_version, ensure_index, load_index
from policyqa.library import Library
from policyqa.retrieve.hybrid import HybridRetriever
from policyqa.retrieve.rewrite import QueryRewriter, unlinked
from policyqa.retrieve.scope import DOC_KINDS, KIND_END, Scope, ScopeResolver, naming_spans
from policyqa.settings import Settings
from policyqa.text.normalize import normalize_query
from policyqa.types import SECTION_SEP, Answer, Citation, Document, DocumentMeta, Hit, Turn

log = logging.getLogger(__name__)
T = TypeVar("T")


def _turns(history: Sequence[Turn | dict[str, Any]] | None) -> list[Turn]:
    out = []
    for t in history or ():
        if isinstance(t, Turn):
            out.append(t)
        elif isinstance(t, dict) and t.get("role") in ("user", "assistant") and isinstance(t.get("content"), str):
            out.append(Turn(t["role"], t["content"]))
        else:
            raise InputError("history items must be {'role': 'user'|'assistant', 'content': str}")
    return out


def _pinned(method: Callable[..., T]) -> Callable[..., T]:
    """One engine for the whole call, even if a new index version is swapped in meanwhile."""

    @functools.wraps(method)
    def call(self: Assistant, *args: Any, **kwargs: Any) -> T:
        if getattr(self._local, "engine", None) is not None:
            return method(self, *args, **kwargs)
        self._local.engine = self._engine
        try:
            return method(self, *args, **kwargs)
        finally:
            self._local.engine = None

    return call


@dataclass(frozen=True)
class Engine:
    """Everything derived from one index version; swapped as a whole when a new version is served."""

    bundle: IndexBundle
    retriever: HybridRetriever
    rewriter: QueryRewriter
    composer: Composer
    scoper: ScopeResolver

    @classmethod
    def build(cls, bundle: IndexBundle, settings: Settings) -> Engine:
        retriever = HybridRetriever(bundle, rrf_k=settings.rrf_k, candidates=settings.candidates)
        topics = [s.title for d in bundle.documents.values() for s in d.sections if s.title and len(s.title) <= 16]
        topics += bundle.tokenizer.user_words
        scoper = ScopeResolver(bundle.documents.values(), bundle.tokenizer, units=bundle.aliases.all_names())
        rewriter = QueryRewriter(bundle.tokenizer, topics, scoper.common_terms(), asks_metadata)
        composer = Composer(bundle, Thresholds(coverage=settings.refusal_threshold), load_scorer(settings.sentence_scorer or None),
                            load_gate(settings.refusal_gate or None))
        bundle.tokenizer.save_cache()  # the next version's build reuses what this one tokenized
        return cls(bundle, retriever, rewriter, composer, scoper)


class Assistant:
    """Loads the embedder and index once; thread-safe ``ask``/``search``."""

    def __init__(self, settings: Settings | None = None, *, embedder: _NumpyEmbeddings | None = None,
                 progress: bool = True) -> None:
        self.settings = settings or Settings()
        t0 = time.perf_counter()
        self.embedder = embedder or make_embedder(self.settings)
        self.encode_query = QueryCache(self.embedder, self.settings.query_cache_size)
        self._local = threading.local()
        Library(self.settings).recover()  # finish or drop a change a crash interrupted, before the index is checked
        self._engine = Engine.build(ensure_index(self.settings, self.embedder, progress=progress), self.settings)
        self._refused_version = ""
        self.load_seconds = time.perf_counter() - t0

    # ------------------------------------------------------------------ the served index version
    @property
    def engine(self) -> Engine:
        """The engine this call reads: pinned for the whole of an ``ask``/``search``, else the live one."""
        return getattr(self._local, "engine", None) or self._engine

    bundle = property(lambda self: self.engine.bundle)
    retriever = property(lambda self: self.engine.retriever)
    rewriter = property(lambda self: self.engine.rewriter)
    composer = property(lambda self: self.engine.composer)
    scoper = property(lambda self: self.engine.scoper)

    def use(self, bundle: IndexBundle) -> None:
        """Serve ``bundle`` from now on: everything is built off to the side, then one reference is swapped;
        calls in flight finish on the engine they started with."""
        self._engine = Engine.build(bundle, self.settings)

    def refresh(self) -> bool:
        """Switch to the version index/CURRENT names if it is newer than the one served (another process
        added or removed a notice). A corrupt or partial version is refused; the one serving stays."""
        version = current_version(self.settings.index_dir)
        if not version or version == self._engine.bundle.folder.name or version == self._refused_version:
            return False
        try:
            bundle = load_index(self.settings, self.embedder, version)
        except PolicyQAError as exc:
            self._refused_version = version
            log.error("not switching to index version %s: %s; still serving %s", version, exc.message,
                      self._engine.bundle.folder.name)
            return False
        self.use(bundle)
        log.info("now serving index version %s (%s documents)", version, len(bundle.documents))
        return True

    # ------------------------------------------------------------------ validation
    def _check_question(self, question: object) -> str:
        if not isinstance(question, str):
            raise InputError("question must be a string / 问题必须是字符串")
        if not question.strip():
            raise InputError("question is empty / 问题不能为空")
        if len(question) > self.settings.max_question_chars:
            raise InputError(
                f"question is {len(question)} characters; the limit is {self.settings.max_question_chars} / "
                f"问题过长（{len(question)} 字），上限为 {self.settings.max_question_chars} 字",
                status=413,
            )
        return question

    # ------------------------------------------------------------------ entry points
    @_pinned
    def ask(self, question: str, history: Sequence[Turn | dict[str, Any]] | None = None,
            top_k: int | None = None) -> Answer:
        question = self._check_question(question)
        turns = _turns(history)
        if len(turns) > self.settings.max_history_turns:
            turns = turns[-self.settings.max_history_turns :]  # only recent turns can be referred to
        k = top_k or self.settings.top_k
        if not 0 < k <= 50:
            raise InputError(f"top_k must be between 1 and 50, got {k}")
        timings: dict[str, float] = {}
        rewritten, info, qvec, ranked = self._retrieve(question, turns, k, timings)
        t = time.perf_counter()
        answer = self.composer.compose(info, ranked, qvec)
        if not answer.answerable and info.scope_others:  # the version in force does not say: the earlier ones may
            info = replace(info, scope=info.scope + info.scope_others, scope_others=())
            ranked = self.retriever.search(qvec, list(info.terms), max(k, 6), info.scope)
            answer = self.composer.compose(info, ranked, qvec)
        if not answer.answerable and turns and info.qtype != "injection":
            # a follow-up that, read as asking on its own, finds nothing: asked of the earlier question's topic
            again = self.rewriter.with_topic(normalize_query(question), turns, self._names)
            if again and again != rewritten:
                _, info2, qvec2, ranked2 = self._retrieve(again, (), k, {})
                second = self.composer.compose(info2, ranked2, qvec2)
                if second.answerable:
                    rewritten, info, answer = again, info2, second
        answer = self._other_parts(question, turns, k, answer)
        answer = verify_citations(answer, self.bundle.documents)
        answer = with_status(answer, self.bundle.documents, self.today())
        answer = with_alternatives(answer, info, self.bundle.documents)
        timings["compose"] = _ms(t)
        timings["total"] = sum(timings.values())
        return replace(answer, rewritten_query=rewritten, timings_ms={k2: round(v, 3) for k2, v in timings.items()})

    def _other_parts(self, question: str, turns: Sequence[Turn], k: int, whole: Answer) -> Answer:
        """「评奖多长时间评一次？公示期是多少天？」: a question of several asks, each part asked on its own after the whole
        (so it keeps the whole's notice); a part whose answer quotes what the whole answer does not is added to it."""
        parts = question_parts(question)
        if len(parts) < 2:
            return whole
        if not whole.answerable:
            return self._every_part(parts, turns, k, whole)
        if not whole.citations:
            return whole
        context = [*turns, Turn("user", question), Turn("assistant", whole.answer)]
        docs = {c.doc_id for c in whole.citations}
        cites = list(whole.citations)
        text = whole.answer
        for part in parts:
            _, info, qvec, ranked = self._retrieve(part, context, k, {})
            one = self.composer.compose(info, ranked, qvec)
            if not one.answerable or not one.citations or {c.doc_id for c in one.citations} - docs:
                continue  # not stated, or from another notice than the whole question's
            new = [c for c in one.citations
                   if not any(c.doc_id == o.doc_id and o.start <= c.start and c.end <= o.end for o in cites)]
            if not new or one.answer in text:
                continue
            text += "\n" + one.answer
            cites += new
        return replace(whole, answer=text, citations=tuple(cites))

    def _every_part(self, parts: Sequence[str], turns: Sequence[Turn], k: int, whole: Answer) -> Answer:
        """A whole refused is answered part by part only when every part is answered, from one notice: answering the parts
        that are was measured (dev +1/-1, the holdout +2/-1) — the part answered was often the half of a close-sounding
        unanswerable question that the notice does speak of. Later parts are asked after the earlier ones, so a part
        that names no notice (「…是哪天印发的？经过哪次常务会议审议？」) keeps the first part's."""
        context = list(turns)
        answers: list[Answer] = []
        for part in parts:
            _, info, qvec, ranked = self._retrieve(part, context, k, {})
            one = self.composer.compose(info, ranked, qvec)
            if not one.answerable or not one.citations:
                return whole
            answers.append(one)
            context += [Turn("user", part), Turn("assistant", one.answer)]
        if len({c.doc_id for a in answers for c in a.citations}) > 1:
            return whole
        cites: list[Citation] = []
        for a in answers:
            cites += [c for c in a.citations if c not in cites]
        return replace(answers[0], answer="\n".join(a.answer for a in answers), citations=tuple(cites))

    def _retrieve(self, question: str, turns: Sequence[Turn], k: int,
                  timings: dict[str, float]) -> tuple[str, QueryInfo, Any, Any]:
        """Everything before an answer is composed: rewrite, type, scope, encode, retrieve (also used to fit the scorer)."""
        t = time.perf_counter()
        normalized = normalize_query(question)
        timings["normalize"] = _ms(t)
        t = time.perf_counter()
        # the notice the question itself names, if any (read by both steps); 「那网约车呢」 is resolved without 那/呢
        own = self.scoper.resolve(_FOLLOW_CUES.sub("", normalized) or normalized)
        if turns and own.confident:
            before = self._conversation_scope(turns)
            if before.confident and not set(before.doc_ids) & set(own.doc_ids) and not self._switches(own, normalized, before):
                own = Scope()  # a follow-up within the conversation's notice: it inherits it
        rewritten = self._rewrite(normalized, turns, own)
        info = classify(rewritten, self.bundle.tokenizer, self.bundle.aliases, self.composer.ignore, self.composer.idf)
        timings["rewrite"] = _ms(t)
        t = time.perf_counter()
        scope = self._scope(own, normalized, turns, rewritten)
        # 「北汀…」 naming only a city: retrieval stays among its notices, the answer judges as though none were named
        place = scope.doc_ids if scope.reason == "place" else ()
        info = scoped(info, scope, self.composer.idf)
        timings["scope"] = _ms(t)
        t = time.perf_counter()
        qvec = self.encode_query(_dense_query(_without_names(info.text, info), info.departments, self.bundle))
        timings["embed"] = _ms(t)
        ranked = self.retriever.search(qvec, list(info.terms), max(k, 6), info.scope or place or None)
        timings.update(ranked.timings_ms)
        return rewritten, info, qvec, ranked

    def _names(self, text: str) -> str:
        """The stretch of ``text`` that names the notice it is confidently about, "" if none. A stretch outside the
        notice's title that is one of its section titles (「哪些部门负责未来能源？」: 「未来」 is in the title, 「未来能源」 heads a
        section) is the topic asked about, not a name: 「那元宇宙呢？」 swaps it."""
        scope = self.scoper.resolve(text)
        if not scope.confident:
            return ""
        name = self._name_in(text, scope)
        doc = self.bundle.documents[scope.doc_ids[0]]
        if name and name not in doc.meta.title and any(name in s.title for s in doc.sections if s.title):
            return ""
        return name

    def _name_in(self, text: str, scope: Scope) -> str:
        """The stretch of ``text`` naming ``scope``'s notice: the title's own words (「建筑垃圾管理办法」), else the words
        that picked the notice with the title's characters before them and a 文种 after (「广安殡葬方案」)."""
        title = self.scoper.titles[scope.doc_ids[0]]
        spans = naming_spans(text, title)
        words = sorted((text.find(t), text.find(t) + len(t)) for t in scope.matched_terms + scope.evidence_terms if t in text)
        if spans:
            a, b = spans[0][0], spans[-1][1]
        elif words:
            a, b = words[0]
        else:
            return ""
        for x, y in words:  # 「社科」 next to 「评奖办法」: the words that picked the notice, where they touch the name
            if x <= b + 1 and y >= a - 1:
                a, b = min(a, x), max(b, y)
        while a > 0 and b - a < 16 and "\u4e00" <= text[a - 1] <= "\u9fff" and text[a - 1] in title:
            a -= 1
        kind = _KIND_AFTER.match(text, b)
        return text[a : kind.end() if kind else b]

    def _switches(self, own: Scope, normalized: str, before: Scope) -> bool:
        """Does a follow-up leave the conversation's notice for the one it names itself? By its 文号, by a name that
        ends in its 文种 (「那建筑垃圾管理办法的文号呢？」), or when nothing in it fits the conversation's notice; a
        topic word that happens to be in another title (「殡葬设施的建设用地」) does not switch, unless the conversation's notice
        fits the follow-up far worse."""
        if own.reason == "doc_number":
            return True
        if not self.scoper.same_city(own.doc_ids, before.doc_ids) and not self.scoper.named_places(normalized):
            return False  # 「那跟老旧小区改造同步装的呢？」 in a talk about one city's notice: another city's title is no switch
        spans = naming_spans(normalized, self.scoper.titles[own.doc_ids[0]])
        if any(KIND_END.search(normalized[a:b]) for a, b in spans):
            return True  # named by a stretch of its title that ends in its 文种
        words = {w for w in self.bundle.tokenizer.terms(_FOLLOW_CUES.sub("", normalized)) if len(w) > 1}
        if self._covered(before.doc_ids[0], words) >= self._covered(own.doc_ids[0], words):
            return False  # 「那单项投资2个亿以上的呢？」: every word of it is in the conversation's notice too
        kept = own.scores.get(before.doc_ids[0], 0.0)
        return kept < _STAY_SHARE * own.scores.get(own.doc_ids[0], 0.0)  # the conversation's notice barely fits

    def _covered(self, doc_id: str, words: set[str]) -> int:
        """How many of ``words`` (a question's, two characters or more) the notice's text holds."""
        text = self.bundle.documents[doc_id].text
        return sum(w in text for w in words)

    def _rewrite(self, normalized: str, turns: Sequence[Turn], own: Scope) -> str:
        """Follow-ups made stand-alone; 「那建筑垃圾管理办法的文号呢？」 switches notice, so the earlier notice's name goes."""
        users = [normalize_query(t.content) for t in turns if t.role == "user" and t.content.strip()]
        if not users or not own.confident or own.reason not in ("title", "doc_number"):
            return self.rewriter.rewrite_normalized(normalized, turns, self._names)
        prev = users[-1]
        before = self.scoper.resolve(prev)
        if not before.confident or set(before.doc_ids) & set(own.doc_ids):
            return self.rewriter.rewrite_normalized(normalized, turns, self._names)
        bare = _FOLLOW_CUES.sub("", normalized)
        new_name = self._name_in(bare, own)
        rest = bare.replace(new_name, "", 1) if new_name else bare
        if re.search(r"[\u4e00-\u9fff]{2}", rest.strip("的之")):  # it asks something of its own: stand-alone
            return bare
        old_name = self._name_in(prev, before)
        return prev.replace(old_name, new_name, 1) if old_name and new_name else f"{new_name}{prev}"

    @_pinned
    def sentence_candidates(self, question: str, history: Sequence[Turn | dict[str, Any]] | None = None
                            ) -> list[tuple[str, list[float]]]:
        """(sentence text, features) of every candidate sentence the answer is chosen from (``policyqa fit-scorer``)."""
        _, info, qvec, ranked = self._retrieve(self._check_question(question), _turns(history), self.settings.top_k, {})
        if not ranked.hits:
            return []
        kind = self.composer.fallback
        return [(kind.sent_text[si], feats) for si, _, feats in kind.candidates(info, ranked, qvec)]

    def today(self) -> date:
        return self.settings.today or date.today()

    def _scope(self, scope: Scope, normalized: str, turns: Sequence[Turn], rewritten: str = "") -> Scope:
        """The notice(s) the question names (``scope``, resolved from it); a follow-up that names none inherits the
        conversation's."""
        if rewritten and rewritten not in (normalized, unlinked(normalized)):
            # the follow-up made stand-alone carries the notice's name: its naming words are known exactly (a
            # follow-up whose own words already pick the same notice, 「那高中阶段毛入学率呢？」, names no words of it)
            full = self.scoper.resolve(rewritten)
            if full.confident and (not scope.confident or set(full.doc_ids) == set(scope.doc_ids)):
                scope = full
        if scope.confident:
            if len(scope.doc_ids) > 1 and not scope.year_mismatch:  # several years' notices fit: the one in force first
                today = self.today()
                metas = {d: self.bundle.documents[d].meta for d in scope.doc_ids}
                current = tuple(d for d in scope.doc_ids if status_of(metas[d], today) == "in_force")
                if not current:  # none in force (the latest expired too): the versions no other one here repealed
                    current = tuple(d for d in scope.doc_ids if metas[d].repealed_by not in metas)
                    current = current if len(current) < len(scope.doc_ids) else ()
                older = tuple(d for d in scope.doc_ids if d not in current)
                if current and older and not scope.names_year:
                    # asked without a year, a rule revised (or an order reissued) is answered from the version in force;
                    # the others are named beside the answer and asked only when it does not say
                    return replace(scope, doc_ids=current, others=older)
                scope = replace(scope, doc_ids=current + older)
            return scope
        earlier = self._conversation_scope(turns)
        if earlier.confident:
            return replace(earlier, reason="inherited", matched_terms=(), evidence_terms=(), year_mismatch="")
        return scope

    def _conversation_scope(self, turns: Sequence[Turn]) -> Scope:
        """The notice the conversation is about: the latest user turn that names one."""
        for turn in reversed(turns):
            if turn.role == "user":
                earlier = self.scoper.resolve(normalize_query(turn.content))
                if earlier.confident:
                    return earlier
        return Scope()

    @_pinned
    def search(self, query: str, top_k: int | None = None) -> list[Hit]:
        query = self._check_question(query)
        k = top_k or self.settings.top_k
        if not 0 < k <= 50:
            raise InputError(f"top_k must be between 1 and 50, got {k}")
        q = normalize_query(query)
        info = scoped(classify(q, self.bundle.tokenizer, self.bundle.aliases, self.composer.ignore, self.composer.idf),
                      self.scoper.resolve(q), self.composer.idf)
        qvec = self.encode_query(_dense_query(q, info.departments, self.bundle))
        return self.retriever.search(qvec, list(info.terms), k, info.scope or None).hits[:k]

    @property
    def documents(self) -> list[Document]:
        return list(self.bundle.documents.values())

    def document(self, doc_id: str) -> Document:
        try:
            return self.bundle.documents[doc_id]
        except KeyError:
            raise NotFoundError(f"no document with id {doc_id!r}; see /v1/documents / 没有编号为 {doc_id!r} 的文件，可用编号见 /v1/documents") from None


_FOLLOW_CUES = re.compile(r"^(?:那么?|还有|另外|换成|改成)|(?:的话)?呢?[？?。!！]*$")  # 「那…呢？」 around a follow-up
_KIND_AFTER = re.compile(rf"(?:实施|管理|行动|若干|工作)?(?:{DOC_KINDS})")
_STAY_SHARE = 0.25  # a follow-up stays in the conversation's notice while that one scores this share of the best


def scoped(info: QueryInfo, scope: Scope, known: Container[str] = frozenset()) -> QueryInfo:
    """Attach the scope; words that only name the notice (「殡葬」「实施方案」) stop counting as the topic — unless no
    word the library uses is left (「森林防火期是什么时候」: 森林防火 names the order and is the topic too)."""
    if not scope.confident:
        return info
    named = set(scope.matched_terms)
    topic = tuple(t for t in info.content_terms if t not in named)
    if known and not any(t in known for t in topic):
        topic = info.content_terms
    # inside the notice its own title words match its preamble, not the passage asked about
    terms = tuple(t for t in info.terms if not any(part in named for part in t.split("_")))
    if info.qtype == "metadata":  # 「…废止和修改部分规范性文件的决定中，市司法局负责哪些事」: 废止 names the notice, asks nothing
        bare = _without_terms(info.text, named)
        fields = meta_fields(bare)
        if fields:
            info = replace(info, meta_field="+".join(fields))
        elif len(re.sub(r"\W", "", bare)) >= 4:
            info = replace(info, qtype=topic_type(bare, info.departments, topic or info.content_terms), meta_field="")
    return replace(info, scope=scope.doc_ids, scope_others=scope.others, scope_reason=scope.reason, year_mismatch=scope.year_mismatch,
                   scope_terms=tuple(dict.fromkeys(scope.matched_terms + scope.evidence_terms)),
                   content_terms=topic or info.content_terms, terms=terms or info.terms)


def _without_terms(text: str, terms: set[str]) -> str:
    """``text`` without each of ``terms`` of two characters or more, the longest first."""
    for t in sorted(terms, key=len, reverse=True):
        if len(t) >= 2:
            text = text.replace(t, "")
    return text


def _without_names(text: str, info: QueryInfo) -> str:
    """The question for the embedder, the words that only name its notice taken out (「广安殡葬方案里，」)."""
    if not info.scope:
        return text
    out = _without_terms(text, set(info.scope_terms) - set(info.content_terms))
    return out if len(re.sub(r"\W", "", out)) >= 4 else text


def with_alternatives(answer: Answer, info: QueryInfo, documents: dict[str, Document]) -> Answer:
    """Several notices fit the question equally (two years' orders): say which one answered and name the others."""
    if not answer.answerable or len(info.scope + info.scope_others) < 2 or not answer.citations:
        return answer
    used = {c.doc_id for c in answer.citations}
    others = [d for d in info.scope + info.scope_others if d not in used]
    if not others or len(used) > 1:
        return answer
    first = documents[answer.citations[0].doc_id].meta
    same = any(documents[d].meta.title == first.title for d in others)
    names = "、".join(version_name(documents[d].meta, same) for d in others)
    return replace(answer, answer=f"{answer.answer}\n（以上依据{version_name(first, same)}；文件库中还有{names}也与问题相符，"
                                  f"如问的是那一份，请在问题中写明年份或文号。）")


def version_name(meta: DocumentMeta, same_title: bool) -> str:
    """《title》, with its 文号 (else its date) when another version of the notice has the same title."""
    which = meta.doc_number or meta.date_text or meta.date
    return f"《{meta.title}》" + (f"（{which}）" if same_title and which else "")


def with_status(answer: Answer, documents: dict[str, Document], today: date) -> Answer:
    """Each citation says whether its notice is in force; an answer from an expired or repealed notice says so."""
    if not answer.citations:
        return answer
    cites = tuple(replace(c, status=status_of(documents[c.doc_id].meta, today)) for c in answer.citations)
    text = answer.answer
    warned: list[str] = []
    extra: list[Citation] = []  # the sentence that repealed a cited notice
    for c in cites:
        if c.doc_id in warned or c.status not in ("expired", "repealed"):
            continue
        warned.append(c.doc_id)
        m = documents[c.doc_id].meta
        if c.status == "repealed":
            by_doc = documents.get(m.repealed_by)
            if by_doc is None:
                text += f"\n（提示：《{m.title}》已被《{m.repealed_by}》废止，以上内容仅供参考。）"
                continue
            same = by_doc.meta.title == m.title
            own, by = version_name(m, same), version_name(by_doc.meta, same)
            said = m.repeal_sentence
            if said is None:
                text += f"\n（提示：{own}已被{by}废止，以上内容仅供参考。）"
                continue
            s0, e0, section = said
            text += f"\n（提示：{own}已被{by}废止——「{by_doc.text[s0:e0]}」以上内容仅供参考。）"
            extra.append(Citation(0, by_doc.doc_id, by_doc.meta.title, section, by_doc.text[s0:e0], s0, e0, 1.0,
                                  status_of(by_doc.meta, today), origin_at(by_doc.origins, s0, e0)))
        else:
            text += f"\n（提示：《{m.title}》的有效期至{m.valid_until}，截至{today.isoformat()}已过有效期。）"
    extra = [e for e in extra if not any(e.doc_id == c.doc_id and e.start == c.start for c in cites)]
    cites += tuple(replace(e, id=len(cites) + i) for i, e in enumerate(extra, 1))
    return replace(answer, answer=text, citations=cites)


_ASK_CUE = re.compile(r"多少|几|哪|什么|谁|怎么|如何|怎样|吗|是否|能否|能不能|可不可以|呢|啥|咋|多久|多长")
# 「…怎么规定的」「…有说法吗」 ask what the notice says of the other part's topic: no ask of their own
_SAYS = re.compile(r"(?:怎么|如何|咋|是怎么)(?:说|规定|讲|写|定)的?|有(?:说法|规定|写|提到)吗|(?:说|写|提|规定)(?:了)?(?:吗|没有)")


def question_parts(question: str) -> list[str]:
    """The asks of a question written as several (「从哪天施行？有效期多久？」), each ending in its question mark; [] when
    it is one ask, or a part only asks what the notice says of another's topic."""
    parts = [p.strip() + "？" for p in re.split(r"[？?]", question) if p.strip()]
    if len(parts) < 2:
        return []
    asks = [p for p in parts if _ASK_CUE.search(p) and len(re.findall(r"[\u4e00-\u9fff]", p)) >= 4 and not _SAYS.search(p)]
    return asks if len(asks) >= 2 else []


def _dense_query(text: str, departments: Sequence[str], bundle: IndexBundle) -> str:
    """Departments are written as the corpus writes them (市工业和信息化局 -> 市工信局) for the embedder too."""
    extra = [n for d in departments for n in bundle.aliases.names(d) if n not in text][:3]
    return f"{text} {' '.join(extra)}" if extra else text


def _ms(t0: float) -> float:
    return (time.perf_counter() - t0) * 1e3
