"""HTTP contract of the API with FastAPI's TestClient over the real Fuzhou index (no mocks)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from policyqa.api import TokenBuckets, create_app, footnoted
from policyqa.cli import answer_json
from policyqa.settings import Settings

Q_ENERGY = "哪些部门负责未来能源？"
ENERGY_UNITS = ("市工信局", "市发改委", "市科技局")
DOC_ID = "fuzhou_future_industries_2023"


def _client(settings: Settings, assistant, **overrides: object) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    app = create_app(settings.model_copy(update=overrides), assistant)
    with TestClient(app) as client:
        yield client


@pytest.fixture(scope="module")
def client(fuzhou_settings: Settings, assistant) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    yield from _client(fuzhou_settings, assistant, rate_limit_per_minute=0)


@pytest.fixture(scope="module")
def keyed(fuzhou_settings: Settings, assistant) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    yield from _client(fuzhou_settings, assistant, api_keys="staff-key-1, staff-key-2", rate_limit_per_minute=0)


def _without_timings(d: dict) -> dict:
    return {k: v for k, v in d.items() if k != "timings_ms"}


def _sse(text: str) -> list[dict | str]:
    events: list[dict | str] = []
    for block in text.split("\n\n"):
        if block.startswith("data: "):
            data = block[len("data: "):]
            events.append(data if data == "[DONE]" else json.loads(data))
    return events


# ============================================================================================ ops
def test_healthz_and_readyz_report_the_loaded_index(client: TestClient, assistant) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz").json()
    assert ready["status"] == "ready"
    assert ready["documents"] == 1
    assert ready["chunks"] == len(assistant.bundle.chunks) > 0
    assert ready["ui"] == "ready"  # built with the app (in-process); `policyqa serve` builds it after the API opens


def test_the_api_answers_while_the_chat_ui_is_still_being_built(fuzhou_settings: Settings, assistant,  # type: ignore[no-untyped-def]
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import policyqa.ui

    release, real_build = threading.Event(), policyqa.ui.build_ui

    def build_when_released(*args, **kwargs):  # type: ignore[no-untyped-def]
        assert release.wait(timeout=120), "the test never released the UI build"
        return real_build(*args, **kwargs)

    monkeypatch.setattr(policyqa.ui, "build_ui", build_when_released)
    app = create_app(fuzhou_settings.model_copy(update={"rate_limit_per_minute": 0}), assistant, ui_in_background=True)
    with TestClient(app) as client:
        assert client.get("/readyz").json()["ui"] == "starting"
        r = client.post("/v1/ask", json={"question": Q_ENERGY})
        assert r.status_code == 200 and all(u in r.json()["answer"] for u in ENERGY_UNITS)
        page = client.get("/")
        assert page.status_code == 503 and page.headers["retry-after"] == "2"
        assert "聊天窗口正在启动" in page.text and "is starting" in page.text and 'http-equiv="refresh"' in page.text

        release.set()
        assert app.state.ui.wait(timeout=120) == "ready"
        assert client.get("/readyz").json()["ui"] == "ready"
        ui = client.get("/")
        assert ui.status_code == 200 and "<html" in ui.text.lower() and "聊天窗口正在启动" not in ui.text
        assert client.get("/config").status_code == 200  # the whole gradio app, not only its page
        assert client.post("/v1/ask", json={"question": Q_ENERGY}).status_code == 200


def test_a_chat_ui_that_cannot_be_built_leaves_a_clear_503_and_the_api_working(  # type: ignore[no-untyped-def]
        fuzhou_settings: Settings, assistant, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    import policyqa.ui

    def broken_build(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("the theme could not be loaded")

    monkeypatch.setattr(policyqa.ui, "build_ui", broken_build)
    app = create_app(fuzhou_settings.model_copy(update={"rate_limit_per_minute": 0}), assistant, ui_in_background=True)
    with caplog.at_level("ERROR", logger="policyqa.api"), TestClient(app) as client:
        assert app.state.ui.wait(timeout=120) == "failed"
        page = client.get("/")
        assert page.status_code == 503 and "retry-after" not in page.headers
        assert "聊天窗口未能启动" in page.text and "failed to start" in page.text
        assert client.get("/readyz").json()["ui"] == "failed"
        assert client.post("/v1/ask", json={"question": Q_ENERGY}).status_code == 200
    assert "the theme could not be loaded" in caplog.text  # the reason is in the server log, not on the page
    assert "the theme could not be loaded" not in page.text


def test_openapi_and_docs_describe_every_endpoint(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    for path in ("/v1/ask", "/v1/search", "/v1/documents", "/v1/documents/{doc_id}", "/v1/chat/completions",
                 "/healthz", "/readyz", "/metrics"):
        assert path in schema["paths"], path
    ask = schema["paths"]["/v1/ask"]["post"]
    assert ask["description"] and "429" in ask["responses"] and "413" in ask["responses"]
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert "POST /v1/ask" in docs.text and "哪些部门负责未来能源" in docs.text  # readable without the CDN


def test_metrics_count_requests_answers_and_refusals(client: TestClient) -> None:
    client.post("/v1/ask", json={"question": Q_ENERGY})
    client.post("/v1/ask", json={"question": "今天天气怎么样？"})
    text = client.get("/metrics").text
    assert 'policyqa_http_requests_total{method="POST",route="/v1/ask",status="200"}' in text
    assert 'policyqa_answers_total{answerable="true",channel="api",question_type="responsibility"}' in text
    assert "policyqa_refusals_total{" in text
    assert "policyqa_http_request_duration_seconds_bucket" in text
    assert "policyqa_index_chunks" in text


# ============================================================================================ /v1/ask
def test_ask_names_the_departments_for_future_energy_with_a_verbatim_citation(client: TestClient, assistant) -> None:  # type: ignore[no-untyped-def]
    r = client.post("/v1/ask", json={"question": Q_ENERGY})
    assert r.status_code == 200
    body = r.json()
    assert body["answerable"] is True
    assert body["question_type"] == "responsibility"
    for unit in ENERGY_UNITS:
        assert unit in body["answer"]
    assert set(ENERGY_UNITS) <= set(body["departments"])
    energy = [c for c in body["citations"] if c["section"].endswith("3. 未来能源")]
    assert energy, body["citations"]
    doc = assistant.document(DOC_ID)
    for c in body["citations"]:
        assert doc.text[c["start"]:c["end"]] == c["text"]
    assert [c["id"] for c in body["citations"]] == list(range(1, len(body["citations"]) + 1))
    assert body["timings_ms"]["total"] > 0


def test_ask_has_the_same_shape_as_the_cli_json(client: TestClient, assistant) -> None:  # type: ignore[no-untyped-def]
    body = client.post("/v1/ask", json={"question": Q_ENERGY}).json()
    assert _without_timings(body) == _without_timings(answer_json(assistant.ask(Q_ENERGY)))


def test_follow_up_uses_the_history(client: TestClient) -> None:
    first = client.post("/v1/ask", json={"question": Q_ENERGY}).json()
    r = client.post("/v1/ask", json={"question": "那元宇宙呢？", "history": [
        {"role": "user", "content": Q_ENERGY}, {"role": "assistant", "content": first["answer"]}]})
    body = r.json()
    assert r.status_code == 200 and body["answerable"]
    assert "元宇宙" in body["rewritten_query"]
    assert "市大数据委" in body["answer"]
    assert any(c["section"].endswith("元宇宙") for c in body["citations"])


def test_traditional_characters_get_the_same_answer(client: TestClient) -> None:
    simplified = client.post("/v1/ask", json={"question": Q_ENERGY}).json()
    traditional = client.post("/v1/ask", json={"question": "哪些部門負責未來能源？"}).json()
    assert traditional["answer"] == simplified["answer"]


def test_out_of_scope_question_is_refused_not_an_error(client: TestClient) -> None:
    r = client.post("/v1/ask", json={"question": "今天天气怎么样？"})
    assert r.status_code == 200
    body = r.json()
    assert body["answerable"] is False and body["citations"] == []
    assert body["suggestions"]


# ============================================================================================ /v1/search
def test_search_returns_ranked_passages_with_section_paths(client: TestClient, assistant) -> None:  # type: ignore[no-untyped-def]
    body = client.post("/v1/search", json={"query": "未来能源 责任单位", "top_k": 3}).json()
    hits = body["hits"]
    assert [h["rank"] for h in hits] == [1, 2, 3]
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)
    assert hits[0]["section"].endswith("3. 未来能源")
    assert set(ENERGY_UNITS) <= set(hits[0]["units"])
    doc = assistant.document(DOC_ID)
    assert all(doc.text[h["start"]:h["end"]] == h["text"] for h in hits)


# ============================================================================================ /v1/documents
def test_documents_list_has_the_metadata(client: TestClient) -> None:
    body = client.get("/v1/documents").json()
    assert body["count"] == 1
    d = body["documents"][0]
    assert d["doc_id"] == DOC_ID
    assert d["doc_number"] == "榕政办〔2023〕50号"
    assert d["issuer"] == "福州市人民政府办公厅"
    assert d["date"] == "2023-07-03"
    assert "未来产业" in d["title"]


def test_document_detail_has_the_section_tree_with_responsible_units(client: TestClient) -> None:
    body = client.get(f"/v1/documents/{DOC_ID}", params={"include_text": True}).json()
    assert body["doc_number"] == "榕政办〔2023〕50号"
    tops = [n["label"] for n in body["sections_tree"]]
    assert tops[:3] == ["一、指导思想", "二、发展目标", "三、发展重点"]

    def walk(nodes):  # type: ignore[no-untyped-def]
        for n in nodes:
            yield n
            yield from walk(n["children"])

    nodes = list(walk(body["sections_tree"]))
    energy = next(n for n in nodes if n["label"] == "3. 未来能源")
    assert energy["path"][-2] == "（二）推动重点产业倍增发展"
    assert energy["responsibility_units"] == list(ENERGY_UNITS)
    r = energy["responsibilities"][0]
    assert body["text"][r["start"]:r["end"]] == r["text"]
    parent = next(n for n in nodes if n["label"] == "（二）推动重点产业倍增发展")
    assert "3. 未来能源" in [c["label"] for c in parent["children"]]
    assert client.get(f"/v1/documents/{DOC_ID}").json()["text"] is None  # text only on request


def test_unknown_document_is_404(client: TestClient) -> None:
    r = client.get("/v1/documents/no-such-doc")
    assert r.status_code == 404
    assert "no-such-doc" in r.json()["detail"]


def test_unknown_endpoint_and_wrong_method(client: TestClient) -> None:
    r = client.get("/v1/nope")
    assert r.status_code == 404 and "/docs" in r.json()["detail"]
    r = client.get("/v1/ask")
    assert r.status_code == 405 and r.headers["allow"] == "POST"


# ============================================================================================ chat completions
def test_chat_completion_has_footnotes_and_structured_citations(client: TestClient, assistant) -> None:  # type: ignore[no-untyped-def]
    r = client.post("/v1/chat/completions", json={
        "model": "any-name-works", "temperature": 0.3,
        "messages": [{"role": "system", "content": "You are a helpful assistant."},
                     {"role": "user", "content": Q_ENERGY}]})
    assert r.status_code == 200
    body = r.json()
    assert body["object"] == "chat.completion" and body["model"] == "any-name-works"
    content = body["choices"][0]["message"]["content"]
    assert content == footnoted(assistant.ask(Q_ENERGY))  # the system message changed nothing
    assert "[1]" in content and "参考依据" in content
    for unit in ENERGY_UNITS:
        assert unit in content
    assert any(c["section"].endswith("3. 未来能源") for c in body["citations"])
    assert body["policyqa"]["answerable"] is True
    assert body["usage"]["total_tokens"] == body["usage"]["prompt_tokens"] + body["usage"]["completion_tokens"]


def test_chat_completion_follow_up_and_content_parts(client: TestClient) -> None:
    first = client.post("/v1/chat/completions", json={
        "model": "m", "messages": [{"role": "user", "content": [{"type": "text", "text": Q_ENERGY}]}]}).json()
    r = client.post("/v1/chat/completions", json={"model": "m", "messages": [
        {"role": "user", "content": Q_ENERGY},
        {"role": "assistant", "content": first["choices"][0]["message"]["content"]},
        {"role": "user", "content": "那元宇宙呢？"}]})
    body = r.json()
    assert "市大数据委" in body["choices"][0]["message"]["content"]
    assert "元宇宙" in body["policyqa"]["rewritten_query"]


def test_chat_completion_stream_is_sse_with_citations_on_the_last_chunk(client: TestClient) -> None:
    payload = {"model": "m", "messages": [{"role": "user", "content": Q_ENERGY}]}
    whole = client.post("/v1/chat/completions", json=payload).json()
    r = client.post("/v1/chat/completions", json={**payload, "stream": True,
                                                  "stream_options": {"include_usage": True}})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
    events = _sse(r.text)
    assert events[-1] == "[DONE]"
    chunks = [e for e in events if isinstance(e, dict)]
    assert all(c["object"] == "chat.completion.chunk" for c in chunks)
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks if c["choices"])
    assert text == whole["choices"][0]["message"]["content"]
    last = next(c for c in chunks if c["choices"] and c["choices"][0]["finish_reason"] == "stop")
    assert last["citations"] == whole["citations"]
    assert chunks[-1]["choices"] == [] and chunks[-1]["usage"]["completion_tokens"] == len(text)


def test_chat_errors_also_carry_an_openai_style_error_object(client: TestClient) -> None:
    r = client.post("/v1/chat/completions", json={"model": "m", "messages": [{"role": "user", "content": ""}]})
    assert r.status_code == 422
    body = r.json()
    assert body["error"]["message"] == body["detail"] and "问题不能为空" in body["detail"]
    assert "error" not in client.post("/v1/ask", json={"question": ""}).json()  # plain {"detail"} elsewhere


def test_models_list_for_openai_tools(client: TestClient) -> None:
    body = client.get("/v1/models").json()
    assert body["object"] == "list" and body["data"][0]["id"] == "policyqa"


# ============================================================================================ bad input
LONG = "未来能源" * 2500  # 10,000 characters
BAD_REQUESTS = [
    ("empty question", "/v1/ask", {"question": ""}, 422, "问题不能为空"),
    ("blank question", "/v1/ask", {"question": "   "}, 422, "empty"),
    ("10,000-character question", "/v1/ask", {"question": LONG}, 413, "10000"),
    ("question is a number", "/v1/ask", {"question": 123}, 422, "question"),
    ("question missing", "/v1/ask", {"history": []}, 422, "question"),
    ("history is a string", "/v1/ask", {"question": Q_ENERGY, "history": "earlier"}, 422, "history"),
    ("history role is wrong", "/v1/ask", {"question": Q_ENERGY, "history": [{"role": "system", "content": "x"}]},
     422, "history.0.role"),
    ("top_k is a word", "/v1/ask", {"question": Q_ENERGY, "top_k": "many"}, 422, "top_k"),
    ("top_k is zero", "/v1/ask", {"question": Q_ENERGY, "top_k": 0}, 422, "top_k"),
    ("body is a list", "/v1/ask", [Q_ENERGY], 422, "JSON object"),
    ("200-turn history", "/v1/ask", {"question": "那元宇宙呢？", "history": [
        {"role": "user" if i % 2 == 0 else "assistant", "content": Q_ENERGY} for i in range(200)]}, 413, "200"),
    ("empty search", "/v1/search", {"query": ""}, 422, "empty"),
    ("search top_k too big", "/v1/search", {"query": "未来能源", "top_k": 500}, 422, "top_k"),
    ("chat without messages", "/v1/chat/completions", {"model": "m", "messages": []}, 422, "user"),
    ("chat ends with assistant", "/v1/chat/completions",
     {"model": "m", "messages": [{"role": "user", "content": Q_ENERGY}, {"role": "assistant", "content": "好"}]},
     422, "last message"),
    ("chat image part", "/v1/chat/completions", {"model": "m", "messages": [
        {"role": "user", "content": [{"type": "image_url", "image_url": {"url": "x"}}]}]}, 422, "text"),
    ("chat n=2", "/v1/chat/completions",
     {"model": "m", "n": 2, "messages": [{"role": "user", "content": Q_ENERGY}]}, 422, "n"),
    ("chat 10,000-character question", "/v1/chat/completions",
     {"model": "m", "messages": [{"role": "user", "content": LONG}]}, 413, "上限"),
    ("chat 200-turn history", "/v1/chat/completions", {"model": "m", "messages": [
        {"role": "user" if i % 2 == 0 else "assistant", "content": Q_ENERGY} for i in range(201)]}, 413, "200"),
]


@pytest.mark.parametrize(("path", "payload", "status", "hint"), [b[1:] for b in BAD_REQUESTS],
                         ids=[b[0] for b in BAD_REQUESTS])
def test_bad_input_gets_a_clear_4xx(client: TestClient, path: str, payload: object, status: int, hint: str) -> None:
    r = client.post(path, json=payload)
    assert r.status_code == status, r.text
    detail = r.json()["detail"]
    assert isinstance(detail, str) and hint in detail


def test_limit_messages_are_in_chinese_and_english(client: TestClient) -> None:
    detail = client.post("/v1/ask", json={"question": LONG}).json()["detail"]
    assert "问题过长" in detail and "limit" in detail
    detail = client.post("/v1/ask", json={"question": "x", "history": [{"role": "user", "content": "x"}] * 200}
                         ).json()["detail"]
    assert "上限" in detail and "limit" in detail


@pytest.mark.parametrize(("body", "content_type", "status", "hint"), [
    ('{"question": "未来能源"'.encode(), "application/json", 400, "not valid JSON"),
    ("question=未来能源".encode(), "application/x-www-form-urlencoded", 422, "JSON object"),
    (b'{"question": "x"}', "text/plain", 422, "application/json"),
    (b"", "application/json", 422, "missing"),
    (b"\xff\xfe\x00", "application/json", 400, "JSON"),
], ids=["truncated JSON", "form body", "text/plain", "no body", "binary garbage"])
def test_malformed_bodies_get_a_clear_4xx(client: TestClient, body: bytes, content_type: str, status: int,
                                          hint: str) -> None:
    r = client.post("/v1/ask", content=body, headers={"Content-Type": content_type})
    assert r.status_code == status, r.text
    assert hint in r.json()["detail"]


def test_oversized_body_is_413_before_parsing(client: TestClient, fuzhou_settings: Settings) -> None:
    big = json.dumps({"question": Q_ENERGY, "padding": "x" * (fuzhou_settings.max_body_bytes + 10)})
    r = client.post("/v1/ask", content=big, headers={"Content-Type": "application/json"})
    assert r.status_code == 413
    assert "请求体过大" in r.json()["detail"] and str(fuzhou_settings.max_body_bytes) in r.json()["detail"]

    def chunked():  # type: ignore[no-untyped-def]  # no Content-Length: counted while reading
        yield b'{"question": "'
        for _ in range(20):
            yield b"x" * 4000
        yield b'"}'

    r = client.post("/v1/ask", content=chunked(), headers={"Content-Type": "application/json"})
    assert r.status_code == 413


# ============================================================================================ auth
def test_without_keys_the_api_is_open(client: TestClient) -> None:
    assert client.post("/v1/ask", json={"question": Q_ENERGY}).status_code == 200


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": "staff-key-1"},
                                     {"Authorization": "Basic c3RhZmY6a2V5"}],
                         ids=["no header", "wrong key", "no scheme", "basic auth"])
def test_with_keys_v1_needs_a_valid_bearer_token(keyed: TestClient, headers: dict[str, str]) -> None:
    for method, path, body in [("post", "/v1/ask", {"question": Q_ENERGY}), ("get", "/v1/documents", None),
                               ("post", "/v1/ask", None)]:  # auth is checked before the body is parsed
        r = keyed.request(method.upper(), path, json=body, headers=headers)
        assert r.status_code == 401, (path, r.text)
        assert r.headers["www-authenticate"] == "Bearer"
        detail = r.json()["detail"]
        assert "API" in detail and "bearer" in detail.lower()


def test_with_keys_any_configured_key_works_and_ops_and_ui_stay_open(keyed: TestClient) -> None:
    for key in ("staff-key-1", "staff-key-2"):
        r = keyed.post("/v1/ask", json={"question": Q_ENERGY}, headers={"Authorization": f"bearer {key}"})
        assert r.status_code == 200
    assert keyed.get("/healthz").status_code == 200
    assert keyed.get("/readyz").status_code == 200
    ui = keyed.get("/")
    assert ui.status_code == 200 and "<html" in ui.text.lower()  # the chat UI needs no key
    assert keyed.get("/config").status_code == 200


# ============================================================================================ rate limit
def test_rate_limit_answers_429_with_retry_after(fuzhou_settings: Settings, assistant) -> None:  # type: ignore[no-untyped-def]
    for client in _client(fuzhou_settings, assistant, rate_limit_per_minute=3):
        codes = [client.get("/v1/documents").status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        r = client.get("/v1/documents")
        assert r.status_code == 429
        assert int(r.headers["retry-after"]) >= 1
        assert "每分钟最多 3 次" in r.json()["detail"] and "per minute" in r.json()["detail"]
        assert client.get("/healthz").status_code == 200  # only /v1 is limited


def test_rate_limit_is_per_client_key(fuzhou_settings: Settings, assistant) -> None:  # type: ignore[no-untyped-def]
    for client in _client(fuzhou_settings, assistant, rate_limit_per_minute=2, api_keys="a-key,b-key"):
        a, b = {"Authorization": "Bearer a-key"}, {"Authorization": "Bearer b-key"}
        assert [client.get("/v1/documents", headers=a).status_code for _ in range(3)] == [200, 200, 429]
        assert client.get("/v1/documents", headers=b).status_code == 200


def test_token_buckets_refill_over_time() -> None:
    buckets = TokenBuckets(per_minute=60)  # one token per second, burst of 60
    assert all(buckets.take("c", now=0.0) == 0 for _ in range(60))
    assert buckets.take("c", now=0.0) == pytest.approx(1.0)
    assert buckets.take("c", now=0.5) == pytest.approx(0.5)
    assert buckets.take("c", now=1.5) == 0
    assert buckets.take("other", now=1.5) == 0
    assert TokenBuckets(per_minute=0).take("c") == 0  # 0 = off


# ============================================================================================ CORS
def test_no_cors_by_default(client: TestClient) -> None:
    r = client.get("/v1/documents", headers={"Origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in r.headers


def test_cors_origins_from_settings(fuzhou_settings: Settings, assistant) -> None:  # type: ignore[no-untyped-def]
    for client in _client(fuzhou_settings, assistant, cors_origins="https://staff.example", api_keys="k"):
        pre = client.options("/v1/ask", headers={"Origin": "https://staff.example",
                                                 "Access-Control-Request-Method": "POST",
                                                 "Access-Control-Request-Headers": "authorization,content-type"})
        assert pre.status_code == 200
        assert pre.headers["access-control-allow-origin"] == "https://staff.example"
        r = client.get("/v1/documents", headers={"Origin": "https://staff.example"})
        assert r.status_code == 401 and r.headers["access-control-allow-origin"] == "https://staff.example"
        other = client.get("/v1/documents", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers
