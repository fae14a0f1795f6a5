"""Which notice(s) a question is about, with a confidence, before any passage is retrieved.

A citizen names a notice the way they remember it: a short title (「广安殡葬方案」), its topic and 文种
(「网约车细则」), its 文号, or an issuer and a year (「2023年森林防火命令」). Every document gets a score from
three kinds of evidence, each weighted by how rare it is across the library (so 「广安」「实施方案」, shared by
many titles, decide nothing):

- title n-grams: character 2- and 3-grams of the question found in the document's core title;
- body terms: words of the question that only a few documents use (「网约车」 is in one notice's body);
- exact identifiers: the 文号, and years (a question naming 2021 does not fit a 2023 order).

The scope is the best document when it clearly beats the rest, the few tied ones when several fit
equally (two years' orders), and no scope (search everything) when nothing names a notice.
"""

from __future__ import annotations

import math
from functools import lru_cache
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from policyqa.corpus.structure import rule_parts
from policyqa.text.normalize import normalize_query
from policyqa.text.synonyms import expand_synonyms
from policyqa.text.tokenize import Tokenizer
from policyqa.types import Document

# the 文种 a citizen ends a notice's name with (「…管理办法」「2023年森林防火命令」)
DOC_KINDS = "意见|通知|办法|方案|细则|规定|命令|政策|措施|决定|条例|规划|计划"
KIND_END = re.compile(rf"(?:{DOC_KINDS})$")
_YEAR = re.compile(r"(19|20)\d{2}(?=年|\b)")


@dataclass(frozen=True, slots=True)
class Scope:
    """The documents a question is about; empty ``doc_ids`` = the whole library."""

    doc_ids: tuple[str, ...] = ()
    confidence: float = 0.0  # 0..1: how clearly the best document beats the next one
    scores: dict[str, float] = field(default_factory=dict, hash=False, compare=False)
    matched_terms: tuple[str, ...] = ()  # words of the question that name the notice, not the topic
    reason: str = ""  # doc_number | title | none | inherited | single | place (every notice of the city the question names)
    year_mismatch: str = ""  # the question names a year no fitting notice has (「2021年森林防火命令」)
    evidence_terms: tuple[str, ...] = ()  # every word that picked the scope, incl. words only its body uses
    names_year: bool = False  # the question names a year (「2021年的…办法」)
    others: tuple[str, ...] = ()  # notices that fit as well but are no longer in force (set by the pipeline)

    @property
    def confident(self) -> bool:
        return bool(self.doc_ids) and self.reason not in ("none", "place")  # a city alone names no notice


_PLACE = re.compile(r"([\u4e00-\u9fff]{2,3}?)(?:市|省|县|区)")
_VERTICAL = re.compile(r"^(?:国家税务总局|中国人民银行|国家金融监督管理总局|国家统计局|国家外汇管理局)")


def places_of(doc: Document) -> set[str]:
    """The places a notice is of: the jurisdiction its issuers and its title open with (「广安市人民政府关于…」 -> {广安});
    never a word inside the title (「老旧小区」 is no place 「老旧小」, 「激发市场」 no place 「激发」)."""
    m = doc.meta
    # a vertically run office is named by its head office first: 「国家税务总局白溪市税务局」 is of 白溪
    opens = [_VERTICAL.sub("", i) for i in m.issuer.split("、")] + \
        [m.title, *re.findall(r"(?:关于(?:印发|转发)|《)(.+)", m.title)]
    found = {p.group(1) for t in opens if (p := _PLACE.match(t))}
    return found or set(_PLACE.findall(m.issuer + m.title))  # an issuer line the parser could not read alone


def same_place(places: set[str], named: set[str]) -> bool:
    """One of ``places`` is one of ``named``, or its short form (「川湾」 of 「临川湾」) or long form."""
    return any(n in p or p in n for p in places for n in named)


def may_be_of(places: set[str], named: set[str]) -> bool:
    """A notice of ``places`` may be a notice of the places ``named``: one of them, or a notice of no known place
    (「关于鹤汀大道…的通告」 signed by no organ the parser read) — it cannot be ruled out."""
    return not places or same_place(places, named)


def core_title(title: str) -> str:
    """「广安市人民政府办公室关于印发《广安市政府投资管理办法》的通知」 -> 「广安市政府投资管理办法」."""
    inner = re.findall(r"《([^》]{4,})》", title)
    if inner:
        return "".join(inner)
    t = re.sub(r"的通知$", "", title)
    t = re.sub(r"^.*?关于(?:印发|转发)?", "", t) if "关于" in t else re.sub(r"^.*?(?:印发|转发)", "", t)
    return t or title


def _ngrams(text: str, ns: Sequence[int] = (2, 3)) -> set[str]:
    # 「高质量发展的若干政策」 and 「高质量发展若干政策」 name alike: the particle 的 is dropped before n-gramming
    text = re.sub(r"[^\u4e00-\u9fffA-Za-z0-9]", " ", text.replace("的", ""))
    out: set[str] = set()
    for part in text.split():
        for n in ns:
            out.update(part[i : i + n] for i in range(len(part) - n + 1))
    return out


def _contractions(title: str, tok: Tokenizer) -> set[str]:
    """The two-character contractions a title's adjacent words make (文化旅游 -> 文旅, 社会科学 -> 社科, 网络预约 -> 网约):
    how citizens name a notice by its topic."""
    words = [t for t in dict.fromkeys(tok.terms(title)) if re.fullmatch(r"[\u4e00-\u9fff]{2}", t)]
    return {a[0] + b[0] for a in words for b in words if a + b in title}


def title_names(title: str, tok: Tokenizer) -> set[str]:
    """The 2-3 character n-grams and contractions by which citizens name a notice of this title (digits apart)."""
    core = core_title(title)
    return {g for g in _ngrams(core) if not re.search(r"\d", g)} | _contractions(core, tok)


def topic_names(title: str, tok: Tokenizer) -> set[str]:
    """``title_names`` less the kind of document (细则, 实施方案): the words that name what the notice is about."""
    return {g for g in title_names(title, tok) if not re.fullmatch(rf"(?:实施|管理|行动|若干)?(?:{DOC_KINDS})", g)}


# 「广安市政府办2019年那个意见」 names who issued it, an office behind most of the library's notices: its words are no
# title words (「市政府」 would match 「广安市政府投资管理办法」, the one title that holds them)
_ISSUING_OFFICE = re.compile(r"(?:人民)?政府(?:办公室|办公厅|办)(?![事理])")


def _years(text: str) -> set[str]:
    return {m.group(0) for m in _YEAR.finditer(text)}


class ScopeResolver:
    """Fitted once per index from the documents' titles and texts; ``resolve`` is pure."""

    def __init__(self, documents: Iterable[Document], tokenizer: Tokenizer, *, min_score: float = 4.0,
                 tie_ratio: float = 0.8, body_weight: float = 0.5, units: Iterable[str] = ()) -> None:
        """``units``: the library's department names — what a question asks about (「市民政局负责哪些工作」), named in
        the body of every notice it has duties in, so no evidence of which notice is meant."""
        if min_score <= 0:
            raise ValueError(f"min_score must be > 0, got {min_score}")
        if not 0 < tie_ratio <= 1:
            raise ValueError(f"tie_ratio must be in (0, 1], got {tie_ratio}")
        self.docs = list(documents)
        self.tok = tokenizer
        self.min_score = min_score
        self.tie_ratio = tie_ratio
        self.body_weight = body_weight
        n = len(self.docs)
        # a notice that carries several rules (a 汇编 of policies) is named by each rule's title as well as its own
        parts = {d.doc_id: rule_parts(d) for d in self.docs}
        self.titles = {d.doc_id: "\n".join([core_title(d.meta.title), *parts[d.doc_id]]) for d in self.docs}
        # digits name no notice by themselves (「到2022年」 shares 「202」 with every title holding a year): a year is
        # weighed on its own below
        self.title_grams = {d.doc_id: title_names(d.meta.title, tokenizer).union(*(title_names(p, tokenizer) for p in parts[d.doc_id]))
                            for d in self.docs}
        self.gram_df = gram_df = Counter(g for gs in self.title_grams.values() for g in gs)
        self.gram_idf = {g: math.log((n + 1) / f) for g, f in gram_df.items()}
        body = tokenizer.terms_many([d.text for d in self.docs])
        self.body_terms = {d.doc_id: set(ts) for d, ts in zip(self.docs, body)}
        term_df = Counter(t for ts in self.body_terms.values() for t in ts)
        self.term_df = term_df
        self.term_idf = {t: math.log((n + 1) / f) for t, f in term_df.items()}
        names = sorted({u for u in units if len(u) >= 2}, key=len, reverse=True)
        self._units = re.compile("|".join(map(re.escape, names))) if names else None
        self.numbers = {d.doc_id: re.sub(r"\s", "", d.meta.doc_number) for d in self.docs}
        self.years = {d.doc_id: _years(self.titles[d.doc_id]) for d in self.docs}
        # the year a notice was issued in (its date, its 文号): tells apart two versions of one 办法 whose titles agree
        self.issued = {d.doc_id: _years(f"{d.meta.date[:4]}年 {d.meta.doc_number}") for d in self.docs}
        self.places = {d.doc_id: places_of(d) for d in self.docs}
        self.all_places = set().union(*self.places.values()) if self.places else set()
        # a notice of no known place (a page that opens with a headline) is of the places its text names
        self.named_in = {d.doc_id: {p for p in self.all_places if p in d.text} for d in self.docs if not self.places[d.doc_id]}
        # a term found in more than a third of the library names no notice (「企业」「发展」)
        self.max_df = max(2, n // 3)
        # a follow-up's history is resolved by several steps of one ask (and again by the next turn): pure, so cached
        self._resolved = lru_cache(maxsize=1024)(self._resolve)

    def common_terms(self) -> frozenset[str]:
        """Words in more than a third of the library: they name no notice, and no topic of a follow-up either."""
        return frozenset(t for t, f in self.term_df.items() if f > self.max_df) if len(self.docs) > 1 else frozenset()

    def _naming_terms(self, q: str, title: str) -> set[str]:
        """Terms that only name the notice: inside its naming spans and nowhere else in the question."""
        spans = naming_spans(q, title)
        if not spans:
            return set()
        inside = {t for a, b in spans for t in self.tok.terms(q[a:b]) if len(t) >= 2}
        rest = q
        for a, b in reversed(spans):
            rest = rest[:a] + " " + rest[b:]
        outside = set(self.tok.terms(rest))
        return inside - outside

    def same_city(self, a: Iterable[str], b: Iterable[str]) -> bool:
        """Do the notices ``a`` share a place with the notices ``b`` (or is either of no known place)?"""
        pa = set().union(*(self.places[d] for d in a))
        pb = set().union(*(self.places[d] for d in b))
        return not pa or not pb or same_place(pa, pb)

    def named_places(self, question: str) -> set[str]:
        """The places of the library's notices that ``question`` names (「北汀」, 「川湾」)."""
        return {p for p in self.all_places if p in question}

    def resolve(self, question: str) -> Scope:
        """The notice(s) ``question`` names, with a confidence (the same Scope object for the same question)."""
        return self._resolved(question)

    def _resolve(self, question: str) -> Scope:
        if len(self.docs) <= 1:
            return Scope(tuple(d.doc_id for d in self.docs), 1.0, reason="single")
        q = normalize_query(question)
        q_compact = re.sub(r"\s", "", q)
        for doc_id, number in self.numbers.items():
            if number and (_number_key(number) in _number_key(q_compact) or _loose_number(number, q_compact)):
                return Scope((doc_id,), 1.0, {doc_id: 99.0}, tuple(self.tok.terms(number)), "doc_number")
        # a notice named in everyday words (「网上看病的意见」) is found by the words its title uses (互联网, 医疗)
        q_grams = _ngrams(f"{_ISSUING_OFFICE.sub(' ', q)} {expand_synonyms(q)}")
        # the city named picks the notices of that city (below); its name, in the title of one of them (「《白溪市公共租赁住房
        # 管理实施细则》」), names that one no more than the others: every notice of the city is credited with it
        named_places = self.named_places(q)
        city_grams = {g for g in q_grams if any(g in f"{p}市" or g in f"{p}县" for p in named_places)}
        asked = self._units.sub("，", q) if self._units else q
        q_terms = [t for t in dict.fromkeys(self.tok.terms(asked)) if len(t) >= 2]
        q_years = _years(q)
        scores: dict[str, float] = {}
        body_of: dict[str, list[str]] = {}
        hits: dict[str, set[str]] = {}
        for d in self.docs:
            grams = q_grams & self.title_grams[d.doc_id]
            if city_grams and (self.places[d.doc_id] or self.named_in.get(d.doc_id, set())) & named_places:
                grams = (grams - city_grams) | {g for g in city_grams if g in self.gram_idf}
            title_score = sum(self.gram_idf[g] for g in grams)
            body = [t for t in q_terms if t in self.body_terms[d.doc_id] and self.term_df[t] <= self.max_df]
            body_score = sum(self.term_idf[t] for t in body)
            score = title_score + self.body_weight * body_score
            own_years = self.years[d.doc_id]
            if q_years and own_years:
                score += 3.0 if q_years & own_years else -3.0
            scores[d.doc_id] = score
            body_of[d.doc_id] = body
            hits[d.doc_id] = {g for g in grams if self.gram_df[g] <= self.max_df}  # 「广安」 names no one notice
        # 「松阳停车收费通知」: a question naming a city asks about that city's notices (another city's 停车 办法 may match
        # more of its title words)
        local = [k for k in scores if may_be_of(self.places[k], named_places)] if named_places else []
        ranked = sorted(local or scores, key=lambda k: -scores[k])
        best = scores[ranked[0]]
        if best < self.min_score:
            if local and len(local) < len(scores):  # 「北汀…老旧小区改造」: no title fits, the city named rules the rest out
                return Scope(tuple(ranked), 0.0, scores, (), "place")
            return Scope((), 0.0, scores, (), "none")
        # a close second whose title matches nothing the best one's does not (「文旅若干政策」: 「若干政策」 alone for the
        # other 若干政策 notices, 「文旅」 too for the 文旅 one) is no rival; the same matches (two years' orders) stay tied
        tied = tuple(k for k in ranked if scores[k] >= self.tie_ratio * best
                     and (k == ranked[0] or not hits[k] < hits[ranked[0]]))
        second = scores[ranked[1]] if len(ranked) > 1 else 0.0
        confidence = max(0.0, min(1.0, (best - max(second, 0.0)) / best))
        if len(tied) > 1 and q_years:  # 「2021年的高龄津贴办法」: the version issued that year, when the titles agree
            issued = tuple(k for k in tied if q_years & (self.years[k] | self.issued[k]))
            tied = issued if issued else tied
        # the naming words are worked out for the notices that fit only (it tokenizes the question again)
        matched = {k: self._naming_terms(q, self.titles[k]) for k in tied}
        names = sorted(set().union(*matched.values()))
        mismatch = ""
        for k in tied:  # 「2021年森林防火命令」: a year that names the notice, next to its title words
            own = self.years[k]
            for y in q_years - own:
                after = q[q.find(y) + len(y) :].lstrip("年")[:2]
                if own and len(after) == 2 and any(f"{o}年{after}" in self.titles[k] for o in own):
                    mismatch = y
        found = sorted(set().union(*(matched[k] | {t for t in body_of[k] if self.term_df[t] <= 2} for k in tied)))
        return Scope(tied[:3], confidence, scores, tuple(names), "title", mismatch, tuple(found), bool(q_years))


def naming_spans(question: str, title: str, min_len: int = 3) -> list[tuple[int, int]]:
    """Maximal stretches of the question found in the title (first occurrence each): the words that name the notice.

    「广安2023年森林防火命令规定的森林防火期…」 names the notice with 「2023年森林防火命令」; the later 「森林防火期」 is the
    topic, though its words are in the title too.
    """
    spans: list[tuple[int, int]] = []
    seen: set[str] = set()
    i = 0
    while i < len(question):
        j = i
        while j < len(question) and question[i : j + 1] in title:
            j += 1
        piece = question[i:j]
        if j - i >= min_len and not any(piece in earlier for earlier in seen):
            spans.append((i, j))
            seen.add(piece)
            i = j
            if KIND_END.search(piece):
                break  # 「…管理办法把事故隐患分为…」: the name ends with its 文种; what follows is the topic
        elif j - i >= min_len:  # the notice's words again, later: the topic (「…命令规定的森林防火期」)
            i = j
        else:
            i += 1
    return spans


def restates_title(heading: str, title: str) -> bool:
    """Is ``heading`` (six characters or more) mostly stretches of its notice's ``title`` (「2025年度澜沧湾市…拟奖励名单」 under
    「…关于2025年度…拟奖励名单的公示」)? Such a part names the notice and no topic of its own."""
    if len(heading) < 6:
        return False
    return sum(b - a for a, b in naming_spans(heading, title, 4)) >= _RESTATED * len(heading)


_RESTATED = 0.7  # share of a heading's characters that must be the title's own stretches


def _loose_number(number: str, question: str) -> bool:
    """「府办规2023年4号」「榕政办2023年第50号」 name 「广安府办规〔2023〕4号」「榕政办〔2023〕50号」: the organ's code (or
    its last characters, at least two), the year and the number, however the brackets are written."""
    m = re.fullmatch(r"(?P<code>[\u4e00-\u9fff]+)[〔\[［(（](?P<year>\d{4})[〕\]］)）](?P<n>\d+)号", number)
    if not m:
        return False
    code = m.group("code")
    tail = "|".join(re.escape(code[i:]) for i in range(len(code) - 1))  # 广安府办规, 安府办规, …, 办规
    pat = rf"(?:{tail})[〔\[［(（]?{m.group('year')}[〕\]］)）年]?第?0*{m.group('n')}(?!\d)号"
    return re.search(pat, question) is not None


def _number_key(s: str) -> str:
    """「广安府办规〔2022〕8号」 and 「广安府办规[2022]8号」 compare equal."""
    return re.sub(r"[〔\[［(（〕\]］)）]", "|", s)


__all__ = ["Scope", "ScopeResolver", "core_title"]
