"""The best sentences of the scoped passages, with the refusal gate for what the text does not state."""

from __future__ import annotations

import math
import os
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from policyqa.answer.classify import QueryInfo, asked_part, expand_synonyms, meta_fields
from policyqa.answer.refusal import CHECK_ONLY_KINDS, UNSUPPORTED_KINDS, detail_ask
from policyqa.corpus.structure import PREAMBLE as PREAMBLE_LABEL
from policyqa.corpus.structure import HEADER_LINE, QA_LINE, cn_small, is_row, table_cells
from policyqa.retrieve.hybrid import Ranked
from policyqa.retrieve.scope import topic_names
from policyqa.types import SECTION_SEP, Answer, Hit
from policyqa.answer.context import (
    ANAPHOR, NUMBERING, SUBJECTLESS_DUTY, AnswerContext, _DUTY, _LIST_CUE, _VAGUE, _WHERE_CUE, _WHICH, _asked_unit, _bare_title, _has_quantity, _hit_for, _is_resp, _is_subword,
)
from policyqa.answer.gate import Gate, GateFeatures, HandGate
from policyqa.answer.kinds.base import Kind
from policyqa.answer.scorer import FEATURES, SentenceScorer, default_scorer

_DEFINE_ASK = re.compile(r"所称|是指|指什么|指哪|什么意思|含义|定义")
_DEFINES = re.compile(r"所称[^，。；]{0,20}?(?:是指|系指|指)|是指")
_YES_NO = re.compile(r"能不能|能否|是否|可不可以|可以[^？?。]{0,20}吗|会不会|要不要|算不算|允许[^？?。]{0,24}吗|让不让|给不给|行不行|准不准|许不许"
                     r"|能[^，。？?]{1,6}不[？?]"  # 「在山上能烧不？」
                     r"|没(?:得|有)?(?:事|问题|关系)(?:吧|吗|嘛)|(?:行|可以|没事)吧[？?]")  # 「烧点纸钱应该没得事吧？」
_FORBIDS = re.compile(r"严禁|禁止|不得")
_PENALTY = re.compile(r"处罚|罚款|处分|追究[^，。；]{0,6}责任")
_VIOLATES = re.compile(r"违反(?:以上|上述|前款|本条|上款|下列|本规定)")
_MODAL = re.compile(r"不得|严禁|禁止|不予|可以|允许|应当|须|不计入|免予|不再")
_ASKS = re.compile(r"多少|几[项个年天月类种名次]|哪[个些天年里]|什么|谁")


_INLINE_LIST = re.compile(r"[^、。；]{1,20}、[^、。；]{1,20}、[^、。；]{1,20}")  # three items or more in one sentence
_MARKER = r"(?:\d{1,2}\.\s*|[（(][一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+、)"  # 「1.」「（三）」「二、」
_HEADING_ONLY = re.compile(rf"^{_MARKER}[^。；，]{{2,24}}。?$")  # a run-in heading standing as a sentence
_LIST_NOUN = re.compile(r"([\u4e00-\u9fff]{2})(?:主要|具体|一共|都)?(?:有哪些|包括哪些|包含哪些|是哪些|有哪几|包括哪几|是什么|有啥|都有啥|分别是)")
_LABEL = re.compile(r"(?<![A-Za-z\d])[A-Za-z一二三四五六七八九十甲乙丙丁](?:类|级|档|等奖|星级)")
_NEGATED = re.compile(r"不([属得予符适允])")  # 「不属于」「不得」「不予」「不符合」「不适用」「不允许」: what the question negates
# 「可以考虑哪些因素」「有哪些情形时」: the noun after the question word, which a list before it may not name
_LIST_NOUN_AFTER = re.compile(r"(?:哪些|哪几(?:个|项|类|种|条)?)([\u4e00-\u9fff]{2})(?=[？?。！!，,时的是要需应必能不被]|$)")
# 「要履行哪些出资人职责？」: a longer noun that ends the question
_LIST_NOUN_TAIL = re.compile(r"(?:哪些|哪几(?:个|项|类|种|条)?)([\u4e00-\u9fff]{3,6})(?=[？?。！!]|$)")


def _defines_list(sentence: str, noun: str, item_chars: int = 10) -> bool:
    """``sentence`` says what ``noun`` is made of, three items or more after it: 「定标因素包括价格、技术、质量…」."""
    item = rf"[^，。；、：]{{1,{item_chars}}}"
    return re.search(rf"{re.escape(noun)}(?:主要)?(?:包括|包含|有|为|是|：){item}(?:、{item}){{2,}}", sentence) is not None


def _tied_list(sentence: str, noun: str) -> bool:
    """``sentence`` lists three items or more right before or after ``noun`` (「“A、B、C”原则」「因素包括A、B、C」), or
    introduces the items that follow it as ``noun`` (「应当符合以下条件：」)."""
    item = r"[^，。；、：]{1,25}"
    return re.search(rf"(?:{item}、){{2,}}{item}[”」\"]?(?:等|的)?{re.escape(noun)}", sentence) is not None \
        or _defines_list(sentence, noun, item_chars=25) or _leads_items(sentence, noun)


def _leads_items(sentence: str, noun: str) -> bool:
    """``sentence`` introduces the items that follow it as ``noun`` (「应当符合以下条件：」「企业不得开展以下投资：」「履行出资人
    职责，主要包括：」)."""
    return re.search(rf"{re.escape(noun)}(?:[^，。；：]{{0,6}}|[，,](?:主要|具体)?(?:包括|包含|如下))[：:]\s*$", sentence) is not None


_UP = re.compile(r"超过|以上|高于|大于|多于")
_DOWN = re.compile(r"不超过|未超过|以下|以内|低于|小于|不足|不到|少于")


def _bound(text: str, at: int, number: str) -> int:
    """+1 above, -1 below, 0 unsaid: the comparison said right around ``number`` at ``at`` (「超过3000万元」「3000万元以内」)."""
    after = re.match(r"\s*[万亿千百]?(?:元|人次|人|户|家|个|项|年|%)?(?:[（(][^）)]{1,4}[）)])?(.{0,4})", text[at + len(number) :])
    around = text[max(0, at - 4) : at] + "|" + (after.group(1) if after else "")  # past 「亿元（不含）」 to 「以下」
    if _DOWN.search(around):
        return -1
    return 1 if _UP.search(around) else 0


def _figure(number: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\d.]){re.escape(number)}(?![\d.])")  # 「500」 is not in 「5000」


def _asked_figures(question: str) -> tuple[tuple[str, int], ...]:
    """The question's figures (two digits or more, or one with its unit: 「2亿元」「2亿」), each with the bound asked (``_bound``).
    A figure the asker rounds (「砸了100来万」「两千多万」) is their own case, met by a threshold, not a figure to find."""
    out = []
    for number in re.findall(r"\d+(?:\.\d+)?(?![\d.]|\s*[多余来])(?=\s*(?:[万亿千百]?(?:元|人|户|家|个|项|年|%)|[万亿]))"
                             r"|\d{2,}(?![\d.]|\s*[多余来])", question):
        asked = _figure(number).search(question)
        if asked is not None:
            out.append((number, _bound(question, asked.start(), number)))
    return tuple(out)


_UNIT_OF = {"周岁": "岁", "岁": "岁", "平方米": "平方米", "平米": "平方米", "㎡": "平方米", "万元": "万元", "万": "万元", "元": "元"}
_U = r"(周岁|岁|平方米|平米|㎡|万元|万(?![\u4e00-\u9fff])|万(?=[的块])|元)"  # 「超过3000万的」: 万 said for 万元
_SPAN = re.compile(rf"(\d+(?:\.\d+)?)\s*{_U}?\s*(?:至|到|—|-|～|~)\s*(\d+(?:\.\d+)?)\s*{_U}")
_FROM = re.compile(rf"(\d+(?:\.\d+)?)\s*{_U}(?:[（(]含[）)])?(?:及|以)以?上")  # 「5000万元（含）以上」
_BELOW = re.compile(rf"(?:不满|不足|未满|低于|不超过)\s*(\d+(?:\.\d+)?)\s*{_U}")
_UPTO = re.compile(rf"(?<![至到—\-～~\d.])(\d+(?:\.\d+)?)\s*{_U}(?:[（(]含[）)])?(?:及)?以下")  # 「90平方米（含）以下」
_ABOVE = re.compile(rf"(?<!不)(?:超过|高于|多于|大于)\s*(\d+(?:\.\d+)?)\s*{_U}(?!以[内下])")  # 「超过3000万」 is the tier 「3000万元以上」


def _without_ranges(text: str) -> str:
    """``text`` without its ranges and bounds (「5万元至30万元」「50万元以上」「不超过10万元」): the figures left are amounts."""
    return _SPAN.sub("", _FROM.sub("", _BELOW.sub("", text)))


def _ranges(text: str) -> list[tuple[float, float, str]]:
    """The figure ranges a tier states: 「90周岁至99周岁」 (90, 99, 岁), 「100周岁及以上」 (100, inf), 「不满80周岁」."""
    out = [(float(m.group(1)), float(m.group(3)), _UNIT_OF[m.group(4)]) for m in _SPAN.finditer(text)]
    out += [(float(m.group(1)), float("inf"), _UNIT_OF[m.group(2)]) for m in _FROM.finditer(text)]
    out += [(float(m.group(1)), float("inf"), _UNIT_OF[m.group(2)]) for m in _ABOVE.finditer(text)
            if not text[m.end():].startswith(("以上", "及以上"))]  # 「超过…3000万元以上」 is one tier
    out += [(float("-inf"), float(m.group(1)) - 1e-9, _UNIT_OF[m.group(2)]) for m in _BELOW.finditer(text)]
    out += [(float("-inf"), float(m.group(1)), _UNIT_OF[m.group(2)]) for m in _UPTO.finditer(text)]
    return out


def _holds(text: str, figures: list[tuple[float, str]]) -> bool:
    """One of the asker's ``figures`` falls in a range ``text`` states (「92岁」 in 「90周岁至99周岁」)."""
    return any(lo <= x <= hi and unit == u for lo, hi, u in _ranges(text) for x, unit in figures)


def _own_figures(question: str) -> list[tuple[float, str]]:
    """Figures the asker states of their own case, with their unit: 「今年92岁」 (92, 岁), 「今年85了」 (an age), 「房子
    120平米」 (120, 平方米), 「研发花了80来万」 (80, 万元)."""
    out = [(float(m.group(1)), _UNIT_OF[m.group(2)])  # a bound of a range asked about (「80到89周岁的」) is no own figure
           for m in re.finditer(rf"(?<![\d.到至—\-～~])(\d+(?:\.\d+)?)\s*(?:来|多|余)?{_U}(?![至到以及—\-～~])", question)]
    out += [(float(m.group(1)), "岁") for m in re.finditer(r"今年(\d{1,3})(?:了|啦)", question)]
    return out


def _states_figure(text: str, number: str, want: int) -> bool:
    """``text`` states ``number``, and not as the opposite of the bound asked (「5000万元以下」 for 「5000万元以上」)."""
    found = list(_figure(number).finditer(text))
    return bool(found) and (not want or any(_bound(text, m.start(), number) != -want for m in found))


