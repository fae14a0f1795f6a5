"""Token lists kept across index builds, so that a build re-tokenizes only the texts it has not seen.

One JSON file per tokenizer signature (``tokens-<signature>.json``) in a cache folder beside the embedding cache.
Keys are made by the tokenizer from everything a text's tokens depend on (``Tokenizer.cache_key``); this module
only stores them. An unreadable or foreign file is ignored (and replaced at the next save), never an error.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import uuid
from collections.abc import Sequence
from pathlib import Path
from threading import Lock

log = logging.getLogger(__name__)

FORMAT = 1
MAX_ENTRIES = 200_000  # beyond this, entries this process did not use are dropped at save (the library: ~7k, 2.9 MB)
KEEP_OTHER_SIGNATURES = 2  # another code version sharing the folder (an upgrade, an A/B) keeps its file


class TokenCache:
    """``key -> tokens``, loaded on first use, saved atomically (temp file + rename); thread-safe.

    A save merges what another process saved meanwhile, so a server and ``policyqa add`` sharing the folder
    lose nothing but a race's worth of entries (they are tokenized again next time).
    """

    def __init__(self, folder: Path, signature: str, max_entries: int = MAX_ENTRIES) -> None:
        if not signature or "/" in signature:
            raise ValueError(f"signature must be a non-empty file-name part, got {signature!r}")
        if max_entries <= 0:
            raise ValueError(f"max_entries must be > 0, got {max_entries}")
        self.path = folder / f"tokens-{signature}.json"
        self.signature = signature
        self.max_entries = max_entries
        self._entries: dict[str, str] | None = None  # tokens joined by spaces (jieba never keeps whitespace in one)
        self._used: set[str] = set()
        self._seen: tuple[int, int, int] | None = None  # (inode, size, mtime_ns) of the file as last read or written
        self._dirty = False
        self._lock = Lock()
        self.hits = 0
        self.misses = 0

    def _stat(self) -> tuple[int, int, int] | None:
        try:
            st = self.path.stat()
        except OSError:
            return None
        return st.st_ino, st.st_size, st.st_mtime_ns

    def _read(self) -> dict[str, str]:
        """The entries on disk; {} when there is no file or it cannot be trusted."""
        stat = self._stat()
        if stat is None:
            return {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("signature") != self.signature:
                raise ValueError("not a token cache of this tokenizer")
            entries = data.get("entries")
            if not isinstance(entries, dict) or not all(isinstance(v, str) for v in entries.values()):
                raise ValueError("entries are not token strings")
        except (OSError, ValueError, UnicodeDecodeError) as exc:
            log.warning("ignoring unreadable token cache %s (%s); it will be rebuilt", self.path, exc)
            return {}
        finally:
            self._seen = stat
        return entries

    def _loaded(self) -> dict[str, str]:
        if self._entries is None:
            self._entries = self._read()
        return self._entries

    def get_many(self, keys: Sequence[str]) -> list[list[str] | None]:
        with self._lock:
            entries = self._loaded()
            joined = [entries.get(k) for k in keys]
            self._used.update(k for k, v in zip(keys, joined) if v is not None)
        found = sum(v is not None for v in joined)
        self.hits += found
        self.misses += len(keys) - found
        return [None if v is None else v.split(" ") if v else [] for v in joined]

    def put_many(self, items: dict[str, list[str]]) -> None:
        if not items:
            return
        # a token that is empty or holds a space could not be split back: such a text is simply not kept
        storable = {k: " ".join(ts) for k, ts in items.items() if all(t and " " not in t for t in ts)}
        with self._lock:
            self._loaded().update(storable)
            self._used.update(storable)
            self._dirty = self._dirty or bool(storable)

    def __len__(self) -> int:
        with self._lock:
            return len(self._loaded())

    def save(self) -> None:
        """Write the new entries, if any. A folder that cannot be written only costs the next build time."""
        with self._lock:
            if not self._dirty or self._entries is None:
                return
            entries = self._entries
            if self._stat() != self._seen:  # another process saved since: keep its entries too
                entries = {**self._read(), **entries}
            if len(entries) > self.max_entries:
                entries = {k: v for k, v in entries.items() if k in self._used}
            tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}.tmp")
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                tmp.write_text(json.dumps({"format": FORMAT, "signature": self.signature, "entries": entries},
                                          ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
                os.replace(tmp, self.path)
            except OSError as exc:
                with contextlib.suppress(OSError):
                    tmp.unlink(missing_ok=True)
                log.warning("could not save the token cache %s: %s", self.path, exc)
                return
            self._entries, self._seen, self._dirty = entries, self._stat(), False
        self._prune_other_signatures()

    def _prune_other_signatures(self) -> None:
        """Files of other tokenizer code (each edit of tokenize.py starts a new one): the newest few are kept."""
        others = [p for p in self.path.parent.glob("tokens-*.json") if p != self.path]
        others.sort(key=_mtime, reverse=True)
        for p in others[KEEP_OTHER_SIGNATURES:]:
            with contextlib.suppress(OSError):
                p.unlink()

    def close(self) -> None:
        """Save, then let go of the entries in memory (a server keeps none between versions); read again if needed."""
        self.save()
        with self._lock:
            if not self._dirty:
                self._entries, self._used = None, set()


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
