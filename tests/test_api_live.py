"""A real uvicorn server on loopback: the official `openai` client, bounded concurrency, and `policyqa serve`."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from policyqa.api import BackgroundServer, create_app
from policyqa.settings import Settings

pytestmark = pytest.mark.slow

Q_ENERGY = "哪些部门负责未来能源？"
ENERGY_UNITS = ("市工信局", "市发改委", "市科技局")
ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = [Q_ENERGY, "哪些部門負責未來能源？", "市大数据委负责哪些工作？", "保障措施有哪些？", "发展重点有哪些？",
             "哪些部门负责元宇宙？", "今天天气怎么样？", "量子科技由谁负责？"]


@pytest.fixture(scope="module")
def server(fuzhou_settings: Settings, assistant) -> Iterator[BackgroundServer]:  # type: ignore[no-untyped-def]
    app = create_app(fuzhou_settings.model_copy(update={"rate_limit_per_minute": 0}), assistant)
    with BackgroundServer(app) as srv:
        yield srv


@pytest.fixture(scope="module")
def openai_client(server: BackgroundServer):  # type: ignore[no-untyped-def]
    openai = pytest.importorskip("openai")
    return openai.OpenAI(base_url=server.url + "/v1", api_key="unused-without-server-keys", max_retries=0)


# ============================================================================================ openai client
def test_openai_client_non_streaming(openai_client) -> None:  # type: ignore[no-untyped-def]
    completion = openai_client.chat.completions.create(
        model="gpt-4o-mini",  # any model name is accepted
        messages=[{"role": "system", "content": "Answer briefly."}, {"role": "user", "content": Q_ENERGY}])
    content = completion.choices[0].message.content
    for unit in ENERGY_UNITS:
        assert unit in content
    assert "[1]" in content and "参考依据" in content
    citations = completion.model_extra["citations"]
    assert citations and any(c["section"].endswith("3. 未来能源") for c in citations)
    assert completion.model == "gpt-4o-mini" and completion.choices[0].finish_reason == "stop"


def test_openai_client_streaming(openai_client) -> None:  # type: ignore[no-untyped-def]
    messages = [{"role": "user", "content": Q_ENERGY}]
    whole = openai_client.chat.completions.create(model="policyqa", messages=messages)
    parts: list[str] = []
    citations = None
    with openai_client.chat.completions.create(model="policyqa", messages=messages, stream=True) as stream:
        for chunk in stream:
            if chunk.choices and chunk.choices[0].delta.content:
                parts.append(chunk.choices[0].delta.content)
            if chunk.choices and chunk.choices[0].finish_reason == "stop":
                citations = chunk.model_extra["citations"]
    assert len(parts) > 1  # really streamed in pieces
    assert "".join(parts) == whole.choices[0].message.content
    assert citations == whole.model_extra["citations"] and citations


def test_openai_client_follow_up_and_errors(openai_client) -> None:  # type: ignore[no-untyped-def]
    import openai

    first = openai_client.chat.completions.create(model="m", messages=[{"role": "user", "content": Q_ENERGY}])
    follow = openai_client.chat.completions.create(model="m", messages=[
        {"role": "user", "content": Q_ENERGY},
        {"role": "assistant", "content": first.choices[0].message.content},
        {"role": "user", "content": "那元宇宙呢？"}])
    assert "市大数据委" in follow.choices[0].message.content
    with pytest.raises(openai.UnprocessableEntityError) as err:
        openai_client.chat.completions.create(model="m", messages=[{"role": "user", "content": " "}])
    assert "问题不能为空" in str(err.value)


# ============================================================================================ concurrency
def _comparable(body: dict) -> dict:
    return {k: v for k, v in body.items() if k != "timings_ms"}


def test_200_requests_from_16_clients_match_sequential_answers(server: BackgroundServer) -> None:
    with httpx.Client(base_url=server.url, timeout=60) as c:
        expected = {q: _comparable(c.post("/v1/ask", json={"question": q}).raise_for_status().json())
                    for q in QUESTIONS}
    jobs = [QUESTIONS[i % len(QUESTIONS)] for i in range(200)]
    local = threading.local()
    health_ms: list[float] = []
    done = threading.Event()

    def ask(q: str) -> tuple[str, int, dict]:
        if not hasattr(local, "client"):
            local.client = httpx.Client(base_url=server.url, timeout=120)
        r = local.client.post("/v1/ask", json={"question": q})
        return q, r.status_code, r.json()

    def watch_health() -> None:  # the event loop must stay free while the worker threads are busy
        with httpx.Client(base_url=server.url, timeout=30) as c:
            while not done.is_set():
                t = time.perf_counter()
                assert c.get("/healthz").status_code == 200
                health_ms.append((time.perf_counter() - t) * 1e3)
                time.sleep(0.05)

    watcher = threading.Thread(target=watch_health, daemon=True)
    watcher.start()
    try:
        with ThreadPoolExecutor(max_workers=16) as pool:
            results = list(pool.map(ask, jobs))
    finally:
        done.set()
        watcher.join(timeout=30)
    assert [status for _, status, _ in results] == [200] * 200
    for q, _, body in results:
        assert _comparable(body) == expected[q], q
    assert health_ms and max(health_ms) < 1000, f"/healthz took up to {max(health_ms):.0f} ms under load"


# ============================================================================================ `policyqa serve`
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_ui(base: str, timeout: float = 120) -> str:
    """Poll /readyz until the chat UI is no longer starting (or ``timeout`` passes); its state then."""
    deadline = time.monotonic() + timeout
    while (state := httpx.get(f"{base}/readyz", timeout=10).json()["ui"]) == "starting" and time.monotonic() < deadline:
        time.sleep(0.1)
    return state


def test_serve_builds_the_index_before_the_port_opens(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "POLICYQA_CACHE_DIR": str(ROOT / "index" / "embedding-cache")}
    cmd = [sys.executable, "-m", "policyqa.cli", "serve", "--port", str(port), "--index", str(tmp_path / "idx"),
           "--corpus", str(ROOT / "corpus")]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 300
        while True:
            assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
            assert time.monotonic() < deadline, "server did not open its port"
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                time.sleep(0.25)
        # the first request after the port opens is already served from a complete index
        ready = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=30).json()
        assert ready["documents"] == len(list((ROOT / "corpus").glob("*.txt"))) and ready["chunks"] > 0
        version = (tmp_path / "idx" / "CURRENT").read_text(encoding="utf-8").strip()
        assert (tmp_path / "idx" / "versions" / version / "manifest.json").is_file()
        body = httpx.post(f"http://127.0.0.1:{port}/v1/ask", json={"question": Q_ENERGY}, timeout=60).json()
        assert all(u in body["answer"] for u in ENERGY_UNITS)
        assert _wait_for_ui(f"http://127.0.0.1:{port}") == "ready"  # the chat UI is built after the API opened
        assert httpx.get(f"http://127.0.0.1:{port}/", timeout=30).status_code == 200
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_serve_on_a_busy_port_fails_with_one_clear_line(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        r = subprocess.run([sys.executable, "-m", "policyqa.cli", "serve", "--port", str(port), "--index",
                            str(tmp_path / "idx")], capture_output=True, text=True, timeout=120)
    assert r.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in r.stderr
    assert not (tmp_path / "idx").exists()  # refused before any loading


def test_serve_with_two_processes_follows_a_notice_added_through_either(tmp_path: Path) -> None:
    """`policyqa serve --workers 2`: both processes share one index folder; an upload through one is served by all."""
    import shutil

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("fuzhou_future_industries_2023.txt", "guangan_ride_hailing_2021.txt"):
        shutil.copy(ROOT / "corpus" / name, corpus)
    port = _free_port()
    env = {**os.environ, "POLICYQA_CACHE_DIR": str(ROOT / "index" / "embedding-cache"), "POLICYQA_API_KEYS": "staff",
           "POLICYQA_INDEX_POLL_SECONDS": "1", "POLICYQA_RATE_LIMIT_PER_MINUTE": "0"}
    cmd = [sys.executable, "-m", "policyqa.cli", "serve", "--workers", "2", "--port", str(port),
           "--index", str(tmp_path / "idx"), "--corpus", str(corpus)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while True:
            assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
            assert time.monotonic() < deadline, "server did not become ready"
            try:
                if httpx.get(f"{base}/readyz", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        data = (ROOT / "corpus" / "guangan_funeral_services_2022.txt").read_bytes()
        r = httpx.post(f"{base}/v1/documents", headers={"Authorization": "Bearer staff"},
                       files=[("files", ("guangan_funeral_services_2022.txt", data, "text/plain"))], timeout=300)
        assert r.status_code == 201, r.text
        # every process switches within a few seconds: 12 fresh connections in a row all see three notices
        seen: list[int] = []
        deadline = time.monotonic() + 60
        while len(seen) < 12 or any(n != 3 for n in seen[-12:]):
            assert time.monotonic() < deadline, f"not every process serves the new notice: {seen[-12:]}"
            with httpx.Client() as c:  # a new connection each time, so both processes are asked
                seen.append(c.get(f"{base}/readyz", timeout=10).json()["documents"])
            time.sleep(0.1)
        a = httpx.post(f"{base}/v1/ask", json={"question": "广安殡葬方案有哪些保障措施？"},
                       headers={"Authorization": "Bearer staff"}, timeout=60).json()
        assert a["answerable"] and a["citations"][0]["doc_id"] == "guangan_funeral_services_2022"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
