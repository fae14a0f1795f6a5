"""Extractive answers: route by question type, answer from structure where it knows more than text.

Every citation is a verbatim span of the normalized document; ``verify`` drops any that is not.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, replace

import numpy as np

from policyqa.answer.classify import META_WORDS, QueryInfo, about_document_terms
from policyqa.answer.refusal import detail_ask, foreign_place, off_topic
from policyqa.corpus.chunk import sentence_spans
from policyqa.index.store import IndexBundle
from policyqa.text.normalize import normalize_query
from policyqa.retrieve.hybrid import Ranked
from policyqa.corpus.structure import PREAMBLE as PREAMBLE_LABEL
from policyqa.corpus.structure import cn_small
from policyqa.types import SECTION_SEP, Answer, Chunk, Citation, Clause, Document, Hit, Responsibility, Section

REFUSAL = "抱歉，现有文件中没有找到能回答这个问题的内容，我不能凭文件以外的信息作答。"
META_SECTION = {"doc_number": "文头", "issuer": "文头", "title": "标题", "recipients": "主送机关", "date": "落款",
                "signatory": "落款", "notes": "附注", "attachments": "附件", "effective": "施行"}


@dataclass(frozen=True, slots=True)
class Quote:
    doc_id: str
    section: str
    start: int
    end: int
    score: float


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Refusal gate; calibrated on evals/questions.jsonl (see evals/README.md)."""

    coverage: float = 0.45  # IDF-weighted share of the question's topic words found in the evidence
    dense_strong: float = 0.885  # cosine that alone makes a passage relevant
    dense_weak: float = 0.84  # below this, no lexical overlap can rescue an answer
    english_dense: float = 0.755