_ASKING_WORD = re.compile(r"[几哪啥]|多少|什么|怎么|如何")


def _several_asks(question: str) -> bool:
    """「比例多少，单户最高多少？」「不能超过多少？超了会怎样？」: more than one thing asked."""
    questions = [q for q in re.split(r"[？?]", question) if len(re.sub(r"\W", "", q)) >= 3]
    return len(_ASKS.findall(question)) >= 2 or "分别" in question or len(questions) >= 2


# 「买了40万的设备」「省了1200吨标准煤」: the asker's own figure, and a threshold of the same unit the rule compares it with
_FIGURE_UNIT = r"平方米|平米|[万亿千百]?[元吨人户家个台套亩米天日月年]|%|万|亿"  # the units a figure is compared in
_OWN_FIGURE = re.compile(rf"(\d+(?:\.\d+)?)\s*(?:多|余|来)?({_FIGURE_UNIT}|周岁|岁)")  # 「800来万的项目」
_THRESHOLD = re.compile(rf"(?:超过|不低于|不少于|不足|低于|高于|达到|满|在)?\s*(\d+(?:\.\d+)?)\s*({_FIGURE_UNIT})"
                        r"[^，。；\d]{0,8}?(以上|以下|以内|及以上|（含）|\(含\)|不含|（不含）)")
_FOCUS = re.compile(r"(?:什么|哪些|哪个|哪几种|哪几个|哪几项|哪几类|哪类|何种|哪种|多少个|多少家|多少项|几个|几家|几项)"
                    r"([\u4e00-\u9fff]{2,8})")


def _unit_key(unit: str) -> str:
    # 30万元以上 and 40万 compare in 万; 年满16周岁 and 45岁 in 岁
    return unit.lstrip("千百").replace("元", "").replace("平米", "平方米").replace("周岁", "岁") or unit


def _own_unit(question: str, number: str) -> str | None:
    """The unit the question writes ``number`` in (「40万的设备」 -> 万), None if it has none."""
    for m in _OWN_FIGURE.finditer(question):
        if m.group(1).startswith(number):
            # a year is a fact asked, unless the notice bounds years (「1998年建的」 against 「建成于2000年底前」)
            return _YEAR if m.group(2) == "年" and len(number) == 4 else _unit_key(m.group(2))
    return None


# 「一次性收取不得超过20年」「最高给予100万元」「年满16周岁」: a bound written before its figure
_CAP = re.compile(r"(?:不得超过|不超过|超过|高于|低于|不高于|不低于|不少于|不多于|不得少于|最多|最高|最低|至少|最长|最短|年满|满)\s*(\d+(?:\.\d+)?)\s*"
                  rf"({_FIGURE_UNIT}|周岁|岁)")
_YEAR = "年份"  # the unit of a calendar year, bounded by 「2000年底前」「2015年以后」
_YEAR_BOUND = re.compile(r"(?<!\d)\d{4}年(?:底|末|初)?(?:以前|之前|前|以后|之后|后)")


def _threshold_units(evidence: str) -> set[str]:
    """Units of the thresholds the evidence sets (「30万元以上」「1000吨（含）」「不得超过20年」「2000年底前」)."""
    units = {_unit_key(m.group(2)) for pat in (_THRESHOLD, _CAP) for m in pat.finditer(evidence)}
    return units | ({_YEAR} if _YEAR_BOUND.search(evidence) else set())


@dataclass(frozen=True, slots=True)
class _Ask:
    """What a question asks, derived once for ranking and for the refusal checks."""

    terms: list[str]  # topic words (sub-words of longer ones dropped)
    unit: str | None  # the unit a 「多少」 asks in
    focus: str  # the noun after the question word (「什么原则」 -> 原则)
    single: bool  # 「什么/哪个 X」 asks for one thing
    details: tuple[tuple[str, re.Pattern[str]], ...]  # the kinds of detail asked and what evidence must hold (refusal.json)
    figures: tuple[tuple[str, int], ...]  # the question's figures and the bound asked of each (「5000万元以上」 -> +1)
    own: tuple[tuple[float, str], ...]  # figures the asker states of their own case (「今年92岁」 -> (92, 岁))
    list_noun: str  # what a 「…有哪些」 lists (「布局调整原则有哪些」 -> 原则), "" if none
    action: str = ""  # what the body asked about does (「由哪些机关给予处罚」 -> 处罚), "" if the question names no act
    asks_body: bool = False  # a responsibility question asking which body (「哪个部门」), not who (a person, a role)

    @property
    def needs(self) -> list[re.Pattern[str]]:
        """What the ranking and the evidence's widening look for (the check-only kinds are checked at the end only)."""
        return [need for kind, need in self.details if kind not in CHECK_ONLY_KINDS]


