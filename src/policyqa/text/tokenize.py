"""jieba tokenization shared by the BM25 index and queries, with a user dictionary built from the corpus."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from threading import Lock

import jieba

from policyqa.text.token_cache import TokenCache

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


USER_WORD_FREQ = 20000


@lru_cache(maxsize=1)
def _base_dictionary() -> jieba.Tokenizer:
    t = jieba.Tokenizer()
    t.initialize()
    return t


@lru_cache(maxsize=1)
def signature() -> str:
    """What tokens depend on besides the text and its domain words: this module's code and jieba's version."""
    h = hashlib.sha256(Path(__file__).read_bytes())
    h.update(getattr(jieba, "__version__", "").encode())
    return h.hexdigest()[:16]


class Tokenizer:
    """A private jieba instance (the global one is left alone) with domain words added.

    A text's tokens depend only on the text and the domain words it contains (``domain_words_in``), never on the
    rest of the library, so ``terms_many``/``index_terms_many`` can reuse them from a ``TokenCache`` across builds.
    """

    def __init__(self, user_words: Iterable[str] = (), cache_dir: Path | None = None, *, lazy: bool = False) -> None:
        self.user_words = sorted({w for w in user_words if 2 <= len(w) <= 20})
        self.cache = TokenCache(cache_dir, signature()) if cache_dir is not None else None
        self._by_first: dict[str, list[str]] = {}
        for w in self.user_words:
            self._by_first.setdefault(w[0], []).append(w)
        self._first = frozenset(self._by_first)
        self._jieba_ready: jieba.Tokenizer | None = None
        self._lock = Lock()
        self.segmented = 0  # texts (lines, with a cache) ``*_many`` had jieba read, once per mode
        # a question is cut by several steps of one answer (classify, scope, the answer kinds): short texts are cut once
        self._search_of = lru_cache(maxsize=2048)(self._search)
        self._default_of = lru_cache(maxsize=2048)(self._default)
        if not lazy:  # lazy: a build whose texts are all cached never loads the dictionary (~0.6 s)
            self._engine()

    def _engine(self) -> jieba.Tokenizer:
        t = self._jieba_ready
        if t is None:
            with self._lock:
                if self._jieba_ready is None:
                    t = jieba.Tokenizer()
                    base = _base_dictionary()  # copying the loaded dictionary beats re-reading it (~1-2 s) per index load
                    t.FREQ, t.total, t.initialized = dict(base.FREQ), base.total, True
                    for w in self.user_words:
                        t.add_word(w, freq=USER_WORD_FREQ)
                    # add_word raises the total, which shifts every path's score in every text: a notice's tokens
                    # would change whenever another notice brings new domain words (and no cache could hold them)
                    t.total = base.total
                    self._jieba_ready = t
                t = self._jieba_ready
        return t

    def words(self, text: str) -> list[str]:
        """Search-mode segmentation (long words also yield their parts), lower-cased, punctuation dropped."""
        return list(self._search_of(text) if len(text) <= _MEMO_CHARS else self._search(text))

    def _search(self, text: str) -> tuple[str, ...]:
        return tuple(t.lower() for t in self._engine().cut_for_search(text) if _KEEP_TOKEN.search(t))

    def _default(self, text: str) -> tuple[str, ...]:
        return tuple(self._engine().cut(text))

    def terms(self, text: str) -> list[str]:
        """Index/query terms: ``words`` without stopwords."""
        return [t for t in self.words(text) if t not in STOPWORDS]

    def index_terms(self, text: str) -> list[str]:
        """BM25 terms: ``terms`` plus bigrams of adjacent content words (「推动_成立」), which reward phrases."""
        return _index_terms(self.terms(text), self._cut(text))

    def segments(self, text: str) -> list[str]:
        """Default-mode segmentation keeping every character (punctuation too): ``"".join`` gives ``text`` back."""
        return list(self._default_of(text) if len(text) <= _MEMO_CHARS else self._default(text))

    def _cut(self, text: str) -> list[str]:
        return [w for w in self.segments(text) if _KEEP_TOKEN.search(w)]

    # ------------------------------------------------------------------ many texts at once, through the cache
    def terms_many(self, texts: Sequence[str]) -> list[list[str]]:
        """``[terms(t) for t in texts]``, from the cache where it holds them."""
        (search,) = self._cached(texts, "search")
        return [[t for t in ws if t not in STOPWORDS] for ws in search]

    def index_terms_many(self, texts: Sequence[str]) -> list[list[str]]:
        """``[index_terms(t) for t in texts]``, from the cache where it holds them."""
        search, cut = self._cached(texts, "search", "cut")
        return [_index_terms([t for t in ws if t not in STOPWORDS], c) for ws, c in zip(search, cut)]

    def save_cache(self) -> None:
        """Keep what ``*_many`` tokenized for the next build, and free the cache's memory (no-op without one)."""
        if self.cache is not None:
            self.cache.close()

    def domain_words_in(self, text: str) -> tuple[str, ...]:
        """The domain words that occur in ``text``: besides jieba's dictionary and this code, all its tokens
        depend on (``tests/text/test_tokenize.py`` checks it on the library)."""
        return tuple(sorted(w for c in self._first.intersection(text) for w in self._by_first[c] if w in text))

    def cache_key(self, mode: str, text: str) -> str:
        return _key(mode, text, self.domain_words_in(text))

    def _cached(self, texts: Sequence[str], *modes: str) -> list[list[list[str]]]:
        """For each mode, each text's ``words`` ("search") or kept ``cut`` tokens as written ("cut").

        Cached line by line: jieba never makes a token across a line break, so a notice's new domain word costs
        the lines that hold it, not the whole of every notice that mentions it once.
        """
        segmenters = {"search": self.words, "cut": self._cut}
        if self.cache is None:
            self.segmented += len(texts) * len(modes)
            return [[segmenters[m](t) for t in texts] for m in modes]
        lines_of = [[ln for ln in t.split("\n") if ln] for t in texts]
        lines = list(dict.fromkeys(ln for ls in lines_of for ln in ls))
        found = [self.domain_words_in(ln) for ln in lines]
        out = []
        for mode in modes:
            segment = segmenters[mode]
            keys = [_key(mode, ln, w) for ln, w in zip(lines, found)]
            tokens = self.cache.get_many(keys)
            new: dict[str, list[str]] = {}
            for i, (k, ln) in enumerate(zip(keys, lines)):
                if tokens[i] is None:
                    tokens[i] = new[k] = segment(ln)
            self.segmented += len(new)
            self.cache.put_many(new)
            of_line = dict(zip(lines, tokens))
            out.append([[tok for ln in ls for tok in of_line[ln]] for ls in lines_of])  # type: ignore[union-attr]
        return out


