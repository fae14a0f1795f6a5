"""「市科技局负责哪些工作」: every clause whose 责任单位 names the department, grouped per notice."""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np

from policyqa.answer.classify import QueryInfo
from policyqa.retrieve.hybrid import Ranked
from policyqa.types import SECTION_SEP, Answer, Clause, Document
from policyqa.answer.context import AnswerContext, Quote, _bare_title
from policyqa.answer.kinds.duties import DutyListKind
from policyqa.answer.kinds.base import Kind


class ReverseResponsibilityKind(Kind):
    name = "reverse_responsibility"

    def __init__(self, ctx: AnswerContext, duties: DutyListKind) -> None:
        super().__init__(ctx)
        self.duties = duties  # the sentences that give a department a duty, where no 责任单位 note names it

    def answer(self, info: QueryInfo, ranked: Ranked, qvec: np.ndarray) -> Answer | None:
        return self.reverse_responsibility(info, ranked)

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
        if not found and len(info.scope) == 1 and not together:
            # a notice without 责任单位 notes naming it (an 办法's articles): the sentences that give it a duty
            doc = self.b.documents[info.scope[0]]
            duties = self.duties.duties_of(info, doc, dept, (*self.b.aliases.names(dept), *_type_names(dept)))
            if duties is not None:
                return duties
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


def _type_names(dept: str) -> tuple[str, ...]:
    """The department type a named bureau is one of, as an 办法 writes it: 市民政局 -> 民政部门, 民政主管部门 …"""
    core = re.sub(r"(?:管理局|局|委员会|委|办公室|办)$", "", re.sub(r"^[市县区省]", "", dept))
    return tuple(f"{core}{suffix}" for suffix in ("部门", "主管部门", "行政部门", "行政主管部门")) if len(core) >= 2 else ()
