"""The live knowledge base: add, replace and remove notices in the corpus folder, then build a new index version.

Nothing is lost on a crash. An upload is read and checked in memory first; its original bytes, the text read
from it and a record (source name, format, time, checksum) are written under ``<corpus>/.policyqa/`` and only
then does a journal entry commit the change; applying it is two renames. ``recover`` finishes a committed
change or drops an uncommitted one, so after ``kill -9`` at any step the upload is either fully present or
absent, and the index that serves is the last complete version (the CURRENT pointer moves only once a new
version is complete).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import re
import shutil
import time
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from policyqa.corpus.load import SUFFIXES, SourceFile, _doc_id, read_sources
from policyqa.corpus.readers import read_bytes
from policyqa.corpus.structure import parse_source
from policyqa.errors import ConflictError, CorpusError, FileTooLargeError, InputError, NotFoundError
from policyqa.index.embedders import _NumpyEmbeddings
from policyqa.index.manifest import Manifest
from policyqa.index.store import IndexBundle, build_index
from policyqa.settings import Settings

log = logging.getLogger(__name__)

STATE = ".policyqa"  # inside the corpus folder: records, extracted text, journal, removed files
JOURNAL = "journal.json"
TEXT = ".extracted.txt"  # the text read from a notice, beside its record <doc_id>.json
SUFFIX_OF = {"txt": ".txt", "md": ".md", "docx": ".docx", "pdf": ".pdf", "html": ".html"}
_BAD_NAME = re.compile(r"[/\\\x00-\x1f]|^\.|\.\.")


@dataclass(frozen=True, slots=True)
class LibraryEntry:
    doc_id: str
    title: str
    doc_number: str
    source: str  # file name in the corpus folder
    original_name: str  # the name it was uploaded as
    format: str
    added_at: str  # ISO 8601, UTC
    sha256: str
    size: int
    chunks: int


@dataclass(frozen=True, slots=True)
class Change:
    added: tuple[str, ...]
    removed: tuple[str, ...]
    replaced: tuple[str, ...]
    manifest: Manifest
    seconds: float


def check_file_name(name: str) -> str:
    """A bare file name: no folders, no '..', no hidden names, no control characters."""
    if not name or not name.strip():
        raise InputError("缺少文件名 / the upload has no file name", status=400)
    if _BAD_NAME.search(name) or Path(name).name != name:
        raise InputError(f"文件名不能包含路径：{name!r} / the file name {name!r} must not contain folders, '..' or a "
                         f"leading dot", status=400)
    return name


class Library:
    """Changes to a corpus folder and the index built from it. One change at a time across processes
    (a lock file in the corpus folder); each change ends with a new, complete index version."""

    def __init__(self, settings: Settings, embedder: _NumpyEmbeddings | None = None) -> None:
        self.settings = settings
        self.embedder = embedder
        self.is_folder = settings.corpus_dir.is_dir()
        self.corpus = settings.corpus_dir if self.is_folder else settings.corpus_dir.parent
        self.state = self.corpus / STATE
        self.max_bytes = settings.max_upload_mb * 1024 * 1024

    # ------------------------------------------------------------------ reading
    def records(self) -> dict[str, dict[str, object]]:
        out: dict[str, dict[str, object]] = {}
        if self.state.is_dir():
            for p in self.state.glob("*.json"):
                if p.name == JOURNAL:
                    continue
                try:
                    out[p.stem] = json.loads(p.read_text(encoding="utf-8"))
                except (OSError, ValueError):
                    log.warning("ignoring unreadable record %s", p)
        return out

    def entries(self, bundle: IndexBundle) -> list[LibraryEntry]:
        """Every notice the given index holds, with where it came from."""
        chunks = Counter(c.doc_id for c in bundle.chunks)
        records = self.records()
        out = []
        for doc in bundle.documents.values():
            m = doc.meta
            rec = records.get(m.doc_id, {})
            path = self.corpus / m.source
            try:
                st = path.stat()
                size, mtime = st.st_size, st.st_mtime
            except OSError:
                size, mtime = 0, 0.0
            added = str(rec.get("added_at") or datetime.fromtimestamp(mtime, timezone.utc).isoformat(timespec="seconds"))
            out.append(LibraryEntry(m.doc_id, m.title, m.doc_number, m.source, str(rec.get("original_name") or m.source),
                                    m.format or str(rec.get("format", "")), added, m.sha256, size, chunks[m.doc_id]))
        return sorted(out, key=lambda e: e.doc_id)

    # ------------------------------------------------------------------ changes
    def add(self, files: Sequence[tuple[str, bytes]], *, replace: bool = False) -> Change:
        """Add notices given as (file name, bytes). Each is read and checked before anything is written; a
        conflict (same bytes → always; same id, 文号 or title → unless ``replace``) changes nothing."""
        t0 = time.perf_counter()
        if not files:
            raise InputError("没有上传文件 / no file was uploaded", status=400)
        prepared = [self._prepare(name, data) for name, data in files]
        ids = [p["doc_id"] for p in prepared]
        dup = next((i for i in ids if ids.count(i) > 1), None)
        if dup:
            raise ConflictError(f"同一次上传中有两个文件对应同一编号 {dup} / two uploaded files map to the same id {dup!r}")
        with self._lock():
            self._recover()
            sources = {s.doc_id: s for s in read_sources(self.corpus)}
            docs = {d: parse_source(s) for d, s in sources.items()}
            remove: list[str] = []
            for p in prepared:
                remove += self._conflicts(p, sources, docs, replace)
            self._write_staged(prepared)
            journal = {"place": [[f"incoming/{p['file']}", p["file"]] for p in prepared],
                       "remove": sorted({sources[d].path.name for d in remove if d in sources}),
                       "records": [p["doc_id"] for p in prepared], "drop_records": sorted(set(remove) - set(ids))}
            self._commit(journal)
            self._apply(journal)
            manifest = self._build()
        added = tuple(ids)
        return Change(added, (), tuple(sorted(set(remove))), manifest, round(time.perf_counter() - t0, 3))

    def remove(self, doc_id: str) -> Change:
        t0 = time.perf_counter()
        with self._lock():
            self._recover()
            sources = {s.doc_id: s for s in read_sources(self.corpus)}
            if doc_id not in sources:
                raise NotFoundError(f"没有编号为 {doc_id!r} 的文件 / no notice with id {doc_id!r}; see /v1/documents")
            if sources[doc_id].path.parent.resolve() != self.corpus.resolve():
                raise CorpusError(f"{doc_id} is not a file of the corpus folder")
            if len(sources) == 1:
                raise ConflictError("不能删除最后一个文件 / cannot remove the last notice: the library would be empty")
            journal = {"place": [], "remove": [sources[doc_id].path.name], "records": [], "drop_records": [doc_id]}
            self._commit(journal)
            self._apply(journal)
            manifest = self._build()
        return Change((), (doc_id,), (), manifest, round(time.perf_counter() - t0, 3))

    def recover(self) -> None:
        """Finish a change that was committed but not applied (a crash), or drop one that was not committed."""
        if not self.is_folder or not (self.state / JOURNAL).exists() and not (self.state / "incoming").is_dir():
            return
        with self._lock():
            self._recover()

    # ------------------------------------------------------------------ steps
    def _prepare(self, name: str, data: bytes) -> dict[str, object]:
        check_file_name(name)
        if len(data) > self.max_bytes:
            raise FileTooLargeError(f"文件过大：{name} 为 {len(data) / 1048576:.1f} MB，上限 {self.settings.max_upload_mb} MB / "
                                    f"{name} is {len(data)} bytes; the limit is {self.settings.max_upload_mb} MB "
                                    f"(POLICYQA_MAX_UPLOAD_MB)")
        result = read_bytes(data, name)
        doc_id = _doc_id(Path(name))
        file = doc_id + SUFFIX_OF[result.format]
        sha = hashlib.sha256(data).hexdigest()
        doc = parse_source(SourceFile(doc_id, self.corpus / file, result.text, sha, result.format, result.spans))
        if not doc.clauses:
            raise InputError(f"没有在 {name} 中找到正文 / no body text found in {name}", status=422)
        return {"doc_id": doc_id, "file": file, "data": data, "text": result.text, "sha256": sha, "doc": doc,
                "record": {"doc_id": doc_id, "original_name": name, "source": file, "format": result.format,
                           "sha256": sha, "size": len(data),
                           "added_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                           "title": doc.meta.title, "doc_number": doc.meta.doc_number, **result.metadata,
                           "provenance": [[s.start, s.end, s.kind, s.index, s.row] for s in result.spans]}}

    def _conflicts(self, p: dict[str, object], sources: dict[str, SourceFile], docs: dict, replace: bool) -> list[str]:
        doc = p["doc"]
        for d, s in sources.items():
            if s.sha256 == p["sha256"]:
                raise ConflictError(f"知识库中已有完全相同的文件（{d}）/ this exact file is already in the library as {d!r}")
        clash = []
        for d, other in docs.items():
            why = ("编号" if d == p["doc_id"] else
                   "文号" if doc.meta.doc_number and other.meta.doc_number == doc.meta.doc_number else  # type: ignore[attr-defined]
                   "标题" if doc.meta.title and other.meta.title == doc.meta.title else "")  # type: ignore[attr-defined]
            if why:
                clash.append((d, why))
        if clash and not replace:
            shown = "、".join(f"{d}（{w}相同）" for d, w in clash)
            raise ConflictError(f"知识库中已有同一文件：{shown}；如要替换，请加 --replace 或表单字段 replace=true / the library "
                                f"already holds {', '.join(d for d, _ in clash)} (same id, 文号 or title); send "
                                f"replace=true (CLI: --replace) to replace it")
        return [d for d, _ in clash]

    def _write_staged(self, prepared: list[dict[str, object]]) -> None:
        """Originals, extracted text and records, complete on disk before the journal names them."""
        incoming = self.state / "incoming"
        incoming.mkdir(parents=True, exist_ok=True)
        for p in prepared:
            _write_atomic(incoming / str(p["file"]), p["data"])  # type: ignore[arg-type]
            _write_atomic(incoming / f"{p['doc_id']}{TEXT}", str(p["text"]).encode("utf-8"))
            _write_atomic(incoming / f"{p['doc_id']}.json",
                          json.dumps(p["record"], ensure_ascii=False, indent=1).encode("utf-8"))

    def _commit(self, journal: dict[str, object]) -> None:
        _write_atomic(self.state / JOURNAL, json.dumps(journal, ensure_ascii=False).encode("utf-8"))

    def _apply(self, journal: dict) -> None:
        """Idempotent: safe to run again after a crash half-way through."""
        removed = self.state / "removed"
        removed.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
        incoming = self.state / "incoming"
        for name in journal["remove"]:
            if (self.corpus / name).exists() and not any(dst == name for _, dst in journal["place"]):
                os.replace(self.corpus / name, removed / f"{stamp}-{uuid.uuid4().hex[:4]}-{name}")
        for doc_id in journal["drop_records"]:
            for ext in (".json", TEXT):
                if (self.state / f"{doc_id}{ext}").exists():
                    os.replace(self.state / f"{doc_id}{ext}", removed / f"{stamp}-{doc_id}{ext}")
        for doc_id in journal["records"]:
            for ext in (TEXT, ".json"):
                if (incoming / f"{doc_id}{ext}").exists():
                    os.replace(incoming / f"{doc_id}{ext}", self.state / f"{doc_id}{ext}")
        for src, dst in journal["place"]:
            if (self.state / src).exists():
                if (self.corpus / dst).exists():  # replacing a notice of the same id: keep the old bytes
                    shutil.copy2(self.corpus / dst, removed / f"{stamp}-{uuid.uuid4().hex[:4]}-{dst}")
                os.replace(self.state / src, self.corpus / dst)
        (self.state / JOURNAL).unlink(missing_ok=True)
        shutil.rmtree(incoming, ignore_errors=True)

    def _recover(self) -> None:
        path = self.state / JOURNAL
        if path.exists():
            try:
                journal = json.loads(path.read_text(encoding="utf-8"))
            except ValueError:
                journal = None  # written atomically, so never half a file; be safe anyway
            if journal:
                log.warning("finishing an interrupted change to the library: %s", journal)
                self._apply(journal)
                return
            path.unlink(missing_ok=True)
        shutil.rmtree(self.state / "incoming", ignore_errors=True)  # staged but never committed: absent

    def _build(self) -> Manifest:
        if self.embedder is None:
            raise CorpusError("this Library was made without an embedder; it cannot build an index")
        return build_index(self.settings, self.embedder, progress=False)

    @contextmanager
    def _lock(self) -> Iterator[None]:
        if not self.is_folder:
            raise CorpusError(f"adding and removing notices needs a corpus folder; {self.settings.corpus_dir} is a "
                              f"single file / 只有文件夹形式的知识库才能增删文件")
        self.state.mkdir(parents=True, exist_ok=True)
        with (self.state / ".lock").open("w") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    with tmp.open("wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def supported_suffixes() -> tuple[str, ...]:
    return SUFFIXES
