"""「市科技局负责哪些工作」: every clause whose 责任单位 names the department, grouped per notice."""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np

from policyqa.answer.classify import QueryInfo
from policyqa.corpus.chunk import sentence_spans
from policyqa.corpus.structure import is_row
from policyqa.retrieve.hybrid import Ranked
from policyqa.types import SECTION_SEP, Answer, Clause, Document
from policyqa.answer.context import NUMBERING, AnswerContext, Quote, _bare_title
from policyqa.answer.kinds.duties import DutyListKind, type_names
from policyqa.answer.kinds.base import Kind


class ReverseResponsibilityKind(Kind):
    name = "reverse_responsibility"

    def __init__(self, ctx: AnswerContext, duties: DutyListKind) -> None:
        super().__init__(ctx)
        self.duties = duties  # the sentences that give a department a duty, where no 责任单位 note names it

    def answer(self, info: QueryInfo, ranked: Ranked, qvec: np.ndarray) -> Answer | None:
        return self.reverse_responsibility(info, ranked)

    def _called(self, dept: str) -> tuple[str, ...]:
        """What a notice may call ``dept`` in its text: its names, and the department types each name is one of
        (市市场监督管理局 as 市市场监管局 too, so 「市场监督管理部门」 and 「市场监管部门」)."""
        names = self.b.aliases.names(dept)
        return (*names, *(t for n in dict.fromkeys((dept, *names)) for t in type_names(n)))

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
        def leads(c: Clause) -> bool:
            return c.responsibility is not None and any(self.b.aliases.same(dept, u) for u in c.responsibility.lead)

        named = [(c.start, c.end) for _, c in found]  # every clause a note names it in, led or not
        asks_lead = bool(re.search(r"牵头", info.text)) and not re.search(r"配合|参与|协助|责任单位|[或和及]负责|负责[或和及]", info.text)
        if asks_lead and not together:  # 「牵头或负责的」 asks both
            # 「市商务局牵头负责哪些任务」: the tasks it leads, where the notes tell the lead apart
            found = [(d, c) for d, c in found if leads(c)] or found
        role = "牵头单位" if found and all(leads(c) for _, c in found) else "责任单位"
        leads_only = asks_lead and "负责" not in info.text.replace("牵头负责", "")
        if not found and len(info.scope) == 1 and not together:
            # a notice without 责任单位 notes naming it (an 办法's articles): the sentences that give it a duty (asked only
            # what it leads, those in which it leads, when it leads any)
            doc = self.b.documents[info.scope[0]]
            duties = self.duties.duties_of(info, doc, dept, self._called(dept), lead=asks_lead)
            if duties is not None:
                return duties
        if not found:
            return Answer(f"文件列出的责任单位中没有{'同时包括' if together else ''}{dept}的条目。", True, (), info.text,
                          "reverse_responsibility")
        docs = list(dict.fromkeys(d.doc_id for d, _ in found))
        # a few tasks are named with what they ask for (「加强跟踪监测——建立完善…统计监测体系」): a title alone rarely says
        # what the department has to do; a long list stays titles only
        budget = max(_GIST_CHARS, _GIST_TOTAL // max(1, len(found)))  # one or two tasks are quoted at more length
        gist = {c.id: _gist(d, c, budget) for d, c in found} if len(found) <= _GIST_MAX else {}
        extra: list[tuple[int, int, str]] = []
        if len(docs) == 1 and not together:
            # a notice with a 分工表 and duties in its text (「市财政局负责统筹安排…」) gives the department both
            doc = self.b.documents[docs[0]]
            # a clause whose note names it is already answered (or, asked what it leads, left out on purpose)
            extra = [x for x in self.duties.duty_spans(doc, dept, self._called(dept))
                     if not any(a <= x[0] < b for a, b in named)
                     # asked only what it leads (「牵头负责的是哪项任务」, not 「负责哪些事、牵头哪些任务」), a sentence in
                     # which it only takes part (a 领导小组's members) answers nothing
                     and (not leads_only or "牵头" in doc.text[x[0]:x[1]])][: self.duties.max_items]
        if len(docs) == 1:
            items = "；".join(_bare_title(c) + (f"——{d.text[gist[c.id][0]:gist[c.id][1]].rstrip('。；;，,')}" if gist.get(c.id) else "")
                             for d, c in found)
            text = (f"{dept}共同作为责任单位的工作有以下{len(found)}项：{items}。" if together
                    else f"{dept}是以下{len(found)}项工作的{role}：{items}。")
            if extra:
                text += f"文中还写明{dept}：" + "".join(f"（{i}）{doc.text[s:e]}" for i, (s, e, _) in enumerate(extra, 1))
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
            if gist.get(c.id) and len(docs) == 1:
                quotes.append(self._quote(d, *gist[c.id], SECTION_SEP.join(c.section_path), 1.0))
        quotes.extend(self._quote(self.b.documents[docs[0]], s, e, section, 1.0) for s, e, section in extra)
        return Answer(text, True, self.citations(quotes), info.text, "reverse_responsibility")


_GIST_MAX = 4  # tasks shown with their first sentence; more are listed by title
_GIST_CHARS = 120  # one task's first sentence, cut at a clause boundary beyond this
_GIST_TOTAL = 360  # what the shown tasks may quote together: one task gets its first sentences up to this


def _gist(doc: Document, clause: Clause, budget: int = _GIST_CHARS) -> tuple[int, int] | None:
    """The span of a task's opening after its heading and outside its 责任单位 note: its first sentence, cut at a clause
    boundary when long, and the sentences after it while they fit in ``budget``; None when the paragraph is nothing
    but its heading and note."""
    r = clause.responsibility
    heading = clause.heading
    if is_row(clause.text):  # a 分工表 row: its task cell is all it says
        return None
    start = end = None
    for s0, e0 in sentence_spans(clause.text, clause.start):
        if r is not None and s0 >= r.start - 1 and e0 <= r.end + 1:
            if start is None:
                continue
            break  # the note closes the task
        if r is not None and s0 < r.start < e0:
            e0 = r.start  # the note closes the sentence it ends
        if start is not None:  # a following sentence, whole, while the budget lasts
            if e0 - start > budget:
                break
            end = e0
            continue
        sent = doc.text[s0:e0]
        bare = NUMBERING.sub("", sent).rstrip("。；;：: ")
        if not bare or (heading and len(bare) <= len(heading) + 2 and heading.startswith(bare[: max(2, len(bare) - 2)])):
            continue  # the run-in heading itself
        if len(sent) > _GIST_CHARS:
            cut = max(sent.rfind(p, 0, _GIST_CHARS) for p in "，；,;")
            return s0, (s0 + cut + 1 if cut >= 20 else s0 + _GIST_CHARS)
        start, end = s0, e0
    return None if start is None or end is None else (start, end)