class Composer:
    def __init__(self, bundle: IndexBundle, thresholds: Thresholds | None = None) -> None:
        self.b = bundle
        self.tok = bundle.tokenizer
        self.th = thresholds or Thresholds()
        n = len(bundle.chunks)
        self.chunk_terms = [set(self.tok.terms(c.index_text)) for c in bundle.chunks]
        df: Counter[str] = Counter()
        for ts in self.chunk_terms:
            df.update(ts)
        self.idf = {t: math.log((n + 1) / (f + 0.5)) for t, f in df.items()}
        self.idf_unknown = math.log((n + 1) / 0.5)
        self.sent_text = [self.b.documents[bundle.chunks[r.chunk].doc_id].text[r.start : r.end] for r in bundle.sentences]
        self.sent_terms = [set(self.tok.terms(t)) for t in self.sent_text]
        self.sent_by_chunk: dict[int, list[int]] = defaultdict(list)
        for i, r in enumerate(bundle.sentences):
            self.sent_by_chunk[r.chunk].append(i)
        self.clauses: dict[str, tuple[Document, Clause]] = {}
        self.clause_chunks: dict[str, list[int]] = defaultdict(list)
        for i, c in enumerate(bundle.chunks):
            self.clause_chunks[c.clause_id].append(i)
        self.sections: dict[str, Section] = {}
        self.children: dict[str | None, list[Section]] = defaultdict(list)
        for d in bundle.documents.values():
            for c in d.clauses:
                self.clauses[c.id] = (d, c)
            for s in d.sections:
                self.sections[s.id] = s
                self.children[s.parent_id].append(s)
        self.resp_clauses = [(d, c) for d, c in self.clauses.values() if c.responsibility and c.responsibility.units]
        self.items: dict[str, list[Clause]] = defaultdict(list)  # section id -> clauses with a run-in title
        for _, c in self.clauses.values():
            if c.heading and c.section_id:
                self.items[c.section_id].append(c)
        self.clause_terms = {cid: set(self.tok.terms(SECTION_SEP.join(c.section_path) + " " + c.text))
                             for cid, (_, c) in self.clauses.items()}
        self.title_terms = {cid: set(self.tok.terms(c.section_path[-1] if c.section_path else ""))
                            for cid, (_, c) in self.clauses.items()}
        self.doc_places = {d.doc_id: set(re.findall(r"([\u4e00-\u9fff]{2,3}?)(?:市|省|县|区)", d.meta.issuer + d.meta.title))
                           for d in bundle.documents.values()}
        self.jurisdictions = set().union(*self.doc_places.values()) if self.doc_places else set()
        self.corpus_text = "\n".join(d.text for d in bundle.documents.values())
        # the documents' own place names say nothing about a topic (「福州想搞哪些产业」)
        self.ignore = frozenset(self.jurisdictions | {f"{j}市" for j in self.jurisdictions})

    # ----------------------------------------------------------------- helpers
    def _named_article(self, text: str, ranked: Ranked, allowed: set[str] | None = None) -> Ranked | None:
        """Hits restricted to the article a question names (第二十二条), in the documents retrieval favours."""
        m = re.search(r"第([一二三四五六七八九十百零〇]{1,6})条", text)
        if not m:
            return None
        label = f"第{m.group(1)}条"
        order = list(dict.fromkeys(h.chunk.doc_id for h in ranked.hits)) + list(self.b.documents)
        if allowed:
            order = [d for d in order if d in allowed]
        for doc_id in dict.fromkeys(order):
            secs = [sec for sec in self.sections.values() if sec.doc_id == doc_id and sec.label == label]
            if secs:
                sid = secs[0].id
                chunks = [c for c in self.b.chunks if c.doc_id == doc_id and self.clauses[c.clause_id][1].section_id == sid]
                if chunks:
                    return Ranked([Hit(c, 1.0) for c in chunks], ranked.dense, ranked.sparse, ranked.timings_ms)
        return None

    def _allowed(self, info: QueryInfo) -> set[str] | None:
        """The documents an answer may come from: the resolved scope, else those of a city the question names."""
        if info.scope:
            return set(info.scope)
        return self._docs_named_by_place(info.text)

    def _docs_named_by_place(self, text: str) -> set[str] | None:
        named = {j for j in self.jurisdictions if j in text}
        if not named or len(self.b.documents) == 1:
            return None
        return {d for d, places in self.doc_places.items() if places & named}

    def w(self, t: str) -> float:
        return self.idf.get(t, self.idf_unknown)

    def coverage(self, terms: tuple[str, ...] | list[str], have: set[str]) -> float:
        terms = [t for t in dict.fromkeys(terms) if not _is_subword(t, terms)]
        total = sum(self.w(t) for t in terms)
        return sum(self.w(t) for t in terms if t in have or any(t in h for h in have if len(h) > len(t))) / total if total else 0.0

    def _doc_for(self, info: QueryInfo, ranked: Ranked) -> Document:
        docs = list(self.b.documents.values())
        if len(docs) == 1:
            return docs[0]
        if info.scope:
            return self.b.documents[info.scope[0]]
        for d in docs:  # a question naming the 文号 or the title picks that document
            if d.meta.doc_number and d.meta.doc_number in info.text:
                return d
        scored = [(sum(1 for t in self.tok.terms(d.meta.title) if t in info.text), d) for d in docs]
        best = max(scored, key=lambda x: x[0])
        if best[0] >= 2 and [s for s, _ in scored].count(best[0]) == 1:
            return best[1]
        return self.b.documents[ranked.hits[0].chunk.doc_id] if ranked.hits else docs[0]

    def _quote(self, doc: Document, start: int, end: int, section: str, score: float) -> Quote:
        while start < end and doc.text[start].isspace():
            start += 1
        while end > start and doc.text[end - 1].isspace():
            end -= 1
        return Quote(doc.doc_id, section, start, end, score)

    def citations(self, quotes: list[Quote]) -> tuple[Citation, ...]:
        out: list[Citation] = []
        seen: set[tuple[str, int, int]] = set()
        for q in quotes:
            if (q.doc_id, q.start, q.end) in seen or q.end <= q.start:
                continue
            doc = self.b.documents[q.doc_id]
            seen.add((q.doc_id, q.start, q.end))
            out.append(Citation(len(out) + 1, q.doc_id, doc.meta.title, q.section, doc.text[q.start : q.end], q.start,
                                q.end, round(float(q.score), 4)))
        return tuple(out)

    def refuse(self, info: QueryInfo, ranked: Ranked, reason: str) -> Answer:
        sugg: list[str] = []
        if info.qtype != "injection":
            for h in ranked.hits:
                if h.chunk.section not in sugg:
                    sugg.append(h.chunk.section)
                if len(sugg) == 3:
                    break
        msg = REFUSAL
        if info.qtype == "injection":
            msg = "抱歉，我只能依据已收录的政策文件回答问题，不能改变这一规则，也不能作出文件以外的承诺。"
        elif sugg:
            msg += "与问题最接近的章节是：" + "；".join(f"「{s}」" for s in sugg) + "。"
        return Answer(msg, False, (), info.text, info.qtype, suggestions=tuple(sugg), refusal_reason=reason)

    # ----------------------------------------------------------------- entry
    def compose(self, info: QueryInfo, ranked: Ranked, qvec: np.ndarray) -> Answer:
        if info.qtype == "injection":
            return self.refuse(info, ranked, "injection")
        if off_topic(info.text):
            return self.refuse(info, ranked, "off_topic")
        if info.year_mismatch and info.scope:
            have = "、".join(f"《{self.b.documents[d].meta.title}》" for d in info.scope)
            ans = self.refuse(info, ranked, f"year_not_in_library:{info.year_mismatch}")
            return replace(ans, answer=f"抱歉，文件库中没有{info.year_mismatch}年的这份文件，只收录了{have}；我不能用其他年份的文件代替作答。")
        place = foreign_place(info.text, self.jurisdictions, self.corpus_text)
        if place:
            return self.refuse(info, ranked, f"other_place:{place}")
        for quoted in re.findall(r"[“\"《「]([^”\"》」]{2,20})[”\"》」]", info.text):
            if normalize_query(quoted) not in self.corpus_text:
                return self.refuse(info, ranked, f"unknown_name:{quoted}")
        named = self._docs_named_by_place(info.text)
        if named is not None:  # 「福州的…」: only that city's documents can answer
            hits = [h for h in ranked.hits if h.chunk.doc_id in named]
            if not hits:
                return self.refuse(info, ranked, "other_jurisdiction")
            ranked = Ranked(hits, ranked.dense, ranked.sparse, ranked.timings_ms)
            scope = "\n".join(self.b.documents[d].text for d in named).lower()
            absent = [t for t in info.content_terms if len(t) >= 2 and self.idf.get(t, 0.0) >= 1.5 and t not in scope
                      and not info.scope  # a resolved notice already keeps the answer inside it
                      and t not in META_WORDS and not _is_subword(t, info.content_terms)]
            if absent:  # 「广安的元宇宙…」: the topic exists, but only in another city's document
                return self.refuse(info, ranked, f"topic_not_in_named_documents:{absent[0]}")
        article = self._named_article(info.text, ranked, self._allowed(info))
        if article is not None:  # 「第二条所说的…」: answer from that article
            ranked = article
        if info.qtype == "metadata":
            ans = self.metadata(info, ranked)
            if ans is not None:
                return ans
        if info.qtype == "reverse_responsibility":
            ans = self.reverse_responsibility(info, ranked)
            if ans is not None:
                return ans
        if info.qtype == "responsibility":
            ans = self.responsibility(info, ranked)
            if ans is not None:
                return ans
        if info.qtype in ("enumeration", "count", "general") and _LIST_CUE.search(info.text):
            ans = self.section_listing(info, ranked)
            if ans is not None:
                return ans
        return self.sentences(info, ranked, qvec)

    # ----------------------------------------------------------------- metadata
    def _about_document(self, info: QueryInfo, doc: Document) -> bool:
        """「省重大科技专项的申报指南什么时候发布」 asks about something else, not this document's metadata."""
        if info.english:
            return True
        m = doc.meta
        own = " ".join([m.title, m.doc_number, m.issuer, m.signatory, m.recipients, m.date_text, *m.notes, *m.attachments,
                        *(info.scope_terms if doc.doc_id in info.scope else ())])
        terms = about_document_terms(info, self.tok)
        foreign = [t for t in terms if t not in own and not _is_subword(t, terms)]
        return sum(self.w(t) for t in foreign) < 3.0

    def metadata(self, info: QueryInfo, ranked: Ranked) -> Answer | None:
        doc = self._doc_for(info, ranked)
        fields = info.meta_field.split("+")
        if fields != ["purpose"] and not self._about_document(info, doc):
            return None
        if "signatory" in fields or ("issuer" in fields and "date" in fields):
            fields = ["signature"] + [f for f in fields if f not in ("issuer", "date", "signature", "signatory")]
        texts, quotes = [], []
        for f in dict.fromkeys(fields):
            one = self._one_metadata(info, doc, f)
            if one is None:
                continue
            texts.append(one.answer)
            quotes.extend(Quote(c.doc_id, c.section, c.start, c.end, c.score) for c in one.citations)
        if not texts:
            if set(fields) & {"effective", "attachments", "disclosure", "recipients", "doc_number", "date"}:
                return self.refuse(info, ranked, "metadata_not_stated")  # about this document, but it does not say
            return None
        return Answer("".join(texts), True, self.citations(quotes), info.text, "metadata")

    def _one_metadata(self, info: QueryInfo, doc: Document, f: str) -> Answer | None:
        m = doc.meta
        if f in ("doc_type", "signature", "purpose"):
            return self._derived_metadata(info, doc, f)
        value = {"doc_number": m.doc_number, "issuer": m.issuer, "date": m.date_text, "recipients": m.recipients,
                 "title": m.title, "disclosure": "、".join(m.notes), "effective": m.effective,
                 "attachments": "；".join(m.attachments)}.get(f, "")
        span_key = {"disclosure": "notes"}.get(f, f)
        span = doc.spans.get(span_key)
        if f == "effective" and m.effective:
            i = doc.text.find(m.effective)
            span = (i, i + len(m.effective)) if i >= 0 else None
        if not value or span is None:
            return None  # the document does not state it: let the general path decide (usually a refusal)
        name = f"《{m.title}》" if len(self.b.documents) > 1 else "本文件"
        text = {
            "doc_number": f"{name}的文号是{value}。",
            "issuer": f"{name}的发文机关是{value}。",
            "date": f"{name}的成文日期是{value}。",
            "recipients": f"{name}的主送机关是：{value}。",
            "title": f"文件标题是《{value}》。",
            "disclosure": f"{name}的公开方式：{value}。",
            "effective": f"{value}",
            "attachments": f"{name}的附件：{value}。",
        }[f]
        quotes = [self._quote(doc, span[0], span[1], META_SECTION.get(span_key, "文头"), 1.0)]
        if f == "issuer" and "signatory" in doc.spans and doc.meta.signatory == value:
            s = doc.spans["signatory"]
            quotes.append(self._quote(doc, s[0], s[1], "落款", 1.0))
        return Answer(text, True, self.citations(quotes), info.text, "metadata")

    def _derived_metadata(self, info: QueryInfo, doc: Document, f: str) -> Answer | None:
        m = doc.meta
        name = f"《{m.title}》" if len(self.b.documents) > 1 else "本文件"
        quotes: list[Quote] = []
        if f == "doc_type":
            kind = re.search(r"(实施意见|指导意见|意见|通知|实施办法|管理办法|办法|行动方案|实施方案|方案|规定|细则|决定|通告|公告|批复|条例|规划|计划|措施)$", m.title)
            if not kind or "title" not in doc.spans:
                return None
            base = kind.group(1)
            genre = next((g for g in ("意见", "通知", "办法", "方案", "规定", "决定", "通告", "公告", "批复", "条例", "规划", "计划")
                          if base.endswith(g)), base)
            text = f"{name}是一份{base}，文种为“{genre}”。"
            asked = re.search(r"是(?:一份|一个|一篇)?(通知|实施意见|意见|办法|方案|决定|规定|通告|公告|批复)吗", info.text)
            if asked:
                text = ("是的。" if asked.group(1) in (base, genre) else "不是。") + text
            if "印发" in m.title and genre == "通知":
                text = f"{name}是一份印发性通知（文种为“通知”），所印发的文件见正文。"
            sp = doc.spans["title"]
            quotes.append(self._quote(doc, sp[0], sp[1], "标题", 1.0))
        elif f == "signature":
            if not (m.signatory or m.date_text):
                return None
            text = f"{name}的落款单位是{m.signatory or '（未列出）'}，成文日期是{m.date_text or '（未列出）'}。"
            for key in ("signatory", "date"):
                if key in doc.spans:
                    quotes.append(self._quote(doc, *doc.spans[key], "落款", 1.0))
        else:  # purpose: the opening paragraph of a 公文 states why it was issued
            first = next((c for c in doc.clauses if c.section_path and c.section_path[0] == PREAMBLE_LABEL), None)
            if first is None:
                return None
            s0, e0 = sentence_spans(first.text, first.start)[0]
            text = doc.text[s0:e0]
            quotes.append(self._quote(doc, s0, e0, PREAMBLE_LABEL, 1.0))
            if len(self.children.get(None, [])) > 1:
                tops = [x.label for x in self.children[None] if x.doc_id == doc.doc_id and x.title][:8]
                if tops:
                    text += "文件分为：" + "；".join(tops) + "。"
        return Answer(text, True, self.citations(quotes), info.text, "metadata")

    # ----------------------------------------------------------------- responsibility
    def _topic_clauses(self, info: QueryInfo, ranked: Ranked) -> list[tuple[float, Document, Clause, str]]:
        """Responsibility clauses scored by how well they match the question's topic words."""
        terms = [t for t in info.content_terms if not _is_subword(t, info.content_terms)]
        rank_bonus = {}
        for r, h in enumerate(ranked.hits):
            rank_bonus.setdefault(h.chunk.clause_id, 1.0 / (r + 2))
        ordinal = self._ordinal_section(info)
        out = []
        allowed = self._allowed(info)
        for d, c in self.resp_clauses:
            if allowed is not None and d.doc_id not in allowed:
                continue
            title = c.section_path[-1] if c.section_path else ""
            have = self.clause_terms[c.id]
            tt = self.title_terms[c.id]
            score = 0.0
            matched, best = "", 0.0
            for t in terms:
                gain = 0.0
                if t in tt or (len(t) >= 2 and t in title):
                    gain = 2.0 * self.w(t) + 0.5
                elif t in have or (len(t) >= 2 and t in c.text):
                    gain = self.w(t) * (1.0 + 0.2 * min(c.text.count(t), 3))
                score += gain
                if gain > best:
                    matched, best = t, gain
            score += 2.0 * rank_bonus.get(c.id, 0.0)
            if ordinal is not None and c.section_id == ordinal.id:
                score += 20.0
                matched = matched or ordinal.title
            out.append((score, d, c, matched))
        out.sort(key=lambda x: -x[0])
        return out

    def _ordinal_section(self, info: QueryInfo) -> Section | None:
        """「倍增发展里的第五个产业」 -> the 5th sub-section of the section whose title names 倍增发展."""
        m = re.search(r"第([一二三四五六七八九十\d]{1,3})(?:个|项|条|部分|点|方面)", info.text)
        if not m:
            return None
        n = int(m.group(1)) if m.group(1).isdigit() else cn_small(m.group(1))
        best: tuple[int, Section] | None = None
        for sec in self.sections.values():
            kids = [k for k in self.children.get(sec.id, []) if k.title]
            if len(kids) < n or n < 1 or not sec.title:
                continue
            hits = sum(len(t) for t in info.content_terms if len(t) >= 2 and t in sec.title)
            if hits and (best is None or hits > best[0]):
                best = (hits, kids[n - 1])
        return best[1] if best else None

    def responsibility(self, info: QueryInfo, ranked: Ranked) -> Answer | None:
        if not info.content_terms and not info.english:
            return None
        scored = self._topic_clauses(info, ranked)
        if not scored:
            return None
        score, doc, clause, matched = scored[0]
        terms = [t for t in info.content_terms if not _is_subword(t, info.content_terms)]
        cov = self.coverage(terms, self.clause_terms[clause.id]) if terms else 0.0
        top_clauses = [h.chunk.clause_id for h in ranked.hits[:3]]
        # a distinctive topic word found in the clause that retrieval also ranks high is enough
        title = _title(clause)
        ordinal = self._ordinal_section(info)
        have = self.clause_terms[clause.id]
        # a word the corpus knows but this clause lacks points elsewhere; unknown words are the asker's context
        unmatched = sum(self.w(t) for t in terms if t in self.idf and t not in have and t not in clause.text)
        agreed = bool(matched) and ((len(matched) >= 2 and (matched in title or matched == clause.heading))
                                    or (self.w(matched) >= 1.5 and clause.id in top_clauses and unmatched < 1.5 * self.w(matched)))
        if ordinal is not None and clause.section_id == ordinal.id:
            agreed, matched = True, ""
        if info.english:
            top = ranked.hits[0] if ranked.hits else None
            if not top or (top.dense_score or 0) < self.th.english_dense or not top.chunk.units:
                return None
            doc, clause = self.clauses[top.chunk.clause_id]
            matched = ""
        elif cov < self.th.coverage and not agreed:
            return None
        resp = clause.responsibility
        assert resp is not None
        matched = _grow(matched, info.text, clause.text)
        asks_lead = bool(_ASKS_LEAD.search(info.text)) and not _ASKS_ALL.search(info.text)
        units, named_units = _units_text(resp, asks_lead=asks_lead)
        if matched and matched not in title and matched in clause.text:
            lead = f"「{matched}」属于「{title}」，其{units.removeprefix('的')}。"
        else:
            lead = f"「{title}」{units}。"
        if info.departments:
            named = [d for d in info.departments
                     if any(self.b.aliases.same(d, u) for u in resp.units + resp.inherited_units)]
            missing = [d for d in info.departments if d not in named]
            if missing:
                lead = f"不是。{lead}（{'、'.join(missing)}不在其中。）"
            else:
                lead = f"是的。{lead}"
        section = SECTION_SEP.join(clause.section_path)
        quotes = [self._quote(doc, resp.start, resp.end, section, score)]
        if resp.inherited_units and _LOCAL_UNITS.search(info.text):
            note = next((c for c in doc.clauses if c.responsibility and c.responsibility.note), None)
            lead += f"此外，文件规定「{note.responsibility.note if note and note.responsibility else ''}」，即{'、'.join(resp.inherited_units)}也需落实。"
            if note is not None and note.responsibility is not None:
                r0 = note.responsibility
                i = doc.text.find(r0.note, r0.start)
                if i >= 0:
                    quotes.append(self._quote(doc, i, i + len(r0.note), SECTION_SEP.join(note.section_path), score))
        if matched and matched not in title:
            for s, e in sentence_spans(clause.text, clause.start):
                if matched in doc.text[s:e] and not (resp.start <= s < resp.end):
                    quotes.append(self._quote(doc, s, min(e, resp.start) if s < resp.start < e else e, section, score))
                    break
        else:
            spans = sentence_spans(clause.text, clause.start)
            s, e = spans[0]
            if e - s <= 20 and len(spans) > 1:  # 「3. 未来能源。」 alone says nothing: quote through the first sentence
                e = spans[1][1]
            quotes.append(self._quote(doc, s, min(e, resp.start) if s < resp.start < e else e, section, score))
        return Answer(lead, True, self.citations(quotes), info.text, "responsibility", departments=named_units)

    def reverse_responsibility(self, info: QueryInfo, ranked: Ranked) -> Answer | None:
        together = len(info.departments) > 1 and re.search(r"共同|都|同时|一起|均|联合", info.text)
        if len(info.departments) > 1 and not together:  # 「市科技局和市工信局分别负责什么」: one answer each
            parts = [self.reverse_responsibility(replace(info, departments=(d,)), ranked) for d in info.departments]
            answers = [a for a in parts if a is not None]
            quotes = [Quote(c.doc_id, c.section, c.start, c.end, c.score) for a in answers for c in a.citations]
            return Answer("\n".join(a.answer for a in answers), True, self.citations(quotes), info.text,
                          "reverse_responsibility")
        dept = "、".join(info.departments) if together else info.departments[0]
        allowed = self._allowed(info)
        found: list[tuple[Document, Clause]] = []
        for d, c in self.resp_clauses:
            r = c.responsibility
            assert r is not None
            if allowed is not None and d.doc_id not in allowed:
                continue
            if all(any(self.b.aliases.same(x, u) for u in r.units + r.inherited_units) for x in info.departments[: 2 if together else 1]):
                found.append((d, c))
        if not found:
            return Answer(f"文件列出的责任单位中没有{'同时包括' if together else ''}{dept}的条目。", True, (), info.text,
                          "reverse_responsibility")
        docs = list(dict.fromkeys(d.doc_id for d, _ in found))
        if len(docs) == 1:
            items = "；".join(_bare_title(c) for _, c in found)
            text = (f"{dept}共同作为责任单位的工作有以下{len(found)}项：{items}。" if together
                    else f"{dept}是以下{len(found)}项工作的责任单位：{items}。")
        else:  # same-named departments of different cities are kept apart
            parts = []
            for doc_id in docs:
                items = [_bare_title(c) for d, c in found if d.doc_id == doc_id]
                parts.append(f"《{self.b.documents[doc_id].meta.title}》中{len(items)}项：" + "、".join(items))
            text = f"{dept}是以下工作的责任单位——" + "；".join(parts) + "。"
        quotes = []
        for d, c in found:
            r = c.responsibility
            assert r is not None
            quotes.append(self._quote(d, r.start, r.end, SECTION_SEP.join(c.section_path), 1.0))
        return Answer(text, True, self.citations(quotes), info.text, "reverse_responsibility")

    # ----------------------------------------------------------------- enumerations from the tree
    def section_listing(self, info: QueryInfo, ranked: Ranked) -> Answer | None:
        best: tuple[int, Section] | None = None
        allowed = self._allowed(info)
        for s in self.sections.values():
            if allowed is not None and s.doc_id not in allowed:
                continue
            kids = [k for k in self.children.get(s.id, []) if k.title]
            if (len(kids) < 2 and len(self._item_clauses(s)) < 2) or not s.title:
                continue
            core = re.sub(r"^(?:推动|加快|以|强化|加强)", "", s.title)
            if s.title in info.text or (len(core) >= 4 and core in info.text):
                if best is None or len(s.title) > best[0]:
                    best = (len(s.title), s)
        if best is None:
            return self._outline(info)
        text, quotes = self._listing(best[1])
        return Answer(text, True, self.citations(quotes), info.text, "enumeration")

    def _outline(self, info: QueryInfo) -> Answer | None:
        """「科技创新若干政策分哪几个方面」: a question about the notice as a whole lists its top-level parts."""
        if len(info.scope) != 1 or info.scope_reason not in ("title", "doc_number", "inherited"):
            return None
        if any(t not in _VAGUE and t not in _OUTLINE_WORDS and not re.fullmatch(r"[一二三四五六七八九十两几\d]+[个项条类]?", t)
               for t in info.content_terms):
            return None  # a topic inside the notice is asked about, not the notice's outline
        doc = self.b.documents[info.scope[0]]
        roots = [s for s in self.children.get(None, []) if s.doc_id == doc.doc_id]
        while len(roots) == 1 and len([k for k in self.children.get(roots[0].id, []) if k.title]) >= 2:
            top = roots[0]  # a 通知 wrapping its 办法: the attachment's own parts
            roots = [k for k in self.children.get(top.id, [])]
        roots = [r for r in roots if r.title]
        if len(roots) < 2:
            return None
        quotes = []
        for r in roots:
            i = doc.text.find(r.title, r.start)
            if i >= 0:
                quotes.append(self._quote(doc, r.start, i + len(r.title), r.path_str, 1.0))
        text = f"《{doc.meta.title}》分为{len(roots)}个部分：" + "；".join(r.label for r in roots) + "。"
        return Answer(text, True, self.citations(quotes), info.text, "enumeration")

    def _item_clauses(self, sec: Section) -> list[Clause]:
        """Clauses of a section that carry their own run-in title (「——建设东南沿海创新策源地。」)."""
        return self.items.get(sec.id, [])

    def _listing(self, sec: Section) -> tuple[str, list[Quote]]:
        """「三、发展重点」包括3项：（一）…；（二）…（新一代光电、…）；… with each heading quoted."""
        doc = self.b.documents[sec.doc_id]
        kids = [k for k in self.children[sec.id] if k.title]
        if len(kids) < 2:
            items = self._item_clauses(sec)
            quotes = []
            for c in items:
                i = doc.text.find(c.heading, c.start)
                quotes.append(self._quote(doc, c.start, i + len(c.heading) if i >= 0 else c.end, sec.path_str, 1.0))
            return f"「{sec.label}」包括{len(items)}项：" + "；".join(c.heading for c in items) + "。", quotes
        parts = []
        quotes = []
        for k in kids:
            grand = [g.title for g in self.children.get(k.id, []) if g.title]
            parts.append(k.label + (f"（{'、'.join(grand)}）" if grand else ""))
            i = doc.text.find(k.title, k.start)
            if i >= 0:
                quotes.append(self._quote(doc, k.start, i + len(k.title), k.path_str, 1.0))
        return f"「{sec.label}」包括{len(kids)}项：" + "；".join(parts) + "。", quotes

    # ----------------------------------------------------------------- best sentences
    def sentences(self, info: QueryInfo, ranked: Ranked, qvec: np.ndarray) -> Answer:
        if not ranked.hits:
            return self.refuse(info, ranked, "no_hits")
        terms = [t for t in info.content_terms if not _is_subword(t, info.content_terms)]
        unit = _asked_unit(info.text) if info.qtype == "count" else None
        numbers = re.findall(r"\d{2,}", info.text)
        bigrams = [tuple(t.split("_", 1)) for t in info.terms if "_" in t]
        # 「遵循什么原则」「哪几种方式」: the word after the question word names what the answer is
        fm = re.search(r"(?:什么|哪些|哪个|哪几种|哪几个|哪几项|哪几类|哪类|何种|哪种|多少个|多少家|多少项|几个|几家|几项)"
                       r"([\u4e00-\u9fff]{2,8})", info.text)
        focus = next((t for t in self.tok.terms(fm.group(1)) if len(t) >= 2 and t not in _VAGUE), "") if fm else ""
        single = bool(fm) and fm.group(0).startswith(("什么", "哪个", "何种", "哪种"))
        if single and focus and focus not in self.idf and focus not in self.corpus_text and not info.english and not info.scope:
            return self.refuse(info, ranked, f"focus_not_in_corpus:{focus}")  # 「哪个网站」 in a text with no websites
        # 「投资主管部门是哪个？」: a sentence saying 「…是投资主管部门」 defines the answer
        m = re.search(r"([^，。？?、]{2,30}?)(?:是|为)(?:哪个|哪些|哪家|什么|谁|啥)", info.text)
        defined = [t for t in self.tok.terms(m.group(1)) if len(t) >= 2 and self.w(t) >= 1.0] if m else []
        cand: list[tuple[float, int, int]] = []  # score, sentence, hit rank
        scored = [si for h in ranked.hits[:6] for si in self.sent_by_chunk.get(self.b.chunk_pos_map[h.chunk.id], [])]
        cos_of = dict(zip(scored, (self.b.sentence_vectors_for(scored) @ qvec).tolist())) if scored else {}
        for r, h in enumerate(ranked.hits[:6]):
            pos = self.b.chunk_pos_map[h.chunk.id]
            title = self.title_terms.get(h.chunk.clause_id, set())
            title_bonus = 0.25 if terms and any(t in title for t in terms) else 0.0
            for si in self.sent_by_chunk.get(pos, []):
                cos = cos_of[si]
                have = self.sent_terms[si] | title
                lex = self.coverage(terms, have) if terms else 0.0
                score = lex + 4.0 * (cos - 0.8) + 0.05 / (r + 1) + title_bonus + self._type_bonus(info, self.sent_text[si], unit)
                score += 0.1 * sum(1 for x in numbers if x in self.sent_text[si])
                score += min(0.3, 0.1 * sum(1 for a, b in bigrams if a + b in self.sent_text[si]))
                if focus and focus in self.sent_text[si]:
                    score += 0.2
                if defined and any(f"是{t}" in self.sent_text[si] or f"为{t}" in self.sent_text[si] for t in defined):
                    score += 0.3
                cand.append((score, si, r))
        # sentences anywhere in the corpus that the embedder finds closest also compete (as if ranked 7th)
        seen = {si for _, si, _ in cand}
        allowed = {h.chunk.doc_id for h in ranked.hits}
        sims = self.b.sentence_similarities(qvec)
        for si in np.argsort(-sims)[:5]:
            si = int(si)
            chunk = self.b.chunks[self.b.sentences[si].chunk]
            if si in seen or chunk.doc_id not in allowed:
                continue
            title = self.title_terms.get(chunk.clause_id, set())
            lex = self.coverage(terms, self.sent_terms[si] | title) if terms else 0.0
            cand.append((lex + 4.0 * (float(sims[si]) - 0.8) + self._type_bonus(info, self.sent_text[si], unit), si, -1))
        cand.sort(key=lambda x: -x[0])
        top = ranked.hits[0]
        best_score, best_si, best_rank = cand[0]
        hit = ranked.hits[best_rank] if best_rank >= 0 else _hit_for(self.b.chunks[self.b.sentences[best_si].chunk])
        have_top = set().union(*(self.chunk_terms[self.b.chunk_pos_map[h.chunk.id]] for h in ranked.hits[:2]))
        # words the corpus never uses (小孩, 创业) are the asker's context; the ask is judged on the known ones
        known = [t for t in terms if t in self.idf or (info.english and t.isascii())]
        if terms and not known and not info.english:
            return self.refuse(info, ranked, "no_known_terms")
        cov = self.coverage(known, have_top) if known else 0.0
        dense = top.dense_score if top.dense_score is not None else max(ranked.dense.values(), default=0.0)
        # --- the gate
        if info.english:
            if dense < self.th.english_dense:
                return self.refuse(info, ranked, "english_low_similarity")
        elif known:
            if cov < self.th.coverage and dense < self.th.dense_strong:
                return self.refuse(info, ranked, f"low_coverage:{cov:.2f}")
            if dense < self.th.dense_weak:
                return self.refuse(info, ranked, f"low_similarity:{dense:.3f}")
        elif dense < self.th.dense_strong:
            return self.refuse(info, ranked, "no_topic")
        chosen = [best_si]
        # 「…；负责对工程变更预算控制价进行评审。」: a duty without its subject takes the sentences that name it
        j = best_si
        while re.match(r"^(?:负责|牵头|承担|组织|指导|参与)", self.sent_text[j]) and j > 0 and len(chosen) < 4 and \
                self.b.chunks[self.b.sentences[j - 1].chunk].clause_id == hit.chunk.clause_id:
            j -= 1
            chosen.insert(0, j)
        nxt = best_si + 1
        same_clause = nxt < len(self.b.sentences) and \
            self.b.chunks[self.b.sentences[nxt].chunk].clause_id == hit.chunk.clause_id
        if self.sent_text[best_si].endswith(("：", ":")) and same_clause:
            # 「对下列政府投资项目，可以简化…：」 introduces a list: the items are the answer
            j = nxt
            while j < len(self.b.sentences) and len("".join(self.sent_text[i] for i in chosen)) < 400 and \
                    self.b.chunks[self.b.sentences[j].chunk].clause_id == hit.chunk.clause_id and not _is_resp(self.sent_text[j]):
                chosen.append(j)
                j += 1
        elif len(self.sent_text[best_si]) <= 30 and same_clause and not _is_resp(self.sent_text[nxt]):
            chosen.append(nxt)  # 「四是建立“揭榜挂帅”制度。」 announces; the next sentence says what it is
        else:
            for score, si, r in cand[1:3]:
                if score >= best_score - 0.08 and r == best_rank and abs(si - best_si) == 1 and not _is_resp(self.sent_text[si]):
                    chosen.append(si)
        chosen.sort()
        evidence = "".join(self.sent_text[i] for i in chosen)
        for kind, need in detail_ask(info.text):
            if not need.search(evidence):
                return self.refuse(info, ranked, f"detail_not_stated:{kind}")
        if info.qtype == "count" and (unit or "多少" in info.text) and not _has_quantity(evidence, unit):
            return self.refuse(info, ranked, f"detail_not_stated:quantity:{unit or ''}")
        doc_text = self.b.documents[hit.chunk.doc_id].text
        missing_numbers = [x for x in re.findall(r"\d{2,}", info.text) if x not in doc_text]
        if missing_numbers:
            return self.refuse(info, ranked, f"number_not_stated:{missing_numbers[0]}")
        doc = self.b.documents[hit.chunk.doc_id]
        section = hit.chunk.section
        quotes = [self._quote(doc, self.b.sentences[i].start, self.b.sentences[i].end, section, best_score) for i in chosen]
        answer = self._trim(info, [self.sent_text[i] for i in chosen], terms, unit)
        listing = (self._section_of_preamble(hit.chunk.clause_id)
                   if info.qtype in ("enumeration", "general") or (info.qtype == "count" and _WHICH.search(info.text)) else None)
        keyword_only = len(info.text) <= 12 and not re.search(r"[？?吗呢什么哪谁怎]", info.text)
        if listing is not None and (_LIST_CUE.search(info.text) or keyword_only):
            text, more = self._listing(listing)
            answer = f"{answer}{text}"
            quotes += more
        _, clause = self.clauses[hit.chunk.clause_id]
        where = _bare_title(clause)
        if _WHERE_CUE.search(info.text):
            answer = f"见「{section}」：{answer}"
        elif where and where != PREAMBLE_LABEL and where not in answer[:40]:
            answer = f"{where}规定：{answer}" if re.fullmatch(r"第.{1,6}条", where) else f"「{where}」部分提出：{answer}"
        depts = hit.chunk.units if info.qtype == "responsibility" else ()
        return Answer(answer, True, self.citations(quotes), info.text, info.qtype, departments=depts)

    def _section_of_preamble(self, clause_id: str) -> Section | None:
        """A clause that sits directly under a heading with sub-sections introduces them (「构建“1+6+2”体系」)."""
        _, clause = self.clauses[clause_id]
        sec = self.sections.get(clause.section_id or "")
        if sec is None or len([k for k in self.children.get(sec.id, []) if k.title]) < 2:
            return None
        return sec

    def _type_bonus(self, info: QueryInfo, sentence: str, unit: str | None) -> float:
        bonus = 0.0
        for _, need in detail_ask(info.text):  # 「拨打什么电话」 wants the sentence that holds a number to call
            if need.search(sentence):
                bonus += 0.4
        if info.qtype == "responsibility" and _DUTY.search(sentence):
            bonus += 0.3  # 「自然资源规划部门负责…」 answers 「谁负责…」
        return bonus + self._kind_bonus(info, sentence, unit)

    def _kind_bonus(self, info: QueryInfo, sentence: str, unit: str | None) -> float:
        if info.qtype == "count":
            if unit and _has_quantity(sentence, unit):
                return 0.5  # 「多少家」 wants a sentence that counts in 家
            if re.search(r"\d|[一二三四五六七八九十两]+(?:个|家|项|大|类)", sentence):
                return 0.1
        if info.qtype == "enumeration" and sentence.count("、") >= 2:
            return 0.1
        return 0.0

    def _trim(self, info: QueryInfo, sents: list[str], terms: list[str], unit: str | None) -> str:
        """A direct answer: drop the run-in heading; for counts keep the clauses that carry the number asked."""
        text = "".join(sents)
        text = re.sub(r"^(?:\d{1,2}\.\s*|[（(][一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+、)[^。；]{1,30}?。", "", text) or text
        text = re.sub(r"^——", "", text)
        if info.qtype == "count" and len(text) > 60:
            parts = [p for p in re.split(r"(?<=[，；。])", text) if p.strip()]
            needs = [need for _, need in detail_ask(info.text)]

            def wanted(p: str) -> bool:  # a clause that states the quantity (or the amount) asked about
                return _has_quantity(p, unit) and (not needs or any(n.search(p) for n in needs))

            def rank(p: str) -> float:
                return (2.0 if wanted(p) else 0.0) + sum(self.w(t) for t in terms if t in p)

            best = max(parts, key=rank)
            if wanted(best):
                keep = [p for p in parts if p is best or (wanted(p) and any(t in p for t in terms))]
                i = parts.index(best)
                if needs and i > 0 and not any(t in best for t in terms):
                    keep.insert(0, parts[i - 1])  # 「对首次进入…的企业，」 says who gets 「给予800万元」
                text = "".join(dict.fromkeys(keep)).rstrip("，；。") + "。"
        return text


