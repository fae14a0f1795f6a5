"""When the documents do not answer: out-of-jurisdiction, details the text never states, off-topic, injections.

Each check looks at the *kind* of thing asked (an amount, a deadline, a procedure, a contact, a named company,
another city's policy) and whether the evidence holds that kind of thing at all.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources

@lru_cache(maxsize=1)
def _vocabulary() -> dict[str, object]:
    """The detail kinds and the off-topic pattern: data (``data/refusal.json``), not code."""
    return json.loads(resources.files("policyqa.data").joinpath("refusal.json").read_text(encoding="utf-8"))


# (what is asked, how the question asks it, what the evidence must contain to answer it)
DETAIL_ASKS: list[tuple[str, re.Pattern[str], re.Pattern[str]]] = [
    (d["kind"], re.compile(d["ask"], re.I), re.compile(d["need"]))  # type: ignore[index]
    for d in _vocabulary()["detail_asks"]  # type: ignore[union-attr]
]
_OFF_TOPIC = re.compile(str(_vocabulary()["off_topic"]), re.I)
# kinds whose quoted sentence need not hold the question's topic words (``"support": false`` in the data)
UNSUPPORTED_KINDS = frozenset(d["kind"] for d in _vocabulary()["detail_asks"] if d.get("support") is False)  # type: ignore[union-attr]
# kinds the answer is checked for but the sentence ranking does not count (``"rank": false``)
CHECK_ONLY_KINDS = frozenset(d["kind"] for d in _vocabulary()["detail_asks"] if d.get("rank") is False)  # type: ignore[union-attr]


@lru_cache(maxsize=1)
def _places() -> tuple[str, ...]:
    text = resources.files("policyqa.data").joinpath("places.txt").read_text(encoding="utf-8")
    return tuple(sorted({w for w in text.split() if w}, key=len, reverse=True))


def detail_ask(question: str, titles: tuple[str, ...] = ()) -> list[tuple[str, re.Pattern[str]]]:
    """The kinds of detail the question asks for, each with the pattern evidence must match. Words that name the notice
    asked about (「办事指南」 of 「…补贴办事指南里，每餐补多少」, one of ``titles``) ask for nothing — judged by the match's
    last four characters where an ask spans the question up to its cue (「…拟补助企业名单公示的联系人」: 「企业名单」 names
    the 公示, it asks for no company)."""
    return [(kind, need) for kind, ask, need in DETAIL_ASKS
            if any(not any(m.group(0)[-4:] in t for t in titles) for m in ask.finditer(question))]


def foreign_place(question: str, jurisdictions: set[str], corpus_text: str = "", titles: tuple[str, ...] = ()) -> str:
    """A place the question asks about whose policy is not in the corpus (「厦门市的未来产业政策」).

    A place the documents never mention is foreign wherever it stands; one they do mention (福州's notice
    names 上海 as a region to recruit from) only when the question asks about that place's own policy, or names a
    notice of that place (「重庆市规范招标投标主体行为的实施意见」) that no title in the library carries.
    """
    # a question that names a place of the library (「广安的政策…组织陕西的团来」) asks that place's notice: another place
    # in it is foreign only where it owns a policy (「陕西的政策」「陕西出台的办法」)
    own = any(j in question for j in jurisdictions if len(j) >= 2)
    for p in _places():
        i = question.find(p)
        if i < 0 or any(p in j or j in p for j in jurisdictions):
            continue
        if i > 0 and question[i - 1] in "从自":  # 「从陕西组团来广安」: where people come from is no policy asked about
            continue
        after = question[i + len(p) :]  # each pattern reads only its own few characters of it
        if own:
            if re.match(r"^(?:市|省|区|县)?(?:的)?[^，。？?]{0,4}?(?:出台|发布|印发|政府|政策|规定|办法|文件)", after):
                return p
        elif p not in corpus_text:
            return p
        elif re.match(r"^(?:市|省|区|县)?(?:的|有|出台|发布|对|在|政府|政策|规定|怎么|如何|是否|GDP|房价)", after):
            return p
        if re.match(rf"^(?:市|省|区|县)?(?:人民政府)?(?:办公厅|办公室)?(?:关于)?[^，。？?]{{2,24}}?(?:{_NOTICE_KINDS})", after) \
                and not any(p in t for t in titles):
            return p
    return ""


_NOTICE_KINDS = "实施意见|意见|实施办法|管理办法|办法|实施方案|方案|实施细则|细则|规定|通知|命令|若干政策|若干措施|政策措施"


def off_topic(question: str, notice_texts: Iterable[str] = ()) -> bool:
    """A request no policy notice answers (a poem, the weather, stock tips) — unless the notices the question names
    write those very words (「遇到哪几种天气要发禁火令」 asks a 森林防火命令 about its 高温、大风天气). ``notice_texts`` is
    only read when the question has such a word."""
    words = [m.group(0) for m in _OFF_TOPIC.finditer(question)]
    if not words:
        return False
    texts = list(notice_texts)
    return not (texts and all(any(w in t for t in texts) for w in words))
