"""HTTP edge: the JSON API under /v1 (plus an OpenAI-compatible chat endpoint), health and metrics, and the
Gradio chat UI mounted at /. Every answer comes from ``Assistant.ask``; this module only translates."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import hmac
import html
import json
import logging
import math
import os
import re
import socket
import sys
import threading
import time
import uuid
import weakref
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Annotated, Any, TypeVar

import anyio
import anyio.to_thread
from fastapi import APIRouter, Depends, FastAPI, File, Form, Query, Request, Security, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from fastapi.routing import APIRoute
from fastapi.security import HTTPBearer
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocketClose

from policyqa import __version__
from policyqa.api_models import (
    AnswerInfo,
    AskRequest,
    AskResponse,
    ChatChoice,
    ChatCompletionRequest,
    ChatCompletionResponse,
    ChatMessageIn,
    ChatMessageOut,
    CitationOut,
    DocumentChangeOut,
    DocumentDetailOut,
    DocumentListResponse,
    DocumentSummaryOut,
    ErrorOut,
    HealthOut,
    ModelListOut,
    ModelOut,
    ReadyOut,
    SearchHitOut,
    SearchRequest,
    SearchResponse,
    Usage,
)
from policyqa.errors import ConfigError, ForbiddenError, InputError, PolicyQAError
from policyqa.library import Change, Library
from policyqa.pipeline import Assistant
from policyqa.settings import Settings
from policyqa.types import Answer, Turn

log = logging.getLogger(__name__)

T = TypeVar("T")

API_PREFIX = "/v1"
OPS_PATHS = frozenset({"/healthz", "/readyz", "/metrics", "/docs", "/openapi.json"})
FOOTNOTE_HEADER = "\n\n参考依据："
SWAGGER_JS = "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui-bundle.js"
SWAGGER_CSS = "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui.css"

API_DESCRIPTION = """\
Questions about government policy documents (公文), answered **only** from the documents, each answer with
verbatim citations (document, section path, character span). When the documents hold no basis for an answer,
the reply says so (`answerable: false`) and names the nearest sections.

* `POST /v1/ask` — one question, optionally with the earlier turns for follow-ups (「那元宇宙呢？」).
* `POST /v1/chat/completions` — the same, speaking the OpenAI chat-completions protocol (streaming or not);
  point any OpenAI client at `http://HOST:PORT/v1`, any `model` name works.
* `POST /v1/search` — retrieval only: ranked passages with section paths and scores.
* `GET /v1/documents`, `GET /v1/documents/{doc_id}` — metadata (文号, 发文机关, 成文日期) and section tree with
  责任单位.

