"""The chat UI: its pure formatting helpers (escaping, citations, highlighting) on real answers, one chat step
with history, and a real headless chromium against a live server."""

from __future__ import annotations

import html
import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from notice_files import files  # noqa: F401  (fixture)

from policyqa.types import Answer, Clause, Document, DocumentMeta
from policyqa.ui import (
    REFUSAL_BADGE,
    answer_html,
    chat_reply,
    document_html,
    example_questions,
    question_html,
    quote_in_paragraph,
    sources_html,
)

Q_ENERGY = "哪些部门负责未来能源？"
ENERGY_UNITS = ("市工信局", "市发改委", "市科技局")
DOC_ID = "fuzhou_future_industries_2023"
SCRIPT = "<script>alert('x')</script>"
CHROMIUM = "/usr/bin/chromium"
WAIT_MS = 180_000  # a liveness bound, not a speed test: a loaded 2-core machine may take long to answer
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _text(fragment: str) -> str:
    """What a browser shows for an HTML fragment (tags dropped, entities decoded)."""
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


@pytest.fixture(scope="module")
def energy(assistant) -> Answer:  # type: ignore[no-untyped-def]
    return assistant.ask(Q_ENERGY)


@pytest.fixture(scope="module")
def by_id(assistant) -> dict[str, Document]:  # type: ignore[no-untyped-def]
    return {d.doc_id: d for d in assistant.documents}


# ============================================================================================ escaping
def test_a_question_with_markup_is_shown_escaped() -> None:
    shown = question_html(SCRIPT + "未来能源")
    assert "<script" not in shown
    assert "&lt;script&gt;" in shown
    assert _text(shown) == SCRIPT + "未来能源"


def test_answer_text_with_markup_is_escaped(energy: Answer) -> None:
    evil = replace(energy, answer='<img src=x onerror="alert(1)">',
                   citations=tuple(replace(c, section=SCRIPT, text="<b>x</b>") for c in energy.citations))
    out = answer_html(evil)
    assert "<img" not in out and "<script" not in out and "<b>" not in out
    assert '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;' in out


def test_document_text_with_markup_is_escaped_in_its_paragraph() -> None:
    text = "标题\n一、要求\n<b>加强</b>协调。（责任单位：市<i>工信</i>局）\n"
    start = text.index("（责任单位")
    clause = Clause("d:c0", "d", None, ("一、要求",), text.index("<b>"), text.index("\n", start), text[
        text.index("<b>"):text.index("\n", start)])
    doc = Document(DocumentMeta("d", "<script>t</script>"), text, (), (clause,))
    out = quote_in_paragraph(doc, start, clause.end)
    assert "<b>" not in out and "<i>" not in out
    assert out.startswith("&lt;b&gt;加强&lt;/b&gt;协调。<mark>（责任单位：市&lt;i&gt;工信&lt;/i&gt;局）</mark>")
    assert "<script" not in document_html(doc)


# ============================================================================================ answers and sources
def test_an_answer_carries_numbered_citations(energy: Answer) -> None:
    out = answer_html(energy)
    assert 'class="pq-answer"' in out
    for unit in ENERGY_UNITS:
        assert unit in out
    for c in energy.citations:
        assert f'href="#pq-src-{c.id}">[{c.id}]</a>' in out


def test_a_refusal_looks_different(assistant) -> None:  # type: ignore[no-untyped-def]
    refusal = assistant.ask("今天天气怎么样？")
    assert not refusal.answerable
    out = answer_html(refusal)
    assert 'class="pq-refusal"' in out and REFUSAL_BADGE in out and "pq-answer" not in out
    panel = sources_html(refusal, {})
    assert REFUSAL_BADGE in panel and 'class="pq-source"' not in panel
    assert html.escape(refusal.suggestions[0]) in panel


def test_sources_highlight_each_quote_inside_its_paragraph(energy: Answer, by_id: dict[str, Document]) -> None:
    panel = sources_html(energy, by_id)
    doc = by_id[DOC_ID]
    assert any(c.section.endswith("3. 未来能源") for c in energy.citations)
    for c in energy.citations:
        assert f'id="pq-src-{c.id}"' in panel
        assert html.escape(c.section) in panel
        assert f"<mark>{html.escape(c.text)}</mark>" in panel
        clause = next(cl for cl in doc.clauses if cl.start <= c.start and c.end <= cl.end)
        shown = _text(quote_in_paragraph(doc, c.start, c.end))
        if len(clause.text) <= 400:
            assert shown == doc.text[clause.start:clause.end]  # the whole paragraph around the quote
        else:
            assert c.text in shown and "…" in shown
    for unit in ENERGY_UNITS:
        assert f'<span class="pq-unit">{unit}</span>' in panel


