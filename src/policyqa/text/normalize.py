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


def normalize_query(text: str) -> str:
    """A query is one line: normalized like the corpus, whitespace collapsed."""
    return re.sub(r"\s+", " ", normalize_text(text)).strip()
