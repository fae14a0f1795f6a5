"""Lists from the section tree: a section's sub-sections or run-in items, a notice's top-level parts."""

from __future__ import annotations

import re

import numpy as np

from policyqa.answer.classify import QueryInfo
from policyqa.retrieve.hybrid import Ranked
from policyqa.types import Answer, Clause, Section
from policyqa.answer.context import Quote, _OUTLINE_WORDS, _VAGUE, _abbreviates
from policyqa.answer.kinds.base import Kind


_ASKS_PARTS = re.compile(r"几个?部分|分成(?:了)?(?:哪|几)|哪几个?部分|几章|哪几章|章节|结构|由哪些部分|组成|分(?:哪|几)几?个?方面")


def _inline_list(title: str) -> tuple[str, list[str], str] | None:
    """「全面推进政务诚信、商务诚信、社会诚信和司法公信建设」 -> (全面推进, [政务诚信, 商务诚信, 社会诚信, 司法公信], 建设): the
    items of an inline list of at least three, sized by its middle items (the first and last carry the heading's words)."""
    parts = title.split("、")
    if len(parts) < 3 or any(not re.fullmatch(r"[\u4e00-\u9fff“”]{2,10}", p) for p in parts[1:-1]):
        return None
    size = len(parts[1])
    if any(len(p) != size for p in parts[1:-1]) or len(parts[0]) < size:
        return None
    last = re.match(r"^(.+?)(?:和|及|与|以及)(.+)$", parts[-1])
    if last is None or len(last.group(1)) != size or len(last.group(2)) < size:
        return None
    items = [parts[0][-size:], *parts[1:-1], last.group(1), last.group(2)[:size]]
    return parts[0][:-size], items, last.group(2)[size:]


# 「申领程序」 asked as 「申领要经过哪几个步骤」: what a list section is headed by, in the words askers use for it
_HEADS = (("程序", "流程", "步骤", "环节"), ("条件", "要求", "门槛"), ("材料", "资料"))


def _same_head(title: str, question: str) -> bool:
    """``title`` is 「X程序」 and the question asks X's 步骤 (or 流程, 环节): the same list in other words."""
    for group in _HEADS:
        head = next((h for h in group if title.endswith(h)), None)
        if head and len(title) - len(head) >= 2 and title[: -len(head)] in question \
                and any(re.search(rf"(?:哪些|哪几个?|几个|什么){h}", question) for h in group):
            return True
    return False