def test_document_tab_shows_metadata_and_section_tree_with_units(by_id: dict[str, Document]) -> None:
    out = document_html(by_id[DOC_ID])
    assert "榕政办〔2023〕50号" in out and "福州市人民政府办公厅" in out and "2023年7月3日" in out
    assert "三、发展重点" in out and "（二）推动重点产业倍增发展" in out
    energy = out[out.index("3. 未来能源"):out.index("4. 深海空天开发")]
    assert [u for u in ENERGY_UNITS if f'<span class="pq-unit">{u}</span>' in energy] == list(ENERGY_UNITS)
    assert "不再列出" in out  # the 「以下均需…落实，不再列出」 note is shown where it is made


def test_example_questions_come_from_the_corpus_and_are_answerable(assistant) -> None:  # type: ignore[no-untyped-def]
    examples = example_questions(assistant.documents)
    assert len(examples) >= 2
    for q in examples:
        a = assistant.ask(q)
        assert a.answerable, (q, a.answer)


def test_every_document_of_another_layout_renders(multi_assistant) -> None:  # type: ignore[no-untyped-def]
    docs = multi_assistant.documents
    assert len(docs) == 3
    for d in docs:
        out = document_html(d)
        assert html.escape(d.meta.title) in out and "pq-tree" in out
    for q in example_questions(docs):
        assert multi_assistant.ask(q).answerable, q


# ============================================================================================ one chat step
def test_chat_reply_passes_history_so_follow_ups_work(assistant) -> None:  # type: ignore[no-untyped-def]
    turns, shown, first = chat_reply(assistant, Q_ENERGY, [], [])
    assert first is not None and set(ENERGY_UNITS) <= set(first.departments)
    turns, shown, follow = chat_reply(assistant, "那元宇宙呢？", turns, shown)
    assert follow is not None and "市大数据委" in follow.answer
    assert [t["role"] for t in turns] == ["user", "assistant", "user", "assistant"]
    assert turns[1]["content"] == first.answer  # the plain answer, not the HTML bubble
    assert len(shown) == 4 and "pq-answer" in shown[3]["content"]


def test_chat_reply_shows_an_input_error_in_the_chat(assistant) -> None:  # type: ignore[no-untyped-def]
    turns, shown, answer = chat_reply(assistant, "问" * 10_000, [], [])
    assert answer is None and turns == []
    assert "pq-error" in shown[-1]["content"] and "500" in shown[-1]["content"]


def test_chat_reply_escapes_the_question(assistant) -> None:  # type: ignore[no-untyped-def]
    _, shown, _ = chat_reply(assistant, SCRIPT + "未来能源", [], [])
    assert "<script" not in shown[0]["content"] and "&lt;script&gt;" in shown[0]["content"]


def test_build_ui_gives_blocks(assistant) -> None:  # type: ignore[no-untyped-def]
    import gradio as gr

    from policyqa.ui import build_ui

    assert isinstance(build_ui(assistant), gr.Blocks)


