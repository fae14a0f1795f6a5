"""文号, 发文机关, 成文日期, 施行 … of the notice the question is about."""

from __future__ import annotations

import re
from dataclasses import replace
from collections.abc import Callable

import numpy as np

from policyqa.answer.classify import META_PATTERNS, QueryInfo, about_document_terms
from policyqa.corpus.chunk import sentence_spans
from policyqa.corpus.validity import repeals
from policyqa.corpus.structure import EFFECTIVE_SENTENCE, PREAMBLE as PREAMBLE_LABEL, rule_parts
from policyqa.retrieve.hybrid import Ranked
from policyqa.retrieve.scope import DOC_KINDS, core_title
from policyqa.types import SECTION_SEP, Answer, Document
from policyqa.answer.context import Quote, META_SECTION, _abbreviates, _is_subword
from policyqa.answer.kinds.base import Kind


def _after_name(question: str, title: str) -> str:
    """The question after the notice's name: 「榕城那份讲“1+6+2”体系的实施意见，文号多少」 describes the notice up to its 文种
    (and 「（落实川府发〔2015〕38号那份）」 after it); what comes after is what it asks."""
    kinds = re.findall(DOC_KINDS, core_title(title))
    at = question.find(kinds[-1]) if kinds else -1
    if at < 0:
        return question
    rest = question[at + len(kinds[-1]):]
    return re.sub(r"^[（(][^（）()]{1,40}[）)]", "", rest)


