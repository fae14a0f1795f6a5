"""Find and read the documents of a corpus folder."""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from policyqa.errors import CorpusError

log = logging.getLogger(__name__)

SUFFIXES = (".txt", ".md")
MAX_DOC_BYTES = 5_000_000


@dataclass(frozen=True, slots=True)
class SourceFile:
    doc_id: str
    path: Path
    raw: str
    sha256: str


def _doc_id(path: Path) -> str:
    """The file stem, with anything but letters, digits, CJK, '-' and '_' replaced: stable across runs."""
    return re.sub(r"[^\w\-]+", "_", path.stem).strip("_") or "doc"


def discover(corpus_dir: Path) -> list[Path]:
    if not corpus_dir.is_dir():
        raise CorpusError(f"corpus folder not found: {corpus_dir} (set POLICYQA_CORPUS_DIR or --corpus)")
    files = sorted(
        p for p in corpus_dir.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES and p.name.lower() != "readme.md"
    )
    if not files:
        raise CorpusError(f"no .txt or .md documents in {corpus_dir}")
    return files


def read_sources(corpus_dir: Path) -> list[SourceFile]:
    out: list[SourceFile] = []
    seen: dict[str, Path] = {}
    for path in discover(corpus_dir):
        data = path.read_bytes()
        if len(data) > MAX_DOC_BYTES:
            raise CorpusError(f"{path.name} is larger than {MAX_DOC_BYTES} bytes")
        try:
            raw = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                raw = data.decode("gb18030")
            except UnicodeDecodeError as exc:
                raise CorpusError(f"{path.name} is neither UTF-8 nor GB18030 text") from exc
        if not raw.strip():
            log.warning("skipping empty document %s", path.name)
            continue
        doc_id = _doc_id(path)
        if doc_id in seen:
            raise CorpusError(f"{path.name} and {seen[doc_id].name} map to the same document id {doc_id!r}")
        seen[doc_id] = path
        out.append(SourceFile(doc_id, path, raw, hashlib.sha256(data).hexdigest()))
    if not out:
        raise CorpusError(f"every document in {corpus_dir} is empty")
    return out


def corpus_hash(sources: list[SourceFile]) -> str:
    h = hashlib.sha256()
    for s in sources:
        h.update(s.doc_id.encode())
        h.update(s.sha256.encode())
    return h.hexdigest()
