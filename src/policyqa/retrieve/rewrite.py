"""Resolve follow-up questions from the conversation history into stand-alone queries.

「那未来医疗呢？」 after 「新一代光电由哪些部门负责？」 -> 「未来医疗由哪些部门负责？」;
「它重点发展什么？」 after a question about 元宇宙 -> 「元宇宙重点发展什么？」.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from policyqa.text.normalize import normalize_query
from policyqa.text.tokenize import STOPWORDS, Tokenizer
from policyqa.types import Turn

# 「那元宇宙呢？」「还有量子科技呢」「元宇宙的呢」「换成未来网络呢」「what about X」
_ELLIPSIS = re.compile(
    r"^(?:那么?|那|还有|另外|再问一下|换成|改成|如果是|and\s+|what\s+about\s+|how\s+about\s+)?\s*(?P<topic>.{1,24}?)\s*"
    r"(?:的话)?(?:呢|又如何|又怎样|怎么样|如何|情况呢|的呢)?\s*[？?。!！]*$",
    re.IGNORECASE,
)
_ELLIPSIS_CUE = re.compile(r"^(?:那么?|那|还有|另外|换成|改成|如果是|and\b|what about|how about)|呢[？?。!！]*$", re.IGNORECASE)
_PRONOUN = re.compile(r"它们|它|该(?:产业|领域|方向|部门|单位|项|条|部分|章节|文件|政策|意见|方案)|这个(?:产业|领域|方向|部门|单位)?|"
                      r"这一?(?:产业|领域|块|方面|部分)|"
                      r"这(?:项|件|些)(?:工作|任务|事情?|措施|政策|规定|补贴|奖励)?|此项|上述(?:产业|领域)?|^那(?=是|个|些)", re.IGNORECASE)
_ASKED_NOUN = re.compile(r"(?:什么|哪些|哪个|哪几个|哪几类|哪类|何种|哪种)[\u4e00-\u9fff]{2}(?=[？?。，,]|$)")
# 「这个方案」「该文件」「这份意见」: the notice the conversation is about
_DOC_PRONOUN = re.compile(r"(?:这个|这份|这一?个|该|本|此|它这个)(?:文件|方案|意见|办法|通知|细则|政策|命令|规定|措施|决定|公文)")
# a follow-up that asks something of its own is not an ellipsis (「那享受低保的人创业期间，低保还能拿多久？」)
_ASKS = re.compile(r"什么|谁|哪|吗|怎|咋|啥|多少|多久|多长|多大|多高|几|何|能否|可否|是否|能不能|可不可以|有没有|要不要|会不会"
                   r"|why|what|who|when|how", re.IGNORECASE)
INTENT_WORDS = frozenset(
    """负责 责任 单位 部门 牵头 归 管 谁 哪些 哪个 什么 主管 承担 参与 落实 工作 任务 包括 包含 有 重点 发展 目标 内容
    主要 措施 怎么 如何 多少 几个 几 是 吗 呢 哪 具体 要求 方面 情况 政策 文件 规定 提到 说 讲 讲了 介绍 一下 由
    职责 条 条目 作为 出现 全部 所有 列出""".split()
)


def _content_terms(tok: Tokenizer, text: str) -> list[str]:
    return [t for t in tok.terms(text) if t not in INTENT_WORDS and t not in STOPWORDS]


# words that join two content words into one noun phrase (「全职两院院士的单位」「技术、项目、资金」)
_GLUE = frozenset("的 和 与 及 、".split())
# verbs and prepositions of a question's frame, around the thing asked about (「提出到2025年…要达到多少」)
_FRAME = frozenset("到 达到 达 要 给 给予 按 按照 对于 至 为 可 能 还 才 得 拿 领 算 属于 提 让 用 年 月 日 收 交 缴 付 单个 各个 "
                   "一共 总共 合计 共计 总计 大概 大约 一般 最多 最少 至少 到底 究竟".split())
# 「那名师工作室要新建几个？」: a leading 那 that only links the question to the conversation (not the demonstrative of
# 「那是」「那个」「那天」「那家」)
_LINK = re.compile(r"^(?:那么?|还有|另外)[，,]?(?![是个些里边时样么天年月次种位份家条项件段])")


def unlinked(question: str) -> str:
    """``question`` without a leading 那 that only links it to the conversation."""
    return _LINK.sub("", question) or question


def _is_content(word: str) -> bool:
    w = word.lower()
    return bool(re.search(r"[\u4e00-\u9fffA-Za-z]", w)) and w not in STOPWORDS and w not in INTENT_WORDS \
        and w not in _FRAME and not (len(w) <= 3 and _ASKS.search(w)) and not re.fullmatch(r"\d+年?|[a-z]|每[\u4e00-\u9fff]|(?:最多|最少|最高|最低|至少|至多)[能要可得]?", w)


def noun_spans(tok: Tokenizer, text: str) -> list[str]:
    """The runs of content words in ``text`` (a question's noun phrases), in order: 「提出到2025年义务教育巩固率要达到
    多少？」 -> [义务教育巩固率]; glue words (的、和) inside a run stay in it."""
    spans: list[str] = []
    run: list[str] = []
    glue: list[str] = []
    for w in tok.segments(text):
        if _is_content(w):
            run += glue + [w]
            glue = []
        elif w in _GLUE and run:
            glue.append(w)
        else:
            if run:
                spans.append("".join(run))
            run, glue = [], []
    if run:
        spans.append("".join(run))
    return [sp for sp in spans if len(sp) >= 2]  # a lone character (「发」) is a verb or a fragment, not a topic


# a quantity with its unit and bound: 「5000万元（不含）以下」「2亿元以上」「30%」
_AMOUNT = re.compile(r"\d+(?:\.\d+)?\s*[万亿千百]?(?:元|人|户|家|个|项|周岁|岁|年|天|日|月|吨|亩|平方米|米|%)?(?:[（(][^）)]{1,4}[）)])?"
                     r"(?:及以上|及以下|以上|以下|以内|之内|不到|不足)?")


_RANGE_TAIL = re.compile(rf"\s*(?:到|至|—|-|~|～)\s*{_AMOUNT.pattern}")

# heads of a kind (places, bodies, people): a follow-up's new topic replaces the earlier word whose head is of its kind
_HEAD_KINDS = ("区场站所园院校村镇街路点地库馆楼港", "局委办厅处司企业位构会组", "人员者户生师工农家")


def _same_kind(a: str, b: str) -> bool:
    return any(a in k and b in k for k in _HEAD_KINDS)


def _number_variant(new_topic: str, prev: str) -> str:
    """The earlier question with its quantity swapped for the follow-up's, when the follow-up names the same thing
    with another quantity (「单项投资2亿元以上」 for 「单项投资5000万元以下」); "" when it does not."""
    nth = re.fullmatch(r"第[一二三四五六七八九十\d]+([批期轮次届档])", new_topic)
    if nth:  # 「那第三批呢？」 after 「第一批消费券什么时候发？」: the ordinal of the same measure
        old = re.search(rf"第[一二三四五六七八九十\d]+{nth.group(1)}", prev)
        return prev[: old.start()] + new_topic + prev[old.end():] if old else ""
    m = _AMOUNT.search(new_topic)
    if not m or not m.group(0).strip() or not re.search(r"\d", m.group(0)):
        return ""
    lead = new_topic[: m.start()]
    for k in range(len(lead), 1, -1):  # the longest stretch of words before the quantity that the earlier question has
        at = prev.find(lead[-k:])
        if at < 0:
            continue
        old = _AMOUNT.match(prev, at + k)
        if old and re.search(r"\d", old.group(0)):
            upto = _RANGE_TAIL.match(prev, old.end())  # 「5000万到8000万」: the earlier range goes whole
            end = upto.end() if upto and re.search(r"\d", upto.group(0)) else old.end()
            # 「增加超过3000万元」 after 「不超过500万元」: the earlier negation goes with the earlier bound
            cut = at - 1 if at and prev[at - 1] in "不未" and not lead[:-k].endswith(prev[at - 1]) else at
            return prev[:cut] + lead[-k:] + new_topic[m.start():] + prev[end:]
        return ""
    if not lead:  # 「那100岁以上的呢？」 after 「80到89岁老人…」: the earlier range in the same unit, whole
        unit = _unit_of(m.group(0))
        written = "(?:周岁|岁)" if unit in ("岁", "周岁") else re.escape(unit)  # 「100岁以上」 after 「80到89周岁」
        spans = [r for r in re.finditer(rf"\d+(?:\.\d+)?\s*{written}?\s*(?:到|至|—|-|~|～)\s*\d+(?:\.\d+)?\s*{written}", prev)
                 ] if unit else []
        if len(spans) == 1:
            return prev[: spans[0].start()] + m.group(0) + prev[spans[0].end():]
    if not lead:  # 「那2亿元以上的呢？」: the earlier question's one bounded quantity
        bounded = [a for a in _AMOUNT.finditer(prev) if re.search(r"\d", a.group(0)) and re.search(r"以上|以下|以内|不到|不足", a.group(0))]
        if len(bounded) == 1:
            a = bounded[0]
            return prev[: a.start()] + new_topic[m.start():] + prev[a.end():]  # 「5000万到8000万之间」 whole
    if not lead.strip("到在至于截止 "):  # 「那到2022年呢？」 after 「…到2020年要覆盖哪些机构？」: the one quantity in that unit
        unit = _unit_of(m.group(0))
        same = [a for a in _AMOUNT.finditer(prev) if re.search(r"\d", a.group(0)) and _unit_of(a.group(0)) == unit]
        if unit and len(same) == 1:
            a = same[0]
            return prev[: a.start()] + m.group(0) + prev[a.end():]
    return ""


def _unit_of(amount: str) -> str:
    return re.sub(r"[\d.\s]|及以上|及以下|以上|以下|以内|之内|不到|不足", "", amount)


class QueryRewriter:
    """Stand-alone rewriting of follow-ups; ``topics`` are the corpus's own names (section titles, departments…)."""

    def __init__(self, tokenizer: Tokenizer, topics: Iterable[str], common: Iterable[str] = (),
                 about_notice: Callable[[str], bool] | None = None) -> None:
        """``common``: words too frequent in the library to name a topic on their own (「报告」);
        ``about_notice(q)``: ``q`` asks about the notice itself (「试行多长时间？」), so it takes no earlier topic."""
        self.tok = tokenizer
        self.common = frozenset(common)
        self.about_notice = about_notice or (lambda q: False)
        self.topics = sorted({t for t in topics if len(t) >= 2}, key=len, reverse=True)
        self._topic_re = re.compile("|".join(re.escape(t) for t in self.topics)) if self.topics else None

    def topic_of(self, question: str) -> str:
        """The longest corpus topic named in a question, else its longest noun phrase, else its content words."""
        # the noun a question word asks for (「满足什么条件」 -> 条件) is what is asked of the topic, not the topic
        question = _ASKED_NOUN.sub("", question) or question
        if self._topic_re is not None:
            found = [t for t in self._topic_re.findall(question) if t not in INTENT_WORDS]
            if found:
                return max(found, key=len)
        spans = noun_spans(self.tok, question)
        if spans:
            return max(spans, key=len)
        terms = [t for t in _content_terms(self.tok, question) if len(t) > 1 or t.isascii()]
        # keep the longest non-overlapping words in order (search mode also yields sub-words)
        kept: list[str] = []
        for t in sorted(terms, key=len, reverse=True):
            if not any(t in k for k in kept):
                kept.append(t)
        kept.sort(key=question.find)
        sep = " " if all(t.isascii() for t in kept) else ""
        return sep.join(kept[:3])

    def rewrite(self, question: str, history: Sequence[Turn], names: Callable[[str], str] | None = None) -> str:
        return self.rewrite_normalized(normalize_query(question), history, names)

    def rewrite_normalized(self, q: str, history: Sequence[Turn], names: Callable[[str], str] | None = None) -> str:
        """``rewrite`` for a question the caller has already passed through ``normalize_query``.

        ``names(text)`` is the stretch of ``text`` that names a notice (「广安殡葬方案」), "" if none: a topic is
        never taken from a notice's name, 「它」 after a question about the notice itself is that notice, and the
        rewritten question keeps the earlier notice's name."""
        users = [normalize_query(t.content) for t in history if t.role == "user" and t.content.strip()]
        if not users:
            return q
        prev = users[0]
        for u in users[1:]:
            prev = self._resolve(u, prev, names)
        return self._resolve(q, prev, names)

    def with_topic(self, q: str, history: Sequence[Turn], names: Callable[[str], str] | None = None) -> str:
        """The follow-up asked of the earlier question's notice and topic (「那进去的人和车要做什么？」 after a question about
        the 森林防火区 -> 「…森林防火区进去的人和车要做什么？」): the reading to try when the follow-up, taken as asking
        on its own, finds nothing to answer; "" when the earlier question gives no topic or the follow-up already has it."""
        users = [normalize_query(t.content) for t in history if t.role == "user" and t.content.strip()]
        if not users:
            return ""
        prev = users[-1]
        name = names(prev) if names else ""
        topic = self.topic_of(prev.replace(name, "", 1) if name else prev)
        if not topic or topic in q or (name and name in q):
            return ""
        return f"{name}{topic}{unlinked(q)}"

    def _resolve(self, q: str, prev: str, names: Callable[[str], str] | None = None) -> str:
        name = names(prev) if names else ""
        bare_prev = prev.replace(name, "", 1) if name else prev
        out = self._resolve_topic(q, bare_prev, name)
        return f"{name}{out}" if out not in (q, unlinked(q)) and name and name not in out else out

    def _resolve_topic(self, q: str, prev: str, name: str) -> str:
        prev_topic = self.topic_of(prev)
        doc = _DOC_PRONOUN.search(q)
        if doc or (_PRONOUN.search(q) and self.about_notice(q)):
            # 「这个方案谁牵头？」「它什么时候印发的？」: the notice itself, never the earlier question's topic
            return (_DOC_PRONOUN if doc else _PRONOUN).sub(name, q, count=1) if name else q
        m = _ELLIPSIS.match(q)
        # 「那人才子女入学保障这项任务呢？」 names its topic beside the pointing words: an ellipsis (2), not a pronoun
        named = bool(m and _ELLIPSIS_CUE.search(q) and _content_terms(self.tok, _PRONOUN.sub("", m.group("topic"))))
        if _PRONOUN.search(q) and not self._names_topic(q) and not named:  # 1) pronoun: 「它重点发展什么？」
            if prev_topic:
                return _PRONOUN.sub(prev_topic, q, count=1)
            # the earlier question was about the notice itself (「…办法从哪天开始施行？」): 「它」 is the notice
            return _PRONOUN.sub(name, q, count=1) if name else q
        if not prev_topic:
            return q
        # 2) ellipsis: 「那元宇宙呢？」 — a short question that names a new topic and asks nothing of its own
        if m and _ELLIPSIS_CUE.search(q) and len(q) <= 30:
            # 「那人才子女入学保障这项任务呢」: the words pointing back (这项任务) are not the new topic's
            new_topic = (_PRONOUN.sub("", m.group("topic")) or m.group("topic")).strip(" 的")
            if new_topic and not _ASKS.search(new_topic) and new_topic != prev_topic \
                    and len(_content_terms(self.tok, new_topic)) >= 1:
                varied = _number_variant(new_topic, prev)
                if varied:  # 「那单项投资2亿元以上的呢？」 after 「单项投资5000万元以下的新项目怎么决策？」
                    return varied
                # the new topic takes the place of the earlier one of its kind: the noun phrase with the same head
                # (「高中阶段毛入学率」 for 「义务教育巩固率」), else the earlier topic
                same_head = [sp for sp in noun_spans(self.tok, prev) if sp[-1] == new_topic[-1] and sp != new_topic]
                if not same_head and len(new_topic) <= 4:  # 「国家级的呢」 after 「评上省级…」: the word ending as it does
                    same_head = [t for t in self.tok.terms(prev) if len(t) >= 2 and t[-1] == new_topic[-1] and t != new_topic
                                 and len(new_topic) <= len(t) + 1]  # 「小微企业」 is no kind of 「创业」
                if not same_head:  # 「新建住宅小区」 after 「公共停车场…」: a word of prev whose head is of the same kind (a place)
                    same_head = [t for t in self.tok.terms(prev) if len(t) >= 3 and _same_kind(t[-1], new_topic[-1])]
                # the earlier topic with the words that run on from it in its noun phrase (「人才公寓」 of 「人才公寓建设用地
                # 年度供应计划」): the new topic takes the whole phrase's place
                whole = [sp for sp in noun_spans(self.tok, prev) if sp.startswith(prev_topic)]
                old = max(same_head, key=len) if same_head else (max(whole, key=len) if whole else prev_topic)
                if old in prev:
                    return prev.replace(old, new_topic, 1)
                return f"{new_topic} {prev}"
        # 3) a bare intent with no topic of its own: 「由哪些部门负责？」「具体目标是什么？」「那一共选多少户？」
        bare = unlinked(q)
        # a noun phrase of its own names a topic, unless each of its words is common in the library (「要提前多久报告？」)
        own = [sp for sp in noun_spans(self.tok, bare) if any(t not in self.common for t in self.tok.terms(sp))]
        short = len(bare.rstrip("？?。！!")) <= 8 and not self.about_notice(bare)  # 「要提前多久报告？」
        if ((not _content_terms(self.tok, q) or not own) and len(q) <= 20) or short:
            return f"{prev_topic}{bare}"
        return bare  # 「那名师工作室要新建几个？」 asks on its own once the linking 那 is gone

    def _names_topic(self, q: str) -> bool:
        return bool(self._topic_re and self._topic_re.search(q))
