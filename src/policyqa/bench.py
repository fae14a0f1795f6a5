"""`policyqa bench`: where every millisecond of an answer goes, measured against the floor.

The floor is one bare query encoding with the configured embedder. Everything else (normalization, BM25, FAISS,
fusion, composition, HTTP) is reported as a ratio to a floor measured in the same run, interleaved with the
measurement it divides: on a shared 2-core machine absolute times drift by several × within minutes.

Sections: floor and in-process stages (query cache off, then on with repeated questions); HTTP ``/v1/ask`` on a
real ``policyqa serve`` subprocess at several concurrencies; index build cold / unchanged / one paragraph changed;
server start to first answer and peak RSS; the corpus replicated ×N (build, latency per stage) and FAISS flat vs
HNSW on the replicated vectors. Writes ``bench-<date>-<sha>.json`` and prints the tables with PASS/MISS per target.
"""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from policyqa.errors import PolicyQAError
from policyqa.settings import Settings

log = logging.getLogger(__name__)

SCHEMA = 1
ROOT = Path(__file__).resolve().parents[2]  # the repository, when run from a clone
QUESTIONS = Path("evals/questions.jsonl")
STAGES = ("normalize", "rewrite", "embed", "dense", "bm25", "fusion", "compose", "total")
HTTP_LEVELS = (1, 8, 16, 32)
HNSW_M, HNSW_EF_SEARCH = 32, 64  # as policyqa.index.store._dense_index builds it
RECALL_K = 10
JSON_HEADERS = {"content-type": "application/json"}


@dataclass(frozen=True)
class Plan:
    """How much to measure. Every loop also stops at its time cap (after a minimum count), so that a loaded
    machine makes the bench noisier, not longer."""

    questions: int  # distinct questions for the in-process latency
    min_samples: int  # a time cap never cuts a loop below this
    section_seconds: float  # time cap of each in-process loop
    http_requests: int  # per concurrency level
    http_seconds: float  # per concurrency level
    repeated_questions: int  # the set that is asked again and again (query cache on)
    repeated_server: str  # "subprocess" (a second `policyqa serve`) or "in-process" (BackgroundServer)
    scale_factors: tuple[int, ...]
    scale_questions: int
    ann_sizes: tuple[int, ...]  # synthetic corpora (mixtures of real vectors) for the flat/HNSW crossover
    ann_queries: int


FULL = Plan(questions=215, min_samples=40, section_seconds=25.0, http_requests=400, http_seconds=8.0,
            repeated_questions=40, repeated_server="subprocess", scale_factors=(10, 100), scale_questions=40,
            ann_sizes=(10_000, 20_000, 50_000), ann_queries=50)
QUICK = Plan(questions=12, min_samples=6, section_seconds=4.0, http_requests=24, http_seconds=2.0,
             repeated_questions=6, repeated_server="in-process", scale_factors=(3,), scale_questions=4,
             ann_sizes=(1_000,), ann_queries=12)


@dataclass(frozen=True)
class Target:
    name: str
    key: str  # into result["headline"]
    op: str  # "<=" or ">="
    limit: float
    unit: str


TARGETS = (
    Target("in-process p50 ≤ 1.5× floor (query cache off)", "in_process_p50_x_floor", "<=", 1.5, "×"),
    Target("HTTP p50 ≤ 2× floor at concurrency 1", "http_c1_p50_x_floor", "<=", 2.0, "×"),
    Target("≥ 40 req/s distinct questions at concurrency 16, 0 errors", "http_c16_rps", ">=", 40.0, "req/s"),
    Target("rebuild of an unchanged corpus ≤ 1 s", "rebuild_unchanged_s", "<=", 1.0, "s"),
    Target("serving RSS ≤ 500 MB (peak)", "serving_peak_rss_mb", "<=", 500.0, "MB"),
)


# ============================================================================================ small helpers
def summary(values_ms: Sequence[float]) -> dict[str, float]:
    """n, p50/p95/p99, mean, min, max of latencies in ms (zeros when there are none)."""
    if not values_ms:
        return {"n": 0, "p50": 0.0, "p95": 0.0, "p99": 0.0, "mean": 0.0, "min": 0.0, "max": 0.0}
    a = np.asarray(values_ms, dtype=np.float64)
    p50, p95, p99 = np.percentile(a, [50, 95, 99])
    return {"n": int(a.size), "p50": _r(p50), "p95": _r(p95), "p99": _r(p99), "mean": _r(a.mean()),
            "min": _r(a.min()), "max": _r(a.max())}


def _r(x: float, nd: int = 3) -> float:
    return round(float(x), nd)


def _ms(t0: float) -> float:
    return (time.perf_counter() - t0) * 1e3


def ratio(x: float, floor: float) -> float:
    return _r(x / floor, 3) if floor > 0 else float("inf")


def load_questions(path: Path | None = None) -> list[str]:
    """The distinct ``question`` strings of the eval set, in file order."""
    path = path or (QUESTIONS if QUESTIONS.is_file() else ROOT / QUESTIONS)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise PolicyQAError(f"cannot read bench questions {path}: {exc}") from exc
    seen: dict[str, None] = {}
    for line in lines:
        if line.strip():
            q = json.loads(line).get("question")
            if isinstance(q, str) and q.strip():
                seen.setdefault(q, None)
    if not seen:
        raise PolicyQAError(f"no questions in {path}")
    return list(seen)