class SentenceKind(Kind):
    name = "sentences"

    def __init__(self, ctx: AnswerContext, listing: Any, scorer: SentenceScorer | None = None,
                 gate: Gate | None = None) -> None:
        super().__init__(ctx)
        self.listing = listing  # a sentence that introduces sub-sections is answered with them
        df: Counter[str] = Counter()
        for text in self.sent_text:
            df.update(set(text))
        # characters weighted by how few sentences hold them (「债」 tells sentences apart, 「的」 does not)
        self._char_idf = {c: math.log((len(self.sent_text) + 1) / (f + 0.5)) for c, f in df.items()}
        self._char_unseen = math.log((len(self.sent_text) + 1) / 0.5)
        self.scorer = scorer or default_scorer()
        self.gate: Gate = gate or HandGate()  # the soft refusal judgement (answer/gate.py)
        self._sentences_of: dict[str, list[int]] = {}  # per notice: its sentences, in order
        for si in range(len(self.sent_text)):
            self._sentences_of.setdefault(self._doc_of(si), []).append(si)
        self._duties_of: dict[str, list[int]] = {}  # per notice: its duty sentences (``_duty_sentences``)
        self._names: dict[str, set[str]] = {}  # per notice: the words that name its topic (scope.topic_names)

    def _list_beside(self, chosen: list[int], best_si: int, clause_id: str, terms: list[str]) -> list[int]:
        """「…必须制作警示牌。」 then 「警示牌应标明A、B、C…等内容。」: which ones are asked, the chosen sentences list
        nothing, and the next (or previous) sentence of the clause lists items under the same topic word."""
        if any(_INLINE_LIST.search(self.sent_text[i]) for i in chosen):
            return []
        topic = [t for t in terms if self.w(t) >= 1.0 and t in self.sent_text[best_si]]
        for si in (best_si + 1, best_si - 1):
            if si in chosen or not 0 <= si < len(self.b.sentences) or \
                    self.b.chunks[self.b.sentences[si].chunk].clause_id != clause_id:
                continue
            text = self.sent_text[si]
            if _INLINE_LIST.search(text) and any(t in text for t in topic) and not _is_resp(text):
                return [si]
        return []

    def _rows(self, si: int, most: int = 12) -> list[int]:
        """The lines of the block ``si`` is a row of (a 「X：0795-…」 line, a 「a | b | c」 row): every sentence of its section
        when all are short and at least half are rows; [] otherwise."""
        if not is_row(self.sent_text[si]):
            return []
        section = self._section_of(si)
        block = self._around(si, lambda j: self._section_of(j) == section)
        if len(block) > most or any(len(self.sent_text[i]) > 60 for i in block) or \
                2 * sum(is_row(self.sent_text[i]) for i in block) < len(block):
            return []
        return block

    def _item_in_range(self, si: int, question: str) -> int | None:
        """The sentence of ``si``'s clause whose range (「90周岁至99周岁」「100周岁及以上」「不满80周岁」) holds the figure the
        asker states of themselves (「今年92岁」「85了」), when ``si``'s own range does not; None otherwise."""
        asked = _own_figures(question)
        if not asked:
            return None
        clause = self.b.chunks[self.b.sentences[si].chunk].clause_id

        if _holds(self.sent_text[si], asked) or not _ranges(self.sent_text[si]):
            return None
        near = self._around(si, lambda j: self.b.chunks[self.b.sentences[j].chunk].clause_id == clause)
        return next((j for j in near if _holds(self.sent_text[j], asked)), None)

    def _named_row(self, si: int, question: str) -> int | None:
        """Of the 「X：…」 rows in ``si``'s section (「临江区：0591-86451726」), the one whose label X the question names; of
        the rows of the table ``si`` is a row of (「青岚县|88.6%|…」), the one whose worded cells the question names most
        (「三类区域」「公共停车场」「小型车」, not the header's 「阶梯」 inside 「第二阶梯」, nor 「202」 of 「2025年」)."""
        section = self._section_of(si)
        in_table = bool(table_cells(self.sent_text[si]))
        rows = self._around(si, lambda j: bool(table_cells(self.sent_text[j])) and self._section_of(j) == section) if in_table else []
        header = next((self._table_head(j) for j in rows[1:2]), None)  # its header names columns (「文号」), no row
        ranked = self._ranked_row(rows, header, question)
        if ranked is not None:  # 「排名第一的是哪里」「排最后一名的是哪个部门」 of a ranking table
            return ranked
        best: tuple[int, int] | None = None
        for j in self._around(si, lambda j: self._section_of(j) == section):
            cells = table_cells(self.sent_text[j])
            if cells:  # a row of the table ``si`` is in, not its header nor another table's
                named = sum(len(c) for c in cells if re.search(r"[\u4e00-\u9fff]{2}", c) and c in question) \
                    if j in rows and j != header else 0
            else:
                m = re.match(r"([^：:，。；]{2,16})[：:]", self.sent_text[j])
                named = len(m.group(1)) if m and is_row(self.sent_text[j]) and m.group(1) in question else 0
            if named and (best is None or named > best[0]):
                best = (named, j)
        return best[1] if best else None

    def _other_asks(self, info: QueryInfo, terms: list[str], cand: list[tuple[float, int, int]], chosen: list[int],
                    doc_id: str) -> list[int]:
        """For each ask of a question that asks several things in clauses of their own (「…多少？…是多少？」), whose
        topic words (two or more characters) no chosen sentence holds: the best-scored candidate of the same notice that
        holds them all."""
        parts = [p for p in re.split(r"[？?；;]", info.text) if _ASKS.search(p)]
        if len(parts) < 2:
            return []
        have = "".join(self.sent_text[i] for i in chosen)
        out: list[int] = []
        for part in parts[1:]:
            words = [t for t in terms if len(t) >= 2 and t in part and t not in have and not _ASKING_WORD.match(t)]
            if not words:
                continue
            found = next((si for _, si, _ in cand if si not in chosen and si not in out
                          and self._doc_of(si) == doc_id
                          and all(t in self.sent_text[si] for t in words)), None)
            if found is not None:
                out.append(found)
                have += self.sent_text[found]
        return out

    def _ranked_row(self, rows: list[int], header: int | None, question: str) -> int | None:
        """Of a table with a 排名 (名次) column, the row at the place the question asks (「排名第一」「第2名」, 「末位」
        「最后一名」: the last); None if the table ranks nothing or the question asks no place."""
        if header is None:
            return None
        column = next((k for k, c in enumerate(table_cells(self.sent_text[header])) if re.fullmatch(r"(?:排名|名次|排序|位次)", c)), None)
        m = _PLACE_ASKED.search(question)
        if column is None or m is None:
            return None
        place_of = {j: int(cells[column]) for j in rows if j != header
                    for cells in [table_cells(self.sent_text[j])] if len(cells) > column and re.fullmatch(r"\d{1,3}", cells[column])}
        if not place_of:
            return None
        if m.group("last"):
            return max(place_of, key=place_of.__getitem__)
        place = m.group("n")
        n = int(place) if place.isdigit() else _CN_PLACE.get(place, 0)
        return next((j for j, at in place_of.items() if at == n), None)

    def _table_head(self, si: int) -> int | None:
        """The header row of the table whose row ``si`` is (its first row, naming columns, no figure); None if ``si`` is
        no table row or is the header."""
        if not table_cells(self.sent_text[si]):
            return None
        section = self._section_of(si)
        head = self._around(si, lambda j: bool(table_cells(self.sent_text[j])) and self._section_of(j) == section)[0]
        # a header names columns: no cell of it is a figure (「2030年目标」「年龄段80周岁以上」 name one; 「15元」「4.63」 are data)
        figure = any(re.fullmatch(r"[\d.,，%％]+\s*(?:元|万元|亿元|万|亿|%|％|个|人|户|家)?", c) for c in table_cells(self.sent_text[head]))
        return head if head != si and not figure else None

    def _as_stated(self, si: int) -> str:
        """A table row as it reads with its header: 「| 60周岁及以上老年居民 | 400 | 730 |」 under 「| 人员类别 | 个人缴费（元/年）
        | 财政补助（元/年） |」 states amounts in 元 (the unit its header gives); any other sentence as written."""
        text = self.sent_text[si]
        head = self._table_head(si)
        # the unit its header gives, or the caption above it (「表1 …价格表 单位：元/立方米」)
        unit = (re.search(r"[（(](万元|亿元|元)", self.sent_text[head])
                or (re.search(r"单位[：:]\s*(万元|亿元|元)", self.sent_text[head - 1]) if head > 0 else None)) if head is not None else None
        if head is None or unit is None:
            return text
        return self.sent_text[head] + re.sub(r"(?<![\d.])(\d+(?:\.\d+)?)(?![\d.%％万亿元])", rf"\g<1>{unit.group(1)}", text)

    def _reply(self, si: int, most: int = 400) -> list[int]:
        """The sentences answering the 「问N：…？」 item question ``si`` is (up to ``most`` characters); [] for any other
        sentence."""
        if not QA_LINE.match(self.sent_text[si]):
            return []
        section, out, size = self._section_of(si), [], 0
        j = si + 1
        while j < len(self.b.sentences) and self._clause_of(j) == self._clause_of(si):
            j += 1  # 「16.问：…要交个人所得税吗？会不会影响低保？」: the question's second ask is still the question
        while j < len(self.b.sentences) and self._section_of(j) == section and (not out or size + len(self.sent_text[j]) <= most):
            out.append(j)
            size += len(self.sent_text[j])
            j += 1
        return out

    def _item_reply(self, si: int, most: int = 300) -> list[int]:
        """The whole answer of the 政策问答 item sentence ``si`` answers in, when it is short (up to ``most`` characters): an
        FAQ's reply is written as one answer to its question (「答：申领人需要提供：（1）…；（5）…」 and 「通过政务数据共享…无需
        重复提供」), a sentence of it one part; [] outside such an item or for a longer reply (a speech in an 答记者问)."""
        section = self._section_of(si)
        item = self._around(si, lambda j: self._section_of(j) == section)
        if item[0] == si or not QA_LINE.match(self.sent_text[item[0]]):
            return []
        out = self._reply(item[0], most)
        return out if si in out and out[-1] == item[-1] else []

    def _around(self, si: int, keep: Callable[[int], bool]) -> list[int]:
        """``si`` and the sentences before and after it, as far as each one ``keep``s."""
        lo, hi = si, si
        while lo > 0 and keep(lo - 1):
            lo -= 1
        while hi + 1 < len(self.b.sentences) and keep(hi + 1):
            hi += 1
        return list(range(lo, hi + 1))

    def _clause_of(self, si: int) -> str:
        return self.b.chunks[self.b.sentences[si].chunk].clause_id

    def _doc_of(self, si: int) -> str:
        return self.b.chunks[self.b.sentences[si].chunk].doc_id

    def _section_of(self, si: int) -> str | None:
        return self.clauses[self._clause_of(si)][1].section_id

    def _whole_sentence(self, si: int, limit: int = 160) -> list[int]:
        """The other ；-clauses of the short sentence ``si`` is a clause of (「享受城市低保的人员…最长不超过6个月；探索农村低保
        对象…的办法。」): a clause alone is a fragment of what the sentence says; [] for a long series (its items stand alone)."""
        lo = self._series_head(si)
        for same in (self._clause_of, lambda j: self.b.sentences[j].chunk):
            # the sentence over a passage boundary inside its clause (「…；负责对工程变更预算控制价进行评审。」); when that is
            # a long series, the part in the passage
            hi = si
            while hi + 1 < len(self.b.sentences) and same(hi + 1) == same(si) and self.sent_text[hi].rstrip().endswith(("；", ";")):
                hi += 1
            if lo != hi and sum(len(self.sent_text[i]) for i in range(lo, hi + 1)) <= limit and \
                    not any(_is_resp(self.sent_text[i]) for i in range(lo, hi + 1)):
                return list(range(lo, hi + 1))
        return []

    def _ordinal_run(self, si: int, clause_id: str) -> list[int]:
        """The sentences of ``si``'s clause that, with it, make one 「一是…；二是…；三是…」 series; [] if ``si`` is no item."""
        if not _ORDINAL.match(self.sent_text[si]):
            return []
        return self._around(si, lambda j: bool(_ORDINAL.match(self.sent_text[j])) and self._clause_of(j) == clause_id)

    def _circled_run(self, si: int, clause_id: str) -> list[int]:
        """「工作中坚持以下原则：①坚持…。充分发挥…。②坚持…。」: the item sentences of the 「①②③」 list ``si`` is in or
        introduces (each item's explanation left out); [] if ``si`` is none of them."""
        if not _CIRCLED.search(self.sent_text[si]):
            return []
        items = [j for j in self._around(si, lambda j: self._clause_of(j) == clause_id) if _CIRCLED.search(self.sent_text[j])]
        return items if len(items) >= 2 else []

    def _with_series_end(self, pos: int) -> list[int]:
        """The sentences of passage ``pos``: with the other rows of its table when it is a table's row (each row is a
        passage of its own), and when its last one is an item that leaves a ；-series open (「（三）…；」), with the
        rest of the series' items from the next passage of the same clause (「（四）单项投资2亿元（含）以上的，…。」): a passage boundary
        does not end a list."""
        own = self.sent_by_chunk.get(pos, [])
        if own and all(is_row(self.sent_text[si]) for si in own):  # a table's row (or header): the table's other rows
            section = self._section_of(own[0])
            table = self._around(own[0], lambda j: is_row(self.sent_text[j]) and self._section_of(j) == section)
            return own + [si for si in table if si not in own][:_TABLE_ROWS]
        if not own or not self.sent_text[own[-1]].rstrip().endswith(("；", ";")) or not _ITEM.match(self.sent_text[own[-1]]) \
                or pos + 1 >= len(self.b.chunks) or self.b.chunks[pos + 1].clause_id != self.b.chunks[pos].clause_id:
            return own
        rest = []
        for si in self.sent_by_chunk.get(pos + 1, []):
            if si in own:
                continue
            if not _ITEM.match(self.sent_text[si]):
                break
            rest.append(si)
            if not self.sent_text[si].rstrip().endswith(("；", ";")):
                break
        return own + rest

    def _article_rest(self, chunk_id: str) -> list[int]:
        """The sentences of the other paragraphs of the article a passage is of (「第十三条…10个工作日内作出…决定。」 and
        its 「…所需时间不计算在前款规定的期限内…」): an article is one rule, its paragraphs read together."""
        pos = self.b.chunk_pos_map[chunk_id]
        chunk = self.b.chunks[pos]
        if not _ARTICLE.fullmatch(chunk.section.split(SECTION_SEP)[-1].strip()):
            return []
        out: list[int] = []
        for step in (-1, 1):
            j = pos + step
            while 0 <= j < len(self.b.chunks) and self.b.chunks[j].section == chunk.section \
                    and self.b.chunks[j].doc_id == chunk.doc_id and len(out) < _ARTICLE_SENTENCES:
                out += self.sent_by_chunk.get(j, [])
                j += step
        return sorted(si for si in out if si not in self.sent_by_chunk.get(pos, []))

    def _caption(self, head: int) -> int | None:
        """The caption line right above a table's header row (「附表1　决定废止的规范性文件目录」), None if there is none."""
        j = head - 1
        if j < 0 or self._clause_of(j) == self._clause_of(head) or not _CAPTION.match(self.sent_text[j]) \
                or self._doc_of(j) != self._doc_of(head):
            return None
        return j

    def _series_head(self, si: int) -> int:
        """The first clause of the ；-series ``si`` continues (「…重大政府投资项目，财政投资1000万元以上、5000万元以下的，…；」
        then 「财政投资5000万元以上的，…」): the subject it shares; ``si`` itself when it starts a sentence."""
        chunk = self.b.sentences[si].chunk
        while si > 0 and self.b.sentences[si - 1].chunk == chunk and self.sent_text[si - 1].rstrip().endswith(("；", ";")):
            si -= 1
        return si

    def _words_of(self, si: int, title: set[str], lead: list[int]) -> set[str]:
        """The words sentence ``si`` is read with: its own, those of the ；-series it continues, its clause's ``title``, a
        row's table header, and the ``lead`` sentences of its list (「拟从事网约车经营的车辆，应当符合以下条件：」 over 「（二）…
        裸车价格…」)."""
        head = self._table_head(si)
        return self.sent_terms[si] | self.sent_terms[self._series_head(si)] | title \
            | (self.sent_terms[head] if head is not None else set()) | {t for j in lead for t in self.sent_terms[j]}

    def _item_lead(self, si: int) -> list[int]:
        """The sentences introducing the list ``si`` is an item of (``_list_intro``); [] if ``si`` is no numbered item."""
        return self._list_intro(si) if _ITEM.match(self.sent_text[si]) else []

    def _duty_sentences(self, doc_id: str) -> list[int]:
        """The sentences of one notice that give a body a duty (「X部门负责…」), worked out once per notice."""
        if doc_id not in self._duties_of:
            self._duties_of[doc_id] = [si for si in self._sentences_of.get(doc_id, []) if _DUTY.search(self.sent_text[si])]
        return self._duties_of[doc_id]

    def _names_of(self, doc_id: str) -> set[str]:
        if doc_id not in self._names:
            self._names[doc_id] = topic_names(self.b.documents[doc_id].meta.title, self.tok)
        return self._names[doc_id]

    def _section_of_preamble(self, clause_id: str) -> Any:
        return self.listing._section_of_preamble(clause_id)

    def _listing(self, sec: Any) -> Any:
        return self.listing._listing(sec)

    def answer(self, info: QueryInfo, ranked: Ranked, qvec: np.ndarray) -> Answer | None:
        return self.sentences(info, ranked, qvec)

    # ----------------------------------------------------------------- candidates and their features
    def _char_weights(self, chars: set[str]) -> dict[str, float]:
        """``chars`` (the topic words' characters) with their IDF over the library's sentences."""
        return {c: self._char_idf.get(c, self._char_unseen) for c in chars}

    @staticmethod
    def _char_share(weights: dict[str, float], text: str) -> float:
        """IDF-weighted share of the question's characters that ``text`` holds: a paraphrase shares characters where
        it shares no word (「欠的债」 and 「资产负债率」)."""
        total = sum(weights.values())
        return sum(w for c, w in weights.items() if c in text) / total if total else 0.0

    def _hit_of(self, ranked: Ranked, si: int) -> Hit:
        """The retrieval hit of sentence ``si``'s passage (one made for it when retrieval did not rank it)."""
        chunk = self.b.chunks[self.b.sentences[si].chunk]
        return next((h for h in ranked.hits if h.chunk.id == chunk.id), _hit_for(chunk))

    def _ask(self, info: QueryInfo) -> _Ask:
        terms = [t for t in info.content_terms if not _is_subword(t, info.content_terms)]
        unit = _asked_unit(info.text) if info.qtype == "count" else None
        fm = _FOCUS.search(asked_part(info.text))  # 「遵循什么原则」: the word after the question word names what the answer is
        # the first word after it is the noun asked; a vague one (「什么情况处理」) names nothing, and no later word stands in
        first = next((t for t in self.tok.segments(fm.group(1)) if len(t) >= 2), "") if fm else ""
        focus = first if first in self.tok.terms(first) and first not in _VAGUE else ""
        single = bool(fm) and fm.group(0).startswith(("什么", "哪个", "何种", "哪种"))
        noun = _LIST_NOUN.search(info.text)
        # the notice's title and those of the documents it carries (its 附件 「…申报指南」): words naming them ask nothing
        titles = tuple(t for d in info.scope if d in self.b.documents
                       for t in (self.b.documents[d].meta.title,
                                 *(s.title for s in self.b.documents[d].sections if s.level == 0 and s.title)))
        act = _WHO_ACTS.search(info.text) if info.qtype == "responsibility" else None
        # 「12345热线…通报」「2023年森林防火命令」: a figure of the notice's own title names it, it is asked of no sentence
        figures = tuple((x, b) for x, b in _asked_figures(info.text) if not any(x in t for t in titles))
        return _Ask(terms, unit, focus, single, tuple(detail_ask(info.text, titles)), figures,
                    tuple(_own_figures(info.text)), noun.group(1) if noun else "",
                    act.group(1) if act and act.group(1) not in _VAGUE_ACTS and not act.group(1).startswith(_BODIES) else "",
                    info.qtype == "responsibility" and bool(_ASKS_BODY.search(info.text)))

    def candidates(self, info: QueryInfo, ranked: Ranked, qvec: np.ndarray,
                   ask: _Ask | None = None) -> list[tuple[int, int, list[float]]]:
        """(sentence, passage rank or -1, features in ``scorer.FEATURES`` order) for every candidate sentence:
        those of the top passages, and the sentences the embedder finds closest library-wide (within the scope)."""
        ask = ask or self._ask(info)
        terms, focus = ask.terms, ask.focus
        bigrams = [tuple(t.split("_", 1)) for t in info.terms if "_" in t]
        # 「投资主管部门是哪个？」: a sentence saying 「…是投资主管部门」 defines the answer
        m = re.search(r"([^，。？?、]{2,30}?)(?:是|为)(?:哪个|哪些|哪家|什么|谁|啥)", info.text)
        defined = [t for t in self.tok.terms(m.group(1)) if len(t) >= 2 and self.w(t) >= 1.0] if m else []
        # 「所称的企业是指哪些」: the sentence that defines the term (「本办法所称企业是指…」) answers
        term_asked = [t for t in terms if self.w(t) >= 1.0] if _DEFINE_ASK.search(info.text) else []
        needs = ask.needs
        own = list(ask.own)
        rows: list[tuple[int, int, list[float]]] = []
        # the characters of the words naming the notice stand all over it: they tell none of its sentences apart;
        # 「几类」「哪几项」 ask, they hold no topic
        naming = {ch for t in info.scope_terms if t not in terms for ch in t}
        qchars = self._char_weights({ch for t in terms if not _ASKING_WORD.match(t) for ch in t
                                     if "\u4e00" <= ch <= "\u9fff" and ch not in naming})  # weighed once per question

        def features(si: int, r: int, cos: float, title: set[str]) -> list[float]:
            text = self.sent_text[si]
            near = r >= 0  # passage features only for sentences of the retrieved passages
            lead = self._item_lead(si) if near else []  # an item is read with the lead of its list
            if needs and lead:
                # a case listed under 「有下列行为之一的，…处以…罚款」 carries the consequence its list states
                text = text + "".join(self.sent_text[j] for j in lead)
            head = self._table_head(si)  # a row is read with its table's header (「第二阶梯|…|4.63」 under 「…|综合水价」)
            if head is not None:
                text = self._as_stated(si)
            return [
                self.coverage(terms, self._words_of(si, title, lead)) if terms else 0.0,
                cos - 0.8,
                (1.0 / (r + 1)) * (_BROUGHT_RANK if si in brought else 1.0) if near else 0.0,
                1.0 if near and terms and any(t in title for t in terms) else 0.0,
                float(sum(1 for n in needs if n.search(text))),
                1.0 if info.qtype == "responsibility" and (_DUTY.search(text) or (
                    ask.action and any(self._does(j, ask.action) for j in (si, *lead)))) else 0.0,
                self._kind_bonus(info, text, ask),
                # a figure of the question, or the asker's own case falling in a range the sentence states (「花了80来万」
                # in 「达到50万元以上的」)
                float(sum(1 for x, want in ask.figures if _states_figure(text, x, want)) if near else 0)
                + (1 if own and _holds(text, own) else 0),  # the asker's case in a tier: wherever the tier is found
                min(0.3, 0.1 * sum(1 for a, b in bigrams if a + b in text)) if near else 0.0,
                1.0 if near and focus and focus in text else 0.0,
                1.0 if (near and defined and any(f"是{t}" in text or f"为{t}" in text for t in defined))
                or (term_asked and _DEFINES.search(text) and any(t in text for t in term_asked)) else 0.0,
                self._char_share(qchars, text if head is not None else self.sent_text[si]) if qchars else 0.0,
            ]

        of_hit = [self._with_series_end(self.b.chunk_pos_map[h.chunk.id]) + self._article_rest(h.chunk.id) for h in ranked.hits[:6]]
        scored = list(dict.fromkeys(si for sents in of_hit for si in sents))
        # sentences a passage brings from beyond its edge (the rest of its list or table) were not ranked themselves: a
        # sentence counts where it ranks best, its own passage's rank or a fraction of the rank of one that brings it
        where: dict[int, tuple[float, int]] = {}
        for r, (h, sents) in enumerate(zip(ranked.hits[:6], of_hit)):
            for si in sents:
                rank = (1.0 if self.b.sentences[si].chunk == self.b.chunk_pos_map[h.chunk.id] else _BROUGHT_RANK) / (r + 1)
                if si not in where or rank > where[si][0]:
                    where[si] = (rank, r)
        brought = {si for si, (rank, r) in where.items() if rank < 1.0 / (r + 1)}
        cos_of = dict(zip(scored, (self.b.sentence_vectors_for(scored) @ qvec).tolist())) if scored else {}
        # a 责任单位 note says who, and answers nothing else
        notes_answer = info.qtype in ("responsibility", "reverse_responsibility")
        for r, (h, sents) in enumerate(zip(ranked.hits[:6], of_hit)):
            title = self.title_terms.get(h.chunk.clause_id, set())
            for si in sents:
                if where[si][1] != r:  # counted with the passage it ranks best with
                    continue
                if notes_answer or not _is_resp(self.sent_text[si]):
                    rows.append((si, r, features(si, r, cos_of[si], title)))
        seen = {si for si, _, _ in rows}
        # (the kinds a notice states in lines of their own, wherever they stand; an amount or a ratio anywhere in it is no
        # evidence for the thing asked — close-sounding unanswerable questions would meet one)
        lines = [need for kind, need in ask.details if kind in _LINE_KINDS]
        if (lines or ask.asks_body) and len(info.scope) == 1:
            # 「联系人和联系电话是什么」 of one notice: its sentences that state the kind of detail asked are candidates
            # wherever they stand (a closing 「联系人：…；联系电话：…」 line that no passage ranked for); asked who, its
            # sentences that give a body a duty (「此项工作由我局牵头，…配合」 opening a part on other things)
            kind = [si for si in self._sentences_of.get(info.scope[0], [])
                    if all(n.search(self.sent_text[si]) for n in lines)] if lines else self._duty_sentences(info.scope[0])
            stating = [si for si in kind if si not in seen and (notes_answer or not _is_resp(self.sent_text[si]))]
            if stating:
                cosines = (self.b.sentence_vectors_for(stating) @ qvec).tolist()
                rows += [(si, -1, features(si, -1, cos, set())) for si, cos in zip(stating, cosines)]
                seen.update(stating)
        allowed = {h.chunk.doc_id for h in ranked.hits}
        sims = self.b.sentence_similarities(qvec)
        for si in np.argsort(-sims)[:5]:
            si = int(si)
            chunk = self.b.chunks[self.b.sentences[si].chunk]
            if si in seen or chunk.doc_id not in allowed or (not notes_answer and _is_resp(self.sent_text[si])):
                continue
            rows.append((si, -1, features(si, -1, float(sims[si]), self.title_terms.get(chunk.clause_id, set()))))
        if meta_fields(info.text):
            return rows
        # a rule's own 文号, issuer or date line (under each title of a 汇编) says what the rule is, and answers nothing in it
        return [row for row in rows if not HEADER_LINE.match(self.sent_text[row[0]])]

    # ----------------------------------------------------------------- best sentences
    def sentences(self, info: QueryInfo, ranked: Ranked, qvec: np.ndarray) -> Answer:
        if not ranked.hits:
            return self.refuse(info, ranked, "no_hits")
        ask = self._ask(info)
        terms, unit, focus = ask.terms, ask.unit, ask.focus
        if ask.single and focus and focus not in self.idf and focus not in self.corpus_text and not info.english and not info.scope:
            return self.refuse(info, ranked, f"focus_not_in_corpus:{focus}")  # 「哪个网站」 in a text with no websites
        rows = self.candidates(info, ranked, qvec, ask)
        if not rows:
            return self.refuse(info, ranked, "no_hits")
        scores = self.scorer.score(np.array([f for _, _, f in rows]))
        cand = [(float(sc), si, r) for sc, (si, r, _) in zip(scores, rows)]  # score, sentence, hit rank (-1: library-wide)
        cand.sort(key=lambda x: -x[0])
        top = ranked.hits[0]
        if ask.figures and not any(_states_figure(self.sent_text[cand[0][1]], x, w) for x, w in ask.figures) \
                and any(_figure(x).search(self.sent_text[cand[0][1]]) for x, _ in ask.figures):
            # 「2亿元（不含）以下」 ranked first for 「2亿以上」: a close second that states the figure with the bound asked
            turn = next((c for c in cand[1:4] if c[0] >= cand[0][0] - _BOUND_MARGIN
                         and any(_states_figure(self.sent_text[c[1]], x, w) for x, w in ask.figures)), None)
            if turn is not None:
                cand.remove(turn)
                cand.insert(0, turn)
        if ask.asks_body and not self._names_body(cand[0][1]):
            # asked who: a sentence that names no body at all (a table's row of figures, a goal) answers nobody; the best
            # one that names a body does, when one is a candidate
            duty = {si for si, _, f in rows if f[FEATURES.index("duty")]}
            named = next((c for c in cand if c[1] in duty), None) or \
                next((c for c in cand if _BODY.search(self.sent_text[c[1]])), None)
            if named is not None:
                cand.remove(named)
                cand.insert(0, named)
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
        elif not known and dense < self.th.dense_strong:
            return self.refuse(info, ranked, "no_topic")
        asks_list = info.qtype == "enumeration" or bool(_WHICH.search(info.text))
        after = _LIST_NOUN_AFTER.search(info.text)  # 「可以考虑哪些因素」
        noun = after.group(1) if after else ask.list_noun
        if asks_list and noun and not _tied_list(self.sent_text[best_si], noun):
            # 「定标因素包括哪些」: a sentence near the top that ties a list of short items to the noun asked (「定标因素包括价格、
            # 技术、…」) answers it, above one that only names the noun beside the question's other words
            tied = next((si for _, si, _ in cand[:3] if _defines_list(self.sent_text[si], noun)), None)
            if tied is not None:
                best_si = tied
                hit = self._hit_of(ranked, tied)
        while self.sent_text[best_si].rstrip().endswith(("？", "?")) and best_si + 1 < len(self.sent_text) \
                and self._section_of(best_si + 1) == self._section_of(best_si):
            # 「问：补贴申请由哪些部门审核？」 is the FAQ's question, worded as the asker's: its answer follows it
            best_si += 1
            hit = self._hit_of(ranked, best_si)
        neg = _NEGATED.search(info.text)
        if neg and f"不{neg.group(1)}" not in self.sent_text[best_si]:
            # 「哪些情况不属于申报参评范围」: of two lists close in words, the one that says 「不属」, not 「属于」
            negated = next((si for _, si, _ in cand[:3] if f"不{neg.group(1)}" in self.sent_text[si]), None)
            if negated is not None:
                best_si = negated
                hit = self._hit_of(ranked, negated)
        if asks_list:
            # 「（三）丛书中…不得作为…申报」 is one item of 「凡以下情况之一者，不属申报参评范围：」: the list answers
            best_si = self._list_head(best_si, hit.chunk.clause_id)
        asked_tiers = set(_ranges(info.text))  # 「100岁以上的老人」 asks the tier written 「100周岁及以上的」
        tier = next((si for _, si, _ in cand[:5] if asked_tiers & set(_ranges(self.sent_text[si]))), None) \
            if asked_tiers and not asked_tiers & set(_ranges(self.sent_text[best_si])) else None
        if tier is not None:
            best_si = tier
            hit = self._hit_of(ranked, tier)
        named_row = self._named_row(best_si, info.text)
        if named_row is not None:  # 「我在临江区…打哪个电话」: the block's row for the place (or office) the asker names
            best_si = named_row
        in_range = self._item_in_range(best_si, info.text)
        if in_range is not None:  # 「我爷爷今年92岁」: the tier 「90周岁至99周岁的」 of the list, not the one ranked first
            best_si = in_range
        chosen = [best_si]
        # 「…；负责对工程变更预算控制价进行评审。」: a duty without its subject takes the sentences that name it
        j = best_si
        while SUBJECTLESS_DUTY.match(self.sent_text[j]) and j > 0 and len(chosen) < 4 and \
                self.b.chunks[self.b.sentences[j - 1].chunk].clause_id == hit.chunk.clause_id:
            j -= 1
            chosen.insert(0, j)
        if ANAPHOR.match(self.sent_text[chosen[0]]) and chosen[0] > 0 and self._clause_of(chosen[0] - 1) == hit.chunk.clause_id:
            chosen.insert(0, chosen[0] - 1)  # 「此项由市民政局…制定具体办法」: what 此项 is, is the sentence before it
        nxt = best_si + 1
        same_clause = nxt < len(self.b.sentences) and \
            self.b.chunks[self.b.sentences[nxt].chunk].clause_id == hit.chunk.clause_id
        # items a Word list numbers itself are paragraphs (clauses) of their own in the intro's section
        same_section = nxt < len(self.b.sentences) and self._section_of(nxt) == self._section_of(best_si)
        if self.sent_text[best_si].endswith(("：", ":")) and (same_clause or same_section):
            # 「对下列政府投资项目，可以简化…：」 introduces a list: the items are the answer
            j = nxt
            while j < len(self.b.sentences) and len("".join(self.sent_text[i] for i in chosen)) < 1500 and \
                    (self.b.chunks[self.b.sentences[j].chunk].clause_id == hit.chunk.clause_id
                     or (not same_clause and self._section_of(j) == self._section_of(best_si))) and not _is_resp(self.sent_text[j]):
                chosen.append(j)
                j += 1
        elif len(self.sent_text[best_si]) <= 30 and same_clause and not _is_resp(self.sent_text[nxt]) \
                and not self._states_asked(info, ask, self.sent_text[best_si]):
            chosen.append(nxt)  # 「四是建立“揭榜挂帅”制度。」 announces; the next sentence says what it is
        else:
            # 「比例多少，单户最高多少？」「分别不超过多少」: a question with several asks takes the neighbouring sentences too
            several = _several_asks(info.text)
            if several:
                near = {si: sc for sc, si, r in cand if r == best_rank}
                for step in (-1, 1):  # widen to the neighbours of the same passage that still score close
                    si = best_si + step
                    while si in near and near[si] >= best_score - 0.3 and not _is_resp(self.sent_text[si]) and len(chosen) < 4:
                        chosen.append(si)
                        si += step
            else:
                for score, si, r in cand[1:3]:
                    if score >= best_score - 0.08 and r == best_rank and abs(si - best_si) == 1 and not _is_resp(self.sent_text[si]):
                        chosen.append(si)
        yes_no = bool(_YES_NO.search(info.text))
        if (yes_no or info.qtype == "responsibility") and not asks_list and _ITEM.match(self.sent_text[best_si]) \
                and self._table_head(best_si) is None:
            # 「我写的小说能报奖吗」 meets 「（二）各类教材、文艺作品…」, an item that rules nothing itself: the head of its list
            # (「凡以下情况之一者，不属申报参评范围：」) says what being on the list means; asked who does it, the head names
            # the body (「市国资委对企业的投资行为履行出资人职责，主要包括：」 over 「（三）…对企业重大投资项目…进行审批」)
            chosen = [j for j in self._list_intro(best_si) if j not in chosen] + chosen
        if yes_no and _FORBIDS.search(self.sent_text[best_si]):
            # 「清明能不能上山烧纸」: 「严禁…烧纸」 answers, and what befalls those who do it is the rest of the answer
            penalty = self._penalty_after(best_si, hit.chunk.clause_id, terms)
            if penalty is not None and penalty not in chosen:
                chosen.append(penalty)
        if ask.action and not any(self._does(i, ask.action) for i in chosen):
            # 「违规用火的，由哪些机关给予处罚」 met by 「…违规用火的，一律依法给予行政处罚」: who does it is said beside it
            # (「凡违反以上规定的，县级人民政府林业行政主管部门…依法给予相应处罚」) or in the lead of its list
            doer = self._doer(best_si, hit.chunk.clause_id, ask.action)
            if doer is not None:
                chosen = sorted({*chosen, *doer})
        run = (self._ordinal_run(best_si, hit.chunk.clause_id) or self._circled_run(best_si, hit.chunk.clause_id)) if asks_list else []
        block = self._rows(best_si) if asks_list else []
        reply = self._reply(best_si) or self._item_reply(best_si)
        if reply:  # 「问13：夫妻双方都是新市民，可以各申请一次吗？」 matched: its 「答：…」 answers
            chosen = reply
        elif len(run) >= 2:  # 「一是压实属地责任…；二是压实部门责任…；三是…」: the items of a series written in running text
            chosen = run
        elif len(block) >= 2:  # 「【监督投诉电话】」 of 「X：0795-…」 lines, a table's rows: the block is the list
            chosen = block
        elif asks_list:
            chosen += self._list_beside(chosen, best_si, hit.chunk.clause_id, terms)
        chosen += [i for i in self._whole_sentence(best_si) if i not in chosen]
        if info.qtype not in ("responsibility", "reverse_responsibility") and not reply and len(run) < 2 and len(block) < 2:
            # 「一共受理了多少群众诉求？群众满意率是多少？」: an ask of its own whose words the answer lacks is answered by
            # the best candidate of the notice that holds them
            chosen += [i for i in self._other_asks(info, terms, cand, chosen, hit.chunk.doc_id) if i not in chosen]
        chosen.sort()
        evidence = "".join(self.sent_text[i] for i in chosen)
        needs = ask.needs
        if any(not n.search(evidence) for n in needs):
            # 「（一）未取得经营许可，擅自从事…的；」 is one case of 「有下列行为之一的，…处以10000元以上30000元以下罚款」:
            # the consequence asked about is stated once, in the sentence that introduces the cases
            intro = [j for j in self._list_intro(best_si) if j not in chosen]
            if intro and all(n.search(evidence + "".join(self.sent_text[j] for j in intro)) for n in needs):
                chosen = sorted([*intro, *chosen])
                evidence = "".join(self.sent_text[i] for i in chosen)
        # the question's most specific word the best sentence holds (「消费券」): a detail stated only in sentences without
        # it is said of something else (the neighbour's 「活动支出的50%」 is about 促销活动, not 消费券)
        held_best = [t for t in terms if t in self.sent_text[best_si] and self.w(t) >= 1.0]
        key = max(held_best, key=self.w, default="")
        # rows of a table or a 「标准」 block (「特困老年人：每人每月300元」 under 「补贴标准」) say what their figure is
        # by their heading
        heading = hit.chunk.section.split(SECTION_SEP)[-1] + "："
        # and so do the numbered items of a list its heading names (「申请材料」 over 「1.《…申请表》原件1份；」)
        items = all(NUMBERING.match(self.sent_text[i]) for i in chosen)
        headed = heading + "".join(self._as_stated(i) for i in chosen) if all(is_row(self.sent_text[i]) for i in chosen) \
            else heading + evidence if items else evidence

        lead = ""  # the sentence introducing the list the answer's items are of, where it says what their figures are
        if any(not need.search(headed) for _, need in ask.details):
            # 「（二）90周岁至99周岁的，每人每月400元；」 is paid under 「高龄津贴按照年龄段分档发放，标准如下：」: an item's
            # detail (what the figure is) may be said once, by the sentence that introduces the list
            intro = [j for j in self._list_intro(best_si) if j not in chosen]
            said = "".join(self.sent_text[j] for j in intro) + evidence
            if intro and all(need.search(said) for _, need in ask.details):
                chosen = sorted([*intro, *chosen])
                evidence = headed = "".join(self.sent_text[i] for i in chosen)
                lead = "".join(self.sent_text[j] for j in intro)

        def states(need: re.Pattern[str], i: int) -> bool:
            return bool(need.search(heading + self._as_stated(i) if is_row(self.sent_text[i])
                                    else (heading if items else "") + lead + self.sent_text[i]))

        for kind, need in ask.details:
            if not need.search(headed):
                return self.refuse(info, ranked, f"detail_not_stated:{kind}")
            if key and not reply and not any(states(need, i) and key in self.sent_text[i] for i in chosen) and \
                    not any(states(need, i) for i in chosen if i <= best_si):
                return self.refuse(info, ranked, f"detail_not_stated:{kind}:beside")
        if info.qtype == "count" and (unit or "多少" in info.text) and not _has_quantity(headed, unit):
            return self.refuse(info, ranked, f"detail_not_stated:quantity:{unit or ''}")
        asked = [k for k, _ in ask.details if k not in UNSUPPORTED_KINDS] + (["quantity"] if info.qtype == "count" and "多少" in info.text else [])
        if known and not info.english:
            # a detail (an amount, a deadline …) answers only for the thing asked about: the question's most specific
            # word must stand in the sentence that states the detail, not merely elsewhere in the notice
            words = [t for t in known if not _is_subword(t, known)]
            have = set().union(*(self.sent_terms[i] for i in chosen)) | self.title_terms.get(hit.chunk.clause_id, set())
            # a word naming the notice the question is scoped to (「社科」 of 社会科学…评奖办法) is held by all of its text
            named = self._names_of(hit.chunk.doc_id) if hit.chunk.doc_id in info.scope else set()
            held = self.coverage(words, have | {t for t in words if t in evidence or t in named})
            # the sentence answered may have moved off the candidates (a list's head, a tier, a row): judged as the one ranked
            judged = best_si if any(si == best_si for si, _, _ in rows) else cand[0][1]
            best_feats = next(f for si, _, f in rows if si == judged)
            # the gate was fitted on the lexical feature of the sentence read alone (no list lead unless the lead is quoted
            # with it): it is judged on that, whatever ranked the sentences
            lead = self._item_lead(judged)
            lexical = self.coverage(ask.terms, self._words_of(judged, self.title_terms.get(self._clause_of(judged), set()),
                                                              lead if set(lead) & set(chosen) else [])) if ask.terms else 0.0
            feats = GateFeatures(coverage=cov, dense=dense, support=held, asked=float(bool(asked)),
                                 sentence_cos=best_feats[1] + 0.8, lexical=lexical,
                                 unknown=1.0 - len(known) / len(terms), scoped=float(bool(info.scope)),
                                 # a count's unit, not money: an amount is what close-sounding questions ask most
                                 unit_match=float(bool(unit) and unit not in _NO_COUNT_UNITS and _has_quantity(evidence, unit)))
            verdict = self.gate.decide(feats, self.th, asked[0] if asked else "")
            if verdict.refuse:
                # a cosine rescue of the detail check (a sentence close in meaning states it) was measured: +1/+3
                # questions on the dev sets, but it answered close-sounding unanswerable ones: not kept
                return self.refuse(info, ranked, verdict.reason)
            # 「零星工程变更的金额上限」 answered by 「…不满50万元的非零星工程变更」: the sentence speaks of the complement of
            # the thing asked (every time it writes the word, it writes 「非」 before it)
            negated = next((t for t in words if len(t) >= 2 and f"非{t}" in evidence and f"非{t}" not in info.text
                            and t not in evidence.replace(f"非{t}", "")), None)
            if asked and negated:
                return self.refuse(info, ranked, f"complement_stated:{negated}")
        doc_text = self.b.documents[hit.chunk.doc_id].text
        compared = _threshold_units(evidence)
        held = {x for x, unit in ask.own  # 「今年92岁」 falls in the tier 「90至99周岁」 the answer states
                if _holds(evidence, [(x, unit)])}
        missing_numbers = [x for x in re.findall(r"\d{2,}", info.text) if x not in doc_text
                           and _own_unit(info.text, x) not in compared  # the asker's figure, met by a threshold
                           and float(x) not in held]
        if missing_numbers:
            return self.refuse(info, ranked, f"number_not_stated:{missing_numbers[0]}")
        missing_codes = [x for x in re.findall(r"(?<![A-Za-z\d])\d+[A-Za-z]+(?![A-Za-z])", info.text) if x.upper() not in doc_text.upper()]
        if missing_codes:  # 「3A级景区」 where the notice only rewards 5A
            return self.refuse(info, ranked, f"code_not_stated:{missing_codes[0]}")
        level = _level_not_stated(info.text, evidence)
        if level:  # 「市级现代林业园区奖多少」 where the sentence rewards the 省级 and 国家级 ones
            return self.refuse(info, ranked, f"level_not_stated:{level}")
        head = self._asked_head(info.text) if asked else ""
        # 「传真号码是多少」: the library writes 「传真」 (a column of a table) without the word for its kind
        core = re.sub(_KIND_TAIL, "", head) if head else ""
        if head and head not in self.corpus_text and not any(w in self.corpus_text for w in expand_synonyms(head).split()) \
                and not (len(core) >= 2 and core in self.corpus_text):
            return self.refuse(info, ranked, f"asked_not_in_library:{head}")  # 「起步价是多少钱」: no notice prices a start
        # a thing the library speaks of, asked of a notice that never mentions it (「网约车细则…注册资本最少要多少」)
        head = self._asked_head(info.text, _HEAD_BEFORE_BOUND) if asked and info.scope else ""
        if head in self.idf:  # the notices' texts are read only when such a thing is asked
            named = [self.b.documents[d].text for d in info.scope]
            if not any(w in t for t in named for w in (head, *expand_synonyms(head).split())):
                return self.refuse(info, ranked, f"asked_not_in_notice:{head}")
        if info.qtype == "responsibility":
            chosen = self._own_duty(chosen, terms)
        heads = {self._table_head(i) for i in chosen} - {None}
        if len(heads) == 1 and all(table_cells(self.sent_text[i]) for i in chosen):
            chosen = sorted({*heads, *chosen})  # type: ignore[arg-type]  # a row quoted with the header naming its columns
        caption = self._caption(chosen[0]) if heads and heads <= set(chosen) else None
        doc = self.b.documents[hit.chunk.doc_id]
        section = hit.chunk.section
        quotes = [self._quote(doc, self.b.sentences[i].start, self.b.sentences[i].end, section, best_score)
                  for i in ([caption] if caption is not None else []) + chosen]
        items = _list_items([self.sent_text[i] for i in chosen])
        if len(run) >= 2:
            texts = [self.sent_text[i] for i in run]
            intro = ""
            m = _CIRCLED.search(texts[0])
            if m is not None and m.start() > 0:  # 「…并严格落实以下措施：（1）…」: the intro's last clause, then the items
                intro = re.split(r"[，,；;]", texts[0][: m.start() + 1])[-1]
                texts[0] = texts[0][m.start() + 1 :]
            # a long series is answered by each item's head (「一是压实属地责任」); the quotes hold the items whole
            answer = intro + ("".join(texts) if sum(map(len, texts)) <= 200 else
                              "；".join(re.split(r"[，,：:]", t, maxsplit=1)[0].rstrip("；;。") for t in texts) + "。")
        elif items is not None and not (yes_no and not asks_list):
            # 「…遵循以下程序：（一）项目提出。…（二）…」: the answer is every item, by its head; asked whether (「国企能不能
            # 炒股」), the sentence introducing them (「企业不得开展以下投资：」) is the answer and stays
            answer = items
        else:
            # the asker's own tier answers; the other tiers quoted beside it are no answer to their case
            said = [i for i in chosen if in_range is None or i == best_si or not _ranges(self.sent_text[i])]
            answer = self._trim(info, [self.sent_text[i] for i in said], ask, self.sent_text[best_si])
        listing = (self._section_of_preamble(hit.chunk.clause_id)
                   if info.qtype in ("enumeration", "general") or (info.qtype == "count" and _WHICH.search(info.text)) else None)
        keyword_only = len(info.text) <= 12 and not re.search(r"[？?吗呢什么哪谁怎]", info.text)
        if listing is not None and (_LIST_CUE.search(info.text) or keyword_only):
            text, more = self._listing(listing)
            answer = f"{answer}{text}"
            quotes += more
        if caption is not None:  # the table's caption says what its rows are (「附表1 决定废止的规范性文件目录」)
            answer = f"{self.sent_text[caption]}：{answer}"
        _, clause = self.clauses[hit.chunk.clause_id]
        where = _bare_title(clause)
        if _WHERE_CUE.search(info.text):
            answer = f"见「{section}」：{answer}"
        elif where and where != PREAMBLE_LABEL and where not in answer[:40]:
            answer = f"{where}规定：{answer}" if _ARTICLE.fullmatch(where) else f"「{where}」部分提出：{answer}"
        second = self._runner_up(info, ask, cand, chosen, hit) \
            if len(run) < 2 and items is None and not reply and listing is None else None
        if second is not None:  # the scorer cannot tell two clauses apart: both are quoted, each with its place
            si2, hit2 = second
            where2 = _bare_title(self.clauses[hit2.chunk.clause_id][1])
            label = (where2 if _ARTICLE.fullmatch(where2) else f"「{where2}」") \
                if where2 and where2 != PREAMBLE_LABEL else "同一文件"
            text2 = self._trim(info, [self.sent_text[si2]], ask, self.sent_text[si2])
            text2 = text2[len(where2):] if where2 and text2.startswith(where2) else text2  # 「第十一条被挂牌…」
            answer = f"{answer}\n另见{label}：{text2}"
            quotes.append(self._quote(doc, self.b.sentences[si2].start, self.b.sentences[si2].end, hit2.chunk.section,
                                      cand[0][0]))
        depts = hit.chunk.units if info.qtype == "responsibility" else ()
        return Answer(answer, True, self.citations(quotes), info.text, info.qtype, departments=depts)

    def _names_body(self, si: int) -> bool:
        """Sentence ``si`` names a body: in itself, as the subject a 「…；负责…」 clause continues, or in the lead of its
        list."""
        text = self.sent_text[si]
        if _BODY.search(text) or SUBJECTLESS_DUTY.match(text):
            return True
        return any(_BODY.search(self.sent_text[j]) for j in self._item_lead(si))

    def _does(self, si: int, action: str) -> bool:
        """Does sentence ``si`` name a body that does ``action`` (「…主管部门…依法给予相应处罚」)?"""
        return bool(re.search(rf"{_BODY_END}[^。；;]{{0,50}}?(?:{_ACT_FORMS.get(action, action)})", self.sent_text[si]))

    def _doer(self, si: int, clause_id: str, action: str, reach: int = 3) -> list[int] | None:
        """The sentences that say who does ``action`` for sentence ``si``: the lead of its list when that names the body
        (「…有下列行为之一的，由县级以上交通运输主管部门…处以…罚款：」), else the nearest sentence of its clause within
        ``reach`` that does; None if there is none."""
        intro = self._item_lead(si)
        if intro and any(self._does(j, action) for j in intro):
            return intro
        for d in range(1, reach + 1):
            for j in (si - d, si + d):
                if 0 <= j < len(self.sent_text) and self._clause_of(j) == clause_id and self._does(j, action):
                    return [j]
        return None

    def _penalty_after(self, si: int, clause_id: str, terms: list[str], reach: int = 15) -> int | None:
        """The first sentence after ``si`` in its clause that states a penalty for what the question names (a topic
        word of it: 「…野外烧纸、吸烟等违规用火的，一律依法给予行政处罚」), else the first for breaking the rules above
        (「凡违反以上规定的，…依法给予相应处罚」); None if there is none."""
        broken = None
        for j in range(si + 1, min(si + 1 + reach, len(self.sent_text))):
            if self.b.chunks[self.b.sentences[j].chunk].clause_id != clause_id:
                break
            text = self.sent_text[j]
            if _PENALTY.search(text) and any(len(t) >= 2 and t in text for t in terms):
                return j
            if broken is None and _PENALTY.search(text) and _VIOLATES.search(text):
                broken = j
        return broken

    def _runner_up(self, info: QueryInfo, ask: _Ask, cand: list[tuple[float, int, int]], chosen: list[int],
                   hit: Hit) -> tuple[int, Hit] | None:
        """The second-best sentence when it scores within ``_TIE`` of the best, is of the same notice and of another
        passage than the answer's, for a question that asks no figure or detail (a second figure would be a guess):
        measured on the dev sets, of the answers that miss while their evidence sentence ranks second, 16 of 37 trail
        the first by less than this."""
        if info.qtype != "general" or ask.details or ask.figures or len(cand) < 2:
            return None
        best_score, best_si, _ = cand[0]
        if best_si not in chosen:  # the answer is not the scorer's first (a list's lead, the asker's tier …)
            return None
        score, si = next(((sc, si) for sc, si, _ in cand[1:] if si not in chosen), (0.0, -1))
        if si < 0 or score < best_score - _TIE or _is_resp(self.sent_text[si]) or _HEADING_ONLY.match(self.sent_text[si]):
            return None
        chunk = self.b.chunks[self.b.sentences[si].chunk]
        if chunk.doc_id != hit.chunk.doc_id or chunk.clause_id == hit.chunk.clause_id:
            return None
        return si, _hit_for(chunk)


    def _list_head(self, si: int, clause_id: str, reach: int = 12, lists_too: bool = False) -> int:
        """The sentence that introduces the numbered list ``si`` is an item of (「…下列规定：」), in the same clause and
        at most ``reach`` sentences back; ``si`` itself if it is no item or no such sentence is found. An item that is
        a list itself (「（一）严禁…吸烟、烧纸、烧香…」) answers a 哪些 question alone, unless ``lists_too``."""
        if not _ITEM.match(self.sent_text[si]) or (self.sent_text[si].count("、") >= 2 and not lists_too):
            return si
        j = si - 1
        while j >= 0 and si - j <= reach and self.b.chunks[self.b.sentences[j].chunk].clause_id == clause_id:
            text = self.sent_text[j]
            if text.rstrip().endswith(("：", ":")) or _INTRODUCES.search(text):
                return j
            if not _ITEM.match(text) and len(text) > 60:
                break  # a paragraph of its own: the item belongs to no list above
            j -= 1
        return si

    def _asked_head(self, question: str, pattern: re.Pattern[str] | None = None) -> str:
        """The noun whose amount is asked (「网约车起步价是多少钱」 -> 起步价): the last word before 「是多少」「为多少」
        「是几」 (``pattern``), "" if there is none, it is shorter than two characters or it names the kind of detail
        (标准, 比例)."""
        m = (pattern or _HEAD_BEFORE_ASK).search(question)
        if not m:
            return ""
        words = [w for w in self.tok.segments(m.group(1)) if re.fullmatch(r"[\u4e00-\u9fff]+", w)]
        head = words[-1] if words else ""
        # 「一家最多多少」「每人…」 count what is paid per unit; they name no thing
        return head if len(head) >= 2 and head not in _NOT_HEADS and not re.match(r"[一两每单各]", head) else ""

    def _states_asked(self, info: QueryInfo, ask: _Ask, sentence: str) -> bool:
        """Does ``sentence`` hold the detail the question asks for (「给予20万元支持」 for 「能拿多少」)?"""
        if ask.needs:
            return all(n.search(sentence) for n in ask.needs)
        return info.qtype == "count" and _has_quantity(sentence, ask.unit)

    def _list_intro(self, si: int) -> list[int]:
        """The sentences that introduce the list item ``si`` belongs to: its head and, when the head continues an
        introduction cut at 「；」 (「…有下列行为之一的，…处以…罚款；」「构成犯罪的，依法追究刑事责任：」), the sentences
        before it back to the one that says 「下列…之一」; a table row's header and the sentence announcing the table; [] if
        ``si`` is no list item."""
        table = self._table_head(si)
        if table is not None:  # a table's row: the sentence that announces the table (「…补贴标准如下（每人每餐）：」)
            j = table - 1
            if j >= 0 and self.sent_text[j].rstrip().endswith(("：", ":")) and self._doc_of(j) == self._doc_of(si):
                return [j, table]
            return [table]
        clause_id = self.b.chunks[self.b.sentences[si].chunk].clause_id
        head = self._list_head(si, clause_id, lists_too=True)
        if head == si:
            return []
        run, j = [head], head - 1
        while j >= 0 and head - j <= 2 and not _INTRODUCES.search(self.sent_text[run[0]]) and \
                self.sent_text[j].rstrip().endswith("；") and not _ITEM.match(self.sent_text[j]) and \
                self.b.chunks[self.b.sentences[j].chunk].clause_id == clause_id:
            run.insert(0, j)
            j -= 1
        return run if _INTRODUCES.search("".join(self.sent_text[i] for i in run)) or len(run) == 1 else [head]

    def _kind_bonus(self, info: QueryInfo, sentence: str, ask: _Ask) -> float:
        unit = ask.unit
        if _HEADING_ONLY.match(sentence):
            return -0.2  # 「1.发挥公立医院党组织领导作用。」 names a part; the sentences under it say what it asks
        if info.qtype == "count":
            if unit and _has_quantity(sentence, unit):
                return 0.5  # 「多少家」 wants a sentence that counts in 家
            if re.search(r"\d|[一二三四五六七八九十两]+(?:个|家|项|大|类)", sentence):
                return 0.1
        if info.qtype == "enumeration" and (sentence.count("、") >= 2 or sentence.rstrip().endswith(("：", ":"))):
            # 「布局调整原则有哪些」: a list the sentence ties to the noun asked (「按照“A、B、C”原则」「定标因素包括A、B、C」)
            if ask.list_noun and _tied_list(sentence, ask.list_noun):
                return 0.4
            # 「哪些投资是禁止的」: the lead 「…不得开展以下投资：」; 「履行哪些出资人职责」: 「…履行出资人职责，主要包括：」
            afters = (_LIST_NOUN_AFTER.search(info.text), _LIST_NOUN_TAIL.search(info.text))
            if any(m and _leads_items(sentence, m.group(1)) for m in afters):
                return 0.4
            return 0.1  # an inline 「A、B、C」 list, or a sentence that introduces numbered items
        if _YES_NO.search(info.text) and _MODAL.search(sentence):
            return 0.15  # 「能不能…」 is answered by what the notice allows or forbids (可以, 不得, 严禁 …)
        return 0.0

    def _trim(self, info: QueryInfo, sents: list[str], ask: _Ask, best_sentence: str = "") -> str:
        """A direct answer: drop the run-in heading; for counts keep the clauses that carry the number asked — those
        of the best-ranked sentence when it states one (its neighbour's figure is about another case)."""
        if len(sents) > 1 and all(table_cells(x) for x in sents):
            text = "\n".join(sents)  # rows stay lines
        else:  # a line without a stop of its own (an item of a form's cell) is a clause of its own
            text = "".join(x if x.endswith(tuple(_STOPS)) or i == len(sents) - 1 else x + "；" for i, x in enumerate(sents))
        text = re.sub(rf"^{_MARKER}[^。；，]{{1,30}}?。", "", text) or text  # a run-in title has no comma
        text = re.sub(r"^——", "", text)
        if info.qtype == "count" and len(text) > 60 and not _several_asks(info.text):
            parts = _clauses(text)
            terms, unit, needs = ask.terms, ask.unit, ask.needs

            def wanted(p: str) -> bool:  # a clause that states the quantity (or the amount) asked about
                return _has_quantity(p, unit) and (not needs or any(n.search(p) for n in needs))

            # the best sentence's, and those of a sentence beside it written to the same frame (「对组织省外旅游团…40元；对组织
            # 市外省内旅游团…15元」: parallel cases, one of which the asker's is)
            first = _clauses(best_sentence)[0] if best_sentence else ""
            twins = [x for x in sents if x != best_sentence and first
                     and any(len(os.path.commonprefix([c, first])) >= 3 for c in _clauses(x))]
            own = {p for p in parts if p in best_sentence or any(p in x for x in twins)} \
                if any(wanted(p) for p in _clauses(best_sentence)) else set()
            asker = list(ask.own)

            asked_tiers = set(_ranges(info.text))

            labels = [x.lower() for x in _LABEL.findall(info.text)]  # 「B类人才」「二等奖」: the tier the asker names

            def _labelled(p: str) -> bool:
                return any(x in p.lower() for x in labels)

            def tier(p: str) -> bool:  # the clause of the asker's own tier (「90周岁至99周岁…」 for 「今年92岁」), or of the tier asked
                return _holds(p, asker) or bool(asked_tiers & set(_ranges(p))) or _labelled(p)

            def rank(p: str) -> float:
                return (2.0 if wanted(p) else 0.0) + (1.0 if p in own else 0.0) + sum(self.w(t) for t in terms if t in p)

            # a labelled tier (「B类人才100万元」) states its amount without repeating what the amount is for
            # (「二等奖15项」 names the tier by a count of it, though the amount asked is money)
            tiers = [p for p in parts if (wanted(p) or (labels and _has_quantity(p, None))) and tier(p)]
            best = tiers[0] if tiers else max(parts, key=rank)
            if wanted(best) or tiers:
                # the best sentence's own amounts (「按设备投资的5%，…给予最高不超300万元」), not a neighbour's of another case
                keep = [p for p in parts if p is best or (not tiers and wanted(p) and (p in own if own else any(t in p for t in terms)))]
                at = parts.index(best)
                if tiers and at + 1 < len(parts) and (
                        not re.search(r"\d", _without_ranges(NUMBERING.sub("", best)))
                        or (_labelled(best) and wanted(parts[at + 1]) and not _LABEL.search(parts[at + 1]))):
                    keep.append(parts[at + 1])  # 「（三）100周岁及以上的，」 names the tier; 「每人每月600元」 after it pays it
                if tiers and needs and not all(n.search(_without_ranges(best)) for n in needs):
                    # 「设备投资2000万元以上的…项目，按设备投资的5%，…给予最高不超300万元资金奖补」: the asker's case, then what it is given
                    end = min(at + 4, len(parts))
                    pays = next((j for j in range(at + 1, end) if all(n.search(parts[j]) for n in needs)), None)
                    while pays is not None and pays + 1 < end and all(n.search(parts[pays + 1]) for n in needs):
                        pays += 1  # 「按设备投资的5%，」 and the cap after it 「最高不超300万元」
                    if pays is not None and not any(tier(parts[j]) or _LABEL.search(parts[j]) for j in range(at + 1, pays + 1)):
                        keep += parts[at + 1 : pays + 1]
                i = parts.index(best)
                if needs and i > 0 and not any(t in best for t in terms):
                    keep.insert(0, parts[i - 1])  # 「对首次进入…的企业，」 says who gets 「给予800万元」
                # 「上浮3个百分点以内的，」 is a case: 「由财政给予贴息」 after it is what happens in it
                keep = [q for p in keep for q in ((p, parts[parts.index(p) + 1]) if _CASE_END.search(p)
                                                  and parts.index(p) + 1 < len(parts) else (p,))]
                text = "".join(dict.fromkeys(keep)).rstrip("，；。") + "。"
        return text

    def _own_duty(self, chosen: list[int], terms: tuple[str, ...] | list[str]) -> list[int]:
        """「市财政局负责…资金；市市场监管局负责…收费行为…；市卫生健康委负责…。」 asked who checks the fees: of the duty
        clauses chosen (items 「（四）市民政局负责…；」 too), the one that holds the task asked, not the departments given the
        other duties beside it."""
        # 「答：市住房公积金管理中心负责…；」 an FAQ's answer opens with its mark
        duties = [i for i in chosen if _DUTY.match(NUMBERING.sub("", re.sub(r"^(?:答[：:]\s*)?(?:同时|此外|另外|其中)?[，,]?", "", self.sent_text[i])))]
        if len(duties) < 2:
            return chosen
        score = {i: sum(self.w(t) for t in terms if t in self.sent_text[i]) for i in duties}
        best, second = sorted(duties, key=lambda i: -score[i])[:2]
        if score[best] <= 0 or score[best] <= score[second]:
            return chosen
        return [i for i in chosen if i == best or i not in duties]