**Auth.** When the server has `POLICYQA_API_KEYS` set, every `/v1` call needs `Authorization: Bearer <key>`.
**Limits.** Requests per minute per client, body size, question length and history turns are limited; an error
is always JSON `{"detail": "…"}` with a message in Chinese and English. The chat UI lives at `/`.
"""

UPLOAD_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "a file name with folders or '..', or no file"},
    403: {"model": ErrorOut, "description": "uploads and deletes are off (no staff keys configured)"},
    404: {"model": ErrorOut, "description": "no such notice"},
    409: {"model": ErrorOut, "description": "the same file is already there, or a notice with the same id, 文号 or "
                                            "title (send replace=true), or the last notice"},
    413: {"model": ErrorOut, "description": "over POLICYQA_MAX_UPLOAD_MB, or a DOCX that unpacks far too large"},
    415: {"model": ErrorOut, "description": "not a .txt/.md/.docx/.pdf/.html file (decided from the content)"},
    422: {"model": ErrorOut, "description": "empty, damaged or encrypted file, or a scan without text (needs OCR)"},
}
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "the body is not JSON (or not UTF-8)"},
    401: {"model": ErrorOut, "description": "missing or wrong API key (only when the server has keys set)"},
    413: {"model": ErrorOut, "description": "body, question or history too large"},
    422: {"model": ErrorOut, "description": "malformed request"},
    429: {"model": ErrorOut, "description": "rate limit hit; see the Retry-After header"},
}


# ============================================================================================ metrics
class Metrics:
    """Prometheus metrics in a registry of their own, so that several apps (tests) can live in one process."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter("policyqa_http_requests", "HTTP requests to the API by route and status",
                                ["method", "route", "status"], registry=r)
        self.latency = Histogram("policyqa_http_request_duration_seconds", "HTTP request latency",
                                 ["method", "route"], registry=r,
                                 buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))
        self.answers = Counter("policyqa_answers", "Answers by channel (api, chat, ui), question type and "
                               "answerability", ["channel", "question_type", "answerable"], registry=r)
        self.refusals = Counter("policyqa_refusals", "Questions refused for lack of a basis in the documents",
                                ["channel", "reason"], registry=r)
        self.answer_latency = Histogram("policyqa_answer_duration_seconds", "Pipeline time per answer",
                                        ["channel"], registry=r,
                                        buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
        self.documents = Gauge("policyqa_index_documents", "Documents in the loaded index", registry=r)
        self.chunks = Gauge("policyqa_index_chunks", "Chunks in the loaded index", registry=r)

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(seconds)

    def observe_answer(self, channel: str, answer: Answer) -> None:
        self.answers.labels(channel, answer.question_type, str(answer.answerable).lower()).inc()
        if not answer.answerable:
            self.refusals.labels(channel, answer.refusal_reason.split(":")[0] or "unknown").inc()
        total = answer.timings_ms.get("total")
        if total is not None:
            self.answer_latency.labels(channel).observe(total / 1e3)


# ============================================================================================ rate limit
class TokenBuckets:
    """One token bucket per client: ``per_minute`` tokens of burst, refilled continuously."""

    def __init__(self, per_minute: int, max_clients: int = 10_000) -> None:
        if per_minute < 0:
            raise ConfigError(f"rate_limit_per_minute must be >= 0, got {per_minute}")
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self.max_clients = max_clients
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # client -> (tokens, time)

    def take(self, client: str, now: float | None = None) -> float:
        """Take one token; return 0 when allowed, else the seconds until a token is available."""
        if self.capacity <= 0:
            return 0.0
        now = time.monotonic() if now is None else now
        tokens, last = self._buckets.pop(client, (self.capacity, now))
        tokens = min(self.capacity, tokens + (now - last) * self.rate)
        wait = 0.0
        if tokens >= 1:
            tokens -= 1
        else:
            wait = (1 - tokens) / self.rate
        self._buckets[client] = (tokens, now)  # most recent last
        while len(self._buckets) > self.max_clients:  # forget the least recently seen client
            self._buckets.popitem(last=False)
        return wait


# ============================================================================================ edge guard
OPENAI_PATHS = (f"{API_PREFIX}/chat/", f"{API_PREFIX}/models")
ERROR_TYPES = {400: "invalid_request_error", 401: "authentication_error", 404: "not_found_error",
               405: "invalid_request_error", 413: "request_too_large", 422: "invalid_request_error",
               429: "rate_limit_error"}


def error_body(path: str, status: int, detail: Any) -> dict[str, Any]:
    """``{"detail": …}`` everywhere; on the OpenAI-compatible paths also ``{"error": {"message": …}}``, which
    is what OpenAI clients put in their exception text."""
    body: dict[str, Any] = {"detail": detail}
    if path.startswith(OPENAI_PATHS):
        body["error"] = {"message": str(detail), "type": ERROR_TYPES.get(status, "server_error"), "code": status}
    return body


def _json_bytes(status: int, detail: str, headers: dict[str, str] | None = None,
                path: str = "") -> tuple[Message, Message]:
    body = json.dumps(error_body(path, status, detail), ensure_ascii=False).encode("utf-8")
    hdrs = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    hdrs += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    return ({"type": "http.response.start", "status": status, "headers": hdrs},
            {"type": "http.response.body", "body": body})


class EdgeGuard:
    """For /v1: body-size limit, bearer auth and per-client rate limit, checked before the body is parsed.
    For /v1 and the ops endpoints: request metrics. The UI at / passes through untouched."""

    def __init__(self, app: ASGIApp, *, settings: Settings, metrics: Metrics) -> None:
        self.app = app
        self.keys = [k.encode("utf-8") for k in settings.api_key_list]
        self.max_body = settings.max_body_bytes
        self.max_upload_mb = settings.max_upload_mb
        self.per_minute = settings.rate_limit_per_minute
        self.buckets = TokenBuckets(settings.rate_limit_per_minute)
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        is_api = path == API_PREFIX or path.startswith(API_PREFIX + "/")
        if not is_api and path not in OPS_PATHS:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_recording(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            if is_api and scope["method"] != "OPTIONS":
                rejection = self._admit(scope)
                if rejection is None:
                    receive, rejection = await self._read_body(scope, receive)
                if rejection is not None:
                    for message in rejection:
                        await send_recording(message)
                    return
            await self.app(scope, receive, send_recording)
        finally:
            route = scope.get("route")
            label = getattr(route, "path", None) or (f"{API_PREFIX}/*" if is_api else path)
            self.metrics.observe_request(scope["method"], label, status, time.perf_counter() - started)

    def _admit(self, scope: Scope) -> tuple[Message, Message] | None:
        token = _bearer_token(scope)
        valid = self._valid_key(token) if self.keys and token is not None else False
        client = ("key:" + hashlib.sha256(token.encode()).hexdigest()[:16]) if valid and token else \
            ("ip:" + (scope.get("client") or ("unknown", 0))[0])
        wait = self.buckets.take(client)
        if wait > 0:
            retry = max(1, math.ceil(wait))
            return _json_bytes(429, f"请求过于频繁：每个客户端每分钟最多 {self.per_minute} 次，请 {retry} 秒后重试 / "
                                    f"too many requests: the limit is {self.per_minute} per minute per client; "
                                    f"retry in {retry} s", {"Retry-After": str(retry)}, scope["path"])
        if self.keys and not valid:
            detail = ("缺少 API 密钥：请在请求头中加入 Authorization: Bearer <key> / missing API key: "
                      "send the header Authorization: Bearer <key>") if token is None else \
                     ("API 密钥无效 / invalid API key: the bearer token is not one of the server's "
                      "POLICYQA_API_KEYS")
            return _json_bytes(401, detail, {"WWW-Authenticate": "Bearer"}, scope["path"])
        return None

    def _valid_key(self, token: str) -> bool:
        given = token.encode("utf-8")
        ok = False
        for key in self.keys:  # no early exit: timing does not tell which key was close
            ok |= hmac.compare_digest(given, key)
        return ok

    async def _read_body(self, scope: Scope, receive: Receive) -> tuple[Receive, tuple[Message, Message] | None]:
        """Read the (small) body up front so an oversized one is refused with 413 before anything parses it.
        Uploads (POST /v1/documents) may be up to POLICYQA_MAX_UPLOAD_MB (plus the multipart framing)."""
        upload = scope["path"] == f"{API_PREFIX}/documents" and scope["method"] == "POST"
        limit = self.max_upload_mb * 1024 * 1024 + 64_000 if upload else self.max_body

        def too_large() -> tuple[Message, Message]:
            if upload:
                return _json_bytes(413, f"上传文件过大：上限为 {self.max_upload_mb} MB / upload too large: the limit is "
                                        f"{self.max_upload_mb} MB (POLICYQA_MAX_UPLOAD_MB)", None, scope["path"])
            return _json_bytes(413, f"请求体过大：上限为 {self.max_body} 字节 / request body too large: "
                                    f"the limit is {self.max_body} bytes", None, scope["path"])

        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            return receive, too_large()
        chunks: list[bytes] = []
        size = 0
        first: Message | None = None
        while first is None:
            message = await receive()
            if message["type"] != "http.request":  # the client went away: let the app see that
                first = message
                continue
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                return receive, too_large()
            chunks.append(chunk)
            if not message.get("more_body", False):
                first = {"type": "http.request", "body": b"".join(chunks), "more_body": False}
        pending: list[Message] = [first]

        async def replay() -> Message:
            if pending:
                return pending.pop()
            return await receive()  # then wait for disconnect, as the server would

        return replay, None


def _bearer_token(scope: Scope) -> str | None:
    for name, value in scope.get("headers") or []:
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").strip().partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                return token.strip()
            return ""  # present but not a bearer token: treated as invalid, not missing
    return None


# ============================================================================================ thread pool
class Runner:
    """Runs CPU work (retrieval, answering) in worker threads, at most ``workers`` at a time, so the event
    loop stays free for /healthz and for streaming."""

    def __init__(self, workers: int) -> None:
        self.workers = workers or os.cpu_count() or 1
        self._limiters: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, anyio.CapacityLimiter] = \
            weakref.WeakKeyDictionary()

    @property
    def limiter(self) -> anyio.CapacityLimiter:
        loop = asyncio.get_running_loop()  # one limiter per loop: TestClient and uvicorn use different loops
        if loop not in self._limiters:
            self._limiters[loop] = anyio.CapacityLimiter(self.workers)
        return self._limiters[loop]

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        return await anyio.to_thread.run_sync(fn, *args, limiter=self.limiter)


# ============================================================================================ dependencies
# async on purpose: FastAPI runs a plain `def` dependency in the thread pool, one thread hop per dependency
# per request (see docs/performance.md)
async def _get_assistant(request: Request) -> Assistant:
    return request.app.state.assistant


async def _get_runner(request: Request) -> Runner:
    return request.app.state.runner


async def _get_metrics(request: Request) -> Metrics:
    return request.app.state.metrics


async def _get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def _get_library(request: Request) -> Library:
    return request.app.state.library


AssistantDep = Annotated[Assistant, Depends(_get_assistant)]
LibraryDep = Annotated[Library, Depends(_get_library)]
RunnerDep = Annotated[Runner, Depends(_get_runner)]
MetricsDep = Annotated[Metrics, Depends(_get_metrics)]
SettingsDep = Annotated[Settings, Depends(_get_settings)]


# ============================================================================================ helpers
def check_history(turns: int, settings: Settings) -> None:
    if turns > settings.max_history_turns:
        raise InputError(
            f"对话历史有 {turns} 条，上限为 {settings.max_history_turns} 条，请开启新对话或只发送最近的几条 / "
            f"history has {turns} turns; the limit is {settings.max_history_turns}: start a new conversation "
            f"or send only the most recent turns", status=413)


def _check_changes_allowed(settings: Settings) -> None:
    if not settings.api_key_list and not settings.allow_uploads:
        raise ForbiddenError("上传和删除文件已关闭：请设置工作人员密钥 POLICYQA_API_KEYS，或设置 POLICYQA_ALLOW_UPLOADS=1 / "
                             "uploads and deletes are off: configure staff keys (POLICYQA_API_KEYS) or set "
                             "POLICYQA_ALLOW_UPLOADS=1")


async def _served_change(change: Change, assistant: Assistant, runner: Runner, metrics: Metrics) -> DocumentChangeOut:
    """Serve the version the change built before answering, so the caller's next question sees it."""
    await runner.run(assistant.refresh)
    bundle = assistant.engine.bundle
    metrics.documents.set(len(bundle.documents))
    metrics.chunks.set(len(bundle.chunks))
    return DocumentChangeOut(added=list(change.added), replaced=list(change.replaced), removed=list(change.removed),
                             documents=len(bundle.documents), chunks=len(bundle.chunks),
                             index_version=bundle.folder.name, seconds=change.seconds)


def footnoted(answer: Answer) -> str:
    """The answer with its citations as numbered footnotes, as plain text (chat completions)."""
    if not answer.citations:
        return answer.answer
    marks = "".join(f"[{c.id}]" for c in answer.citations)
    notes = "\n".join(f"[{c.id}] 《{c.doc_title}》 {c.section}：「{c.text}」" for c in answer.citations)
    return f"{answer.answer}{marks}{FOOTNOTE_HEADER}\n{notes}"


def _message_text(m: ChatMessageIn) -> str:
    if m.content is None:
        return ""
    if isinstance(m.content, str):
        return m.content
    return "".join(p.text for p in m.content)  # TextPart admits text parts only


def chat_turns(messages: list[ChatMessageIn]) -> tuple[str, list[Turn]]:
    """The last user message is the question; earlier user/assistant messages are the history."""
    conv: list[Turn] = []
    for m in messages:
        if m.role not in ("user", "assistant"):
            continue  # system/developer prompts and tool results do not change an extractive answer
        text = _message_text(m)
        if m.role == "assistant":
            text = text.split(FOOTNOTE_HEADER)[0]  # our own footnotes are not part of the conversation
        conv.append(Turn(m.role, text))
    if not conv or conv[-1].role != "user":
        raise InputError("最后一条消息必须是用户的问题 / the last message must be the user's question "
                         "(role \"user\" with text content)")
    return conv[-1].content, [t for t in conv[:-1] if t.content.strip()]


def _pieces(text: str, size: int = 24) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


def _validation_detail(exc: RequestValidationError) -> tuple[int, str]:
    errors = exc.errors()
    if any(e.get("type") == "json_invalid" for e in errors):
        e = next(e for e in errors if e.get("type") == "json_invalid")
        reason = (e.get("ctx") or {}).get("error", "JSON decode error")
        pos = e.get("loc", ("body", "?"))[-1]
        return 400, f"请求体不是合法的 JSON / request body is not valid JSON: {reason} at character {pos}"
    parts = []
    for e in errors[:5]:
        loc = [str(x) for x in e.get("loc", ()) if x != "body"]
        where = ".".join(loc) or "body"
        if e.get("type") in ("string_too_short", "string_pattern_mismatch") and loc and loc[-1] in ("question", "query"):
            parts.append(f"{where}: 问题不能为空 / {where} is empty")
        elif e.get("type") == "too_short" and loc == ["messages"]:
            parts.append("messages 不能为空：最后一条必须是用户的问题 / messages is empty: the last message must be "
                         "the user's question")
        elif e.get("type") == "missing" and not loc:
            parts.append("请求体为空 / the request body is missing: send a JSON object with Content-Type: "
                         "application/json")
        elif e.get("type") in ("model_attributes_type", "dict_type") and not loc:
            parts.append("请求体必须是 JSON 对象 / the request body must be a JSON object sent with "
                         "Content-Type: application/json")
        else:
            got = e.get("input")
            shown = "" if isinstance(got, (dict, list)) or got is None else f" (got {json.dumps(got, ensure_ascii=False)[:60]})"
            parts.append(f"{where}: {e.get('msg', 'invalid')}{shown}")
    more = f"; and {len(errors) - 5} more" if len(errors) > 5 else ""
    return 422, "请求参数不正确 / invalid request: " + "; ".join(parts) + more


# ============================================================================================ routes
def _v1_router(settings: Settings) -> APIRouter:
    deps = [Security(HTTPBearer(auto_error=False, description="one of POLICYQA_API_KEYS"))] \
        if settings.api_key_list else []  # documents the header in /docs; EdgeGuard enforces it
    r = APIRouter(prefix=API_PREFIX, dependencies=deps, responses=ERROR_RESPONSES)

    @r.post("/ask", response_model=AskResponse, summary="Ask a question", tags=["answers"])
    async def ask(req: AskRequest, assistant: AssistantDep, runner: RunnerDep, metrics: MetricsDep,
                  settings: SettingsDep) -> AskResponse:
        """Answer one question from the documents, with verbatim citations.

        Pass the earlier turns as `history` (oldest first) so that a follow-up such as 「那元宇宙呢？」 is
        understood; `rewritten_query` shows how it was read. When there is no basis in the documents,
        `answerable` is false and `suggestions` names the nearest sections."""
        check_history(len(req.history), settings)
        turns = [Turn(t.role, t.content) for t in req.history]
        answer = await runner.run(assistant.ask, req.question, turns, req.top_k)
        metrics.observe_answer("api", answer)
        return AskResponse.from_answer(answer)

    @r.post("/search", response_model=SearchResponse, summary="Retrieve passages", tags=["retrieval"])
    async def search(req: SearchRequest, assistant: AssistantDep, runner: RunnerDep) -> SearchResponse:
        """Retrieval only (no answer): passages ranked by hybrid search (embeddings + BM25, fused by rank),
        each with its section path, character span, responsible units and the scores from each index."""
        hits = await runner.run(assistant.search, req.query, req.top_k)
        return SearchResponse(query=req.query, hits=[SearchHitOut.from_hit(i, h) for i, h in enumerate(hits, 1)])

    @r.get("/documents", response_model=DocumentListResponse, summary="List documents", tags=["documents"])
    async def documents(assistant: AssistantDep, library: LibraryDep) -> DocumentListResponse:
        """Every indexed document with its metadata (标题, 文号, 发文机关, 成文日期, 主送机关, 附注) and where it
        came from: source file, format, time added, checksum, size and number of indexed passages."""
        engine = assistant.engine
        entries = {e.doc_id: e for e in library.entries(engine.bundle)}
        docs = []
        for d in engine.bundle.documents.values():
            e = entries.get(d.doc_id)
            extra = dict(original_name=e.original_name, added_at=e.added_at, size=e.size, chunks=e.chunks) if e else {}
            docs.append(DocumentSummaryOut(**{**DocumentSummaryOut.fields_from(d), **extra}))
        return DocumentListResponse(count=len(docs), documents=docs, index_version=engine.bundle.folder.name)

    @r.post("/documents", response_model=DocumentChangeOut, status_code=201, summary="Upload notices",
            tags=["documents"], responses=UPLOAD_RESPONSES)
    async def add_documents(
        assistant: AssistantDep, library: LibraryDep, runner: RunnerDep, settings: SettingsDep, metrics: MetricsDep,
        files: Annotated[list[UploadFile], File(min_length=1, description="one or more notices: .txt .md .docx .pdf .html "
                                                            "(the type is read from the content)")],
        replace: Annotated[bool, Form(description="replace a notice with the same id, 文号 or title")] = False,
    ) -> DocumentChangeOut:
        """Add notices to the knowledge base (multipart form, field `files`). Each file is read and checked before
        anything is stored; then the original and its text are stored in the corpus folder, a new index version
        is built (only the new text is encoded) and served at once — questions keep being answered meanwhile.
        Needs a staff key (`POLICYQA_API_KEYS`); with no keys configured, uploads are off unless
        `POLICYQA_ALLOW_UPLOADS=1`. A byte-identical file is a 409; a notice with the same id, 文号 or title
        is a 409 unless `replace=true`."""
        _check_changes_allowed(settings)
        payload = [(f.filename or "", await f.read()) for f in files]
        change = await runner.run(functools.partial(library.add, payload, replace=replace))
        return await _served_change(change, assistant, runner, metrics)

    @r.delete("/documents/{doc_id}", response_model=DocumentChangeOut, summary="Remove a notice",
              tags=["documents"], responses={k: v for k, v in UPLOAD_RESPONSES.items() if k in (403, 404, 409)})
    async def remove_document(doc_id: str, assistant: AssistantDep, library: LibraryDep, runner: RunnerDep,
                              settings: SettingsDep, metrics: MetricsDep) -> DocumentChangeOut:
        """Remove a notice (its file is kept under `<corpus>/.policyqa/removed/`) and serve the index without
        it. Needs a staff key, like uploads."""
        _check_changes_allowed(settings)
        change = await runner.run(library.remove, doc_id)
        return await _served_change(change, assistant, runner, metrics)

    @r.get("/documents/{doc_id}", response_model=DocumentDetailOut, summary="One document", tags=["documents"],
           responses={404: {"model": ErrorOut, "description": "no such document"}})
    async def document(doc_id: str, assistant: AssistantDep,
                       include_text: Annotated[bool, Query(description="also return the full normalized text")] = False,
                       ) -> DocumentDetailOut:
        """Metadata and the section tree (一、/（一）/1./（1）), each section with the 责任单位 of its
        paragraphs. Offsets point into the normalized text (`?include_text=true`)."""
        return DocumentDetailOut.from_document(assistant.document(doc_id), include_text)

    @r.post("/chat/completions", response_model=ChatCompletionResponse, summary="OpenAI-compatible chat",
            tags=["answers"], responses={200: {"content": {"text/event-stream": {
                "description": "with stream=true: chat.completion.chunk events, then [DONE]"}}}})
    async def chat_completions(req: ChatCompletionRequest, request: Request, assistant: AssistantDep,
                               runner: RunnerDep, metrics: MetricsDep, settings: SettingsDep) -> Any:
        """The OpenAI chat-completions protocol over the same answers as `/v1/ask`: point an OpenAI client at
        `http://HOST:PORT/v1`; any `model` name works. The last user message is the question, earlier
        user/assistant messages are the history, system messages are ignored. The content ends with numbered
        footnotes (「参考依据：[1] …」); the same citations come as data in the extra `citations` field (with
        `stream=true`: on the last chunk, the one with `finish_reason`)."""
        question, history = chat_turns(req.messages)
        check_history(len(history), settings)
        answer = await runner.run(assistant.ask, question, history, req.top_k)
        metrics.observe_answer("chat", answer)
        content = footnoted(answer)
        cid, created = f"chatcmpl-{uuid.uuid4().hex}", int(time.time())
        fingerprint = f"policyqa-{__version__}-{assistant.bundle.manifest.corpus_hash[:12]}"
        prompt_chars = sum(len(_message_text(m)) for m in req.messages)
        usage = Usage(prompt_tokens=prompt_chars, completion_tokens=len(content),
                      total_tokens=prompt_chars + len(content))
        citations = [CitationOut.from_citation(c) for c in answer.citations]
        info = AnswerInfo.from_answer(answer)
        if not req.stream:
            return ChatCompletionResponse(id=cid, created=created, model=req.model, system_fingerprint=fingerprint,
                                          choices=[ChatChoice(message=ChatMessageOut(content=content))],
                                          usage=usage, citations=citations, policyqa=info)
        options = (req.model_extra or {}).get("stream_options") or {}
        include_usage = isinstance(options, dict) and bool(options.get("include_usage"))

        async def events() -> AsyncIterator[str]:
            base = {"id": cid, "object": "chat.completion.chunk", "created": created, "model": req.model,
                    "system_fingerprint": fingerprint}

            def event(choices: list[dict[str, Any]], **extra: Any) -> str:
                return f"data: {json.dumps({**base, 'choices': choices, **extra}, ensure_ascii=False)}\n\n"

            yield event([{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}])
            for piece in _pieces(content):
                yield event([{"index": 0, "delta": {"content": piece}, "finish_reason": None}])
            yield event([{"index": 0, "delta": {}, "finish_reason": "stop"}],
                        citations=[c.model_dump() for c in citations], policyqa=info.model_dump())
            if include_usage:
                yield event([], usage=usage.model_dump())
            yield "data: [DONE]\n\n"

        return StreamingResponse(events(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    @r.get("/models", response_model=ModelListOut, summary="OpenAI-compatible model list", tags=["answers"])
    async def models() -> ModelListOut:
        """For OpenAI-compatible tools that list models first. There is one; any name is accepted anyway."""
        return ModelListOut(data=[ModelOut(id="policyqa", created=int(time.time()))])

    @r.api_route("/{path:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"], include_in_schema=False)
    async def unknown(path: str, request: Request) -> JSONResponse:
        allowed = sorted({m for route in r.routes if isinstance(route, APIRoute)
                          and route.path != f"{API_PREFIX}/{{path:path}}" and route.path_regex.match(request.url.path)
                          for m in route.methods})
        if allowed:
            detail = (f"{request.url.path} 不支持 {request.method} / method {request.method} is not allowed on "
                      f"{request.url.path}; use {', '.join(allowed)}")
            return JSONResponse(error_body(request.url.path, 405, detail), status_code=405,
                                headers={"Allow": ", ".join(allowed)})
        detail = (f"没有这个接口 / no endpoint {request.method} {API_PREFIX}/{path}: see /docs (POST /v1/ask, "
                  f"POST /v1/search, POST /v1/chat/completions, GET /v1/documents, GET /v1/documents/{{doc_id}})")
        return JSONResponse(error_body(request.url.path, 404, detail), status_code=404)

    return r


def _ops_router() -> APIRouter:
    r = APIRouter(tags=["operations"])

    @r.get("/healthz", response_model=HealthOut, summary="Liveness")
    async def healthz() -> HealthOut:
        """Answers as long as the process serves HTTP; never waits for CPU work."""
        return HealthOut()

    @r.get("/readyz", response_model=ReadyOut, summary="Readiness")
    async def readyz(assistant: AssistantDep, request: Request) -> ReadyOut:
        """The model and index are loaded (the API answers); with the document and chunk counts and whether the
        chat UI at / is up yet (`ui`)."""
        counts = assistant.bundle.manifest.counts
        return ReadyOut(documents=counts.get("documents", len(assistant.documents)),
                        chunks=counts.get("chunks", len(assistant.bundle.chunks)),
                        load_seconds=round(assistant.load_seconds, 3), ui=request.app.state.ui.state)

    @r.get("/metrics", summary="Prometheus metrics", response_class=Response,
           responses={200: {"content": {"text/plain": {}}}})
    async def metrics(m: MetricsDep) -> Response:
        """Request counts and latency per route, answers per question type, refusals per reason."""
        return Response(generate_latest(m.registry), media_type=CONTENT_TYPE_LATEST)

    return r


# ============================================================================================ docs
def _docs_page(app: FastAPI) -> str:
    """Swagger UI when the browser can reach its CDN; otherwise (offline intranets) a plain reference
    rendered here from the OpenAPI schema, so /docs is never blank."""
    schema = app.openapi()
    comps = schema.get("components", {}).get("schemas", {})

    def resolve(s: dict[str, Any]) -> dict[str, Any]:
        ref = s.get("$ref", "")
        return comps.get(ref.rsplit("/", 1)[-1], s) if ref else s

    rows = []
    for path, ops in schema.get("paths", {}).items():
        for method, op in ops.items():
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            example = ""
            if body:
                examples = resolve(body).get("examples") or []
                if examples:
                    example = (f"<pre>curl -s -X {method.upper()} http://HOST:PORT{html.escape(path)} "
                               f"-H 'Content-Type: application/json' -d "
                               f"'{html.escape(json.dumps(examples[0], ensure_ascii=False))}'</pre>")
            codes = ", ".join(f"{html.escape(str(c))} {html.escape(v.get('description', ''))}"
                              for c, v in op.get("responses", {}).items())
            desc = _mini_markdown(op.get("description", ""))
            rows.append(f"<section><h3><code>{method.upper()} {html.escape(path)}</code> — "
                        f"{html.escape(op.get('summary', ''))}</h3>{desc}{example}"
                        f"<p class=codes>Responses: {codes}</p></section>")
    rows.sort(key=lambda row: API_PREFIX not in row)  # the API first, operations after
    title = html.escape(schema.get("info", {}).get("title", "API"))
    intro = _mini_markdown(schema.get("info", {}).get("description", ""))
    return f"""<!doctype html><html lang="zh"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title} — API docs</title>
<style>body{{font-family:system-ui,sans-serif;max-width:60rem;margin:1rem auto;padding:0 1rem;line-height:1.5}}
pre{{background:#f4f4f5;padding:.6rem;overflow-x:auto;white-space:pre-wrap}} section{{border-top:1px solid #ddd}}
.codes{{color:#555;font-size:.9em}}</style></head><body>
<div id="swagger-ui"></div>
<div id="reference"><h1>{title} {html.escape(schema.get('info', {}).get('version', ''))}</h1>
{intro}<p>Machine-readable schema: <a href="/openapi.json">/openapi.json</a>.
(The interactive Swagger UI loads here when this browser can reach {html.escape(SWAGGER_JS.split('/npm')[0])}.)</p>
{''.join(rows)}</div>
<script>
(function () {{
  var css = document.createElement('link'); css.rel = 'stylesheet'; css.href = {json.dumps(SWAGGER_CSS)};
  var js = document.createElement('script'); js.src = {json.dumps(SWAGGER_JS)}; js.async = true;
  js.onload = function () {{
    document.head.appendChild(css);
    document.getElementById('reference').style.display = 'none';
    SwaggerUIBundle({{url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true}});
  }};
  document.head.appendChild(js);
}})();
</script></body></html>"""


def _mini_markdown(text: str) -> str:
    """Just enough Markdown for our own descriptions (paragraphs, * lists, **bold**, `code`), escaped first."""
    out = []
    for block in text.strip().split("\n\n"):
        lines = block.splitlines()
        if lines and lines[0].startswith("* "):
            items, item = [], ""
            for line in lines:
                if line.startswith("* "):
                    if item:
                        items.append(item)
                    item = line[2:]
                else:
                    item += " " + line.strip()
            items.append(item)
            out.append("<ul>" + "".join(f"<li>{_inline(i)}</li>" for i in items) + "</ul>")
        else:
            out.append(f"<p>{_inline(' '.join(lines))}</p>")
    return "".join(out)


def _inline(text: str) -> str:
    text = html.escape(text)
    text = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", text)
    return re.sub(r"`(.+?)`", r"<code>\1</code>", text)


# ============================================================================================ app
def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(PolicyQAError)
    async def _policyqa_error(request: Request, exc: PolicyQAError) -> JSONResponse:
        if exc.status >= 500:
            log.error("%s on %s: %s", type(exc).__name__, request.url.path, exc.message)
        return JSONResponse(error_body(request.url.path, exc.status, exc.message), status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        status, detail = _validation_detail(exc)
        return JSONResponse(error_body(request.url.path, status, detail), status_code=status)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail
        if exc.status_code == 400 and detail == "There was an error parsing the body":  # e.g. not UTF-8
            detail = "请求体无法解析 / the request body could not be parsed: send UTF-8 encoded JSON"
        return JSONResponse(error_body(request.url.path, exc.status_code, detail), status_code=exc.status_code,
                            headers=exc.headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return JSONResponse(error_body(request.url.path, 500, "服务器内部错误 / internal server error: the failure "
                                                              "has been logged"), status_code=500)


def create_app(settings: Settings, assistant: Assistant | None = None, *, ui: bool = True,
               ui_in_background: bool = False) -> FastAPI:
    """The FastAPI app: API under /v1, /healthz, /readyz, /metrics, /docs, and the chat UI at / (``ui=True``).
    Builds the Assistant (model + index) once when not given one. ``ui_in_background``: the UI is built once the
    server runs, while the API already answers; ``app.state.ui`` says where it stands and waits for it."""
    assistant = assistant or Assistant(settings, progress=False)
    metrics = Metrics()
    counts = assistant.bundle.manifest.counts
    metrics.documents.set(counts.get("documents", len(assistant.documents)))
    metrics.chunks.set(counts.get("chunks", len(assistant.bundle.chunks)))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        log.info("policyqa API ready: %s", counts)
        stop = threading.Event()
        if settings.index_poll_seconds > 0:  # follow index/CURRENT: other processes may add or remove notices
            threading.Thread(target=_watch_index, args=(assistant, metrics, settings.index_poll_seconds, stop),
                             daemon=True, name="policyqa-index-watch").start()
        ui_task = asyncio.create_task(_serve_ui_when_built(app, starting)) \
            if starting is not None and app.state.ui.state == "starting" else None
        yield
        stop.set()
        if ui_task is not None:
            ui_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await ui_task

    app = FastAPI(title="policyqa", version=__version__, description=API_DESCRIPTION, docs_url=None,
                  redoc_url=None, lifespan=lifespan)
    app.state.settings = settings
    app.state.assistant = assistant
    app.state.metrics = metrics
    app.state.runner = Runner(settings.workers)
    app.state.library = Library(settings, assistant.embedder)
    app.state.ui = UIStatus("starting" if ui else "off")
    _install_error_handlers(app)
    app.include_router(_ops_router())
    app.include_router(_v1_router(settings))

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return HTMLResponse(_docs_page(app))

    app.add_middleware(EdgeGuard, settings=settings, metrics=metrics)
    if settings.cors_origin_list:  # added last = outermost: preflights and errors get CORS headers too
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origin_list, allow_methods=["GET", "POST"],
                           allow_headers=["Authorization", "Content-Type"], max_age=600)
    # tests build the UI here; `policyqa serve` builds it in a worker thread once the port is open (/ is 503 till then)
    starting: Mount | None = None
    if ui and ui_in_background:
        starting = Mount("/", app=_ui_placeholder(app.state.ui), name="ui-starting")
        app.router.routes.append(starting)  # after every API route
    elif ui:
        _mount_ui(app)
        app.state.ui.settle("ready")
    return app


def _watch_index(assistant: Assistant, metrics: Metrics, seconds: float, stop: threading.Event) -> None:
    while not stop.wait(seconds):
        try:
            if assistant.refresh():
                metrics.documents.set(len(assistant.engine.bundle.documents))
                metrics.chunks.set(len(assistant.engine.bundle.chunks))
        except Exception:  # the watcher must outlive any one bad version
            log.exception("checking for a new index version failed")


# ============================================================================================ chat UI
UI_STARTING_PAGE = """<!doctype html><html lang="zh"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="2"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>policyqa — 聊天窗口正在启动</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.6}</style>
</head><body><h1>聊天窗口正在启动…</h1>
<p>The chat window is starting; this page reloads itself in a couple of seconds.</p>
<p>接口已可使用 / the API already answers: <code>POST /v1/ask</code>, <a href="/docs">/docs</a>.</p></body></html>"""
UI_FAILED_PAGE = """<!doctype html><html lang="zh"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>policyqa — 聊天窗口未能启动</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.6}</style>
</head><body><h1>聊天窗口未能启动</h1>
<p>The chat window failed to start; the server log has the reason. Restart the server once it is fixed.</p>
<p>接口仍可使用 / the API still answers: <code>POST /v1/ask</code>, <a href="/docs">/docs</a>.</p></body></html>"""


class UIStatus:
    """Where the chat UI at / stands: "off", "starting" (built in the background while the API answers), "ready"
    or "failed". ``app.state.ui.wait(timeout)`` blocks until it is ready or has failed."""

    def __init__(self, state: str) -> None:
        self.state = state
        self._settled = threading.Event()
        if state != "starting":
            self._settled.set()

    def settle(self, state: str) -> None:
        self.state = state
        self._settled.set()

    def wait(self, timeout: float | None = None) -> str:
        """The state once the UI is ready or has failed, or after ``timeout`` seconds (then still "starting")."""
        self._settled.wait(timeout)
        return self.state


def _ui_placeholder(status: UIStatus) -> ASGIApp:
    """What / (and any other path outside the API) answers until the UI is in place: 503 with a page that reloads
    itself while the UI starts, or that says it failed."""

    async def placeholder(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await WebSocketClose(code=1013)(scope, receive, send)  # 1013: try again later
            return
        failed = status.state == "failed"
        headers = {"Cache-Control": "no-store"} if failed else {"Cache-Control": "no-store", "Retry-After": "2"}
        await HTMLResponse(UI_FAILED_PAGE if failed else UI_STARTING_PAGE, status_code=503,
                           headers=headers)(scope, receive, send)

    return placeholder


def _mount_ui(app: FastAPI) -> Any:
    """Import gradio, build the chat UI and mount it at /, after every route already there; the gradio app."""
    import gradio as gr

    from policyqa.ui import UI_CSS, build_ui

    settings, metrics = app.state.settings, app.state.metrics
    blocks = build_ui(app.state.assistant, on_answer=lambda a: metrics.observe_answer("ui", a),
                      library=app.state.library if settings.corpus_dir.is_dir() else None)
    blocks.queue(default_concurrency_limit=app.state.runner.workers)
    gr.mount_gradio_app(app, blocks, path="/", css=UI_CSS, footer_links=[], ssr_mode=False, show_error=False,
                        theme=_ui_theme())
    return app.router.routes[-1].app  # type: ignore[attr-defined]  # the Mount that mount_gradio_app appended


async def _serve_ui_when_built(app: FastAPI, starting: Mount) -> None:
    """Build the UI in a worker thread (it is mounted behind ``starting``, so no request reaches it yet), start it
    on this loop as mount_gradio_app's lifespan would, then drop ``starting``: one change to the routes, made on the
    loop, so a request sees either the placeholder or the whole UI. Runs until shutdown cancels it."""
    status: UIStatus = app.state.ui
    t0 = time.perf_counter()
    async with contextlib.AsyncExitStack() as stack:
        try:
            gradio_app = await anyio.to_thread.run_sync(_mount_ui, app, abandon_on_cancel=True)
            await stack.enter_async_context(gradio_app.router.lifespan_context(gradio_app))
            blocks = gradio_app.get_blocks()
            blocks.run_startup_events()
            await blocks.run_extra_startup_events()
        except Exception:
            log.exception("the chat UI could not be built; / answers 503 and the API keeps serving")
            status.settle("failed")
            return
        app.router.routes.remove(starting)
        status.settle("ready")
        log.info("chat UI ready at / %.1f s after the API", time.perf_counter() - t0)
        await anyio.sleep_forever()  # the UI's own tasks (queue, state cleanup) live until shutdown


def _ui_theme() -> Any:
    import gradio as gr

    return gr.themes.Soft(primary_hue="red", neutral_hue="slate",
                          font=["PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Micro Hei",
                                "system-ui", "sans-serif"])


# ============================================================================================ serving
def _check_port_free(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as exc:
            raise ConfigError(f"cannot listen on {host}:{port} ({exc.strerror}); choose another with --port "
                              f"or POLICYQA_PORT") from None


def app_factory() -> FastAPI:
    """One server process of ``policyqa serve --workers N``: settings from the environment the parent set."""
    import faiss

    faiss.omp_set_num_threads(1)
    settings = Settings()
    return create_app(settings, Assistant(settings, progress=False), ui_in_background=True)


def run_server(settings: Settings, host: str | None = None, port: int | None = None, processes: int = 1) -> None:
    """Load the model and index (building a missing or stale index, with a progress bar) and then serve.
    The port opens once they are loaded, so the first API request is never slow or refused; the chat UI follows a
    few seconds later (until then / says it is starting).

    ``processes`` > 1: that many uvicorn worker processes share the port and one read-only index folder; the index is
    built here first, each process loads it, and all follow index/CURRENT, so a notice added through any of them is
    served by every one within ``index_poll_seconds``."""
    import uvicorn

    host, port = host or settings.host, port or settings.port
    _check_port_free(host, port)
    if processes > 1:
        if settings.index_poll_seconds <= 0:
            raise ConfigError("--workers > 1 needs POLICYQA_INDEX_POLL_SECONDS > 0 so every process follows index/CURRENT")
        from policyqa.index.embedders import make_embedder
        from policyqa.index.store import ensure_index

        ensure_index(settings, make_embedder(settings), progress=True)  # once, before the processes load it
        for key, value in settings.model_dump(mode="json").items():  # the processes read the same settings
            if value is not None:
                os.environ[f"POLICYQA_{key.upper()}"] = value if isinstance(value, str) else json.dumps(value)
        print(f"policyqa: {processes} server processes on http://{host}:{port}/", file=sys.stderr, flush=True)
        uvicorn.run("policyqa.api:app_factory", factory=True, host=host, port=port, workers=processes,
                    log_level="info", timeout_graceful_shutdown=5)
        return
    import faiss

    # requests already run in parallel on the thread pool; FAISS's own threads on top of them contend for the same
    # cores (docs/performance.md: a search at ×10 of the library took 12-16 ms with two threads, 0.25 ms with one)
    faiss.omp_set_num_threads(1)
    assistant = Assistant(settings, progress=True)
    app = create_app(settings, assistant, ui_in_background=True)
    shown = f"[{host}]" if ":" in host else host
    print(f"policyqa: {len(assistant.documents)} document(s) loaded in {assistant.load_seconds:.1f}s; chat UI "
          f"http://{shown}:{port}/ (starting)  API http://{shown}:{port}/v1  docs http://{shown}:{port}/docs",
          file=sys.stderr, flush=True)
    uvicorn.run(app, host=host, port=port, log_level="info", timeout_graceful_shutdown=5)


class BackgroundServer:
    """uvicorn serving ``app`` in a daemon thread on a loopback port (0 = any free port), for tests and
    benchmarks: ``with BackgroundServer(app) as srv: httpx.get(srv.url + "/healthz")``."""

    def __init__(self, app: ASGIApp, host: str = "127.0.0.1", port: int = 0, start_timeout: float = 30.0) -> None:
        self.app, self.host, self.port, self.start_timeout = app, host, port, start_timeout
        self._server: Any = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def __enter__(self) -> BackgroundServer:
        import uvicorn

        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        self.port = sock.getsockname()[1]
        self._server = uvicorn.Server(uvicorn.Config(self.app, log_level="warning", timeout_graceful_shutdown=2))
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]}, daemon=True,
                                        name=f"uvicorn-{self.port}")
        self._thread.start()
        deadline = time.monotonic() + self.start_timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"uvicorn did not start on {self.url}")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=15)