# ============================================================================================ real browser
@pytest.mark.slow
@pytest.mark.browser
def test_browser_asks_sees_citations_follows_up_and_screenshots(fuzhou_settings, assistant, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
        pytest.skip(f"Debian's chromium is not installed at {CHROMIUM} (apt-get install chromium chromium-driver, "
                    f"or `make browser-deps`)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright (the [test] extra)")
    from policyqa.api import BackgroundServer, create_app

    # API keys are set: the UI must keep working without one. Built after the server starts, as `policyqa serve` does
    app = create_app(fuzhou_settings.model_copy(update={"api_keys": "staff-only-key"}), assistant,
                     ui_in_background=True)
    with BackgroundServer(app) as server, sync_api.sync_playwright() as pw:
        assert app.state.ui.wait(timeout=120) == "ready"
        ctx = pw.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True,
            viewport={"width": 390, "height": 844}, locale="zh-CN")  # a phone-sized viewport
        page = ctx.new_page()
        try:
            dialogs: list[str] = []
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            console: list[str] = []  # shown if a step fails, with a screenshot: what the page said
            page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
            page.goto(server.url + "/", timeout=WAIT_MS)
            box = page.locator("#pq-input textarea")
            box.wait_for(timeout=WAIT_MS)

            box.fill(Q_ENERGY)
            box.press("Enter")
            page.locator("#pq-sources .pq-source").first.wait_for(timeout=WAIT_MS)
            chat = page.locator("#pq-chat")
            for unit in ENERGY_UNITS:
                assert unit in chat.inner_text()
            assert "[1]" in chat.locator(".pq-answer").first.inner_text()
            sources = page.locator("#pq-sources")
            assert "3. 未来能源" in sources.inner_text()
            assert "责任单位" in sources.locator("mark").first.inner_text()

            box.fill("那元宇宙呢？")
            box.press("Enter")
            page.wait_for_function("document.querySelectorAll('#pq-chat .pq-answer').length >= 2", timeout=WAIT_MS)
            assert "市大数据委" in chat.locator(".pq-answer").nth(1).inner_text()
            page.wait_for_function("document.querySelector('#pq-sources').innerText.includes('元宇宙')",
                                   timeout=WAIT_MS)
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), "overflows"
            page.screenshot(path=str(tmp_path / "ui-phone.png"), full_page=True)

            injected = '<img src=x onerror="alert(1)">今天天气怎么样？'
            box.fill(injected)
            box.press("Enter")
            page.locator("#pq-chat .pq-refusal").wait_for(timeout=WAIT_MS)
            assert injected in chat.inner_text()  # shown as text ...
            assert dialogs == []  # ... never run
            assert REFUSAL_BADGE in chat.locator(".pq-refusal").inner_text()

            page.locator("#pq-clear").click()
            page.wait_for_function("document.querySelectorAll('#pq-chat .pq-answer').length === 0", timeout=WAIT_MS)
            page.locator("#pq-examples button").first.click()  # a clickable example question
            page.locator("#pq-chat .pq-answer").first.wait_for(timeout=WAIT_MS)

            page.get_by_role("tab", name="文件目录").click()
            page.locator("#pq-doc-tree").get_by_text("3. 未来能源").wait_for(timeout=WAIT_MS)
            page.screenshot(path=str(tmp_path / "ui-documents.png"))
        except Exception as exc:
            page.screenshot(path=str(tmp_path / "ui-failure.png"), full_page=True)
            raise AssertionError(f"{exc}\nscreenshot: {tmp_path / 'ui-failure.png'}\nchat: "
                                 f"{page.locator('#pq-chat').inner_text(timeout=5_000)!r}\nconsole: {console}") from exc
        finally:
            ctx.close()
    assert (tmp_path / "ui-phone.png").stat().st_size > 10_000


def test_library_table_escapes_and_staff_key_check() -> None:
    from policyqa.errors import ForbiddenError
    from policyqa.library import LibraryEntry
    from policyqa.settings import Settings
    from policyqa.ui import check_staff_key, library_html

    e = LibraryEntry("x", "<script>alert(1)</script>", "榕政办〔2023〕50号", "x.docx", "x.docx", "docx",
                     "2026-11-30T03:36:01+00:00", "ab" * 32, 10, 7)
    out = library_html([e], "v1")
    assert "<script>" not in out and "&lt;script&gt;" in out and "Word" in out and "2026-11-30 03:36:01" in out
    with pytest.raises(ForbiddenError):
        check_staff_key(Settings(api_keys="k1"), "wrong")
    check_staff_key(Settings(api_keys="k1"), "k1")
    with pytest.raises(ForbiddenError):
        check_staff_key(Settings(), "")
    check_staff_key(Settings(allow_uploads=True), "")


def test_header_and_catalog_follow_added_notices(tmp_path, files) -> None:  # type: ignore[no-untyped-def]
    from policyqa.library import Library
    from policyqa.pipeline import Assistant
    from policyqa.ui import build_ui
    from test_live_library import small_library

    s = small_library(tmp_path)
    a = Assistant(s, progress=False)
    lib = Library(s, a.embedder)
    demo = build_ui(a, library=lib)
    fns = [f.fn for f in demo.fns.values()]
    catalog = next(f for f in fns if getattr(f, "__name__", "") == "catalog")
    header = next(f for f in fns if getattr(f, "__name__", "") == "<lambda>" and "header_html" in f.__code__.co_names)
    assert "依据 2 份文件" in header()
    lib.add([("fuzhou.docx", files["docx"].read_bytes())])
    a.refresh()
    assert "依据 3 份文件" in header()
    picker, tree = catalog("guangan_charity_2016")
    assert "fuzhou" in {v for _, v in picker["choices"]} and picker["value"] == "guangan_charity_2016" and tree
