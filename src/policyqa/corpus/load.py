"""Find and read the documents of a corpus folder."""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from policyqa.corpus.readers import read_bytes
from policyqa.corpus.readers.base import SourceSpan
from policyqa.errors import CorpusError, PolicyQAError

log = logging.getLogger(__name__)

TEXT_SUFFIXES = (".txt", ".md")
SUFFIXES = (*TEXT_SUFFIXES, ".docx", ".pdf", ".html", ".htm")
MAX_DOC_BYTES = 50_000_000


@dataclass(frozen=True, slots=True)
class SourceFile:
    doc_id: str
    path: Path
    raw: str
    sha256: str  # of the file's bytes
    format: str = "txt"  # txt | md | docx | pdf | html, from the content
    spans: tuple[SourceSpan, ...] = ()  # where stretches of ``raw`` came from (PDF pages, DOCX paragraphs/tables)


def _doc_id(path: Path) -> str:
    """The file stem, with anything but letters, digits, CJK, '-' and '_' replaced: stable across runs."""
    return re.sub(r"[^\w\-]+", "_", path.stem).strip("_") or "doc"


def discover(corpus_dir: Path) -> list[Path]:
    """The documents of a corpus folder; a single document file is a corpus of one."""
    if corpus_dir.is_file() and corpus_dir.suffix.lower() in SUFFIXES:
        return [corpus_dir]
    if not corpus_dir.is_dir():
        raise CorpusError(f"corpus folder not found: {corpus_dir} (set POLICYQA_CORPUS_DIR or --corpus)")
    files = sorted(
        p for p in corpus_dir.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES and p.name.lower() != "readme.md"
    )
    if not files:
        raise CorpusError(f"no documents (.txt .md .docx .pdf .html) in {corpus_dir}")
    return files


def read_sources(corpus_dir: Path) -> list[SourceFile]:
    out: list[SourceFile] = []
    seen: dict[str, Path] = {}
    for path in discover(corpus_dir):
        data = path.read_bytes()
        if len(data) > MAX_DOC_BYTES:
            raise CorpusError(f"{path.name} is larger than {MAX_DOC_BYTES} bytes")
        if not data.strip():
            log.warning("skipping empty document %s", path.name)
            continue
        try:
            result = read_bytes(data, path.name)
        except PolicyQAError as exc:
            if path.suffix.lower() in TEXT_SUFFIXES:
                raise CorpusError(f"{path.name}: {exc.message}") from exc
            log.warning("skipping %s: %s", path.name, exc.message)  # one bad PDF must not stop the library
            continue
        raw = result.text
        if not raw.strip():
            log.warning("skipping empty document %s", path.name)
            continue
        doc_id = _doc_id(path)
        if doc_id in seen:
            raise CorpusError(f"{path.name} and {seen[doc_id].name} map to the same document id {doc_id!r}")
        seen[doc_id] = path
        out.append(SourceFile(doc_id, path, raw, hashlib.sha256(data).hexdigest(), result.format, result.spans))
    if not out:
        raise CorpusError(f"every document in {corpus_dir} is empty")
    return out


def corpus_hash(sources: list[SourceFile]) -> str:
    h = hashlib.sha256()
    for s in sources:
        h.update(s.doc_id.encode())
        h.update(s.sha256.encode())
    return h.hexdigest()
