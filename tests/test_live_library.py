"""The live knowledge base: add/replace/remove real files, version switching, crash safety (library.py)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import notice_files as nf
from conftest import LIBRARY, ROOT, make_settings
from notice_files import files, pdf_file  # noqa: F401  (fixtures)
from policyqa.errors import ConflictError, NotFoundError, PolicyQAError
from policyqa.index.store import CURRENT, current_version
from policyqa.library import JOURNAL, STATE, Library, check_file_name
from policyqa.settings import Settings

Q_ENERGY = "哪些部门负责未来能源？"
SMALL = ["guangan_tree_adoption_2022.txt", "guangan_charity_2016.txt"]


def small_library(tmp_path: Path, **kw: object) -> Settings:
    corpus = tmp_path / "corpus"
    corpus.mkdir(parents=True)
    for name in SMALL:
        shutil.copy(LIBRARY / name, corpus / name)
        os.chmod(corpus / name, 0o644)
    return make_settings(corpus, tmp_path / "index", allow_uploads=True, **kw)


@pytest.fixture
def live(tmp_path: Path):  # type: ignore[no-untyped-def]
    from policyqa.pipeline import Assistant

    s = small_library(tmp_path)
    a = Assistant(s, progress=False)
    return s, a, Library(s, a.embedder)


def _answer(assistant, q: str = Q_ENERGY) -> tuple[str, tuple[str, ...]]:  # type: ignore[no-untyped-def]
    a = assistant.ask(q)
    return a.answer, tuple(c.text for c in a.citations)


@pytest.mark.parametrize("kind", ["docx", "html", "pdf"])
def test_an_added_notice_answers_like_its_txt_twin(kind: str, live, files: dict[str, Path], assistant,  # type: ignore[no-untyped-def]
                                                    request: pytest.FixtureRequest) -> None:
    s, a, lib = live
    path = request.getfixturevalue("pdf_file") if kind == "pdf" else files[kind]
    before = current_version(s.index_dir)
    change = lib.add([(path.name, path.read_bytes())])
    assert change.added == ("fuzhou",) and current_version(s.index_dir) != before
    assert a.refresh() and a.bundle.folder.name == current_version(s.index_dir)
    assert a.bundle.documents["fuzhou"].meta.format == kind
    got, want = _answer(a), _answer(assistant)
    assert got[0] == want[0] and "市工信局" in got[0]
    assert got[1] == want[1]
    # stored before the index changed: the original, the text read from it and a record
    assert (s.corpus_dir / f"fuzhou.{kind}").read_bytes() == path.read_bytes()
    record = json.loads((s.corpus_dir / STATE / "fuzhou.json").read_text(encoding="utf-8"))
    assert record["format"] == kind and record["original_name"] == path.name
    assert (s.corpus_dir / STATE / "fuzhou.extracted.txt").read_text(encoding="utf-8").count("未来能源") >= 1
    entry = next(e for e in lib.entries(a.bundle) if e.doc_id == "fuzhou")
    assert entry.chunks > 10 and entry.format == kind and len(entry.sha256) == 64


def test_adding_encodes_only_the_new_notice(live, files: dict[str, Path]) -> None:  # type: ignore[no-untyped-def]
    s, a, lib = live
    m = lib.add([("task.docx", files["task_docx"].read_bytes())]).manifest
    # the two library notices were cached already: only the new notice's passages and sentences could be new
    assert m.counts["encoded"] <= m.counts["chunks"] - sum(1 for c in a.bundle.chunks)


def test_conflicts_change_nothing(live, files: dict[str, Path]) -> None:  # type: ignore[no-untyped-def]
    s, a, lib = live
    lib.add([("fuzhou.docx", files["docx"].read_bytes())])
    version = current_version(s.index_dir)
    with pytest.raises(ConflictError, match="already in the library") as exc:
        lib.add([("copy.docx", files["docx"].read_bytes())])
    assert exc.value.status == 409
    with pytest.raises(ConflictError, match="replace=true"):  # same title and 文号 under another name
        lib.add([("portal.html", files["html"].read_bytes())])
    assert current_version(s.index_dir) == version and not (s.corpus_dir / "portal.html").exists()
    change = lib.add([("portal.html", files["html"].read_bytes())], replace=True)
    assert change.replaced == ("fuzhou",) and change.added == ("portal",)
    names = {p.name for p in s.corpus_dir.iterdir() if p.is_file()}
    assert "fuzhou.docx" not in names and "portal.html" in names
    assert any(p.name.endswith("fuzhou.docx") for p in (s.corpus_dir / STATE / "removed").iterdir())


def test_remove(live, files: dict[str, Path]) -> None:  # type: ignore[no-untyped-def]
    s, a, lib = live
    lib.add([("fuzhou.docx", files["docx"].read_bytes())])
    a.refresh()
    assert "fuzhou" in a.bundle.documents
    change = lib.remove("fuzhou")
    assert change.removed == ("fuzhou",)
    assert a.refresh() and "fuzhou" not in a.bundle.documents
    with pytest.raises(NotFoundError):
        lib.remove("fuzhou")
    lib.remove(SMALL[0].removesuffix(".txt"))
    with pytest.raises(ConflictError, match="last notice"):
        lib.remove(SMALL[1].removesuffix(".txt"))


@pytest.mark.parametrize("name", ["../../x.txt", "a/b.txt", "..", ".hidden.txt", "a\\b.txt", "", "x\x00.txt"])
def test_file_names_with_path_parts_are_refused(name: str) -> None:
    with pytest.raises(PolicyQAError) as exc:
        check_file_name(name)
    assert exc.value.status == 400


def test_bad_files_leave_the_library_unchanged(live, files: dict[str, Path], tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    s, a, lib = live
    before = sorted(p.name for p in s.corpus_dir.iterdir())
    version = current_version(s.index_dir)
    bad = {
        "empty.txt": (b"", 422),
        "bomb.docx": (nf.zip_bomb_docx(tmp_path / "bomb.docx").read_bytes(), 413),
        "broken.docx": (nf.corrupt_docx(tmp_path / "b.docx", files["docx"]).read_bytes(), 422),
        "scan.pdf": (nf.scanned_pdf(tmp_path / "scan.pdf").read_bytes(), 422),
        "photo.png": (nf.PNG, 415),
        "old.doc": (nf.OLD_DOC, 415),
        "../../etc.txt": ("一、总则\n第一条 测试。".encode(), 400),
    }
    for name, (data, status) in bad.items():
        with pytest.raises(PolicyQAError) as exc:
            lib.add([(name, data)])
        assert exc.value.status == status, name
    big = small_library(tmp_path / "big", max_upload_mb=1)
    with pytest.raises(PolicyQAError) as exc:
        Library(big, a.embedder).add([("big.txt", "很长的文件。".encode() * 200_000)])
    assert exc.value.status == 413
    assert sorted(p.name for p in s.corpus_dir.iterdir()) == before
    assert current_version(s.index_dir) == version


def test_another_process_follows_the_pointer_and_refuses_a_corrupt_version(live, files: dict[str, Path]) -> None:  # type: ignore[no-untyped-def]
    from policyqa.pipeline import Assistant

    s, a, lib = live
    other = Assistant(s, embedder=a.embedder, progress=False)  # a second server on the same folders
    lib.add([("fuzhou.docx", files["docx"].read_bytes())])
    assert other.refresh() and "fuzhou" in other.bundle.documents
    good = current_version(s.index_dir)
    # a version that is partial (a file missing) is refused; the good one keeps serving
    broken = s.index_dir / "versions" / "99999999T999999-broken"
    shutil.copytree(s.index_dir / "versions" / good, broken)
    (broken / "sentences.npy").unlink()
    (s.index_dir / CURRENT).write_text(broken.name, encoding="utf-8")
    assert not other.refresh()
    assert other.bundle.folder.name == good
    assert "市工信局" in other.ask(Q_ENERGY).answer


def test_a_committed_change_is_finished_and_an_uncommitted_one_dropped(live, files: dict[str, Path]) -> None:  # type: ignore[no-untyped-def]
    s, a, lib = live
    p = lib._prepare("fuzhou.docx", files["docx"].read_bytes())
    lib._write_staged([p])  # crash before the journal: the upload is absent after recovery
    lib.recover()
    assert not (s.corpus_dir / "fuzhou.docx").exists() and not (s.corpus_dir / STATE / "incoming").exists()
    lib._write_staged([p])
    lib._commit({"place": [["incoming/fuzhou.docx", "fuzhou.docx"]], "remove": [], "records": ["fuzhou"],
                 "drop_records": []})  # crash after the journal: the upload is present after recovery
    from policyqa.pipeline import Assistant

    b = Assistant(s, embedder=a.embedder, progress=False)  # start-up recovers, then rebuilds the stale index
    assert (s.corpus_dir / "fuzhou.docx").is_file() and not (s.corpus_dir / STATE / JOURNAL).exists()
    assert "fuzhou" in b.bundle.documents


CRASH_SCRIPT = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    import policyqa.library as L
    import policyqa.index.store as S
    step = sys.argv[1]
    def die(*a, **k):
        os.kill(os.getpid(), signal.SIGKILL)
    def after(obj, name):
        real = getattr(obj, name)
        def wrapped(*a, **k):
            out = real(*a, **k)
            die()
            return out
        setattr(obj, name, wrapped)
    if step == "staged":
        after(L.Library, "_write_staged")
    elif step == "committed":
        after(L.Library, "_commit")
    elif step == "applying":  # killed between two renames of the journal's change
        real_apply, real_replace = L.Library._apply, os.replace
        def apply(self, journal):
            calls = []
            def replace(a, b):
                calls.append(1)
                if len(calls) == 2:
                    die()
                return real_replace(a, b)
            L.os.replace = replace
            return real_apply(self, journal)
        L.Library._apply = apply
    elif step == "building":
        S._point_to = die
    elif step == "pointed":
        after(S, "_point_to")
    from policyqa.cli import app
    app(["add", sys.argv[2], "--corpus", sys.argv[3], "--index", sys.argv[4]])
""")