def _capped(items: Sequence[str], min_n: int, seconds: float) -> Iterator[tuple[int, str]]:
    """Yield items until they run out or the time cap passes (never fewer than ``min_n``)."""
    deadline = time.monotonic() + seconds
    for i, item in enumerate(items):
        if i >= min_n and time.monotonic() > deadline:
            return
        yield i, item


def git_revision() -> dict[str, Any]:
    from policyqa.evaluate import git_info  # one git probe for both result files

    return git_info(ROOT)


def machine() -> dict[str, Any]:
    return {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
            "load_avg_1m": _r(os.getloadavg()[0], 2)}


def proc_status(pid: int) -> dict[str, float]:
    """VmRSS and VmHWM (peak RSS) of a process, in MB (Linux /proc)."""
    out: dict[str, float] = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = _r(int(rest.split()[0]) / 1024, 1)
    except OSError:
        pass
    return out


def proc_cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (all threads), from /proc/<pid>/stat."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# ============================================================================================ in-process
def bench_floor_and_stages(assistant: Any, questions: Sequence[str], plan: Plan) -> dict[str, Any]:
    """Bare ``encode_query`` and ``Assistant.ask`` (query cache off) interleaved question by question, so that
    both see the same machine; the order alternates so neither always runs on a warm cache."""
    emb = assistant.embedder
    for q in questions[:3]:  # first calls pay for lazy loading (jieba dictionaries, OpenMP threads)
        emb.encode_query(q)
        assistant.ask(q)
    floor, wall, cpu_floor = [], [], []
    stages: dict[str, list[float]] = defaultdict(list)
    qvecs = []
    for i, q in _capped(questions, plan.min_samples, plan.section_seconds):
        for step in ((0, 1) if i % 2 == 0 else (1, 0)):
            if step == 0:
                c0, t0 = time.process_time(), time.perf_counter()
                qvecs.append(emb.encode_query(q))
                floor.append(_ms(t0))
                cpu_floor.append((time.process_time() - c0) * 1e3)
            else:
                t0 = time.perf_counter()
                answer = assistant.ask(q)
                wall.append(_ms(t0))
                for k, v in answer.timings_ms.items():
                    stages[k].append(v)
    f, w = summary(floor), summary(wall)
    return {
        "floor": {**f, "cpu_ms_p50": _r(float(np.median(cpu_floor))), "embedder": emb.name},
        "cache_off": {
            "end_to_end": w,
            "stages": {k: summary(stages[k]) for k in STAGES if k in stages},
            "p50_x_floor": ratio(w["p50"], f["p50"]),
            "p95_x_floor": ratio(w["p95"], f["p50"]),
        },
        "_query_vectors": np.vstack(qvecs) if qvecs else np.zeros((0, emb.dim), np.float32),
    }


def bench_cache_on(assistant: Any, questions: Sequence[str], floor_p50: float) -> dict[str, Any]:
    """The same Assistant with a query-vector LRU: one pass to fill it, then the same questions again."""
    from policyqa.index.embedders import QueryCache

    saved = assistant.encode_query
    assistant.encode_query = cache = QueryCache(assistant.embedder, max(1024, len(questions)))
    try:
        first, repeated = [], []
        for q in questions:
            t0 = time.perf_counter()
            assistant.ask(q)
            first.append(_ms(t0))
        for q in questions:
            t0 = time.perf_counter()
            assistant.ask(q)
            repeated.append(_ms(t0))
    finally:
        assistant.encode_query = saved
    r = summary(repeated)
    return {"questions": len(questions), "first_pass": summary(first), "repeated": r,
            "repeated_p50_x_floor": ratio(r["p50"], floor_p50), "hits": cache.hits, "misses": cache.misses}


