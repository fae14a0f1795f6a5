"""「哪些文件提到了专精特新」: the notices of the library that speak of a topic, each with the first sentence that does."""

from __future__ import annotations

import re

import numpy as np

from policyqa.answer.classify import QueryInfo
from policyqa.answer.context import _is_subword
from policyqa.answer.kinds.base import Kind
from policyqa.corpus.chunk import sentence_spans
from policyqa.retrieve.hybrid import Ranked
from policyqa.types import SECTION_SEP, Answer, Clause, Document

# the question asks which notices, not what one of them says
WHICH_DOCUMENTS = re.compile(r"(?:哪些|哪几份|哪几个|哪几部|有没有|哪份|哪个|什么)(?:文件|政策文件|公文|通知|意见|办法|方案|细则)"
                             r"(?:里|中|上)?(?:都)?(?:提到|涉及|写到|说到|讲到|规定|提及|出现|有关|关于)"
                             r"|(?:在|出现在)(?:哪些|哪几份|哪份|哪个)(?:文件|公文|政策)")
# 「科技创新政策里哪些条款提到了孵化器」: which places of the one notice asked about
WHICH_PLACES = re.compile(r"(?:哪些|哪几|哪|什么)(?:条款|条|地方|部分|内容|章节|段|处)(?:里|中)?(?:都)?(?:提到|涉及|写到|说到|讲到|规定|提及|出现|有关|关于)")
# words of such a question that name no topic
_FRAME = frozenset("文件 政策文件 公文 通知 意见 办法 方案 细则 提到 涉及 写到 说到 讲到 规定 提及 出现 有关 关于 哪些 哪份 哪个 "
                   "哪几份 在 都 了 过 里 中 条款 地方 部分 内容 章节 哪几条 哪条".split())


class DocumentsKind(Kind):
    name = "documents"
    max_documents = 10

    def answer(self, info: QueryInfo, ranked: Ranked, qvec: np.ndarray) -> Answer | None:
        places = len(info.scope) == 1 and WHICH_PLACES.search(info.text)
        if not places and (info.scope or not WHICH_DOCUMENTS.search(info.text)):
            return None
        words = [t for t in info.content_terms if t not in _FRAME and len(t) >= 2 and t in self.idf
                 and not _is_subword(t, info.content_terms)]
        if places:  # the words that name the notice asked about are all over it
            words = [t for t in words if t not in info.scope_terms] or words
        # each topic is a set of spellings; a department asked is found under any of its names
        topic = [(t,) for t in words] + [tuple(self.b.aliases.names(d)) for d in info.departments]
        if not topic:
            return None
        named = "、".join([_as_asked(info.text, words), *info.departments]) if words else "、".join(info.departments)
        if places:
            return self._places(info, self.b.documents[info.scope[0]], topic, named)
        found = []  # (doc, the first sentence holding every topic)
        for doc in self.b.documents.values():
            hits = self._sentences(doc, topic, 1)
            if hits:
                found.append((doc, hits[0]))
        if not found:
            return None  # no notice speaks of it: the general path refuses
        shown = found[: self.max_documents]
        more = f"（另有{len(found) - len(shown)}份）" if len(found) > len(shown) else ""
        text = f"文件库中有{len(found)}份文件提到「{named}」{more}：" + "；".join(
            f"《{doc.meta.title}》" for doc, _ in shown) + "。"
        quotes = [self._quote(doc, s, e, SECTION_SEP.join(c.section_path), 1.0) for doc, (s, e, c) in shown]
        return Answer(text, True, self.citations(quotes), info.text, "documents")

    def _sentences(self, doc: Document, topic: list[tuple[str, ...]], limit: int) -> list[tuple[int, int, Clause]]:
        """Up to ``limit`` sentences of ``doc`` holding every topic (any of its spellings), in reading order."""
        if not all(any(n in doc.text for n in names) for names in topic):
            return []
        out = []
        for c in doc.clauses:
            for s, e in sentence_spans(c.text, c.start):
                if all(any(n in doc.text[s:e] for n in names) for names in topic):
                    out.append((s, e, c))
                    if len(out) >= limit:
                        return out
        return out

    def _places(self, info: QueryInfo, doc: Document, topic: list[tuple[str, ...]], named: str) -> Answer | None:
        hits = self._sentences(doc, topic, self.max_documents + 1)
        if not hits:
            return None
        shown = hits[: self.max_documents]
        more = "（还有更多）" if len(hits) > len(shown) else ""
        text = f"《{doc.meta.title}》中提到「{named}」的有以下{len(shown)}处{more}：" + "".join(
            f"（{i}）{doc.text[s:e].strip()}" for i, (s, e, _) in enumerate(shown, 1))
        quotes = [self._quote(doc, s, e, SECTION_SEP.join(c.section_path), 1.0) for s, e, c in shown]
        return Answer(text, True, self.citations(quotes), info.text, "documents")


def _as_asked(question: str, words: list[str]) -> str:
    """The words as the question writes them: 「专精特新」 for 专精 + 特新, else joined by 、."""
    at = sorted((question.find(w), w) for w in words)
    if at and at[0][0] >= 0:
        lo, hi = at[0][0], max(i + len(w) for i, w in at)
        if hi - lo <= sum(len(w) for w in words):
            return question[lo:hi]
    return "、".join(words)
