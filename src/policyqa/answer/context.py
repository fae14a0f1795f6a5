"""What every kind of answer reads: the index, clause/section maps, term weights, quoting and refusing.

Built once per index version; the answer kinds (``policyqa.answer.kinds``) read it, never write it.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass


from policyqa.answer.classify import QueryInfo
from policyqa.corpus.responsibility import note_starts
from policyqa.corpus.structure import PREAMBLE
from policyqa.index.store import IndexBundle
from policyqa.retrieve.hybrid import Ranked
from policyqa.retrieve.scope import may_be_of, places_of
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


class AnswerContext:
    def __init__(self, bundle: IndexBundle, thresholds: Thresholds | None = None) -> None:
        self.b = bundle
        self.tok = bundle.tokenizer
        self.th = thresholds or Thresholds()
        n = len(bundle.chunks)
        self.chunk_terms = [set(ts) for ts in self.tok.terms_many([c.index_text for c in bundle.chunks])]
        df: Counter[str] = Counter()
        for ts in self.chunk_terms:
            df.update(ts)
        self.idf = {t: math.log((n + 1) / (f + 0.5)) for t, f in df.items()}
        self.idf_unknown = math.log((n + 1) / 0.5)
        self.sent_text = [self.b.documents[bundle.chunks[r.chunk].doc_id].text[r.start : r.end] for r in bundle.sentences]
        self.sent_terms = [set(ts) for ts in self.tok.terms_many(self.sent_text)]
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
        self.first_clause: dict[str, Clause] = {}  # section id -> its first clause
        for _, c in self.clauses.values():
            if c.heading and c.section_id:
                self.items[c.section_id].append(c)
            if c.section_id:
                self.first_clause.setdefault(c.section_id, c)
        ids = list(self.clauses)
        texts = [SECTION_SEP.join(c.section_path) + " " + c.text for _, c in self.clauses.values()]
        self.clause_terms = {cid: set(ts) for cid, ts in zip(ids, self.tok.terms_many(texts))}
        titles = [c.section_path[-1] if c.section_path else "" for _, c in self.clauses.values()]
        self.title_terms = {cid: set(ts) for cid, ts in zip(ids, self.tok.terms_many(titles))}
        self.doc_places = {d.doc_id: places_of(d) for d in bundle.documents.values()}
        self.jurisdictions = set().union(*self.doc_places.values()) if self.doc_places else set()
        self.corpus_text = "\n".join(d.text for d in bundle.documents.values())
        self.titles = tuple(d.meta.title for d in bundle.documents.values())
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
        return {d for d, places in self.doc_places.items() if may_be_of(places, named)}

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


_LIST_CUE = re.compile(r"包括|包含|有哪些|哪几|几个?部分|几章|哪[两二三四五六七八九十][个项类条家种]|分别|分为|几条|各是|一共|几个方面|几项|几大|有几|哪些|列举|组成|构成|指的是|是指|which|what\s+are|refer|consist|include", re.I)
_WHICH = re.compile(r"哪几|哪些|分别|包括|包含|涵盖")
_OUTLINE_WORDS = frozenset("方面 部分 几个 哪几 几大 大块 几大块 方向 内容 主要 板块 章节 政策 措施 支持 几 条 项 类 块 哪些 规定 文件 印发 分成 分为 "
                           "办法 方案 意见 细则 几章 章 几部分 组成 结构".split())
_WHERE_CUE = re.compile(r"哪一部分|哪个部分|哪一节|哪个章节|哪一章|哪一条|哪条|在哪里提|在哪提|出自|哪部分", re.I)
_UNITS = [("%", r"(?:几|多少)个?(?:百分)?点(?![钟儿])"),  # 「利息补几个点」 asks percentage points, not a count
          ("年份", r"哪一?年|何年|what\s+year|which\s+year|by\s+when"), ("年", r"几年|多少年"), ("家", r"多少家|(?<!哪)几家"),
          ("人", r"(?:多少|(?<!哪)几)个?人(?!次)|(?:多少|(?<!哪)几)名"), ("个", r"多少个|(?<!哪)几个"), ("项", r"多少项|(?<!哪)几项"), ("类", r"(?<!哪)几类|多少类"), ("万元", r"多少万"),
          ("亿元", r"多少亿"),
          # an amount of money: 「多少钱」, what is paid (「奖多少」「补多少」「罚多少」), never a count (「奖多少个」)
          ("元", r"多少钱|(?:奖|补|奖励|补贴|补助|资助|发|领|拿|罚|罚款|交|缴|花)多少(?![个家项类种条名批亩倍台套座所吨人天年月次钱万亿元%])"),
          ("米", r"多远|多少米|多少公里|多少千米"),  # a distance: 「离林子多远以内」 is answered by 「50米范围内」
          ("岁", r"(?:多少|几)周?岁|多大(?:年龄|年纪|岁数)|年龄[^，。？?]{0,4}(?:多少|几)")]
_CLASSIFIERS = "个项类种大家条批"
_FIGURE = r"(?:\d+(?:\.\d+)?|[一二三四五六七八九十百千两]+)"  # a figure in digits or in words
_SAME_UNIT = {"米": "米里", "%": "%％", "天": "天日", "日": "天日", "户": "户家", "家": "家户", "元": "元万亿", "人": "人名位"}  # 「多少天」 is answered by 「30日」
_VAGUE = frozenset("""时候 时间 意思 样子 东西 情况 方面 地方 内容 方式 作用 要求 规定 措施 工作 问题 程序 条件 原则 标准 阶段 类型
    种类 类别 环节 步骤 形式 层面 部分 模式 途径 渠道 手段 方法 办法 特点 目标 任务 重点 门槛 范围 对象 依据""".split())


_DUTY = re.compile(r"[\u4e00-\u9fff]{2,14}(?:部门|机构|单位|局|委|办|政府|中心|管委会)(?:[\u4e00-\u9fff、]{0,20}?)(?:负责|牵头|承担|主管)")
# 「…；负责对…进行评审。」: a duty sentence whose subject is the sentence before it
# a sentence that names its matter by pointing back (「此项由市民政局…」「上述工作由…负责」): read with the one before it
ANAPHOR = re.compile(r"^(?:此项|该项|这项|上述|前述|此类|该类)")
SUBJECTLESS_DUTY = re.compile(r"^(?:负责|牵头|承担|组织|指导|参与)")
_ASKS_LEAD = re.compile(r"牵头|主抓|带头|哪一?个(?:部门|单位|机构)|哪家(?:部门|单位|机构)|lead", re.I)  # one body asked: the lead
_ASKS_ALL = re.compile(r"还有|参与|配合|责任单位|哪(?:些|几个)(?:部门|单位)负责|谁负责|分别|和.{0,4}单位|、谁")


# 「哪些部门负责」 asks the departments: the governments and 管委会 a note also charges (「各区市县人民政府、园区管委会」)
# are the places that carry the task out, not departments; 「哪些单位」「谁」 asks them all
_ASKS_DEPARTMENTS = re.compile(r"(?:哪个|哪些|哪几个|哪一个|哪家|什么|啥)部门|部门(?:有哪些|是哪些|是哪个|是谁)")
_ASKS_UNITS = re.compile(r"单位|谁|机关|主体|政府|管委会")
_GOVERNMENT = re.compile(r"(?:人民政府|政府|管委会|管理委员会|办事处)(?:[（(][^）)]*[）)])?$")


def _units_text(resp: Responsibility, asks_lead: bool, question: str = "") -> tuple[str, tuple[str, ...]]:
    """「的牵头单位是：A；责任单位：B、C」 when the note tells them apart; only the lead when that is asked; asked for the
    departments, without the governments the note also names (its quote shows them)."""
    etc = "等" if resp.has_etc else ""
    units = resp.units
    if _ASKS_DEPARTMENTS.search(question) and not _ASKS_UNITS.search(question):
        departments = tuple(u for u in units if not _GOVERNMENT.search(u))
        units = departments or units
    lead = tuple(u for u in resp.lead if u in units)
    others = tuple(u for u in units if u not in lead)
    if lead and asks_lead:
        return f"的牵头单位是：{'、'.join(lead)}", lead
    if lead and others:
        return f"的牵头单位是：{'、'.join(lead)}；其他责任单位：{'、'.join(others)}{etc}", units
    return f"的责任单位是：{'、'.join(units)}{etc}", units


def _has_quantity(text: str, unit: str | None) -> bool:
    text = re.sub(r"第[一二三四五六七八九十百零〇\d]+[条章节款项批]", "", text)  # 「第六条」 numbers an article, it counts nothing
    text = re.sub(r"\d+[A-Za-z]+", "", text)  # 「4A级景区」「5G」 are grades and names, no quantity
    # 「（广市国资委〔2022〕85号）」 numbers a notice and 「《…2023年…办法》」 names one: neither counts anything
    text = re.sub(r"《[^《》]{1,80}》|[〔\[［（(]\d{4}[〕\]］）)]\s*\d+\s*号", "", text)
    if unit:
        if unit == "年份":
            return bool(re.search(r"\d{4}\s*年", text))
        if unit == "人" and re.search(r"分之|半数|过半", text):  # 「多少人同意」 is answered by 「三分之二以上」
            return True
        if unit in ("家", "户", "所") and re.search(r"\d+(?:\.\d+)?\s*[%％]的[\u4e00-\u9fff]", text):
            return True  # 「完成多少家」 is answered by a share of them: 「20%的二级以上公立医院…完成章程制定」
        if unit == "元":  # an amount: 「300万元」「2万」, never 「8万亩」「2万人」; or the rate paid (「按3%给予补助」)
            return bool(re.search(rf"{_FIGURE}\s*(?:[万亿]?元|[万亿](?![亩人吨平方立米千公户家个台辆套次份株头只条座间张件册本所项名])|[%％])", text))
        if unit == "米":  # a distance: 「50米」「9.6公里」「3千米」
            return bool(re.search(rf"{_FIGURE}\s*(?:公里|千米|米)", text))
        if unit == "岁":  # an age: 「年满16周岁」「45岁以下」
            return bool(re.search(r"(?:\d+|[一二三四五六七八九十]+)\s*周?岁", text))
        units = _CLASSIFIERS if unit == "个" else _SAME_UNIT.get(unit, unit)  # 「几个层级」 is answered by 「五大层级」
        # 「8万亩」「60万千米」: a magnitude may stand between the figure and its unit
        return bool(re.search(rf"{_FIGURE}\s*[万亿]?[{re.escape(units)}]", text))
    # a year or a date (「2019年」「2023年10月1日」) counts nothing: 「多少」 is not answered by when
    undated = re.sub(r"\d{4}\s*年(?:\d{1,2}\s*月(?:\d{1,2}\s*日)?)?|\d{1,2}\s*月\d{1,2}\s*日", "", text)
    return bool(re.search(r"\d|[一二三四五六七八九十两百千]+(?:个|家|项|大|类|条|年|倍|成|次(?!性)|小时|天|日|周|月|米|层|人|名|户|台|辆|处|所|座|轮)"
                          r"|一半|半数|过半|翻一?番|百分之|分之[一二三四五六七八九十]", undated))


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


def _abbreviates(word: str, text: str) -> bool:
    """``word``'s characters stand in ``text`` in order, close together and inside one phrase: 「招投标」 in 「招标投标」,
    「高企」 in 「高新技术企业」, 「网约车」 in 「网络预约出租汽车」 — how Chinese shortens a name."""
    if len(word) < 2 or not re.fullmatch(r"[\u4e00-\u9fff]+", word):
        return False
    gap = rf"[^\s，。；、：“”《》（）()]{{0,{2 * len(word) - 1}}}?"
    return re.search(gap.join(re.escape(ch) for ch in word), text) is not None


def _is_resp(sentence: str) -> bool:
    """A 责任单位 note standing as a sentence: 「（责任单位：…）」, or a bracket of units that lead and take part
    (「〔市教育体育局、市发展改革委牵头，各区市县政府…负责〕」)."""
    if re.match(r"^[（〔(]\s*(?:责任单位|牵头单位)", sentence):
        return True
    s = sentence.strip()
    notes = note_starts(s)  # the corpus parser's own note finder: the whole sentence is one note
    return bool(notes) and notes[0][0] == 0 and notes[0][1] >= len(s.rstrip("。；"))


def _title(clause: Clause) -> str:
    """A clause's own name: its run-in heading (「提升智育水平」) when the paragraph has one, else its section."""
    if clause.heading and clause.responsibility is not None:
        return clause.heading
    label = clause.section_path[-1] if clause.section_path else ""
    if label in ("", PREAMBLE) and clause.responsibility is not None:  # a task outside any heading: its first words
        return re.split(r"[。；;！？，,（(]", NUMBERING.sub("", clause.text), maxsplit=1)[0][:30] or label
    return label


NUMBERING = re.compile(r"^(?:\d{1,2}(?:[.．]\d{1,2}){1,3}\s*|\d{1,2}\.\s*|[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+、)")  # 「1.」「2.5.3」「（三）」「二、」


def _bare_title(clause: Clause) -> str:
    """「1. 新一代光电」 -> 「新一代光电」: numbering repeats across sections and means nothing alone."""
    return NUMBERING.sub("", _title(clause))


_LOCAL_UNITS = re.compile(r"区县|县区|县（市）|县\(市\)|各县|高新区|管委会|区里|县里|基层")


def _is_subword(t: str, terms: tuple[str, ...] | list[str]) -> bool:
    """Search-mode segmentation yields 「未来」「能源」 beside 「未来能源」: count the long word only."""
    return any(t != u and t in u for u in terms)


__all__ = ["AnswerContext", "Quote", "Thresholds", "REFUSAL", "META_SECTION"]