class ListingKind(Kind):
    name = "enumeration"

    def answer(self, info: QueryInfo, ranked: Ranked, qvec: np.ndarray) -> Answer | None:
        return self.section_listing(info, ranked)

    # ----------------------------------------------------------------- enumerations from the tree
    def section_listing(self, info: QueryInfo, ranked: Ranked) -> Answer | None:
        best: tuple[int, Section] | None = None
        allowed = self._allowed(info)
        for s in self.sections.values():
            if allowed is not None and s.doc_id not in allowed:
                continue
            if s.level == 0:
                continue  # a notice's own title names the notice, not a list (its parts: ``_outline``)
            if not s.title:
                continue
            core = re.sub(r"^(?:推动|加快|以|强化|加强)", "", s.title)
            if not (s.title in info.text or (len(core) >= 4 and core in info.text) or _same_head(s.title, info.text)):
                continue  # (asked first: reading a section's paragraph for a run of items is the dearer test)
            kids = [k for k in self.children.get(s.id, []) if k.title]
            if len(kids) < 2 and len(self._item_clauses(s)) < 2 and not self._series(s):
                continue
            if best is None or len(s.title) > best[0]:
                best = (len(s.title), s)
        if best is None:
            return self._inline_heading(info) or self._outline(info)
        text, quotes = self._listing(best[1])
        quoted = re.findall(r"[“\"「]([^”\"」]{2,12})[”\"」]", info.text)
        if quoted and not any(q in text for q in quoted):
            return None  # 「保障措施里的“六个一”机制」: the section only says where; the quoted name is what is asked
        return Answer(text, True, self.citations(quotes), info.text, "enumeration")

    def _inline_heading(self, info: QueryInfo) -> Answer | None:
        """「全面推进哪几方面的诚信建设」: a heading that lists them inline (「四、全面推进政务诚信、商务诚信、社会诚信和司法公信
        建设」), the question holding the heading's own words around the list."""
        allowed = self._allowed(info)
        best: tuple[int, Section, list[str]] | None = None
        for s in self.sections.values():
            if (allowed is not None and s.doc_id not in allowed) or not s.title:
                continue
            split = _inline_list(s.title)
            if split is None:
                continue
            pre, items, post = split
            frame = [w for w in (pre, post) if len(w) >= 2]
            if sum(map(len, frame)) >= 4 and all(w in info.text for w in frame) and not any(i in info.text for i in items):
                if best is None or sum(map(len, frame)) > best[0]:
                    best = (sum(map(len, frame)), s, items)
        if best is None:
            return None
        _, sec, items = best
        doc = self.b.documents[sec.doc_id]
        i = doc.text.find(sec.title, sec.start)
        quote = self._quote(doc, sec.start, i + len(sec.title) if i >= 0 else sec.end, sec.path_str, 1.0)
        return Answer(f"「{sec.label}」列出{len(items)}个方面：{'、'.join(items)}。", True, self.citations([quote]), info.text,
                      "enumeration")

    def _outline(self, info: QueryInfo) -> Answer | None:
        """「科技创新若干政策分哪几个方面」: a question about the notice as a whole lists its top-level parts."""
        if len(info.scope) != 1 or info.scope_reason not in ("title", "doc_number", "inherited"):
            return None
        doc = self.b.documents[info.scope[0]]
        roots = [s for s in self.children.get(None, []) if s.doc_id == doc.doc_id]
        while len(roots) == 1 and len([k for k in self.children.get(roots[0].id, []) if k.title]) >= 2:
            top = roots[0]  # a 通知 wrapping its 办法: the attachment's own parts
            roots = [k for k in self.children.get(top.id, [])]
        roots = [r for r in roots if r.title]
        if len(roots) < 2:
            return None

        def names_a_topic(t: str) -> bool:
            # a word most part titles share (「加大…支持」 heads every part) describes the parts, it picks none
            shared = len(roots) >= 3 and sum(1 for r in roots if t in r.title) * 3 >= 2 * len(roots)
            contraction = t not in doc.meta.title and _abbreviates(t, doc.meta.title)  # 「文旅」 for 文化旅游
            # 「社会信用体系方案分几个部分」: asked for its parts, the words of the notice's own name name no topic
            in_name = t in doc.meta.title and bool(_ASKS_PARTS.search(info.text))
            return not (t in _VAGUE or t in _OUTLINE_WORDS or shared or contraction or in_name
                        or re.fullmatch(r"[一二三四五六七八九十两几\d]+[个项条类]?", t))

        if any(names_a_topic(t) for t in info.content_terms):
            return None  # a topic inside the notice is asked about, not the notice's outline
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

    def _series(self, sec: Section) -> tuple[Clause, int, int, list[str]] | None:
        """The items a section with no sub-sections or titled items runs in its own paragraph: 「——坚持生态优先，绿色
        发展。…——坚持市场主导，政府引导。…」, or 「坚持居民自愿、政府引导；坚持因地制宜、分类施策；…。」 (clause,
        start and end of the run in the document's text, items)."""
        c = self.first_clause.get(sec.id)
        if c is None:
            return None
        body, at = c.text, c.start
        if c.heading and 0 <= (i := body.find(c.heading)) < 12:  # after the run-in title 「（二）基本原则。」
            cut = i + len(c.heading)
            cut += len(body[cut:]) - len(body[cut:].lstrip("。.：: "))
            body, at = body[cut:], at + cut
        dashes = list(re.finditer(r"——\s*([^。；—]{2,30}?)[。；]", body))
        if len(dashes) >= 2:
            return c, at + dashes[0].start(), at + dashes[-1].end(), [m.group(1) for m in dashes]
        first = body.split("。", 1)[0]
        parts = [x.strip() for x in re.split(r"[；;]", first)]
        if len(parts) >= 3 and all(2 <= len(x) <= 40 for x in parts):
            return c, at, at + len(first), parts
        return None

    def _listing(self, sec: Section) -> tuple[str, list[Quote]]:
        """「三、发展重点」包括3项：（一）…；（二）…（新一代光电、…）；… with each heading quoted."""
        doc = self.b.documents[sec.doc_id]
        kids = [k for k in self.children[sec.id] if k.title]
        series = self._series(sec) if len(kids) < 2 and len(self._item_clauses(sec)) < 2 else None
        if series is not None:
            _, start, end, items = series
            return (f"「{sec.label}」包括{len(items)}项：" + "；".join(items) + "。",
                    [self._quote(doc, start, end, sec.path_str, 1.0)])
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


    def _section_of_preamble(self, clause_id: str) -> Section | None:
        """A clause that sits directly under a heading with sub-sections introduces them (「构建“1+6+2”体系」)."""
        _, clause = self.clauses[clause_id]
        sec = self.sections.get(clause.section_id or "")
        if sec is None or len([k for k in self.children.get(sec.id, []) if k.title]) < 2:
            return None
        return sec
