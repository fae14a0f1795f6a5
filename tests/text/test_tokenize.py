"""jieba tokenization and its cache: a text's tokens depend on the text and the domain words in it, nothing else,
so the cache serves them across builds; a stale, foreign or corrupt cache is never believed."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from policyqa.corpus.chunk import ClauseChunker
from policyqa.index.store import domain_words, parse_corpus
from policyqa.settings import Settings
from policyqa.text.token_cache import TokenCache
from policyqa.text.tokenize import Tokenizer, signature
from conftest import LIBRARY

NOTICE = "guangan_forestry_economy_2022"
TEXT = "推进揭榜挂帅制度，市林业局负责。"


@pytest.fixture(scope="module")
def library() -> tuple[list[str], list[str]]:
    """(the library's domain words, the chunk texts of one notice)."""
    docs, _ = parse_corpus(Settings(corpus_dir=LIBRARY))
    chunks = ClauseChunker().chunk(docs)
    return domain_words(docs, chunks), [c.index_text for c in chunks if c.doc_id == NOTICE]


def test_a_texts_tokens_do_not_depend_on_other_notices_words(library: tuple[list[str], list[str]]) -> None:
    words, texts = library
    alone = Tokenizer([w for w in words if any(w in t for t in texts)])  # only the words its own text holds
    everything = Tokenizer(words + [f"无关词语{i}" for i in range(500)])  # the library and 500 words more
    assert len(everything.user_words) > 2 * len(alone.user_words) > 0
    assert [alone.index_terms(t) for t in texts] == [everything.index_terms(t) for t in texts]
    assert [alone.terms(t) for t in texts] == [everything.terms(t) for t in texts]


def test_many_at_once_equals_one_by_one_with_a_cold_and_a_warm_cache(
        library: tuple[list[str], list[str]], tmp_path: Path) -> None:
    words, texts = library
    texts = texts + texts[:3] + ["", "\n".join(texts[3:6])]  # repeated and empty texts, and lines of them
    plain = Tokenizer(words)
    cold = Tokenizer(words, tmp_path)
    assert cold.index_terms_many(texts) == [plain.index_terms(t) for t in texts]
    assert cold.terms_many(texts) == [plain.terms(t) for t in texts]
    assert cold.segmented == 2 * (len(texts) - 5)  # each distinct line once per mode
    cold.save_cache()
    warm = Tokenizer(words, tmp_path, lazy=True)
    assert warm.index_terms_many(texts) == [plain.index_terms(t) for t in texts]
    assert warm.terms_many(texts) == [plain.terms(t) for t in texts]
    assert warm.segmented == 0 and warm.cache is not None and warm.cache.misses == 0
    assert warm._jieba_ready is None  # everything came from the cache: the dictionary was never loaded


def test_a_whole_notice_is_tokenized_as_its_lines(library: tuple[list[str], list[str]], tmp_path: Path) -> None:
    words, _ = library
    doc = next(d for d in parse_corpus(Settings(corpus_dir=LIBRARY))[0] if d.doc_id == NOTICE)
    cached = Tokenizer(words, tmp_path)
    assert cached.index_terms_many([doc.text]) == [Tokenizer(words).index_terms(doc.text)]
    assert cached.segmented == 2 * len({ln for ln in doc.text.split("\n") if ln}) > 20


def test_a_new_domain_word_in_a_cached_text_is_not_served_stale(tmp_path: Path) -> None:
    before = Tokenizer(["市林业局"], tmp_path)
    old = before.index_terms_many([TEXT])[0]
    before.save_cache()
    after = Tokenizer(["市林业局", "揭榜挂帅"], tmp_path)  # another notice brought 「揭榜挂帅」
    new = after.index_terms_many([TEXT])[0]
    assert "揭榜挂帅" in new and "揭榜挂帅" not in old
    assert new == Tokenizer(["市林业局", "揭榜挂帅"]).index_terms(TEXT)
    unrelated = Tokenizer(["市林业局", "殡葬服务"], tmp_path)  # a word the text does not hold: served from the cache
    assert unrelated.index_terms_many([TEXT])[0] == old and unrelated.segmented == 0


@pytest.mark.parametrize("content", [
    b"\x00\xff not json",
    b'{"format": 1, "signature": "x", "entries": {}}',  # another tokenizer's
    b'{"format": 1, "signature": "SIG", "entries": {"k": ["lists", "are", "not", "entries"]}}',
    b'{"format": 1, "signature": "SIG", "entries": ',  # cut short
    b"[]",
])
def test_a_corrupt_cache_file_is_ignored_and_rebuilt(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / f"tokens-{signature()}.json"
    path.write_bytes(content.replace(b"SIG", signature().encode()))
    tok = Tokenizer(["揭榜挂帅"], tmp_path)
    assert tok.terms_many([TEXT]) == [Tokenizer(["揭榜挂帅"]).terms(TEXT)]
    tok.save_cache()
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["signature"] == signature() and len(data["entries"]) == 1
    assert Tokenizer(["揭榜挂帅"], tmp_path).terms_many([TEXT]) == tok.terms_many([TEXT])


def test_cache_keys_differ_by_mode_text_and_the_domain_words_it_holds() -> None:
    tok = Tokenizer(["揭榜挂帅"])
    keys = {tok.cache_key(m, t) for m in ("search", "cut") for t in (TEXT, TEXT + "。", "揭榜挂帅")}
    keys.add(Tokenizer(["揭榜挂帅", "市林业局"]).cache_key("search", TEXT))
    keys.add(Tokenizer().cache_key("search", TEXT))
    assert len(keys) == 8


def test_a_cache_folder_that_cannot_be_written_costs_only_time(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    tok = Tokenizer(["揭榜挂帅"], blocker / "cache")
    assert tok.index_terms_many([TEXT]) == [tok.index_terms(TEXT)]
    tok.save_cache()  # logs, never raises
    assert not (blocker / "cache").exists()


def test_saving_keeps_what_another_process_saved_meanwhile(tmp_path: Path) -> None:
    a, b = TokenCache(tmp_path, "sig"), TokenCache(tmp_path, "sig")
    assert a.get_many(["x"]) == [None] and b.get_many(["y"]) == [None]
    a.put_many({"x": ["甲", "乙"]})
    a.save()
    b.put_many({"y": []})
    b.save()
    assert TokenCache(tmp_path, "sig").get_many(["x", "y", "z"]) == [["甲", "乙"], [], None]


def test_token_cache_checks_its_configuration(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="max_entries must be > 0, got 0"):
        TokenCache(tmp_path, "sig", max_entries=0)
    with pytest.raises(ValueError, match="signature"):
        TokenCache(tmp_path, "")


def test_files_of_older_tokenizer_code_are_pruned_at_save(tmp_path: Path) -> None:
    for age, sig in enumerate(["old1", "old2", "old3", "old4"]):
        (tmp_path / f"tokens-{sig}.json").write_text("{}")
        os.utime(tmp_path / f"tokens-{sig}.json", (1_000_000 - age, 1_000_000 - age))
    cache = TokenCache(tmp_path, "new")
    cache.put_many({"k": ["甲"]})
    cache.save()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tokens-new.json", "tokens-old1.json", "tokens-old2.json"]


def test_a_heading_that_asks_without_a_question_mark_names_no_term() -> None:
    """「九、什么时候开始执行」 on an explainer card would make 「什么时候开始执行」 one token of every question that asks it;
    an FAQ's 「问9：到哪里申请？」 is a passage of its own, and its words stay a term."""
    from policyqa.text.tokenize import corpus_user_words

    words = corpus_user_words(["什么时候开始执行", "问9：到哪里申请？", "加强组织领导"], [], "", [])
    assert "什么时候开始执行" not in words and "到哪里申请" in words and "加强组织领导" in words