_LIST_CUE = re.compile(r"包括|包含|有哪些|哪几|哪[两二三四五六七八九十][个项类条家种]|分别|分为|几条|各是|一共|几个方面|几项|几大|有几|哪些|列举|组成|构成|指的是|是指|which|what\s+are|refer|consist|include", re.I)
_WHICH = re.compile(r"哪几|哪些|分别|包括|包含|涵盖")
_OUTLINE_WORDS = frozenset("方面 部分 几个 哪几 内容 主要 板块 章节 政策 措施 支持 几 条 项 类 块 哪些 规定 文件 印发 办法 方案 意见 细则".split())
_WHERE_CUE = re.compile(r"哪一部分|哪个部分|哪一节|哪个章节|哪一章|哪一条|哪条|在哪里提|在哪提|出自|哪部分", re.I)
_UNITS = [("年份", r"哪一?年|何年|what\s+year|which\s+year|by\s+when"), ("年", r"几年|多少年"), ("家", r"多少家|(?<!哪)几家"),
          ("个", r"多少个|(?<!哪)几个"), ("项", r"多少项|(?<!哪)几项"), ("类", r"(?<!哪)几类|多少类"), ("万元", r"多少万"),
          ("亿元", r"多少亿")]
_CLASSIFIERS = "个项类种大家条批"
_SAME_UNIT = {"天": "天日", "日": "天日", "户": "户家", "家": "家户", "元": "元万亿"}  # 「多少天」 is answered by 「30日」
_VAGUE = frozenset("""时候 时间 意思 样子 东西 情况 方面 地方 内容 方式 作用 要求 规定 措施 工作 问题 程序 条件 原则 标准 阶段 类型
    种类 类别 环节 步骤 形式 层面 部分 模式 途径 渠道 手段 方法 办法 特点 目标 任务 重点 门槛 范围 对象 依据""".split())


