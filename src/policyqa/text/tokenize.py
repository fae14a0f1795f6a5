"""jieba tokenization shared by the BM25 index and queries, with a user dictionary built from the corpus."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from functools import lru_cache

import jieba

jieba.setLogLevel(logging.WARNING)

_KEEP_TOKEN = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")
# Function words and question words carry no topic; dropping them keeps BM25 on content.
STOPWORDS = frozenset(
    """的 了 是 在 和 与 及 以及 或 等 之 其 为 对 把 被 由 从 向 将 于 以 并 而 也 都 又 就 还 这 那 该 此 各 个 些
    一 二 三 一个 哪 哪些 哪个 哪里 什么 怎么 怎样 如何 为何 为什么 吗 呢 啊 吧 呀 嘛 么 请问 请 问 我 我们 你 你们
    它 他们 她 有 有没有 没有 要 需要 会 能 能否 可以 是否 多少 几 几个 谁 么样 一下 告诉 知道 想 想要 关于 一些
    这个 那个 这些 那些 除了 以外 之外 里 中 上 下 具体 主要 方面 情况 文件 文中 提到 提出 规定 说 讲 内容 相关
    what is the a an of this that it its which who whom how many much does do did are in for to by on with and or be
    was were will would should can could please tell me about there their they any all""".split()
)


@lru_cache(maxsize=1)
def _base_dictionary() -> jieba.Tokenizer:
    t = jieba.Tokenizer()
    t.initialize()
    return t


class Tokenizer:
    """A private jieba instance (the global one is left alone) with domain words added."""

    def __init__(self, user_words: Iterable[str] = ()) -> None:
        self._jieba = jieba.Tokenizer()
        base = _base_dictionary()  # copying the loaded dictionary beats re-reading it (~1-2 s) per index load
        self._jieba.FREQ, self._jieba.total, self._jieba.initialized = dict(base.FREQ), base.total, True
        self.user_words = sorted({w for w in user_words if 2 <= len(w) <= 20})
        for w in self.user_words:
            self._jieba.add_word(w, freq=20000)

    def words(self, text: str) -> list[str]:
        """Search-mode segmentation (long words also yield their parts), lower-cased, punctuation dropped."""
        return [t.lower() for t in self._jieba.cut_for_search(text) if _KEEP_TOKEN.search(t)]

    def terms(self, text: str) -> list[str]:
        """Index/query terms: ``words`` without stopwords."""
        return [t for t in self.words(text) if t not in STOPWORDS]

    def index_terms(self, text: str) -> list[str]:
        """BM25 terms: ``terms`` plus bigrams of adjacent content words (「推动_成立」), which reward phrases."""
        words = [w.lower() for w in self._jieba.cut(text) if _KEEP_TOKEN.search(w) and w not in STOPWORDS]
        return self.terms(text) + [f"{a}_{b}" for a, b in zip(words, words[1:])]


_QUOTED = re.compile(r"“([^”]{2,16})”")
_TITLE_TERM = re.compile(r"[\u4e00-\u9fffA-Za-z0-9+]{2,12}")


def corpus_user_words(section_titles: Iterable[str], units: Iterable[str], quoted_text: str, extra: Iterable[str]) -> list[str]:
    """Department names and aliases, short heading titles and quoted terms (“揭榜挂帅”) become single tokens."""
    words: set[str] = set(units) | set(extra)
    for t in section_titles:
        for m in _TITLE_TERM.finditer(t):
            if len(m.group(0)) <= 8:
                words.add(m.group(0))
    for m in _QUOTED.finditer(quoted_text):
        words.add(m.group(1))
    return sorted(words)
