"""Normalization applied identically to documents and queries.

NFKC folds full-width letters/digits and compatibility forms, but it would also turn Chinese
punctuation （），：； into ASCII, which makes quotes look unlike the source; so CJK punctuation is kept.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc

# Chinese punctuation NFKC would fold to ASCII; kept so quotes read like the 公文 itself.
_KEEP = frozenset("（），：；！？〔〕【】《》「」『』“”‘’、。…—·～　"
                  "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳")  # 「①坚持…」 numbers an item; NFKC would make it a bare 1
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_FORMAT_MARKS = re.compile(r"\*\*|__|~~|`")
# A space between two CJK characters is a typesetting artefact (e.g. in titles); elsewhere spaces stay.
_CJK_SPACE = re.compile(r"(?<=[\u4e00-\u9fff\u3001-\u303f\uff08\uff09“”])[ \u3000]+(?=[\u4e00-\u9fff\u3001-\u303f\uff08\uff09“”])")


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def _fold_char(c: str) -> str:
    if c in _KEEP or c.isascii():
        return c
    if c == "\u3000":
        return " "
    return unicodedata.normalize("NFKC", c)


def normalize_text(text: str) -> str:
    """NFKC (CJK punctuation kept), traditional->simplified, formatting marks and zero-width chars removed.

    Line structure is preserved (\\r\\n -> \\n); spaces between CJK characters are removed.
    """
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _ZERO_WIDTH.sub("", text)
    text = "".join(_fold_char(c) for c in text)
    text = text.replace("\u3000", " ").replace("\t", " ")
    text = _t2s().convert(text)
    text = _FORMAT_MARKS.sub("", text)
    text = _CJK_SPACE.sub("", text)
    return text


# 「今年八十二岁」「三个月」「两千多万」: an amount, an age or a time an asker writes in words, where a 公文 writes digits
# (「82周岁」「2000万元以上」); a range guessed at (「两三个月」) stays words, and so do counts of things (「两家企业」)
_CN_QUANTITY = re.compile(r"(?<![第月\u96f6\u3007一二两三四五六七八九十百千])([零〇一二两三四五六七八九十百千]{1,6})"
                          r"(?=(?:多|余|来)?(?:万|亿|千|元|块|岁|周岁|个月|个工作日|天|日|小时|公里|平方米|米|亩|年|吨|%))")


def _digits(m: re.Match[str]) -> str:
    words = m.group(1)
    if len(words) == 1 and words not in "两二三四五六七八九十":
        return words  # 「一年」「一天」 are as often a phrase as a quantity
    if len(words) > 1 and not re.search(r"[十百千〇零]", words):
        return words  # 「两三个月」「三五年」: a range guessed at, no figure
    import cn2an  # MIT: Chinese numerals -> Arabic (「二〇二三」「八十二」「两」)

    try:
        return str(cn2an.cn2an(words.replace("两", "二"), "smart"))
    except (ValueError, KeyError, IndexError):
        return words


_SPOKEN_GE = re.compile(r"(?<=[\d零〇一二两三四五六七八九十百千几])个(?=[亿万])")  # 「两个亿」「2个亿」 say 「两亿」
# 「要罚好多钱」「能补好多？」: southwestern Mandarin's 好多 asks 多少 before money or at the end of the question
_SPOKEN_HOW_MUCH = re.compile(r"好多(?=钱|块|元|[？?]?$)")


def normalize_query(text: str) -> str:
    """A query is one line: normalized like the corpus, whitespace collapsed, quantities in digits."""
    line = _SPOKEN_GE.sub("", re.sub(r"\s+", " ", normalize_text(text)).strip())
    return _CN_QUANTITY.sub(_digits, _SPOKEN_HOW_MUCH.sub("多少", line))