_DUTY = re.compile(r"[\u4e00-\u9fff]{2,14}(?:部门|机构|单位|局|委|办|政府|中心|管委会)(?:[\u4e00-\u9fff、]{0,20}?)(?:负责|牵头|承担|主管)")
_ASKS_LEAD = re.compile(r"牵头|主抓|带头|lead", re.I)
_ASKS_ALL = re.compile(r"还有|参与|配合|责任单位|哪些(?:部门|单位)负责|谁负责|分别|和.{0,4}单位|、谁")


def _units_text(resp: Responsibility, asks_lead: bool) -> tuple[str, tuple[str, ...]]:
    """「的牵头单位是：A；责任单位：B、C」 when the note tells them apart; only the lead when that is asked."""
    etc = "等" if resp.has_etc else ""
    others = tuple(u for u in resp.units if u not in resp.lead)
    if resp.lead and asks_lead:
        return f"的牵头单位是：{'、'.join(resp.lead)}", resp.lead
    if resp.lead and others:
        return f"的牵头单位是：{'、'.join(resp.lead)}；其他责任单位：{'、'.join(others)}{etc}", resp.units
    return f"的责任单位是：{resp.display()}", resp.units


def _has_quantity(text: str, unit: str | None) -> bool:
    if unit:
        if unit == "年份":
            return bool(re.search(r"\d{4}\s*年", text))
        units = _CLASSIFIERS if unit == "个" else _SAME_UNIT.get(unit, unit)  # 「几个层级」 is answered by 「五大层级」
        return bool(re.search(rf"(?:\d+(?:\.\d+)?|[一二三四五六七八九十百千两]+)\s*[{re.escape(units)}]", text))
    return bool(re.search(r"\d|[一二三四五六七八九十两]+(?:个|家|项|大|类|条|年|倍|成)", text))


