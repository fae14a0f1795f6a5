"""The benchmark: metric functions on small hand-made data, the report, --url parity, and the quality gate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from policyqa.baseline import calibrate_refusal_threshold
from policyqa.evaluate import (
    CitedSpan,
    Outcome,
    Question,
    QuestionSetError,
    aggregate,
    canonical_departments,
    check_thresholds,
    citation_is_valid,
    department_counts,
    departments_in_answer,
    evidence_rank,
    find_previous,
    hit_at,
    is_strictly_correct,
    judge,
    key_coverage,
    load_questions,
    match_key,
    mean_reciprocal_rank,
    missing_items,
    parse_question,
    percentile,
    precision_recall_f1,
    refusal_rates,
    render_markdown,
    result_paths,
    run_eval,
)
from policyqa.text.aliases import AliasTable

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = ROOT / "evals" / "questions.jsonl"
QUESTIONS_MULTI = ROOT / "evals" / "questions_multi.jsonl"
QUESTIONS_LIBRARY = ROOT / "evals" / "questions_library.jsonl"
THRESHOLDS = ROOT / "evals" / "thresholds.json"

# a slice of the Fuzhou notice as the normalized document holds it
DOC = ("3. 未来能源。聚焦储能变流器及系统集成解决方案、燃料电池等领域，实现氢能商业化应用。"
       "（责任单位：市工信局、市发改委、市科技局）")
DOCS = {"fuzhou": DOC}
RESP = "（责任单位：市工信局、市发改委、市科技局）"


def cite(text: str, doc_id: str = "fuzhou") -> CitedSpan:
    start = DOC.find(text)
    return CitedSpan(doc_id, "三、发展重点 > （二）推动重点产业倍增发展 > 3. 未来能源", text, start, start + len(text))


def question(**kw: object) -> Question:
    base: dict[str, object] = dict(
        id="fz-resp-004", question="未来能源归哪些单位负责？", history=(), type="responsibility", answerable=True,
        evidence=("实现氢能商业化应用",), must_include=(("市工信局",), ("市发改委",), ("市科技局",)),
        departments=("市工信局", "市发改委", "市科技局"), doc_id="fuzhou",
    )
    base.update(kw)
    return Question(**base)  # type: ignore[arg-type]


def outcome(answer: str, answerable: bool = True, citations: tuple[CitedSpan, ...] = (), qid: str = "fz-resp-004",
            **kw: object) -> Outcome:
    return Outcome(qid, answer, answerable, citations, 10.0, **kw)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def aliases() -> AliasTable:
    return AliasTable(["市工信局", "市发改委", "市科技局", "市商务局", "广安经开区", "川渝高竹新区管委会"])


# ------------------------------------------------------------------------------------------ text matching
def test_match_key_folds_width_whitespace_and_bold() -> None:
    assert match_key("打造 20 个以上\n重大应用场景") == "打造20个以上重大应用场景"
    assert match_key("（责任单位：市工信局）") == match_key("(责任单位:市工信局)")
    assert match_key("**“六个一”**工作机制") == "“六个一”工作机制"
    assert match_key("榕政办〔2023〕50号") == "榕政办〔2023〕50号"  # NFKC leaves 〔〕 alone


def test_evidence_rank_is_the_first_citation_holding_any_evidence() -> None:
    texts = [RESP, "3. 未来能源。聚焦储能变流器及系统集成解决方案"]
    assert evidence_rank(texts, ["未来能源。聚焦储能变流器", "不存在的句子"]) == 2
    assert evidence_rank(texts, ["市工信局、市发改委、市科技局"]) == 1
    assert evidence_rank(texts, ["量子计算"]) is None
    assert evidence_rank([], ["量子计算"]) is None
    # a page break of the source file splits the quoted sentence: whitespace never decides a match
    assert evidence_rank(["强化原始创新和\n\n颠覆性创新"], ["强化原始创新和颠覆性创新"]) == 1


def test_hit_at_and_mrr() -> None:
    ranks = [1, 3, None, 2]
    assert hit_at(ranks, 1) == 0.25
    assert hit_at(ranks, 3) == 0.75
    assert hit_at(ranks, 5) == 0.75
    assert mean_reciprocal_rank(ranks) == pytest.approx((1 + 1 / 3 + 1 / 2) / 4)
    assert hit_at([], 1) is None and mean_reciprocal_rank([]) is None


def test_key_coverage_with_alternatives() -> None:
    must = [["榕政办〔2023〕50号", "榕政办[2023]50号"], "福州市人民政府办公厅"]
    assert missing_items("本文件的文号是榕政办[2023]50号。", must) == [("福州市人民政府办公厅",)]
    assert key_coverage("本文件的文号是榕政办[2023]50号。", must) == 0.5
    assert key_coverage("福州市人民政府办公厅印发，榕政办〔2023〕50号", must) == 1.0
    assert key_coverage("到 2030 年", [["2030年", "2030"]]) == 1.0
    assert key_coverage("任何回答", []) is None


# ------------------------------------------------------------------------------------------ departments
def test_departments_match_through_aliases(aliases: AliasTable) -> None:
    assert canonical_departments(["市工业和信息化局", "市工信局", "各县(市)区人民政府"], aliases) == (
        "市工信局", "各县（市）区人民政府")
    found = departments_in_answer("「3. 未来能源」的责任单位是：福州市工业和信息化局、市发改委、市科技局。", aliases)
    assert found == ("市工信局", "市发改委", "市科技局")
    # the Guang'an text writes 「广安经开区、川渝高竹新区管委会」: 广安经开区管委会 is the same unit
    gold = canonical_departments(["广安经开区", "川渝高竹新区管委会"], aliases)
    assert set(departments_in_answer("广安经开区管委会、川渝高竹新区管委会", aliases)) == set(gold)


def test_department_counts_and_micro_f1() -> None:
    assert department_counts(["市工信局", "市商务局"], ["市工信局", "市发改委"]) == (1, 1, 1)
    assert precision_recall_f1(1, 1, 1) == (0.5, 0.5, 0.5)
    assert precision_recall_f1(3, 0, 1) == (1.0, 0.75, pytest.approx(6 / 7))
    assert precision_recall_f1(0, 0, 2) == (None, 0.0, None)  # nothing predicted: precision undefined
    assert precision_recall_f1(0, 0, 0) == (None, None, None)


# ------------------------------------------------------------------------------------------ refusal, citations, latency
def test_refusal_rates() -> None:
    gold = [True, True, True, True, False, False]
    refused = [False, False, False, True, True, False]
    assert refusal_rates(gold, refused) == (0.5, 0.25)
    assert refusal_rates([True], [False]) == (None, 0.0)


def test_citation_validity_is_an_exact_span() -> None:
    assert citation_is_valid(cite(RESP), DOCS)
    c = cite(RESP)
    assert not citation_is_valid(CitedSpan(c.doc_id, c.section, c.text, c.start + 1, c.end + 1), DOCS)
    assert not citation_is_valid(CitedSpan(c.doc_id, c.section, "（责任单位：市工信局）", c.start, c.end), DOCS)
    assert not citation_is_valid(CitedSpan("guangan", c.section, c.text, c.start, c.end), DOCS)
    assert not citation_is_valid(CitedSpan("fuzhou", "", "", 0, 0), DOCS)


def test_percentile_interpolates_like_numpy() -> None:
    assert percentile([40, 10, 30, 20], 50) == 25
    assert percentile([10, 20, 30, 40], 95) == pytest.approx(38.5)
    assert percentile([7], 95) == 7
    assert percentile([], 50) is None


def test_strict_correctness_rules() -> None:
    assert is_strictly_correct(True, False, "", [], [])
    assert not is_strictly_correct(True, True, "", [], [])  # refused an answerable question
    assert not is_strictly_correct(True, False, "", [("市科技局",)], [])
    assert not is_strictly_correct(True, False, "", [], ["市商务局"])
    assert is_strictly_correct(False, True, "", [], [])
    assert not is_strictly_correct(False, False, "", [], [])
    assert not is_strictly_correct(False, True, "HTTP 500", [], [])


# ------------------------------------------------------------------------------------------ judging and aggregating
def test_judge_responsibility_answers(aliases: AliasTable) -> None:
    q = question()
    good = judge(q, outcome("「3. 未来能源」的责任单位是：市工信局、市发改委、市科技局。",
                            citations=(cite(RESP), cite("实现氢能商业化应用。"))), aliases, DOCS)
    assert good.correct and good.evidence_rank == 2 and good.key_coverage == 1.0
    assert good.valid_citations == good.citations == 2 and good.failure == ""

    extra = judge(q, outcome("责任单位是：市工信局、市发改委、市科技局、市商务局。"), aliases, DOCS)
    assert not extra.correct and extra.wrong_departments == ("市商务局",)
    assert extra.failure == "named a wrong department" and extra.evidence_rank is None

    partial = judge(q, outcome("责任单位是：市工信局、市发改委。"), aliases, DOCS)
    assert partial.missing == ("市科技局",) and partial.missed_departments == ("市科技局",)
    assert partial.key_coverage == pytest.approx(2 / 3) and partial.failure == "missing required content"

    refused = judge(q, outcome("抱歉，现有文件中没有找到能回答这个问题的内容。", answerable=False), aliases, DOCS)
    assert refused.refused and refused.key_coverage == 0 and refused.failure == "refused an answerable question"


def test_judge_unanswerable_and_errors(aliases: AliasTable) -> None:
    q = question(id="fz-unans-001", question="未来能源专项资金每年安排多少亿？", type="unanswerable", answerable=False,
                 evidence=(), must_include=(), departments=(), doc_id="")
    ok = judge(q, outcome("抱歉，没有找到。", answerable=False, qid=q.id), aliases, DOCS)
    assert ok.correct and ok.refused and ok.key_coverage is None and ok.evidence_rank is None
    bad = judge(q, outcome("聚焦储能变流器……", qid=q.id), aliases, DOCS)
    assert not bad.correct and bad.failure == "answered an unanswerable question"
    err = judge(q, outcome("", answerable=False, qid=q.id, error="HTTP 422: too long"), aliases, DOCS)
    assert not err.correct and not err.refused and err.failure == "error"
    with pytest.raises(ValueError):
        judge(q, outcome("x", qid="other"), aliases, DOCS)


def test_aggregate(aliases: AliasTable) -> None:
    q = question()
    u = question(id="fz-unans-001", type="unanswerable", answerable=False, evidence=(), must_include=(),
                 departments=(), doc_id="")
    js = [
        judge(q, outcome("市工信局、市发改委、市科技局", citations=(cite(RESP), cite("实现氢能商业化应用。"))), aliases, DOCS),
        judge(q, outcome("市工信局、市商务局", citations=(cite("实现氢能商业化应用。"),)), aliases, DOCS),
        judge(u, outcome("没有找到", answerable=False, qid=u.id), aliases, DOCS),
        judge(u, outcome("燃料电池", qid=u.id), aliases, DOCS),
    ]
    m = aggregate(js)
    assert (m["n"], m["n_answerable"], m["strict_correct"]) == (4, 2, 2)
    assert m["strict_accuracy"] == 0.5
    assert m["hit@1"] == 0.5 and m["hit@3"] == 1.0 and m["mrr"] == 0.75
    # micro over both responsibility questions: tp 3+1, fp 0+1, fn 0+2
    assert m["department_precision"] == 0.8 and m["department_recall"] == pytest.approx(4 / 6)
    assert m["refusal_accuracy"] == 0.5 and m["false_refusal_rate"] == 0.0
    assert m["citation_validity"] == 1.0 and m["citations"] == 3
    assert m["answer_chars_median"] == 9 and m["errors"] == 0
    assert check_thresholds(m, {"strict_accuracy": 0.5, "citation_validity": 1.0}) == []
    assert check_thresholds(m, {"strict_accuracy": 0.6, "department_f1": 0.0, "nonexistent": 0.1}) == [
        "strict_accuracy = 0.500 < threshold 0.6", "nonexistent = — < threshold 0.1"]


# ------------------------------------------------------------------------------------------ loading
def test_question_sets_load() -> None:
    main, multi = load_questions(QUESTIONS), load_questions(QUESTIONS_MULTI)
    assert (len(main.questions), main.label) == (215, "")
    assert (len(multi.questions), multi.label) == (58, "multi")
    assert len(main.sha256) == 64
    fu = next(q for q in main.questions if q.type == "followup")
    assert fu.history and fu.history_dicts()[0]["role"] == "user"


def test_loader_names_the_bad_line(tmp_path: Path) -> None:
    good = QUESTIONS.read_text(encoding="utf-8").splitlines()[0]
    cases = {
        "{\"id\": ": "",  # not JSON
        json.dumps({k: v for k, v in json.loads(good).items() if k != "evidence"}): "missing field.s.: evidence",
        good: "duplicate id 'fz-meta-001' .first on line 1.",
        json.dumps({**json.loads(good), "id": "x1", "type": "trivia"}): "unknown type 'trivia'",
        json.dumps({**json.loads(good), "id": "x2", "must_include": [3]}): "must_include item 3",
    }
    p = tmp_path / "q.jsonl"
    for bad, message in cases.items():
        p.write_text(good + "\n" + bad + "\n", encoding="utf-8")
        with pytest.raises(QuestionSetError, match=r"q\.jsonl:2: " + message):
            load_questions(p)
    with pytest.raises(QuestionSetError, match="cannot read"):
        load_questions(tmp_path / "missing.jsonl")
    with pytest.raises(ValueError, match="unanswerable item"):
        parse_question({**json.loads(good), "answerable": False})


def test_baseline_threshold_calibration() -> None:
    scores = [0.9, 0.85, 0.8, 0.7, 0.75, 0.6, 0.65]
    answerable = [True, True, True, True, False, False, False]
    cal = calibrate_refusal_threshold(scores, answerable, max_false_refusal=0.0)
    assert cal.threshold == 0.7 and cal.refusal_accuracy == pytest.approx(2 / 3) and cal.false_refusal_rate == 0
    loose = calibrate_refusal_threshold(scores, answerable, max_false_refusal=0.25)
    assert loose.threshold == 0.8 and loose.refusal_accuracy == 1.0 and loose.false_refusal_rate == 0.25
    never = calibrate_refusal_threshold([0.5, 0.9], [True, False], max_false_refusal=0.0)
    assert never.refusal_accuracy == 0.0 and never.threshold == -1.0


# ------------------------------------------------------------------------------------------ end to end
def _subset(n_per_type: int = 2) -> list[Question]:
    seen: dict[str, int] = {}
    out = []
    for q in load_questions(QUESTIONS).questions:
        if seen.get(q.type, 0) < n_per_type:
            seen[q.type] = seen.get(q.type, 0) + 1
            out.append(q)
    return out


def test_report_and_previous_result(assistant, fuzhou_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from policyqa.evaluate import QuestionSet

    qs = QuestionSet("questions", QUESTIONS, "0" * 64, tuple(_subset()))
    result = run_eval(fuzhou_settings, qs, assistant=assistant, progress=False)
    assert result["dataset"]["name"] == "questions" and result["systems"]["policyqa"]["index_manifest"]["corpus_hash"]
    assert result["metrics"]["policyqa"]["citation_validity"] == 1.0
    assert {o["id"] for o in result["outcomes"]} == {q.id for q in qs.questions}
    json_path, md_path = result_paths(tmp_path, qs.label, "2030-01-01", "abc1234")
    assert (json_path.name, md_path.name) == ("2030-01-01-abc1234.json", "latest.md")
    older = {**result, "time": "2000-01-01T00:00:00+00:00",
             "outcomes": [{**o, "policyqa": {**o["policyqa"], "correct": not o["policyqa"]["correct"]}}
                          for o in result["outcomes"]]}
    (tmp_path / "2000-01-01-0000000.json").write_text(json.dumps(older, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "bench-2031-01-01-abc.json").write_text(json.dumps({"time": "2031"}), encoding="utf-8")
    prev = find_previous(tmp_path, "questions", json_path)
    assert prev is not None and prev[0].name == "2000-01-01-0000000.json"
    md = render_markdown(result, json_path, prev)
    for heading in ("## Summary", "## By question type", "## Change against the previous result", "## Failing questions"):
        assert heading in md
    assert "| strict accuracy |" in md and "now passing" in md


def test_url_mode_gives_the_same_numbers(assistant, fuzhou_settings) -> None:  # type: ignore[no-untyped-def]
    api = pytest.importorskip("policyqa.api")
    from policyqa.evaluate import QuestionSet

    qs = QuestionSet("questions", QUESTIONS, "0" * 64, tuple(_subset()))
    local = run_eval(fuzhou_settings, qs, assistant=assistant, progress=False)
    with api.BackgroundServer(api.create_app(fuzhou_settings, assistant, ui=False)) as srv:
        remote = run_eval(fuzhou_settings, qs, url=srv.url, progress=False)
    skip = {"latency_p50_ms", "latency_p95_ms"}
    ours, theirs = local["metrics"]["policyqa"], remote["metrics"]["policyqa"]
    assert {k: v for k, v in ours.items() if k not in skip and k != "by_type"} == \
        {k: v for k, v in theirs.items() if k not in skip and k != "by_type"}
    assert [o["policyqa"]["answer"] for o in local["outcomes"]] == [o["policyqa"]["answer"] for o in remote["outcomes"]]


# ------------------------------------------------------------------------------------------ the gate
def _gate(settings, assistant, questions: Path, section: str) -> None:  # type: ignore[no-untyped-def]
    minimums = json.loads(THRESHOLDS.read_text(encoding="utf-8"))[section]["min"]
    result = run_eval(settings, questions, assistant=assistant, progress=False)
    m = result["metrics"]["policyqa"]
    violations = check_thresholds(m, minimums)
    if violations:
        failing = [o for o in result["outcomes"] if not o["policyqa"]["correct"]]
        lines = [f"{o['id']} [{o['type']}] {o['question']}\n    expected {o['expected']['must_include'] or 'a refusal'}"
                 f" depts {o['expected']['departments']}\n    got ({o['policyqa']['failure']}; "
                 f"{o['policyqa']['refusal_reason']}) {o['policyqa']['answer'][:160]}" for o in failing]
        print(f"{len(failing)} failing question(s):\n" + "\n".join(lines))
        pytest.fail(f"{questions.name} below thresholds in evals/thresholds.json: " + "; ".join(violations))


def test_gate_questions(assistant, fuzhou_settings) -> None:  # type: ignore[no-untyped-def]
    """The full Fuzhou set in-process must stay at or above evals/thresholds.json (never lower them to pass)."""
    _gate(fuzhou_settings, assistant, QUESTIONS, "questions")


@pytest.mark.slow
def test_gate_questions_multi(multi_assistant) -> None:  # type: ignore[no-untyped-def]
    _gate(multi_assistant.settings, multi_assistant, QUESTIONS_MULTI, "questions_multi")


@pytest.mark.slow
def test_gate_questions_library(library_assistant) -> None:  # type: ignore[no-untyped-def]
    """The dev set over all 26 notices (the holdout in evals/holdout/ is reported, never gated or tuned on)."""
    _gate(library_assistant.settings, library_assistant, QUESTIONS_LIBRARY, "questions_library")


@pytest.mark.slow
@pytest.mark.parametrize("stem", ["questions_library_fresh", "questions_library_fresh2", "questions_library_fresh3",
                                  "questions_library_fresh4", "questions_library_fresh5", "questions_library_fresh6",
                                  "questions_library_fresh7", "questions_library_fresh8", "questions_library_fresh9",
                                  "questions_library_fresh10", "questions_library_fresh11", "questions_library_fresh12",
                                  "questions_library_fresh13", "questions_library_fresh14", "questions_library_fresh15",
                                  "questions_library_fresh16", "questions_library_fresh17", "questions_library_fresh18",
                                  "questions_library_fresh19", "questions_library_fresh20", "questions_library_fresh21",
                                  "questions_library_fresh22", "questions_library_fresh23", "questions_library_fresh24",
                                  "questions_library_fresh25"])
def test_gate_blind_written_dev_sets(library_assistant, stem: str) -> None:  # type: ignore[no-untyped-def]
    """The sets written blind hold their measured level too (fresh–fresh5, fresh7 and fresh10–fresh25 tuned on since
    they were first scored; fresh6, fresh8 and fresh9 scored blind and not read since)."""
    _gate(library_assistant.settings, library_assistant, ROOT / "evals" / f"{stem}.jsonl", stem)
