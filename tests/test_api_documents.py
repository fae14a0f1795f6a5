"""POST/DELETE /v1/documents over HTTP: staff keys, limits, every bad file a clear 4xx, swaps while serving."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import notice_files as nf
from notice_files import files  # noqa: F401  (fixture)
from policyqa.api import create_app
from policyqa.index.store import current_version
from test_live_library import Q_ENERGY, small_library

KEY = {"Authorization": "Bearer staff-key"}


@pytest.fixture
def served(tmp_path: Path):  # type: ignore[no-untyped-def]
    from policyqa.pipeline import Assistant

    s = small_library(tmp_path, api_keys="staff-key", max_upload_mb=2)
    a = Assistant(s, progress=False)
    return s, a, TestClient(create_app(s, a, ui=False))


def _upload(client: TestClient, name: str, data: bytes, headers: dict | None = KEY, **form: str):  # type: ignore[no-untyped-def]
    return client.post("/v1/documents", files=[("files", (name, data, "application/octet-stream"))], data=form,
                       headers=headers or {})


def test_upload_list_ask_remove(served, files: dict[str, Path]) -> None:  # type: ignore[no-untyped-def]
    s, a, client = served
    r = _upload(client, "fuzhou.docx", files["docx"].read_bytes())
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["added"] == ["fuzhou"] and body["index_version"] == current_version(s.index_dir)
    listing = client.get("/v1/documents", headers=KEY).json()
    doc = next(d for d in listing["documents"] if d["doc_id"] == "fuzhou")
    assert doc["format"] == "docx" and doc["original_name"] == "fuzhou.docx" and doc["chunks"] > 10
    assert len(doc["sha256"]) == 64 and doc["added_at"] and doc["source"] == "fuzhou.docx"
    assert listing["index_version"] == body["index_version"]
    answer = client.post("/v1/ask", json={"question": Q_ENERGY}, headers=KEY).json()
    assert all(u in answer["answer"] for u in ("市工信局", "市发改委", "市科技局"))
    cited = [c["origin"] for c in answer["citations"] if c["doc_id"] == "fuzhou"]
    assert cited and all(o.startswith("段") for o in cited), answer["citations"]  # the DOCX paragraph of each quote
    assert _upload(client, "again.docx", files["docx"].read_bytes()).status_code == 409
    assert _upload(client, "portal.html", files["html"].read_bytes()).status_code == 409
    r = _upload(client, "portal.html", files["html"].read_bytes(), replace="true")
    assert r.status_code == 201 and r.json()["replaced"] == ["fuzhou"]
    r = client.delete("/v1/documents/portal", headers=KEY)
    assert r.status_code == 200 and r.json()["removed"] == ["portal"]
    assert client.delete("/v1/documents/portal", headers=KEY).status_code == 404
    assert "portal" not in {d["doc_id"] for d in client.get("/v1/documents", headers=KEY).json()["documents"]}


def test_changes_need_a_staff_key(served, files: dict[str, Path]) -> None:  # type: ignore[no-untyped-def]
    s, a, client = served
    assert _upload(client, "fuzhou.docx", files["docx"].read_bytes(), headers=None).status_code == 401
    assert client.delete("/v1/documents/guangan_charity_2016").status_code == 401


def test_changes_are_off_with_no_keys_unless_allowed(tmp_path: Path, files: dict[str, Path]) -> None:
    from policyqa.pipeline import Assistant

    s = small_library(tmp_path)
    a = Assistant(s, progress=False)
    off = TestClient(create_app(s.model_copy(update={"allow_uploads": False}), a, ui=False))
    r = _upload(off, "fuzhou.docx", files["docx"].read_bytes(), headers=None)
    assert r.status_code == 403 and "POLICYQA_ALLOW_UPLOADS" in r.json()["detail"]
    assert off.delete("/v1/documents/guangan_charity_2016").status_code == 403
    on = TestClient(create_app(s, a, ui=False))  # allow_uploads=True
    assert _upload(on, "fuzhou.docx", files["docx"].read_bytes(), headers=None).status_code == 201


def test_every_bad_file_is_a_clear_4xx_and_changes_nothing(served, files: dict[str, Path], tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    s, a, client = served
    version = current_version(s.index_dir)
    before = sorted(p.name for p in s.corpus_dir.iterdir())
    cases = [
        ("empty.txt", b"", 422),
        ("markup-only.txt", "**\u00a0\x1c".encode(), 422),  # no paragraph at all once normalized (found by Schemathesis)
        ("big.txt", "很长的文件。".encode() * 200_000, 413),  # 3.6 MB > 2 MB
        ("bomb.docx", nf.zip_bomb_docx(tmp_path / "bomb.docx").read_bytes(), 413),
        ("broken.docx", nf.corrupt_docx(tmp_path / "b.docx", files["docx"]).read_bytes(), 422),
        ("scan.pdf", nf.scanned_pdf(tmp_path / "scan.pdf").read_bytes(), 422),
        ("photo.png", nf.PNG, 415),
        ("../../x.txt", "一、总则\n第一条 测试。".encode(), 400),
    ]
    if nf.cjk_font() is not None:
        locked = nf.make_pdf(nf.FUZHOU_TXT, tmp_path / "locked.pdf", password="secret")
        cases.append(("locked.pdf", locked.read_bytes(), 422))
    for name, data, status in cases:
        r = _upload(client, name, data)
        assert r.status_code == status, (name, r.text)
        detail = r.json()["detail"]
        assert any("\u4e00" <= ch <= "\u9fff" for ch in detail) and any(ch.isascii() and ch.isalpha() for ch in detail)
    assert client.post("/v1/documents", headers=KEY).status_code == 422  # no file at all
    assert sorted(p.name for p in s.corpus_dir.iterdir()) == before
    assert current_version(s.index_dir) == version


def test_questions_keep_being_answered_during_an_add(served, files: dict[str, Path]) -> None:  # type: ignore[no-untyped-def]
    s, a, client = served
    failures: list[str] = []
    stop = threading.Event()

    def ask_loop() -> None:
        while not stop.is_set():
            r = client.post("/v1/ask", json={"question": "树木认养的期限是多久？"}, headers=KEY)
            if r.status_code != 200:
                failures.append(r.text)

    t = threading.Thread(target=ask_loop)
    t.start()
    try:
        assert _upload(client, "fuzhou.docx", files["docx"].read_bytes()).status_code == 201
    finally:
        stop.set()
        t.join()
    assert failures == []
