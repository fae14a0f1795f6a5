"""Extractive answers: route by question type, answer from structure where it knows more than text.

The router is here, in one place; each kind of answer is a module of ``policyqa.answer.kinds`` behind
``Kind.answer``, all reading one ``AnswerContext``. Every citation is a verbatim span of the normalized
document; ``verify`` drops any that is not.
"""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np

from policyqa.answer.classify import META_WORDS, QueryInfo, topic_type
from policyqa.answer.context import _LIST_CUE, REFUSAL, AnswerContext, Quote, Thresholds, _abbreviates, _is_subword
from policyqa.answer.gate import Gate
from policyqa.answer.kinds.base import Kind
from policyqa.answer.kinds.documents import DocumentsKind
from policyqa.answer.kinds.duties import DutyListKind
from policyqa.answer.kinds.listing import ListingKind
from policyqa.answer.kinds.metadata import MetadataKind
from policyqa.answer.kinds.responsibility import ResponsibilityKind
from policyqa.answer.kinds.reverse import ReverseResponsibilityKind
from policyqa.answer.kinds.sentences import SentenceKind
from policyqa.answer.refusal import foreign_place, off_topic
from policyqa.answer.scorer import SentenceScorer
from policyqa.index.store import IndexBundle
from policyqa.retrieve.hybrid import Ranked
from policyqa.text.normalize import normalize_query
from policyqa.types import Answer


# a name the library never writes: a title in 《》, or a quoted name of a kind of thing a notice names (「“贡嘎培优”名单」);
# an asker's words in quotes (「被外国“掐住脖子”的技术」「“凑数公司”」) are no name
_NAME_KINDS = r"名单|计划|工程|项目|行动|奖|称号|政策|品牌|平台|基金|专项|试点|示范|认定|企业|系统|APP|App|专区|码|卡|券"
_NAMED = re.compile(r"《([^《》]{2,20})》|[“\"「]([^“”\"「」]{2,20})[”\"」](?=" + _NAME_KINDS + ")")


class Composer(AnswerContext):
    """Checks what no kind may answer (injections, other cities, unknown names), then routes by question type."""

    def __init__(self, bundle: IndexBundle, thresholds: Thresholds | None = None,
                 scorer: SentenceScorer | None = None, gate: Gate | None = None) -> None:
        super().__init__(bundle, thresholds)
        listing = ListingKind(self)
        duties = DutyListKind(self)
        self.fallback = SentenceKind(self, listing, scorer, gate)
        # question type -> the kinds that may answer it, tried in order; the best sentences answer the rest
        documents = DocumentsKind(self)  # 「哪些文件提到了X」 asks the library, whatever else it asks
        self.routes: dict[str, list[Kind]] = {
            "metadata": [MetadataKind(self)],
            "reverse_responsibility": [documents, ReverseResponsibilityKind(self, duties)],
            "responsibility": [documents, duties, ResponsibilityKind(self)],
            "enumeration": [documents, duties, listing],
            "count": [documents, listing],
            "general": [documents, duties, listing],
        }

    def compose(self, info: QueryInfo, ranked: Ranked, qvec: np.ndarray) -> Answer:
        if info.qtype == "injection":
            return self.refuse(info, ranked, "injection")
        if off_topic(info.text, (self.b.documents[d].text for d in info.scope)):
            return self.refuse(info, ranked, "off_topic")
        if info.year_mismatch and info.scope:
            have = "、".join(f"《{self.b.documents[d].meta.title}》" for d in info.scope)
            ans = self.refuse(info, ranked, f"year_not_in_library:{info.year_mismatch}")
            return replace(ans, answer=f"抱歉，文件库中没有{info.year_mismatch}年的这份文件，只收录了{have}；我不能用其他年份的文件代替作答。")
        place = foreign_place(info.text, self.jurisdictions, self.corpus_text, self.titles)
        if place:
            return self.refuse(info, ranked, f"other_place:{place}")
        for titled, quoted_name in _NAMED.findall(info.text):
            quoted = titled or quoted_name
            name = normalize_query(quoted)
            if name not in self.corpus_text and not (len(name) <= 4 and _abbreviates(name, self.corpus_text)):
                return self.refuse(info, ranked, f"unknown_name:{quoted}")  # 「高企」 shortens 「高新技术企业」
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
        return self._by_type(info, ranked, qvec)

    def _by_type(self, info: QueryInfo, ranked: Ranked, qvec: np.ndarray) -> Answer:
        for kind in self.routes.get(info.qtype, []):
            if kind.name == "enumeration" and not _LIST_CUE.search(info.text):
                continue  # a list is only an answer to a question that asks for one (the duty kind reads its own ask)
            ans = kind.answer(info, ranked, qvec)
            if ans is not None:
                return ans
        if info.qtype == "metadata":  # not about the notice itself (「经营牌照能管几年」): a question about a topic in it
            return self._by_type(replace(info, qtype=topic_type(info.text, info.departments, info.content_terms),
                                         meta_field=""), ranked, qvec)
        return self.fallback.sentences(info, ranked, qvec)


__all__ = ["Composer", "Thresholds", "Quote", "REFUSAL"]
