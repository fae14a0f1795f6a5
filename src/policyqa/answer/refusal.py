"""When the documents do not answer: out-of-jurisdiction, details the text never states, off-topic, injections.

Each check looks at the *kind* of thing asked (an amount, a deadline, a procedure, a contact, a named company,
another city's policy) and whether the evidence holds that kind of thing at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

# (what is asked, how the question asks it, what the evidence must contain to answer it)
DETAIL_ASKS: list[tuple[str, re.Pattern[str], re.Pattern[str]]] = [
    ("amount",
     re.compile(r"多少钱|多少万|多少亿|几万|几亿|多少资金|金额|额度|补贴标准|奖补标准|资助标准|奖励标准|补助标准|补贴多少|奖励多少|补助多少|奖补多少|"
                r"资助多少|安家费|预算是多少|多少预算|多少补贴|多少奖励|拿多少|给多少|奖多少|补多少|补贴多少钱|how\s+much\s+money|subsid", re.I),
     re.compile(r"\d+(?:\.\d+)?\s*(?:万元|亿元|元|万|亿)|\d+(?:\.\d+)?\s*%|[一二三四五六七八九十百千]+万?元")),
    ("ratio",
     re.compile(r"比例是多少|多少比例|百分之几|百分比|几成|比例为|percentage|ratio", re.I),
     re.compile(r"\d+(?:\.\d+)?\s*%|百分之|\d+成")),
    ("deadline",
     re.compile(r"截止|申报时间|申请时间|报名时间|受理时间|什么时候(?:可以)?(?:申报|申请|报名)|何时(?:申报|申请)|期限|deadline", re.I),
     re.compile(r"截止|截至|(?:之|以)?前(?:完成|报送|申报|申请|提交|报名)|期限|日内|个工作日|永久|长期|"
                r"(?:\d+|[一二三四五六七八九十两]+)\s*(?:个月|年|日|天|周)")),
    ("procedure",
     re.compile(r"怎么申请|如何申请|怎样申请|怎么申报|如何申报|申请流程|申报流程|办理流程|申请条件|申报条件|认定标准|认定条件|认定门槛|门槛|"
                r"需要(?:准备)?(?:哪些|什么)材料|要准备(?:哪些|什么)|提交(?:哪些|什么)|材料清单|去哪(?:里|个)?(?:办|申请|申报|提交|窗口)|"
                r"在哪(?:里|个)?(?:办|申请|申报)|哪个窗口|办事指南|申报指南|申报入口|申请入口|how\s+(?:to|do\s+i)\s+apply", re.I),
     re.compile(r"(?:申请|申报|报送|提交|办理|认定|遴选)[^。；]{0,30}(?:材料|流程|程序|条件|标准|平台|系统|部门|手续)|"
                r"(?:材料|流程|程序|条件|标准)[^。；]{0,12}(?:申请|申报|认定)|应当(?:编制|通过|报送)")),
    ("contact",
     re.compile(r"电话|联系方式|联系人|邮箱|热线|网址|网站|链接|入口|办公地址|地址在|在哪里办公|contact|phone|email|website", re.I),
     # a telephone number: 0826-2345678, 12345, 12119 (5+ digits that are no year, date, amount or share)
     re.compile(r"\d{3,4}-?\d{7,8}|(?<![\d.])\d{5,12}(?![\d.年月日万亿元%])|@|地址[：:]|电话[：:]|联系人[：:]|网址[：:]|www\.|https?://")),
    ("company",
     re.compile(r"哪家公司|哪些公司|哪几家公司|具体公司|哪些企业(?:获得|入选|拿到|得到)|企业名单|公司名单|哪家企业|概念股|股票|which\s+compan", re.I),
     re.compile(r"有限(?:责任)?公司|股份有限|集团有限|[\u4e00-\u9fff]{2,12}(?:公司|集团)(?:、|，|和)[\u4e00-\u9fff]{2,12}(?:公司|集团)")),
    ("location",
     re.compile(r"建在哪|设在哪|位于哪|落在哪|在哪个区|哪个区|选址在|where\s+is", re.I),
     re.compile(r"(?:位于|设在|建在|选址|落户)[^。；]{0,20}|[\u4e00-\u9fff]{2,4}区(?:建设|布局)")),
    ("person",
     re.compile(r"起草人|签发人|负责人是谁|联系人是谁|领导是谁|市长是谁|局长是谁|谁起草|who\s+(?:drafted|signed)", re.I),
     re.compile(r"签发人[：:]|起草人[：:]|联系人[：:]")),
]

_OFF_TOPIC = re.compile(
    r"天气|气温|下雨|写一首|写首|作诗|写诗|诗歌|笑话|讲个故事|股票|概念股|基金推荐|彩票|房价|菜谱|食谱|电影|游戏推荐|翻译一下|"
    r"weather|poem|joke|stocks?\b|recipe|movie|lottery",
    re.I,
)


@lru_cache(maxsize=1)
def _places() -> tuple[str, ...]:
    text = resources.files("policyqa.data").joinpath("places.txt").read_text(encoding="utf-8")
    return tuple(sorted({w for w in text.split() if w}, key=len, reverse=True))


@dataclass(frozen=True, slots=True)
class Verdict:
    refuse: bool
    reason: str = ""


def detail_ask(question: str) -> list[tuple[str, re.Pattern[str]]]:
    """The kinds of detail the question asks for, each with the pattern evidence must match."""
    return [(kind, need) for kind, ask, need in DETAIL_ASKS if ask.search(question)]


def foreign_place(question: str, jurisdictions: set[str], corpus_text: str = "") -> str:
    """A place the question asks about whose policy is not in the corpus (「厦门市的未来产业政策」).

    A place the documents never mention is foreign wherever it stands; one they do mention (福州's notice
    names 上海 as a region to recruit from) only when the question asks about that place's own policy.
    """
    for p in _places():
        i = question.find(p)
        if i < 0 or any(p in j or j in p for j in jurisdictions):
            continue
        if p not in corpus_text:
            return p
        after = question[i + len(p) : i + len(p) + 6]
        if re.match(r"^(?:市|省|区|县)?(?:的|有|出台|发布|对|在|政府|政策|规定|怎么|如何|是否|GDP|房价)", after):
            return p
    return ""


def off_topic(question: str) -> bool:
    return bool(_OFF_TOPIC.search(question))