_LINE_KINDS = frozenset({"contact", "website", "person"})  # details a notice gives in a line of their own (联系人：…)

# 「由哪些机关给予处罚」「谁来挂牌督办」: the act the body asked about does; a sentence in which a body does it (「县级人民
# 政府林业行政主管部门…依法给予相应处罚」) states a duty for this question as 「X负责」 does for any
_WHO_ACTS = re.compile(r"(?:哪些|哪个|哪几个|哪家|哪一个|谁)(?:机关|部门|单位|机构)?(?:来|去|依法|进行|给予|作出|实施)?"
                       r"([\u4e00-\u9fff]{2,4}?)(?:[？?，,。]|$|呢|啊|吗)")
_VAGUE_ACTS = frozenset({"负责", "牵头", "管理", "主管", "承担", "管的", "来管", "管理的"})
_BODIES = ("机关", "部门", "单位", "机构")
# how a notice writes that a body punishes: 「给予处罚」「处以…罚款」「处…元以下罚款」
_ACT_FORMS = {"处罚": "处罚|罚款|处以", "罚款": "处罚|罚款|处以"}
_ASKS_BODY = re.compile(r"(?:哪个|哪些|哪几个|哪家|什么|哪一个)(?:部门|单位|机关|机构)")  # asked which body, not who (a person, a role)
_BODY_END = r"(?:部门|机关|机构|单位|局|委|办|政府|中心|管委会|办事处|站|支队|大队)"  # what the name of a body ends in
_BODY = re.compile(rf"[\u4e00-\u9fff]{{2,}}{_BODY_END}|我(?:局|委|厅|办)")  # a body named (「我局」 in the issuer's own words)
# an item of a 「①…②…」 or 「（1）…；（2）…」 list run into one paragraph, or its intro ending in the first item
_CIRCLED = re.compile(r"(?:^|[：:])(?:[①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳]|[（(]\d{1,2}[）)])")
_ORDINAL = re.compile(r"^[一二三四五六七八九十]+是")  # 「一是…」「二是…」: items written in running text
_LEVEL = re.compile(r"(国家|省|市|县|区|乡镇|乡|镇|村)级")
_RANK = {"村": 0, "乡": 1, "镇": 1, "乡镇": 1, "县": 2, "区": 2, "市": 3, "省": 4, "国家": 5}