# ============================================================================================ index build
def _replace_one_paragraph(corpus: Path) -> str:
    """Append a sentence to one paragraph in the middle of the largest document; returns what changed."""
    from policyqa.corpus.load import discover

    path = max(discover(corpus), key=lambda p: p.stat().st_size)
    lines = path.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    middle = range(len(lines) // 3, max(len(lines) * 2 // 3, len(lines) // 3 + 1))
    i = max(middle, key=lambda j: len(lines[j].strip()) if j < len(lines) else -1)
    lines[i] = lines[i].rstrip("\n") + "各责任单位要按季度报送工作进展情况。\n"
    path.write_text("".join(lines), encoding="utf-8")
    return f"{path.name} line {i + 1}"


def bench_build(settings: Settings, embedder: Any, work: Path) -> dict[str, Any]:
    """Cold (empty embedding cache), unchanged (nothing to encode), one paragraph changed. The model is already
    loaded: these are index build times, not process start-up."""
    from policyqa.index.store import build_index, load_index

    cache = work / "embedding-cache"  # empty: the cold build encodes every passage
    s = settings.model_copy(update={"index_dir": work / "index-build", "cache_dir": cache})
    cold = build_index(s, embedder, progress=False)
    warm = build_index(s, embedder, progress=False)
    t0 = time.perf_counter()
    load_index(s, embedder)
    load_s = time.perf_counter() - t0

    changed_corpus = work / "corpus-changed"
    shutil.copytree(settings.corpus_dir, changed_corpus)
    where = _replace_one_paragraph(changed_corpus)
    s2 = s.model_copy(update={"corpus_dir": changed_corpus})
    changed = build_index(s2, embedder, progress=False)

    def row(m: Any) -> dict[str, Any]:
        return {"seconds": _r(m.build_seconds), "encoded": m.counts.get("encoded", 0), "counts": m.counts,
                "dense_index": m.dense_index}

    return {"cold": row(cold), "unchanged": row(warm), "one_paragraph_changed": {**row(changed), "edit": where},
            "load_seconds": _r(load_s), "cache_dir": str(cache)}


# ============================================================================================ HTTP
class ServerProcess:
    """A real ``policyqa serve`` subprocess on a free loopback port: start to first answer, RSS and CPU."""

    def __init__(self, settings: Settings, log_file: Path, *, query_cache_size: int,
                 first_question: str, start_timeout: float = 300.0) -> None:
        self.settings, self.log_file = settings, log_file
        self.query_cache_size, self.first_question = query_cache_size, first_question
        self.start_timeout = start_timeout
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None
        self.start: dict[str, Any] = {}

    def __enter__(self) -> ServerProcess:
        import httpx

        s = self.settings
        env = dict(os.environ)  # the user's other POLICYQA_ settings apply to the server too
        env.update({"POLICYQA_RATE_LIMIT_PER_MINUTE": "0", "POLICYQA_QUERY_CACHE_SIZE": str(self.query_cache_size),
                    "POLICYQA_API_KEYS": "",  # the load generator sends no key
                    "POLICYQA_CACHE_DIR": str(s.embedding_cache_dir), "POLICYQA_WORKERS": str(s.workers),
                    "POLICYQA_ST_MODEL": s.st_model, "POLICYQA_CANDIDATES": str(s.candidates),
                    "POLICYQA_TOP_K": str(s.top_k), "POLICYQA_CHUNK_MAX_CHARS": str(s.chunk_max_chars)})
        cmd = [sys.executable, "-m", "policyqa.cli", "serve", "--host", "127.0.0.1", "--port", str(self.port),
               "--corpus", str(s.corpus_dir), "--index", str(s.index_dir), "--embedder", s.embedder]
        t0 = time.perf_counter()
        with self.log_file.open("wb") as fh:
            self.proc = subprocess.Popen(cmd, env=env, stdout=fh, stderr=subprocess.STDOUT, cwd=os.getcwd())
        ready = None
        with httpx.Client(base_url=self.url, timeout=5.0) as client:
            while ready is None:
                if self.proc.poll() is not None or time.perf_counter() - t0 > self.start_timeout:
                    tail = self.log_file.read_text(errors="replace")[-2000:]
                    self.__exit__()
                    raise PolicyQAError(f"`policyqa serve` did not become ready ({' '.join(cmd)}):\n{tail}")
                try:
                    r = client.get("/readyz")
                    if r.status_code == 200:
                        ready = r.json()
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.05)
            ready_s = time.perf_counter() - t0
            t1 = time.perf_counter()
            r = client.post("/v1/ask", json={"question": self.first_question}, timeout=120.0)
            first_ms = _ms(t1)
            r.raise_for_status()
        self.start = {"ready_s": _r(ready_s), "first_answer_s": _r(time.perf_counter() - t0),
                      "first_request_ms": _r(first_ms), "server_load_s": ready.get("load_seconds"),
                      "rss_after_start_mb": self.rss().get("VmRSS")}
        return self

    def rss(self) -> dict[str, float]:
        return proc_status(self.proc.pid) if self.proc else {}

    def cpu_seconds(self) -> float:
        return proc_cpu_seconds(self.proc.pid) if self.proc else 0.0

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)


@contextmanager
def rss_sampler(pid: int, every: float = 0.1) -> Iterator[dict[str, float]]:
    """Track the largest VmRSS of ``pid`` while the block runs."""
    peak = {"VmRSS": 0.0}
    stop = threading.Event()

    def run() -> None:
        while not stop.is_set():
            peak["VmRSS"] = max(peak["VmRSS"], proc_status(pid).get("VmRSS", 0.0))
            stop.wait(every)

    t = threading.Thread(target=run, daemon=True, name="rss-sampler")
    t.start()
    try:
        yield peak
    finally:
        stop.set()
        t.join()


def _bodies(questions: Sequence[str]) -> list[bytes]:
    return [json.dumps({"question": q}, ensure_ascii=False).encode("utf-8") for q in questions]


async def _load(url: str, bodies: Sequence[bytes], concurrency: int, max_requests: int,
                max_seconds: float, offset: int) -> dict[str, Any]:
    import httpx

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=120.0) as client:
        # open every connection first: connection set-up is not what is measured
        await asyncio.gather(*(client.get("/healthz") for _ in range(concurrency)))
        lat: list[float] = []
        server_ms: list[float] = []
        embed_ms: list[float] = []
        statuses: dict[str, int] = defaultdict(int)
        issued = 0
        deadline = time.monotonic() + max_seconds

        async def worker() -> None:
            nonlocal issued
            while issued < max_requests and time.monotonic() < deadline:
                body = bodies[(offset + issued) % len(bodies)]
                issued += 1
                t0 = time.perf_counter()
                try:
                    r = await client.post("/v1/ask", content=body, headers=JSON_HEADERS)
                except httpx.HTTPError as exc:
                    statuses[type(exc).__name__] += 1
                    continue
                dt = _ms(t0)
                statuses[str(r.status_code)] += 1
                if r.status_code == 200:
                    lat.append(dt)
                    timings = r.json()["timings_ms"]
                    server_ms.append(float(timings.get("total", 0.0)))
                    embed_ms.append(float(timings.get("embed", 0.0)))

        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        wall = time.perf_counter() - t0
    done = sum(statuses.values())
    return {"concurrency": concurrency, "requests": done, "errors": done - statuses.get("200", 0),
            "statuses": dict(statuses), "seconds": _r(wall), "req_per_s": _r(done / wall, 2) if wall else 0.0,
            "latency_ms": summary(lat), "server_pipeline_ms": summary(server_ms),
            "server_embed_ms": summary(embed_ms)}