_MEMO_CHARS = 200  # texts up to this long (questions, titles) are remembered; a notice's lines go through the TokenCache


def _key(mode: str, text: str, domain_words: tuple[str, ...]) -> str:
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{mode}\x00{len(text)}\x00{text}{chr(31).join(domain_words)}".encode())  # the length: where the text ends
    return h.hexdigest()


def _index_terms(terms: list[str], cut: list[str]) -> list[str]:
    words = [w.lower() for w in cut if w not in STOPWORDS]
    return terms + [f"{a}_{b}" for a, b in zip(words, words[1:])]


_QUOTED = re.compile(r"“([^”]{2,16})”")
_TITLE_TERM = re.compile(r"[\u4e00-\u9fffA-Za-z0-9+]{2,12}")
_ASKING = re.compile(r"什么|哪|怎|如何|多少|是否|能否|可否|吗|呢|谁|何时|为何|几")


def corpus_user_words(section_titles: Iterable[str], units: Iterable[str], quoted_text: str, extra: Iterable[str]) -> list[str]:
    """Department names and aliases, short heading titles and quoted terms (“揭榜挂帅”) become single tokens."""
    words: set[str] = set(units) | set(extra)
    for t in section_titles:
        for m in _TITLE_TERM.finditer(t):
            # a heading that asks without a question mark (「九、什么时候开始执行」 on an explainer card) names no term: one
            # token of it, found in no passage, would swallow the same words of every question asked; an FAQ's
            # 「问9：到哪里申请？」 is a passage of its own and stays
            if len(m.group(0)) <= 8 and not (_ASKING.search(m.group(0)) and not re.search(r"[？?]", t)):
                words.add(m.group(0))
    for m in _QUOTED.finditer(quoted_text):
        words.add(m.group(1))
    return sorted(words)