class MetadataKind(Kind):
    name = "metadata"

    def answer(self, info: QueryInfo, ranked: Ranked, qvec: np.ndarray) -> Answer | None:
        return self.metadata(info, ranked)

    # ----------------------------------------------------------------- metadata
    def _about_document(self, info: QueryInfo, doc: Document) -> bool:
        """「省重大科技专项的申报指南什么时候发布」 asks about something else, not this document's metadata."""
        if info.english:
            return True
        m = doc.meta
        own = " ".join([m.title, *rule_parts(doc), m.doc_number, m.issuer, m.signatory, m.recipients, m.date_text, m.effective, *m.notes, *m.attachments,
                        *(info.scope_terms if doc.doc_id in info.scope else ()), *_replied_to(doc.text)])
        terms = about_document_terms(replace(info, text=_after_name(info.text, m.title)), self.tok)
        # a contraction of the title (「招投标」 for 「招标投标」) names the notice, not something else in it
        foreign = [t for t in terms if t not in own and not _is_subword(t, terms) and not _abbreviates(t, m.title)]
        return sum(self.w(t) for t in foreign) < 3.0

    def metadata(self, info: QueryInfo, ranked: Ranked) -> Answer | None:
        doc = self._doc_for(info, ranked)
        fields = info.meta_field.split("+")
        if fields not in (["purpose"], ["basis"]) and not self._about_document(info, doc):
            return None
        if "repeal" in fields:  # 「废止了哪份文件，文号是多少」: a 文号, date or title asked after 废止 is the repealed notice's
            fields = [f for f in fields if not _asked_after(info.text, f, "repeal")]
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
            if set(fields) & {"effective", "attachments", "disclosure", "recipients", "doc_number", "date", "meeting", "repeal"}:
                return self.refuse(info, ranked, "metadata_not_stated")  # about this document, but it does not say
            return None
        return Answer("".join(texts), True, self.citations(quotes), info.text, "metadata")

    def _one_metadata(self, info: QueryInfo, doc: Document, f: str) -> Answer | None:
        m = doc.meta
        if f in ("doc_type", "signature", "purpose", "basis", "meeting", "repeal", "applicability"):
            return self._derived_metadata(info, doc, f)
        value = {"doc_number": m.doc_number, "issuer": m.issuer, "date": m.date_text, "recipients": m.recipients,
                 "title": m.title, "disclosure": "、".join(m.notes), "effective": m.effective,
                 "attachments": "；".join(m.attachments)}.get(f, "")
        span_key = {"disclosure": "notes"}.get(f, f)
        span = doc.spans.get(span_key)
        if f == "effective" and m.effective:
            i = doc.text.find(m.effective)
            span = (i, i + len(m.effective)) if i >= 0 else None
        own = self._part_line(info, doc, f)
        name = f"《{m.title}》" if len(self.b.documents) > 1 else "本文件"
        if own is not None:  # a rule of several in one notice: its own line, not the notice's first
            span, section = own[:2], own[2]
            value = re.sub(r"^[^：:]{2,6}[：:]\s*", "", doc.text[own[0]:own[1]]) if f in ("issuer", "date") else doc.text[own[0]:own[1]]
            name = f"《{section.split(SECTION_SEP)[0]}》"
        if f == "doc_number" and not value:
            return self._subject_number(info, doc)
        if not value or span is None:
            return None  # the document does not state it: let the general path decide (usually a refusal)
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
        quotes = [self._quote(doc, span[0], span[1], section if own else META_SECTION.get(span_key, "文头"), 1.0)]
        if f == "issuer" and "signatory" in doc.spans and doc.meta.signatory == value:
            s = doc.spans["signatory"]
            quotes.append(self._quote(doc, s[0], s[1], "落款", 1.0))
        return Answer(text, True, self.citations(quotes), info.text, "metadata")

    def _part_named(self, info: QueryInfo, doc: Document) -> str:
        """The rule a question names in a notice that carries several (a 汇编 of policies, a 通知 issuing two 办法), each
        under its own title: that title, when the question names one part's title more than any other's; else ""."""
        parts = rule_parts(doc)
        if len(parts) < 2:
            return ""
        asked = {t for t in (*info.terms, *info.scope_terms) if "_" not in t}  # the words naming the notice name its part
        named = sorted(((sum(self.w(t) for t in asked if t in part), part) for part in parts), reverse=True)
        return named[0][1] if named[0][0] > 0 and named[0][0] > named[1][0] else ""

    def _part_line(self, info: QueryInfo, doc: Document, f: str) -> tuple[int, int, str] | None:
        """(start, end, section) of the line of the named part that states ``f`` (its 施行 sentence, its own 文号,
        发文机关 or 成文日期 line); None when the question names no part or the part does not state it."""
        part = self._part_named(info, doc)
        pattern = _PART_FIELDS.get(f)
        if not part or pattern is None:
            return None
        for c in doc.clauses:
            if c.section_path and c.section_path[0] == part:
                for s0, e0 in sentence_spans(c.text, c.start):
                    mt = pattern.search(doc.text[s0:e0])
                    if mt:
                        a, b = (s0 + mt.start(), s0 + mt.end()) if f == "effective" else (s0, e0)
                        return a, b, SECTION_SEP.join(c.section_path)
        return None

    def _subject_number(self, info: QueryInfo, doc: Document) -> Answer | None:
        """A notice without a 文号 of its own (a 政策解读, a portal's copy) that is about a rule its title names gives
        that rule's 文号 beside its name: 「《…管理办法》（青教发〔2024〕6号，以下简称《办法》）」. Another document's
        文号 (a 依据 it cites) is never answered as this one's."""
        for mt in _NAMED_NUMBER.finditer(doc.text):
            # 「《…关于印发〈X办法〉的通知》（文号）」 in a 解读 of 「《X办法》政策解读」: the notice that issued the rule
            if any(n in doc.meta.title for n in (mt.group("name"), *re.findall(r"〈([^〈〉]{2,60})〉", mt.group("name")))):
                s0, e0 = next(((a, b) for a, b in sentence_spans(doc.text) if a <= mt.start() < b), mt.span())
                clause = next((c for c in doc.clauses if c.start <= mt.start() < c.end), None)
                section = SECTION_SEP.join(clause.section_path) if clause else META_SECTION.get("doc_number", "文头")
                text = f"《{doc.meta.title}》本身未标注文号；所涉《{mt.group('name')}》的文号是{mt.group('number')}。"
                return Answer(text, True, self.citations([self._quote(doc, s0, e0, section, 1.0)]), info.text, "metadata")
        return None

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
        elif f == "meeting":  # 「已经五届市政府第83次常务会议审议通过」: the meeting that adopted it, in its cover letter
            return self._first_sentence(info, doc, lambda sent: bool(_ADOPTED.search(sent)))
        elif f == "repeal":  # 「《…》（广安府发〔2014〕52号）同时废止」: what it replaces, in its closing sentences
            for s0, e0, section in dict.fromkeys((r.start, r.end, r.section) for r in repeals(doc)):
                quotes.append(self._quote(doc, s0, e0, section, 1.0))
            if not quotes:
                return None
            text = "".join(doc.text[q.start:q.end] for q in quotes)
        elif f == "applicability":  # 「本办法适用于…」: a 办法 or 细则 says what it covers in its 总则
            return self._first_sentence(info, doc, lambda sent: bool(_APPLIES.search(sent)))
        elif f == "basis":  # 「根据《…》（川府发〔2015〕38号）…」: the documents a notice implements, from its opening
            return self._first_sentence(info, doc, lambda sent: bool(_BASIS.search(sent)) and "《" in sent)
        else:  # purpose: the opening paragraph of a 公文 states why it was issued
            if any(len(x.title) >= 3 and x.title in info.text for x in doc.sections):
                return None  # 「总体要求里提出哪几条原则」 asks inside a section the notice titles so, not what it is about
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

    def _first_sentence(self, info: QueryInfo, doc: Document, fits: Callable[[str], bool]) -> Answer | None:
        """The notice's first sentence that ``fits``, quoted as the answer; None if no sentence does."""
        for c in doc.clauses:
            for s0, e0 in sentence_spans(c.text, c.start):
                sent = doc.text[s0:e0]
                if fits(sent):
                    quote = self._quote(doc, s0, e0, SECTION_SEP.join(c.section_path), 1.0)
                    return Answer(sent, True, self.citations([quote]), info.text, "metadata")
        return None


