"""Shared fixtures: real documents, one Assistant per session (models and indexes load once)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from policyqa.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
LIBRARY = ROOT / "corpus"  # the default library: every shared notice
TEST_DATA = ROOT / "tests" / "data"
FUZHOU = LIBRARY / "fuzhou_future_industries_2023.txt"
CORPUS = FUZHOU  # a corpus of one file: the Fuzhou-only tests and question set
# Embedding vectors are cached by content hash across index folders: tests reuse what `policyqa index` encoded.
SHARED_CACHE = ROOT / "index" / "embedding-cache"


def make_settings(corpus: Path, index: Path, **kw: object) -> Settings:
    return Settings(corpus_dir=corpus, index_dir=index, cache_dir=SHARED_CACHE, **kw)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def fuzhou_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return make_settings(CORPUS, tmp_path_factory.mktemp("index-fuzhou"))


@pytest.fixture(scope="session")
def assistant(fuzhou_settings: Settings):  # type: ignore[no-untyped-def]
    from policyqa.pipeline import Assistant

    return Assistant(fuzhou_settings, progress=False)


@pytest.fixture(scope="session")
def multi_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Fuzhou notice together with the two Guang'an documents (other layouts)."""
    d = tmp_path_factory.mktemp("corpus-multi")
    shutil.copy(FUZHOU, d)
    for p in TEST_DATA.glob("guangan_*.txt"):
        shutil.copy(p, d)
    return d


@pytest.fixture(scope="session")
def multi_assistant(multi_corpus: Path, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from policyqa.pipeline import Assistant

    return Assistant(make_settings(multi_corpus, tmp_path_factory.mktemp("index-multi")), progress=False)


@pytest.fixture(scope="session")
def library_assistant(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """All 26 shared notices indexed together (the default library), on a fixed clock."""
    from datetime import date

    from policyqa.pipeline import Assistant

    return Assistant(make_settings(LIBRARY, tmp_path_factory.mktemp("index-library"), today=date(2026, 11, 30)),
                     progress=False)