@pytest.mark.slow
@pytest.mark.parametrize("step", ["staged", "committed", "applying", "building", "pointed"])
def test_kill_9_during_add(step: str, tmp_path: Path, files: dict[str, Path]) -> None:
    from policyqa.index.embedders import make_embedder
    from policyqa.pipeline import Assistant

    s = small_library(tmp_path)
    emb = make_embedder(s)
    Assistant(s, embedder=emb, progress=False)
    old = current_version(s.index_dir)
    env = {**os.environ, "POLICYQA_CACHE_DIR": str(s.embedding_cache_dir)}
    proc = subprocess.run([sys.executable, "-c", CRASH_SCRIPT, step, str(files["docx"]), str(s.corpus_dir),
                           str(s.index_dir)], env=env, capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    # the pointer names a complete version: the old one unless the crash came after the switch
    assert (current_version(s.index_dir) == old) == (step != "pointed")
    restarted = Assistant(s, embedder=emb, progress=False)
    present = (s.corpus_dir / "fuzhou.docx").is_file()
    assert present == (step not in ("staged",))
    assert ("fuzhou" in restarted.bundle.documents) == present
    if present:
        assert (s.corpus_dir / STATE / "fuzhou.json").is_file()
        assert "市工信局" in restarted.ask(Q_ENERGY).answer
    assert not (s.corpus_dir / STATE / "incoming").exists() and not (s.corpus_dir / STATE / JOURNAL).exists()