# what a rule of several in one notice states of itself, in the lines under its title or in its closing article
_PART_FIELDS = {"effective": EFFECTIVE_SENTENCE, "doc_number": re.compile(r"^[\u4e00-\u9fff]{1,12}[〔\[［]\d{4}[〕\]］]\d{1,4}号$"),
                "issuer": re.compile(r"^(?:发文机关|发布机关|制定机关)[：:]"), "date": re.compile(r"^(?:成文日期|印发日期|发布日期)[：:]")}
def _asked_after(text: str, field: str, first: str) -> bool:
    """``field`` (doc_number, date, title) is asked after ``first`` in ``text``: it is asked of what ``first`` names."""
    if field not in ("doc_number", "date", "title"):
        return False
    a, b = META_PATTERNS[first].search(text), META_PATTERNS[field].search(text)
    return bool(a and b and b.start() > a.start())


# 「《X办法》（青教发〔2024〕6号）」, or 「《X方案》已经…同意，由…于2025年4月18日以石府办发〔2025〕9号文件印发实施」
_NAMED_NUMBER = re.compile(r"《(?P<name>[^《》\n]{2,60})》(?:[（(]|[^《》。\n]{0,60}?以)(?P<number>[\u4e00-\u9fff]{1,12}[〔\[［][0-9]{4}[〕\]］][0-9]{1,4}号)")
# 「已经…第83次常务会议审议通过」 in a cover letter; 「（2024年6月28日…常务委员会第十九次会议通过…）」 under a 条例's title
_ADOPTED = re.compile(r"(?:已经|经|\d{4}年\d{1,2}月\d{1,2}日)[^。；）)]{0,30}?第[\d一二三四五六七八九十百]+次[^。；]{0,12}会议[^。；]{0,6}(?:审议)?(?:通过|同意)")
_APPLIES = re.compile(r"^(?:第[一二三四五六七八九十百]+条\s*)?(?:本|此)(?:办法|细则|实施细则|规定|条例|方案|意见|措施|政策|制度)[^。；]{0,12}适用于|适用范围[为是：:]")
_BASIS = re.compile(r"^(?:为(?:深入)?(?:贯彻|落实)|根据|按照|依据|依照)")


# 「您提出的《关于加快老旧小区加装电梯的建议》收悉」「你局《关于…的请示》（…号）收悉」: a 答复 or 批复 is about what it answers
_RECEIVED = re.compile(r"《([^《》\n]{2,60})》[^。《》\n]{0,30}?收悉")


def _replied_to(text: str) -> list[str]:
    """The names of the documents a reply says it received, in its opening (「…《X》收悉」); [] for any other notice."""
    return _RECEIVED.findall(text[:600])