def _level_not_stated(question: str, evidence: str) -> str:
    """「市级…园区」 asked where the evidence names the same thing only at other levels (「省级…园区」「国家级…园区」) and no
    range that takes it in (「市级以上」); "" when the level asked is stated or the evidence gives no levels of it."""
    stated = list(_LEVEL.finditer(evidence))
    for m in _LEVEL.finditer(question):
        level, noun = m.group(1), question[m.end() : m.end() + 2]
        # 「国家、省级、市级企业技术中心」 writes the shared 级 once
        if f"{level}级" in evidence or re.search(rf"{level}[、，和及与或]", evidence) or not re.fullmatch(r"[\u4e00-\u9fff]{2}", noun):
            continue
        others = [x for x in stated  # 「省级现代…」「市级以上现代…」
                  if re.sub(r"^(?:及|或)?以[上下]", "", evidence[x.end() : x.end() + 6])[:2] == noun]
        ranged = any(re.match(r"(?:及|或)?以上", evidence[x.end() :]) and _RANK[x.group(1)] <= _RANK[level] or
                     re.match(r"(?:及|或)?以下", evidence[x.end() :]) and _RANK[x.group(1)] >= _RANK[level]
                     for x in stated)
        if others and not ranged:
            return f"{level}级"
    return ""


