"""「X由哪些部门负责」: the 责任单位 note of the clause whose topic the question names."""

from __future__ import annotations

import re

import numpy as np

from policyqa.answer.classify import QueryInfo
from policyqa.corpus.chunk import sentence_spans
from policyqa.corpus.structure import cn_small
from policyqa.retrieve.hybrid import Ranked
from policyqa.types import SECTION_SEP, Answer, Clause, Document, Section
from policyqa.answer.context import _ASKS_ALL, _ASKS_LEAD, _LOCAL_UNITS, _grow, _is_subword, _title, _units_text
from policyqa.answer.kinds.base import Kind


class ResponsibilityKind(Kind):
    name = "responsibility"

    def answer(self, info: QueryInfo, ranked: Ranked, qvec: np.ndarray) -> Answer | None:
        return self.responsibility(info, ranked)

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
                    gain = self._title_gain(t)
                elif t in have or (len(t) >= 2 and t in c.text):
                    gain = self.w(t) * (1.0 + 0.2 * min(c.text.count(t), 3))
                if len(t) >= 3 and t not in title:  # 「教育经费」 asked, 「加强经费保障」 titled: a compound's head word
                    gain = max([gain] + [self._title_gain(p) for p in (t[:2], t[-2:]) if p in title and p in self.idf])
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

    def _title_gain(self, word: str) -> float:
        """What a topic word found in a clause's title adds to its score (twice a word found in its text, and more)."""
        return 2.0 * self.w(word) + 0.5

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
        stated = self._stated_actor(info, [(doc, clause)] + [self.clauses[h.chunk.clause_id] for h in ranked.hits[:3]], matched)
        if stated is not None:  # 「…由哪个部门认定」 and the clause says 「由市经济信息化局…认定」: that sentence answers
            return stated
        asks_lead = bool(_ASKS_LEAD.search(info.text)) and not _ASKS_ALL.search(info.text)
        units, named_units = _units_text(resp, asks_lead=asks_lead, question=info.text)
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
        if _ASKS_WHEN.search(info.text):  # 「由哪个部门牵头？要求什么时候完成？」: the task's deadline, where it states one
            for s, e in sentence_spans(clause.text, clause.start):
                when = _DEADLINE.search(doc.text[s:e])
                if when and not (resp.start <= s < resp.end):
                    lead += f"完成时限：{(when.group('when') or when.group('when2')).rstrip('。；;')}。"
                    if not any(q.start <= s and e <= q.end for q in quotes):
                        quotes.append(self._quote(doc, s, e, section, score))
                    break
        return Answer(lead, True, self.citations(quotes), info.text, "responsibility", departments=named_units)

    def _stated_actor(self, info: QueryInfo, places: list[tuple[Document, Clause]], matched: str) -> Answer | None:
        """A sentence of the matched clause (or of the top passages) naming who does the specific act asked
        (认定, 审批, 任召集人 …), if any."""
        m = _ASKED_ACT.search(info.text)
        if m is None or m.group("act") in _GENERIC_ACTS:
            return None
        phrase = m.group("act") + m.group("rest")
        seen: set[str] = set()
        for doc, clause in places:
            if clause.id in seen:
                continue
            seen.add(clause.id)
            found = self._actor_in(doc, clause, phrase, matched)
            if found is not None:
                return Answer(found[0], True, self.citations(found[1]), info.text, "responsibility", departments=found[2])
        return None

    def _actor_in(self, doc: Document, clause: Clause, phrase: str, matched: str) -> tuple[str, list, tuple[str, ...]] | None:
        for s, e in sentence_spans(clause.text, clause.start):
            sent = doc.text[s:e]
            if matched and matched not in sent:
                continue
            act = next((phrase[:n] for n in range(len(phrase), 1, -1) if phrase[:n] in sent), "")
            who = re.search(rf"由([^，。；、]{{2,20}}?)(?:会同[^，。；]{{0,12}}?|牵头|联合|负责|组织)?(?:进行|开展|负责)?{re.escape(act)}",
                            sent) if act else None
            if who is None and act:  # 「市财政统筹安排工作经费」: a named body (never 「各地」「有关部门」) as the act's subject
                who = re.search(rf"(?:^|[，；。：])((?:{_PLACE})[\u4e00-\u9fff]{{0,10}}?{_BODY})(?:要|应当|应|负责|要负责)?{re.escape(act)}",
                                sent)
            if who is None:
                continue
            actor = who.group(1)
            quotes = [self._quote(doc, s, e, SECTION_SEP.join(clause.section_path), 1.0)]
            label = matched if matched and matched not in phrase else _title(clause)
            return f"「{label}」由{actor}{act}：{sent.strip()}", quotes, (actor,)
        return None


_ASKS_WHEN = re.compile(r"什么时候|何时|啥时候|哪年|几月|完成时限|时间节点|时限|截止")
_DEADLINE = re.compile(r"(?:完成时限|时间节点|完成时间|时限)[：:]\s*(?P<when>[^。；\n]{2,30})|(?P<when2>\d{4}年(?:\d{1,2}月)?(?:底|末)?(?:前|以前))")
_ASKED_ACT = re.compile(r"(?:由|归|找)?(?:哪个|哪些|哪家|什么|谁)(?:部门|单位|机构|机关)?(?:来|负责|去)?(?P<act>[\u4e00-\u9fff]{2})(?P<rest>[\u4e00-\u9fff]{0,6})")
_PLACE = "市|县|区|省"
_BODY = "(?:局|委员会|委|办公室|办|厅|中心|政府|财政|法院|检察院|支行|分行|管委会)"  # what a named body's name ends in
_GENERIC_ACTS = frozenset("负责 牵头 管理 落实 实施 组织 承担 参与 配合 主管 部门 单位 抓的 来管".split())