def _grow(word: str, question: str, text: str) -> str:
    """「阻器」 -> 「忆阻器」: widen a matched word within the question while the text still contains it."""
    i = question.find(word) if word else -1
    if i < 0:
        return word
    start, end = i, i + len(word)
    while start > 0 and question[start - 1 : end] in text:
        start -= 1
    while end < len(question) and question[start : end + 1] in text:
        end += 1
    return question[start:end]


def _hit_for(chunk: Chunk) -> Hit:
    return Hit(chunk, 0.0)


def _asked_unit(text: str) -> str | None:
    for unit, pat in _UNITS:
        if re.search(pat, text, re.I):
            return unit
    m = re.search(r"多少(平方公里|平方米|公顷|千瓦|兆瓦|万元|亿元|人次|[个家项类种条名批亩倍台套座所吨万亿元月天]|[A-Za-z]{1,3}\b)", text)
    return m.group(1) if m else None


def _is_resp(sentence: str) -> bool:
    return bool(re.match(r"^[（〔(]\s*(?:责任单位|牵头单位)", sentence))


def _title(clause: Clause) -> str:
    """A clause's own name: its run-in heading (「提升智育水平」) when the paragraph has one, else its section."""
    if clause.heading and clause.responsibility is not None:
        return clause.heading
    return clause.section_path[-1] if clause.section_path else ""


def _bare_title(clause: Clause) -> str:
    """「1. 新一代光电」 -> 「新一代光电」: numbering repeats across sections and means nothing alone."""
    return re.sub(r"^(?:\d{1,2}\.\s*|[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+、)", "", _title(clause))


_LOCAL_UNITS = re.compile(r"区县|县区|县（市）|县\(市\)|各县|高新区|管委会|区里|县里|基层")


def _is_subword(t: str, terms: tuple[str, ...] | list[str]) -> bool:
    """Search-mode segmentation yields 「未来」「能源」 beside 「未来能源」: count the long word only."""
    return any(t != u and t in u for u in terms)


__all__ = ["Composer", "Thresholds", "REFUSAL"]