def http_load(url: str, questions: Sequence[str], concurrency: int, plan: Plan, *, offset: int = 0,
              server_pid: int | None = None) -> dict[str, Any]:
    """``concurrency`` clients posting back to back for ``plan.http_seconds`` (or ``plan.http_requests``)."""
    n = max(plan.http_requests, concurrency * 2)
    if concurrency == 1:  # a few requests first: connection and the server's first-call costs
        asyncio.run(_load(url, _bodies(questions), 1, 3, plan.http_seconds, offset))
    cpu_client, cpu_server = time.process_time(), proc_cpu_seconds(server_pid) if server_pid else 0.0
    out = asyncio.run(_load(url, _bodies(questions), concurrency, n, plan.http_seconds, offset))
    lat, server = out["latency_ms"]["p50"], out["server_pipeline_ms"]["p50"]
    out["http_overhead_p50_ms"] = _r(lat - server)
    if concurrency == 1:  # the floor of the same moment, in the serving process: its bare encode_query
        out["p50_x_floor"] = ratio(lat, out["server_embed_ms"]["p50"])
    if out["requests"]:
        out["client_cpu_ms_per_request"] = _r((time.process_time() - cpu_client) * 1e3 / out["requests"])
        if server_pid:
            out["server_cpu_ms_per_request"] = _r((proc_cpu_seconds(server_pid) - cpu_server) * 1e3 / out["requests"])
    return out


def bench_http(settings: Settings, questions: Sequence[str], plan: Plan, work: Path, floor_p50: float) -> tuple[dict[str, Any], dict[str, Any]]:
    """Distinct questions against `policyqa serve` with its query cache off: levels 1, 8, 16, 32; start-up
    and RSS of that server. Returns (http, server)."""
    with ServerProcess(settings, work / "serve-cache-off.log", query_cache_size=0,
                       first_question=questions[0]) as srv:
        start = srv.start
        levels = []
        with rss_sampler(srv.proc.pid) as peak:  # type: ignore[union-attr]
            for i, c in enumerate(HTTP_LEVELS):
                lv = http_load(srv.url, questions, c, plan, offset=37 * i, server_pid=srv.proc.pid)  # type: ignore[union-attr]
                lv["p50_x_run_floor"] = ratio(lv["latency_ms"]["p50"], floor_p50)
                levels.append(lv)
        end = srv.rss()
    server = {"start": start, "peak_rss_serving_mb": max(peak["VmRSS"], end.get("VmRSS", 0.0)),
              "vm_hwm_mb": end.get("VmHWM"), "rss_end_mb": end.get("VmRSS"), "query_cache_size": 0}
    http = {"distinct": levels, "floor_p50_ms": floor_p50,
            "note": "server: `policyqa serve` subprocess, rate limit off, query cache off; client: httpx in the "
                    "bench process on the same cores. Concurrency 1 is divided by the server's own embed stage "
                    "(a bare encode_query of the same moment and process); p50_x_run_floor divides by the "
                    "in-process floor measured earlier in the run"}
    return http, server


def bench_http_repeated(settings: Settings, assistant: Any, questions: Sequence[str], plan: Plan,
                        work: Path) -> dict[str, Any]:
    """The same few questions again and again with the query cache on (the production default)."""
    qs = list(questions[: plan.repeated_questions])
    size = max(settings.query_cache_size, len(qs)) or 1024
    if plan.repeated_server == "subprocess":
        with ServerProcess(settings, work / "serve-cache-on.log", query_cache_size=size,
                           first_question=qs[0]) as srv:
            for q in qs:  # fill the cache
                _post_once(srv.url, q)
            c1 = http_load(srv.url, qs, 1, plan, server_pid=srv.proc.pid)  # type: ignore[union-attr]
            c16 = http_load(srv.url, qs, 16, plan, server_pid=srv.proc.pid)  # type: ignore[union-attr]
            start = srv.start
        return {"server": "subprocess", "questions": len(qs), "levels": [c1, c16], "start": start}

    from policyqa.api import BackgroundServer, create_app
    from policyqa.index.embedders import QueryCache

    saved = assistant.encode_query
    assistant.encode_query = QueryCache(assistant.embedder, size)
    try:
        app = create_app(settings.model_copy(update={"rate_limit_per_minute": 0}), assistant, ui=False)
        with BackgroundServer(app) as srv:
            for q in qs:
                _post_once(srv.url, q)
            c1 = http_load(srv.url, qs, 1, plan)
            c16 = http_load(srv.url, qs, 16, plan)
    finally:
        assistant.encode_query = saved
    return {"server": "in-process", "questions": len(qs), "levels": [c1, c16]}


def _post_once(url: str, question: str) -> None:
    import httpx

    httpx.post(url + "/v1/ask", json={"question": question}, timeout=120.0).raise_for_status()


# ============================================================================================ scaling
def replicate_corpus(src: Path, dest: Path, factor: int) -> int:
    """Every document ``factor`` times under distinct file names (hence distinct doc ids), content unchanged."""
    from policyqa.corpus.load import discover

    dest.mkdir(parents=True, exist_ok=True)
    n = 0
    for path in discover(src):
        for r in range(factor):
            shutil.copyfile(path, dest / f"{path.stem}__x{r:03d}{path.suffix}")
            n += 1
    return n


