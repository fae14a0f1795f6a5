"""A notice read from its DOCX, PDF or portal HTML twin answers like its .txt: the library's eval questions about
three Guang'an notices, asked of the 26-notice library with the twins in place of the .txt files."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest

import notice_files as nf
from conftest import LIBRARY, make_settings

QUESTIONS_LIBRARY = Path(__file__).resolve().parents[1] / "evals" / "questions_library.jsonl"
# notices with many questions in the library set, in three layouts: 第X章/第X条 without a 文号, a 实施方案 with
# run-in headings, 若干政策措施 with 〔牵头单位：…，责任单位：…〕 notes
TWINNED = ("guangan_ride_hailing_2021", "guangan_funeral_services_2022", "guangan_market_vitality_2023")
FORMATS = ("txt", "docx", "pdf", "html")
TODAY = date(2026, 11, 30)
SIGNED = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")


def _twin(fmt: str, txt: Path, out: Path) -> Path:
    if fmt == "docx":
        return nf.make_docx(txt, out / f"{txt.stem}.docx")
    if fmt == "pdf":
        return nf.make_pdf(txt, out / f"{txt.stem}.pdf", running_header=nf.notice_lines(txt)[0][-24:])
    signed = next(m for m in map(SIGNED.fullmatch, nf.notice_lines(txt)) if m)  # published the day it was signed
    return nf.make_html(txt, out / f"{txt.stem}.html", published=f"{signed[1]}-{int(signed[2]):02d}-{int(signed[3]):02d}")


def _corpus(fmt: str, root: Path) -> Path:
    """corpus/ with the three notices as ``fmt`` files (the other 23 stay .txt)."""
    folder = root / f"corpus-{fmt}"
    folder.mkdir()
    for src in sorted(LIBRARY.glob("*.txt")):
        if fmt == "txt" or src.stem not in TWINNED:
            shutil.copyfile(src, folder / src.name)
        else:
            _twin(fmt, src, folder)
    return folder


@pytest.fixture(scope="module")
def questions():  # type: ignore[no-untyped-def]
    from policyqa.evaluate import QuestionSet, load_questions

    qs = load_questions(QUESTIONS_LIBRARY)
    picked = tuple(q for q in qs.questions if q.doc_id in TWINNED)
    assert len(picked) >= 30
    return QuestionSet(qs.name, qs.path, qs.sha256, picked)


@pytest.fixture(scope="module")
def results(questions, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:  # type: ignore[no-untyped-def,type-arg]
    from policyqa.evaluate import run_eval

    if nf.cjk_font() is None:
        pytest.skip("no CJK font (install Debian's fonts-wqy-microhei: `make browser-deps`) to write a Chinese PDF")
    root = tmp_path_factory.mktemp("twins")
    out = {}
    for fmt in FORMATS:
        settings = make_settings(_corpus(fmt, root), root / f"index-{fmt}", today=TODAY)
        out[fmt] = run_eval(settings, questions, progress=False)
    return out


@pytest.mark.slow
@pytest.mark.parametrize("fmt", FORMATS[1:])
def test_twin_answers_like_its_txt(fmt: str, results: dict) -> None:  # type: ignore[type-arg]
    txt, twin = results["txt"]["metrics"]["policyqa"], results[fmt]["metrics"]["policyqa"]
    print(f"{fmt}: strict accuracy {twin['strict_accuracy']:.3f} (.txt {txt['strict_accuracy']:.3f}), "
          f"citation validity {twin['citation_validity']}, {len(results[fmt]['outcomes'])} questions")
    assert twin["citation_validity"] == 1.0
    if abs(twin["strict_accuracy"] - txt["strict_accuracy"]) > 0.02:
        before = {o["id"]: o["policyqa"] for o in results["txt"]["outcomes"]}
        changed = [f"{o['id']} {o['question']}\n    txt ({before[o['id']]['correct']}): {before[o['id']]['answer'][:120]}"
                   f"\n    {fmt} ({o['policyqa']['correct']}): {o['policyqa']['answer'][:120]}"
                   for o in results[fmt]["outcomes"] if o["policyqa"]["correct"] != before[o["id"]]["correct"]]
        pytest.fail(f"{fmt}: strict accuracy {twin['strict_accuracy']:.3f} vs .txt {txt['strict_accuracy']:.3f}\n"
                    + "\n".join(changed))