_STOPS = "。！？；：!?;:，,"
_CASE_END = re.compile(r"的[，,]$")  # 「…以内的，」: a clause naming a case, its consequence in the clause after it


def _clauses(text: str) -> list[str]:
    """``text`` cut after each ，；。 outside brackets: 「净资产〔含…企业，下同〕的40%，」 is one clause."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "（(〔[【《“":
            depth += 1
        elif ch in "）)〕]】》”":
            depth = max(0, depth - 1)
        elif ch in "，；。" and depth == 0:
            parts.append(text[start : i + 1])
            start = i + 1
    parts.append(text[start:])
    return [p for p in parts if p.strip()]


_NO_COUNT_UNITS = frozenset({"元", "万元", "亿元", "年份"})  # money, and a year asked (哪一年): no count
# 「起步价是多少钱」「罚款是多少」: the noun right before the ask, with at most a linking verb between
_HEAD = r"([\u4e00-\u9fff]{2,12}?)(?:定的|规定的)?"
_HEAD_BEFORE_ASK = re.compile(_HEAD + r"(?:是|为)(?:多少|几)")
# 「注册资本最少要多少」: the noun before a bound asked, too
_HEAD_BEFORE_BOUND = re.compile(_HEAD + r"(?:是|为|(?:最少|至少|最低|最多|最高)(?:要|需要|得)?)(?:多少|几)")
# the place asked of a ranking: 「排名第一」「第2名」「排第三的」, or the last one 「末位」「最后一名」「倒数第一」「垫底」
_PLACE_ASKED = re.compile(r"(?:排名|排在?|名列)?第(?P<n>[一二三四五六七八九十]|\d{1,2})(?:名|位)?(?!批|条|章|款|项|次|季度|年|期|届)"
                          r"|(?P<last>末位|最后一名|排最后|排名最后|倒数第一|垫底)")
_CN_PLACE = {c: i for i, c in enumerate("一二三四五六七八九十", 1)}
_KIND_TAIL = r"(?:号码|号|电话|地址|金额|数额|时间|日期|人数|数量|名称|目标|指标)$"  # what kind of detail a head asks, not which thing
_NOT_HEADS = frozenset("标准 金额 数额 数量 比例 期限 时间 上限 下限 额度 具体 一般 大概 最多 最少 至少 分别".split())
# 「有下列行为之一的，…处以…罚款；」 introduces its cases without a colon
_INTRODUCES = re.compile(r"(?:下列|以下|如下)[^，。；：]{0,8}(?:之一|情形|行为|情况|规定|条件|事项)")
_CAPTION = re.compile(r"^(?:附)?表\s*\d{0,2}[：:\s]*[^。；！？|｜]{2,60}$")  # 「附表1　决定废止的规范性文件目录」「表1 …主要指标」
_ARTICLE = re.compile(r"第.{1,6}条")  # a clause that is an article (「第十一条」) is named bare, a section in 「」
_TIE = 0.05  # two sentences this close in score are both quoted (``_runner_up``; read off the dev sets' score gaps)
_BOUND_MARGIN = 0.1  # how far behind the first a sentence with the asked figure's bound may score and still answer
_BROUGHT_RANK = 0.25  # the passage-rank feature of a sentence its passage brings along, against one of its own
_TABLE_ROWS = 40  # the rows of a retrieved row's table that join the candidates
_ARTICLE_SENTENCES = 8  # at most this many sentences of an article's other paragraphs
_ITEM = re.compile(r"^\s*(?P<mark>[（(][一二三四五六七八九十\d]{1,3}[）)]|\d{1,2}[.．、])\s*(?P<body>.*)$", re.S)


def _list_items(sentences: list[str]) -> str | None:
    """「X：」 followed by numbered items -> 「X：（一）项目提出；（二）…」: each item by its run-in title, else in full."""
    if len(sentences) < 3 or not sentences[0].rstrip().endswith(("：", ":")):
        return None
    items: list[list[str]] = []
    last = 0
    for text in sentences[1:]:
        m = _ITEM.match(text)
        if m is None:
            if items:
                items[-1].append(text)  # the body sentences of an item
            continue
        n = _item_number(m.group("mark"))
        if items and n <= last:
            break  # the numbering starts again: another list (lost line breaks glued the next article on)
        last = n
        items.append([text])
    if len(items) < 2:
        return None
    heads = []
    for item in items:
        m = _ITEM.match(item[0])
        assert m is not None
        body = m.group("body").strip().rstrip("；;。")
        titled = len(item) > 1 and len(body) <= 20  # 「（一）项目提出。」 then what it means
        heads.append(m.group("mark") + (body if titled or len(body) <= 90 else body[:90] + "…"))
    return sentences[0].rstrip() + "；".join(heads) + "。"


def _item_number(mark: str) -> int:
    digits = re.sub(r"\D", "", mark)
    return int(digits) if digits else cn_small(mark.strip("（()）"))