def _ask_interleaved(assistant: Any, questions: Sequence[str], plan: Plan, n: int) -> dict[str, Any]:
    emb = assistant.embedder
    for q in questions[:2]:
        assistant.ask(q)
    floor, wall = [], []
    stages: dict[str, list[float]] = defaultdict(list)
    sample = list(questions[:: max(1, len(questions) // n)])[:n]  # every question type, not the first few
    for _, q in _capped(sample, min(plan.min_samples, n), plan.section_seconds / 2):
        t0 = time.perf_counter()
        emb.encode_query(q)
        floor.append(_ms(t0))
        t0 = time.perf_counter()
        a = assistant.ask(q)
        wall.append(_ms(t0))
        for k, v in a.timings_ms.items():
            stages[k].append(v)
    f, w = summary(floor), summary(wall)
    return {"floor_p50_ms": f["p50"], "end_to_end": w, "p50_x_floor": ratio(w["p50"], f["p50"]),
            "p95_x_floor": ratio(w["p95"], f["p50"]),
            "stages_p50_ms": {k: summary(stages[k])["p50"] for k in STAGES if k in stages},
            "stages_p95_ms": {k: summary(stages[k])["p95"] for k in STAGES if k in stages}}


def bench_scaling(settings: Settings, embedder: Any, questions: Sequence[str], plan: Plan, work: Path,
                  cache_dir: Path) -> tuple[list[dict[str, Any]], np.ndarray]:
    """The corpus ×N. The embedding cache is keyed by content and the copies are identical, so no passage is
    encoded again: build time here is parsing, chunking, BM25, FAISS and writing, growing with N."""
    from policyqa.index.store import build_index
    from policyqa.pipeline import Assistant

    rows, vectors = [], np.zeros((0, 1), np.float32)
    for factor in plan.scale_factors:
        corpus = work / f"corpus-x{factor}"
        docs = replicate_corpus(settings.corpus_dir, corpus, factor)
        s = settings.model_copy(update={"corpus_dir": corpus, "index_dir": work / f"index-x{factor}",
                                        "cache_dir": cache_dir, "query_cache_size": 0})
        m = build_index(s, embedder, progress=False)
        t0 = time.perf_counter()
        assistant = Assistant(s, embedder=embedder, progress=False)
        load_s = time.perf_counter() - t0
        row = {"factor": factor, "documents": docs, "chunks": m.counts.get("chunks"),
               "sentences": m.counts.get("sentences"), "dense_index": m.dense_index,
               "build_seconds": _r(m.build_seconds), "encoded": m.counts.get("encoded", 0),
               "load_seconds": _r(load_s), **_ask_interleaved(assistant, questions, plan, plan.scale_questions)}
        rows.append(row)
        if factor == max(plan.scale_factors):
            vectors = np.ascontiguousarray(assistant.bundle.chunk_vectors, dtype=np.float32)
            if not len(vectors):  # an HNSW store keeps no flat copy; rebuild the rows from the cache
                vectors = np.ascontiguousarray(assistant.bundle.dense.index.reconstruct_n(
                    0, assistant.bundle.dense.index.ntotal), dtype=np.float32)
        del assistant
        gc.collect()
        shutil.rmtree(work / f"index-x{factor}", ignore_errors=True)
        shutil.rmtree(corpus, ignore_errors=True)
    return rows, vectors


# ============================================================================================ FAISS flat vs HNSW
def _search_ms(index: Any, queries: np.ndarray, k: int) -> float:
    times = []
    for i in range(len(queries)):
        t0 = time.perf_counter()
        index.search(queries[i : i + 1], k)
        times.append(_ms(t0))
    return _r(float(np.median(times)), 4)


def recall_at_k(exact_scores: np.ndarray, approx_scores: np.ndarray, k: int = RECALL_K) -> float:
    """Share of the approximate top-k scoring at least the exact k-th score: with duplicate vectors (the ×N
    corpus) several ids tie, and any of them is a correct answer."""
    kth = exact_scores[:, k - 1 : k] - 1e-5
    return _r(float(np.mean(approx_scores[:, :k] >= kth)), 4)


def compare_flat_hnsw(name: str, vectors: np.ndarray, queries: np.ndarray, k_search: int) -> dict[str, Any]:
    import faiss

    dim = vectors.shape[1]
    t0 = time.perf_counter()
    flat = faiss.IndexFlatIP(dim)
    flat.add(vectors)
    flat_build = time.perf_counter() - t0
    t0 = time.perf_counter()
    hnsw = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
    hnsw.add(vectors)
    hnsw_build = time.perf_counter() - t0
    hnsw.hnsw.efSearch = HNSW_EF_SEARCH
    threads = faiss.omp_get_max_threads()
    flat_ms, hnsw_ms = _search_ms(flat, queries, k_search), _search_ms(hnsw, queries, k_search)
    faiss.omp_set_num_threads(1)  # requests already run side by side in the server's thread pool
    try:
        flat_1t, hnsw_1t = _search_ms(flat, queries, k_search), _search_ms(hnsw, queries, k_search)
    finally:
        faiss.omp_set_num_threads(threads)
    exact, _ = flat.search(queries, RECALL_K)
    approx, _ = hnsw.search(queries, RECALL_K)
    spread = float(np.median(exact[:, 0] - exact[:, RECALL_K - 1]))  # how crowded the top 10 is (cosine)
    return {"name": name, "vectors": int(len(vectors)), "dim": int(dim), "k": k_search,
            "flat": {"build_s": _r(flat_build), "search_p50_ms": flat_ms, "search_p50_ms_1_thread": flat_1t,
                     "recall_at_10": 1.0},
            "hnsw": {"build_s": _r(hnsw_build), "search_p50_ms": hnsw_ms, "search_p50_ms_1_thread": hnsw_1t,
                     "recall_at_10": recall_at_k(exact, approx), "M": HNSW_M, "ef_search": HNSW_EF_SEARCH},
            "top1_minus_top10_cosine_p50": _r(spread, 4), "omp_threads": threads}


def synthetic(vectors: np.ndarray, n: int, seed: int = 0, sigma: float = 0.01) -> np.ndarray:
    """``n`` distinct unit vectors spread over the real ones: random mixtures of two real passage vectors plus a
    little Gaussian noise, renormalized. A corpus of that size with the same geometry (crowded, as e5 vectors
    are), without exact duplicates blurring recall."""
    rng = np.random.default_rng(seed)
    base = np.unique(vectors, axis=0)
    i, j = rng.integers(0, len(base), n), rng.integers(0, len(base), n)
    w = rng.random((n, 1)).astype(np.float32)
    x = w * base[i] + (1 - w) * base[j] + rng.normal(0.0, sigma, (n, base.shape[1])).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return np.ascontiguousarray(x, dtype=np.float32)


def bench_ann(vectors: np.ndarray, queries: np.ndarray, plan: Plan, factor: int, k_search: int) -> dict[str, Any]:
    from policyqa.index.store import HNSW_MIN_VECTORS

    q = np.ascontiguousarray(queries[: plan.ann_queries], dtype=np.float32)
    cases = [compare_flat_hnsw(f"×{factor} corpus chunk vectors ({factor} copies of each)", vectors, q, k_search)]
    for n in plan.ann_sizes:
        cases.append(compare_flat_hnsw(f"{n:,} synthetic vectors (mixtures of real ones)", synthetic(vectors, n), q,
                                       k_search))
    return {"hnsw_min_vectors": HNSW_MIN_VECTORS, "queries": int(len(q)), "cases": cases}


# ============================================================================================ run
def headline(result: dict[str, Any]) -> dict[str, Any]:
    http = {lv["concurrency"]: lv for lv in result["http"]["distinct"]}
    c16 = http.get(16, {})
    return {
        "floor_p50_ms": result["floor"]["p50"],
        "in_process_p50_ms": result["in_process"]["cache_off"]["end_to_end"]["p50"],
        "in_process_p50_x_floor": result["in_process"]["cache_off"]["p50_x_floor"],
        "http_c1_p50_ms": http[1]["latency_ms"]["p50"],
        "http_c1_p50_x_floor": http[1]["p50_x_floor"],
        "http_c16_rps": c16.get("req_per_s", 0.0),
        "http_c16_errors": c16.get("errors", 0),
        "rebuild_unchanged_s": result["build"]["unchanged"]["seconds"],
        "serving_peak_rss_mb": max(result["server"]["peak_rss_serving_mb"], result["server"]["vm_hwm_mb"] or 0.0),
        "start_to_first_answer_s": result["server"]["start"]["first_answer_s"],
    }


def check_targets(head: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for t in TARGETS:
        value = head[t.key]
        ok = value <= t.limit if t.op == "<=" else value >= t.limit
        if t.key == "http_c16_rps":
            ok = ok and head["http_c16_errors"] == 0
        out.append({"target": t.name, "key": t.key, "value": value, "limit": t.limit, "op": t.op, "unit": t.unit,
                    "pass": bool(ok)})
    return out


def run_bench(settings: Settings, *, quick: bool = False, questions_path: Path | None = None,
              status: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Every measurement, in one process and one run; returns the result dict (see docs/performance.md)."""
    from policyqa.index.embedders import make_embedder
    from policyqa.index.store import ensure_index
    from policyqa.pipeline import Assistant

    plan = QUICK if quick else FULL
    say = status or (lambda msg: log.info("%s", msg))
    started, load_before = time.perf_counter(), machine()["load_avg_1m"]
    questions = load_questions(questions_path)
    base = settings.model_copy(update={"query_cache_size": 0, "rate_limit_per_minute": 0})
    result: dict[str, Any] = {"schema": SCHEMA, "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                              "git": git_revision(), "quick": quick, "plan": asdict(plan),
                              "settings": {"embedder": settings.embedder, "corpus_dir": str(settings.corpus_dir),
                                           "index_dir": str(settings.index_dir), "workers": settings.workers,
                                           "query_cache_size": settings.query_cache_size,
                                           "candidates": settings.candidates, "top_k": settings.top_k},
                              "questions": {"path": str(questions_path or QUESTIONS), "distinct": len(questions)}}

    say("loading the model and index")
    t0 = time.perf_counter()
    embedder = make_embedder(base)
    t1 = time.perf_counter()
    ensure_index(base, embedder, progress=False)  # builds only when missing or stale
    t2 = time.perf_counter()
    assistant = Assistant(base, embedder=embedder, progress=False)
    result["startup"] = {"model_load_s": _r(t1 - t0), "index_ready_s": _r(t2 - t1),
                         "assistant_load_s": _r(time.perf_counter() - t2)}
    result["index"] = {"counts": assistant.bundle.manifest.counts, "dense_index": assistant.bundle.manifest.dense_index}

    with tempfile.TemporaryDirectory(prefix="policyqa-bench-") as tmp:
        work = Path(tmp)
        say(f"floor and in-process stages ({min(plan.questions, len(questions))} distinct questions, cache off)")
        inproc = bench_floor_and_stages(assistant, questions[: plan.questions], plan)
        qvecs = inproc.pop("_query_vectors")
        result["floor"] = inproc.pop("floor")
        floor_p50 = result["floor"]["p50"]
        say("in-process, query cache on (repeated questions)")
        inproc["cache_on"] = bench_cache_on(assistant, questions[: plan.repeated_questions], floor_p50)
        result["in_process"] = inproc

        say("index build: cold, unchanged, one paragraph changed")
        result["build"] = bench_build(base, assistant.embedder, work)

        say("HTTP: `policyqa serve` subprocess, distinct questions, concurrency " + ", ".join(map(str, HTTP_LEVELS)))
        result["http"], result["server"] = bench_http(base, questions, plan, work, floor_p50)
        say(f"HTTP: repeated questions, query cache on ({plan.repeated_server} server)")
        result["http"]["repeated"] = bench_http_repeated(settings.model_copy(update={"rate_limit_per_minute": 0}),
                                                         assistant, questions, plan, work)

        say("scaling: corpus ×" + ", ×".join(map(str, plan.scale_factors)))
        rows, vectors = bench_scaling(base, assistant.embedder, questions, plan, work,
                                      Path(result["build"]["cache_dir"]))
        base_row = {"factor": 1, "documents": assistant.bundle.manifest.counts.get("documents"),
                    "chunks": len(assistant.bundle.chunks), "sentences": len(assistant.bundle.sentences),
                    "dense_index": assistant.bundle.manifest.dense_index,
                    "build_seconds": result["build"]["unchanged"]["seconds"], "encoded": 0,
                    "load_seconds": result["startup"]["assistant_load_s"], "floor_p50_ms": floor_p50,
                    "end_to_end": inproc["cache_off"]["end_to_end"], "p50_x_floor": inproc["cache_off"]["p50_x_floor"],
                    "p95_x_floor": inproc["cache_off"]["p95_x_floor"],
                    "stages_p50_ms": {k: v["p50"] for k, v in inproc["cache_off"]["stages"].items()},
                    "stages_p95_ms": {k: v["p95"] for k, v in inproc["cache_off"]["stages"].items()}}
        result["scaling"] = {"rows": [base_row, *rows],
                             "note": "copies are byte-identical, so the content-keyed embedding cache encodes "
                                     "nothing: build time is parsing, chunking, BM25, FAISS and writing"}
        say("FAISS flat vs HNSW")
        result["ann"] = bench_ann(vectors, qvecs, plan, max(plan.scale_factors), base.candidates)

    result["headline"] = headline(result)
    result["targets"] = check_targets(result["headline"])
    result["machine"] = {**machine(), "load_avg_1m_at_start": load_before}
    result["duration_s"] = _r(time.perf_counter() - started, 1)
    return result


def result_path(out: Path, result: dict[str, Any]) -> Path:
    return out / f"bench-{datetime.now().strftime('%Y-%m-%d')}-{result['git']['short']}.json"


def run_bench_cli(settings: Settings, out: Path, quick: bool = False) -> Path:
    """`policyqa bench`: run, print the tables, write ``<out>/bench-<date>-<sha>.json``; returns that path."""
    from rich.console import Console

    console, err = Console(), Console(stderr=True)
    if not console.is_terminal:  # piped or redirected: wide enough that the tables stay tables
        console = Console(width=150)
    result = run_bench(settings, quick=quick, status=lambda msg: err.print(f"[dim]{time.strftime('%H:%M:%S')}[/] {msg}"))
    out.mkdir(parents=True, exist_ok=True)
    path = result_path(out, result)
    path.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    render(result, console)
    console.print(f"wrote {path}")
    return path


# ============================================================================================ tables
def render(result: dict[str, Any], console: Any) -> None:
    from rich.table import Table

    floor = result["floor"]["p50"]
    m = result["machine"]
    console.print(f"[bold]policyqa bench[/] {'(quick) ' if result['quick'] else ''}· {result['git']['short']}"
                  f"{'+dirty' if result['git']['dirty'] else ''} · {m['cpus']} CPUs · load avg "
                  f"{m['load_avg_1m_at_start']} → {m['load_avg_1m']} · {result['duration_s']} s")
    console.print(f"floor = median bare encode_query ({result['floor']['embedder']}): [bold]{floor:.2f} ms[/] "
                  f"(p95 {result['floor']['p95']:.2f}, CPU {result['floor']['cpu_ms_p50']:.2f} ms over all threads)")

    t = Table(title="Targets")
    for col in ("target", "measured", "limit", ""):
        t.add_column(col)
    for tg in result["targets"]:
        t.add_row(tg["target"], f"{tg['value']:.2f} {tg['unit']}", f"{tg['op']} {tg['limit']:g} {tg['unit']}",
                  "[green]PASS[/]" if tg["pass"] else "[red]MISS[/]")
    console.print(t)

    off = result["in_process"]["cache_off"]
    t = Table(title="In-process Assistant.ask, query cache off (p50 per stage)")
    for col in ("stage", "p50 ms", "p95 ms", "× floor"):
        t.add_column(col, justify="right" if col != "stage" else "left")
    for k, v in off["stages"].items():
        t.add_row(k, f"{v['p50']:.3f}", f"{v['p95']:.3f}", f"{ratio(v['p50'], floor):.3f}")
    e = off["end_to_end"]
    t.add_row("[bold]end to end[/]", f"{e['p50']:.2f}", f"{e['p95']:.2f} (p99 {e['p99']:.2f})",
              f"[bold]{off['p50_x_floor']:.2f}[/]")
    on = result["in_process"]["cache_on"]
    t.add_row("cache on, repeated", f"{on['repeated']['p50']:.2f}", f"{on['repeated']['p95']:.2f}",
              f"{on['repeated_p50_x_floor']:.2f}")
    console.print(t)

    t = Table(title="HTTP POST /v1/ask over loopback (`policyqa serve` subprocess; ms)")
    for col in ("questions", "conc.", "requests", "req/s", "p50", "p95", "p99", "× run floor", "server embed p50",
                "server pipeline p50", "errors"):
        t.add_column(col, justify="right")
    rep = result["http"]["repeated"]
    rows = [("distinct, cache off", lv) for lv in result["http"]["distinct"]]
    rows += [(f"{rep['questions']} repeated, cache on", lv) for lv in rep["levels"]]
    for label, lv in rows:
        lat = lv["latency_ms"]
        t.add_row(label, str(lv["concurrency"]), str(lv["requests"]), f"{lv['req_per_s']:.1f}", f"{lat['p50']:.1f}",
                  f"{lat['p95']:.1f}", f"{lat['p99']:.1f}", f"{ratio(lat['p50'], floor):.2f}",
                  f"{lv['server_embed_ms']['p50']:.1f}", f"{lv['server_pipeline_ms']['p50']:.1f}", str(lv["errors"]))
    console.print(t)

    b, srv = result["build"], result["server"]
    t = Table(title="Index build and serving")
    t.add_column("what")
    t.add_column("value", justify="right")
    t.add_row("build, cold (empty embedding cache)", f"{b['cold']['seconds']:.2f} s, {b['cold']['encoded']} encoded")
    t.add_row("build, unchanged", f"{b['unchanged']['seconds']:.2f} s, {b['unchanged']['encoded']} encoded")
    c = b["one_paragraph_changed"]
    t.add_row("build, one paragraph changed", f"{c['seconds']:.2f} s, {c['encoded']} encoded")
    t.add_row("load index (no build)", f"{b['load_seconds']:.2f} s")
    su = result["startup"]
    t.add_row("bench process: model / index ready / Assistant",
              f"{su['model_load_s']:.2f} / {su['index_ready_s']:.2f} / {su['assistant_load_s']:.2f} s")
    t.add_row("serve: start to /readyz", f"{srv['start']['ready_s']:.2f} s")
    t.add_row("serve: start to first answer", f"{srv['start']['first_answer_s']:.2f} s")
    t.add_row("serve: RSS after start / peak while serving / VmHWM",
              f"{srv['start']['rss_after_start_mb']} / {srv['peak_rss_serving_mb']} / {srv['vm_hwm_mb']} MB")
    console.print(t)

    t = Table(title="Scaling: corpus replicated ×N (in-process, cache off; ms)")
    for col in ("×", "docs", "chunks", "sentences", "build s", "encoded", "load s", "e2e p50", "p50 × floor",
                "e2e p95", "p95 × floor", "dense p50", "bm25 p50", "compose p50", "compose p95"):
        t.add_column(col, justify="right")
    for r in result["scaling"]["rows"]:
        st, st95 = r["stages_p50_ms"], r["stages_p95_ms"]
        t.add_row(str(r["factor"]), str(r["documents"]), str(r["chunks"]), str(r["sentences"]),
                  f"{r['build_seconds']:.2f}", str(r["encoded"]), f"{r['load_seconds']:.2f}",
                  f"{r['end_to_end']['p50']:.1f}", f"{r['p50_x_floor']:.2f}", f"{r['end_to_end']['p95']:.1f}",
                  f"{r['p95_x_floor']:.2f}", f"{st.get('dense', 0):.2f}", f"{st.get('bm25', 0):.2f}",
                  f"{st.get('compose', 0):.2f}", f"{st95.get('compose', 0):.2f}")
    console.print(t)

    ann = result["ann"]
    t = Table(title=f"FAISS flat vs HNSW (M={HNSW_M}, efSearch={HNSW_EF_SEARCH}), k={ann['cases'][0]['k']}, "
                    f"{ann['queries']} real queries; HNSW_MIN_VECTORS = {ann['hnsw_min_vectors']:,}")
    for col in ("vectors", "flat ms", "flat ms 1 thr", "HNSW ms", "HNSW ms 1 thr", "HNSW recall@10",
                "top1−top10 cos", "HNSW build s"):
        t.add_column(col, justify="right")
    for cs in ann["cases"]:
        f, h = cs["flat"], cs["hnsw"]
        t.add_row(cs["name"], f"{f['search_p50_ms']:.3f}", f"{f['search_p50_ms_1_thread']:.3f}",
                  f"{h['search_p50_ms']:.3f}", f"{h['search_p50_ms_1_thread']:.3f}", f"{h['recall_at_10']:.3f}",
                  f"{cs['top1_minus_top10_cosine_p50']:.4f}", f"{h['build_s']:.2f}")
    console.print(t)
