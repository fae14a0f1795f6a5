"""The command line through typer's CliRunner, configured by environment like a user would."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from policyqa.cli import app
from policyqa.settings import Settings
from conftest import CORPUS, SHARED_CACHE

API_KEYS = {"answer", "answerable", "citations", "rewritten_query", "question_type"}
CITATION_KEYS = {"doc_id", "section", "text", "start", "end", "score"}


@pytest.fixture(scope="module")
def env(fuzhou_settings: Settings) -> dict[str, str]:
    # the session's Fuzhou index folder: built once, loaded by every command here
    return {
        "POLICYQA_CORPUS_DIR": str(CORPUS),
        "POLICYQA_INDEX_DIR": str(fuzhou_settings.index_dir),
        "POLICYQA_CACHE_DIR": str(SHARED_CACHE),
    }


def _ask_json(env: dict[str, str], *args: str) -> dict:  # type: ignore[type-arg]
    result = CliRunner().invoke(app, ["ask", *args, "--json"], env=env)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_ask_json_prints_the_api_shape_with_three_departments(env: dict[str, str]) -> None:
    out = _ask_json(env, "哪些部门负责未来能源？")
    assert API_KEYS <= set(out)
    assert out["answerable"] is True
    assert out["question_type"] == "responsibility"
    assert out["rewritten_query"] == "哪些部门负责未来能源？"
    assert set(out["departments"]) == {"市工信局", "市发改委", "市科技局"}
    for d in ("市工信局", "市发改委", "市科技局"):
        assert d in out["answer"]
    assert out["citations"]
    for c in out["citations"]:
        assert CITATION_KEYS <= set(c)
        assert c["doc_id"] == "fuzhou_future_industries_2023"
        assert isinstance(c["start"], int) and isinstance(c["end"], int) and c["end"] - c["start"] == len(c["text"])
        assert isinstance(c["score"], float)
    note = next(c for c in out["citations"] if c["text"] == "（责任单位：市工信局、市发改委、市科技局）")
    assert note["section"].endswith("3. 未来能源")
    assert note["section"] == "三、发展重点 > （二）推动重点产业倍增发展 > 3. 未来能源"


def test_ask_json_refuses_an_application_procedure(env: dict[str, str]) -> None:
    out = _ask_json(env, "申请未来产业专项资金需要哪些材料？")
    assert out["answerable"] is False
    assert out["citations"] == []
    assert out["answer"].startswith("抱歉")


def test_ask_with_a_history_file(env: dict[str, str], tmp_path: Path) -> None:
    history = tmp_path / "history.json"
    history.write_text(json.dumps([
        {"role": "user", "content": "新一代光电由哪些部门负责？"},
        {"role": "assistant", "content": "「1. 新一代光电」的责任单位是：市工信局、市发改委、市科技局。"},
    ], ensure_ascii=False), encoding="utf-8")
    out = _ask_json(env, "--history", str(history), "那元宇宙呢？")
    assert out["rewritten_query"] == "元宇宙由哪些部门负责？"
    assert out["departments"] == ["市大数据委", "市科技局", "市市场监管局", "市商务局", "市自然资源和规划局", "市建设局", "市文旅局"]
    assert any(c["section"].endswith("5. 元宇宙") for c in out["citations"])


def test_ask_plain_text_prints_answer_and_numbered_quotes(env: dict[str, str]) -> None:
    result = CliRunner().invoke(app, ["ask", "这份文件的文号是多少？"], env=env)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "榕政办〔2023〕50号" in lines[0]
    assert "[1]" in lines[1] and "文头" in lines[1]
    assert "「榕政办〔2023〕50号」" in lines[2]


def test_a_bad_corpus_dir_prints_one_error_line_and_exits_1(env: dict[str, str], tmp_path: Path) -> None:
    bad = {**env, "POLICYQA_CORPUS_DIR": str(tmp_path / "no-such-corpus"), "POLICYQA_INDEX_DIR": str(tmp_path / "index")}
    result = CliRunner().invoke(app, ["ask", "哪些部门负责未来能源？", "--json"], env=bad)
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: ")
    assert "no-such-corpus" in lines[0]
    assert "Traceback" not in result.output


def test_an_unreadable_history_file_is_one_error_line(env: dict[str, str], tmp_path: Path) -> None:
    history = tmp_path / "history.json"
    history.write_text("[{not json", encoding="utf-8")
    result = CliRunner().invoke(app, ["ask", "--history", str(history), "那元宇宙呢？"], env=env)
    assert result.exit_code == 1
    assert result.stderr.startswith("error: cannot read history file")
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("command", ["fit-scorer", "fit-gate"])
def test_fitting_passes_its_l2_and_refuses_a_held_out_set(env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          command: str) -> None:
    import policyqa.answer.fit as fit

    seen: dict[str, object] = {}

    def fake(assistant, questions, out, **kw):  # type: ignore[no-untyped-def]
        seen.update(questions=questions, **kw)
        return {"ok": True}

    monkeypatch.setattr(fit, command.replace("-", "_"), fake)
    dev = tmp_path / "dev.jsonl"
    result = CliRunner().invoke(app, [command, "--questions", str(dev), "--l2", "0.25", "--out", str(tmp_path / "o.json")], env=env)
    assert result.exit_code == 0, result.output
    assert seen == {"questions": [dev], "l2": 0.25,
                    **({"unanswerable_weight": 2.0, "threshold_paths": None} if command == "fit-gate" else {})}
    held = CliRunner().invoke(app, [command, "--questions", "evals/holdout/questions_library.jsonl"], env=env)
    assert held.exit_code == 1 and "held-out" in held.output
    scored_only = CliRunner().invoke(app, [command, "--questions", "evals/questions_library_fresh8.jsonl"], env=env)
    assert scored_only.exit_code == 1 and "scored-only" in scored_only.output


def test_the_gate_threshold_can_be_chosen_on_other_dev_sets(env: dict[str, str], tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import policyqa.answer.fit as fit

    seen: dict[str, object] = {}
    monkeypatch.setattr(fit, "fit_gate", lambda assistant, questions, out, **kw: seen.update(questions=questions, **kw) or {})
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    ok = CliRunner().invoke(app, ["fit-gate", "--questions", str(a), "--threshold-questions", str(b), "--out", str(tmp_path / "o.json")], env=env)
    assert ok.exit_code == 0, ok.output
    assert seen["questions"] == [a] and seen["threshold_paths"] == [b]
    held = CliRunner().invoke(app, ["fit-gate", "--questions", str(a), "--threshold-questions", "evals/holdout/questions_library.jsonl"], env=env)
    assert held.exit_code == 1 and "held-out" in held.output
