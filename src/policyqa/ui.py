"""Chat UI (Gradio), mounted at / by ``api.create_app``. Answers come from ``Assistant.ask`` only; this module
formats them. The formatting helpers are pure functions that escape every user- or document-derived string."""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from policyqa.errors import PolicyQAError
from policyqa.pipeline import Assistant
from policyqa.types import Answer, Citation, Document, Section

PARAGRAPH_MAX_CHARS = 400  # context shown around a quote before it is trimmed with 「…」
REFUSAL_BADGE = "未找到依据"
EMPTY_SOURCES = ('<div class="pq-sources pq-empty">提问后，这里显示答案所引用的原文：文件、章节路径，'
                 '以及引文在原段落中的位置（高亮）。</div>')

UI_CSS = """
.gradio-container { max-width: 1200px !important; margin: 0 auto; }
#pq-header h1 { font-size: 1.5rem; margin: .2rem 0; }
#pq-header p { margin: .1rem 0; color: var(--body-text-color-subdued); }
.pq-answer p, .pq-refusal p, .pq-error p { margin: .2rem 0; }
.pq-ref { font-size: .75em; vertical-align: super; text-decoration: none; margin-left: 1px; color: var(--color-accent); }
.pq-notes { margin: .4rem 0 0; padding-left: 0; list-style: none; font-size: .85em; color: var(--body-text-color-subdued); }
.pq-notes li { margin: .1rem 0; }
.pq-refusal { border-left: 4px solid #d97706; background: rgba(217, 119, 6, .08); padding: .4rem .6rem; border-radius: 4px; }
.pq-badge { display: inline-block; background: #b45309; color: #fff; border-radius: 999px; padding: 0 .6em;
            font-size: .8em; margin-bottom: .2rem; }
.pq-error { border-left: 4px solid #dc2626; background: rgba(220, 38, 38, .08); padding: .4rem .6rem; border-radius: 4px; }
.pq-depts { margin-top: .3rem; }
.pq-unit { display: inline-block; border: 1px solid var(--border-color-primary); border-radius: 999px;
           padding: 0 .5em; margin: .1rem .15rem; font-size: .85em; background: var(--background-fill-secondary); }
.pq-sources { display: flex; flex-direction: column; gap: .6rem; }
.pq-sources h3 { margin: 0 0 .2rem; font-size: 1rem; }
.pq-empty { color: var(--body-text-color-subdued); padding: .6rem; }
.pq-source { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: .6rem .7rem;
             background: var(--background-fill-primary); }
.pq-source-head { font-weight: 600; }
.pq-num { display: inline-block; min-width: 1.4em; text-align: center; border-radius: 4px; margin-right: .3em;
          background: var(--color-accent); color: #fff; font-size: .85em; }
.pq-path { color: var(--body-text-color-subdued); font-size: .85em; margin: .15rem 0 .35rem; }
.pq-para { margin: 0; padding: .3rem .5rem; border-left: 3px solid var(--border-color-primary); line-height: 1.7;
           font-size: .92em; }
.pq-para mark { background: #fde68a; color: inherit; padding: 0 1px; border-radius: 2px; }
.dark .pq-para mark { background: #854d0e; color: #fff; }
.pq-doc dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem .8rem; margin: .4rem 0 .8rem; }
.pq-doc dt { color: var(--body-text-color-subdued); }
.pq-doc dd { margin: 0; }
.pq-tree, .pq-tree ul { list-style: none; padding-left: 1.1rem; margin: .1rem 0; }
.pq-tree { padding-left: 0; }
.pq-tree summary { cursor: pointer; }
.pq-tree .pq-label { font-weight: 500; }
.pq-note { color: var(--body-text-color-subdued); font-size: .85em; }
.pq-library table { width: 100%; border-collapse: collapse; font-size: .9em; }
.pq-library th, .pq-library td { border-bottom: 1px solid var(--border-color-primary); padding: .3rem .4rem; text-align: left; }
#pq-examples button { white-space: normal; }
@media (max-width: 640px) {
  .gradio-container { padding: 4px !important; }
  #pq-header h1 { font-size: 1.2rem; }
  #pq-chat { height: 58vh !important; }
  .pq-doc dl { grid-template-columns: 1fr; }
  .pq-doc dt { font-weight: 600; }
}
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


# ============================================================================================ chat bubbles
def question_html(question: str) -> str:
    """A user's question as shown in the chat: escaped, so typed markup is shown, never run."""
    return f'<div class="pq-question">{_e(question)}</div>'


def answer_html(answer: Answer) -> str:
    """An answer bubble: the text with numbered citation marks and a short list of what each mark quotes.
    A refusal gets its own style and the 「未找到依据」 badge."""
    if not answer.answerable:
        return (f'<div class="pq-refusal"><span class="pq-badge">{REFUSAL_BADGE}</span>'
                f'<p>{_e(answer.answer)}</p></div>')
    marks = "".join(f'<a class="pq-ref" href="#pq-src-{c.id}">[{c.id}]</a>' for c in answer.citations)
    notes = "".join(
        f'<li>[{c.id}] {_e(c.section.split(" > ")[-1] or c.doc_title)} · 「{_e(_clip(c.text, 40))}」</li>'
        for c in answer.citations)
    notes_html = f'<ol class="pq-notes">{notes}</ol>' if notes else ""
    return f'<div class="pq-answer"><p>{_e(answer.answer)}{marks}</p>{notes_html}</div>'


def error_html(message: str) -> str:
    return f'<div class="pq-error"><p>{_e(message)}</p></div>'


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


# ============================================================================================ sources panel
def quote_in_paragraph(doc: Document, start: int, end: int) -> str:
    """The paragraph (clause) holding text[start:end], escaped, with the quote inside ``<mark>``; a long
    paragraph is trimmed around the quote."""
    if not (0 <= start <= end <= len(doc.text)):
        return ""
    clause = next((c for c in doc.clauses if c.start <= start and end <= c.end), None)
    if clause is not None:
        p_start, p_end = clause.start, clause.end
    else:  # e.g. a metadata line such as the 文号, outside the body paragraphs
        p_start = doc.text.rfind("\n", 0, start) + 1
        nl = doc.text.find("\n", end)
        p_end = len(doc.text) if nl < 0 else nl
    room = max(0, PARAGRAPH_MAX_CHARS - (end - start)) // 2
    lo, hi = max(p_start, start - room), min(p_end, end + room)
    before = ("…" if lo > p_start else "") + doc.text[lo:start]
    after = doc.text[end:hi] + ("…" if hi < p_end else "")
    return f"{_e(before)}<mark>{_e(doc.text[start:end])}</mark>{_e(after)}"


def citation_card(c: Citation, doc: Document | None) -> str:
    if doc is not None and doc.text[c.start : c.end] == c.text:
        para = quote_in_paragraph(doc, c.start, c.end)
    else:  # the quote is not (or no longer) at its span: show it alone rather than a wrong context
        para = f"<mark>{_e(c.text)}</mark>"
    return (f'<div class="pq-source" id="pq-src-{c.id}">'
            f'<div class="pq-source-head"><span class="pq-num">{c.id}</span>{_e(c.doc_title)}</div>'
            f'<div class="pq-path">{_e(c.section or "（正文）")}{_e(" · " + c.origin if c.origin else "")}</div>'
            f'<blockquote class="pq-para">{para}</blockquote></div>')


def sources_html(answer: Answer, documents: Mapping[str, Document]) -> str:
    """The sources panel for one answer: each citation's document, section path and highlighted quote."""
    if not answer.answerable:
        near = "".join(f"<li>{_e(s)}</li>" for s in answer.suggestions)
        near_html = f"<p>与问题最接近的章节：</p><ul>{near}</ul>" if near else ""
        return (f'<div class="pq-sources"><div class="pq-refusal"><span class="pq-badge">{REFUSAL_BADGE}</span>'
                f"<p>文件中没有能回答这个问题的内容，因此没有引用。</p>{near_html}</div></div>")
    if not answer.citations:
        return '<div class="pq-sources pq-empty">这个回答没有可引用的原文段落。</div>'
    cards = "".join(citation_card(c, documents.get(c.doc_id)) for c in answer.citations)
    depts = "".join(f'<span class="pq-unit">{_e(d)}</span>' for d in answer.departments)
    depts_html = f'<div class="pq-depts">责任单位：{depts}</div>' if depts else ""
    return f'<div class="pq-sources"><h3>引用原文（{len(answer.citations)}）</h3>{depts_html}{cards}</div>'


# ============================================================================================ document browser
def _units_html(units: Iterable[str], has_etc: bool) -> str:
    chips = "".join(f'<span class="pq-unit">{_e(u)}</span>' for u in units)
    return chips + ("等" if has_etc and chips else "")


def document_html(doc: Document) -> str:
    """Metadata and the section tree of one document, each section with the 责任单位 of its paragraphs."""
    m = doc.meta
    fields = [("文号", m.doc_number), ("发文机关", m.issuer),
              ("成文日期", f"{m.date_text}（{m.date}）" if m.date_text and m.date else m.date_text or m.date),
              ("主送机关", m.recipients), ("附件", "；".join(m.attachments)), ("附注", " ".join(m.notes)),
              ("施行", m.effective)]
    meta = "".join(f"<dt>{k}</dt><dd>{_e(v)}</dd>" for k, v in fields if v)
    by_section: dict[str, list[Any]] = {}
    for c in doc.clauses:
        if c.section_id and c.responsibility:
            by_section.setdefault(c.section_id, []).append(c.responsibility)
    children: dict[str | None, list[Section]] = {}
    for s in doc.sections:
        children.setdefault(s.parent_id, []).append(s)

    def node(s: Section) -> str:
        resp = "".join(
            f'<div class="pq-resp">责任单位：{_units_html(r.units, r.has_etc)}</div>'
            + (f'<div class="pq-note">{_e(r.note)}</div>' if r.note else "")
            for r in by_section.get(s.id, []))
        label = f'<span class="pq-label">{_e(s.label)}</span>'
        kids = children.get(s.id, [])
        if not kids:
            return f"<li>{label}{resp}</li>"
        inner = "".join(node(k) for k in kids)
        return f"<li><details open><summary>{label}</summary>{resp}<ul>{inner}</ul></details></li>"

    tree = "".join(node(s) for s in children.get(None, []))
    return (f'<div class="pq-doc"><h3>{_e(m.title)}</h3><dl>{meta}</dl>'
            f'<ul class="pq-tree">{tree or "<li>（未识别出章节）</li>"}</ul></div>')


# ============================================================================================ examples
def example_questions(documents: Sequence[Document]) -> list[str]:
    """Clickable examples drawn from the corpus itself, so they are answerable whatever it holds."""
    out: list[str] = []
    resp = [(d, c) for d in documents for c in d.clauses if c.responsibility and c.section_path]
    short = [title for d, c in resp
             if (title := _section_title(d, c.section_id)) and 2 <= len(title) <= 8]
    if short:
        out.append(f"哪些部门负责{short[min(2, len(short) - 1)]}？")
    counts = Counter(u for _, c in resp for u in c.responsibility.units)  # type: ignore[union-attr]
    if counts and counts.most_common(1)[0][1] >= 2:
        out.append(f"{counts.most_common(1)[0][0]}负责哪些工作？")
    for sections in (d.sections for d in documents):
        parents = {s.parent_id for s in sections}
        tops = [s for s in sections if s.level == 1 and s.id in parents and 2 <= len(s.title) <= 8]
        if tops:
            out.append(f"{tops[-1].title}有哪些？")
            break
    return out


def _section_title(doc: Document, section_id: str | None) -> str:
    return next((s.title for s in doc.sections if s.id == section_id), "")


def header_html(documents: Sequence[Document]) -> str:
    names = "、".join(f"《{_e(d.meta.title)}》" for d in documents[:3]) + ("等" if len(documents) > 3 else "")
    return (f'<div id="pq-header"><h1>政策文件问答</h1>'
            f"<p>依据 {len(documents)} 份文件作答：{names}。回答均摘自原文并标明出处；"
            f"文件中找不到依据时会明确告知。支持简体和繁体，可以连续追问。</p></div>")


# ============================================================================================ one chat step
Messages = list[dict[str, str]]


def chat_reply(assistant: Assistant, message: str, turns: Messages,
               shown: Messages) -> tuple[Messages, Messages, Answer | None]:
    """One turn of the chat: ask with the recent plain-text history, then return the new plain history,
    the new displayed (HTML) chat and the answer (None when the question was refused as input, e.g. too long:
    the error is shown in the chat instead)."""
    max_turns = assistant.settings.max_history_turns
    recent = turns[-max_turns:] if max_turns else []  # only recent turns can be referred to
    asked = {"role": "user", "content": question_html(message)}
    try:
        answer = assistant.ask(message, recent)
    except PolicyQAError as exc:
        return turns, shown + [asked, {"role": "assistant", "content": error_html(exc.message)}], None
    turns = turns + [{"role": "user", "content": message}, {"role": "assistant", "content": answer.answer}]
    return turns, shown + [asked, {"role": "assistant", "content": answer_html(answer)}], answer


# ============================================================================================ 文件管理
FORMAT_LABELS = {"txt": "文本", "md": "Markdown", "docx": "Word", "pdf": "PDF", "html": "网页"}


def library_html(entries: Sequence[Any], version: str = "") -> str:
    """The library as a table: id, title, 文号, format, source file, added time, passages, checksum."""
    if not entries:
        return '<div class="pq-empty">知识库中还没有文件。</div>'
    rows = "".join(
        f"<tr><td><code>{_e(e.doc_id)}</code></td><td>{_e(e.title)}</td><td>{_e(e.doc_number)}</td>"
        f"<td>{_e(FORMAT_LABELS.get(e.format, e.format))}</td><td>{_e(e.original_name)}</td>"
        f"<td>{_e(e.added_at.replace('T', ' ').split('+')[0])}</td><td>{e.chunks}</td>"
        f"<td><code title=\"{_e(e.sha256)}\">{_e(e.sha256[:10])}</code></td></tr>" for e in entries)
    note = f'<p class="pq-note">共 {len(entries)} 个文件；索引版本 <code>{_e(version)}</code></p>' if version else ""
    return (f'<div class="pq-library">{note}<table><thead><tr><th>编号</th><th>标题</th><th>文号</th><th>格式</th>'
            f"<th>原文件</th><th>加入时间（UTC）</th><th>段落</th><th>校验和</th></tr></thead><tbody>{rows}"
            f"</tbody></table></div>")


def check_staff_key(settings: Any, key: str | None) -> None:
    """The UI's own check (it is not under /v1): a staff key when keys are set, else POLICYQA_ALLOW_UPLOADS."""
    import hmac

    from policyqa.errors import ForbiddenError

    keys = settings.api_key_list
    if keys:
        given = (key or "").strip().encode("utf-8")
        if not any(hmac.compare_digest(given, k.encode("utf-8")) for k in keys):
            raise ForbiddenError("工作人员密钥不正确 / wrong or missing staff key")
    elif not settings.allow_uploads:
        raise ForbiddenError("上传和删除文件已关闭：请设置 POLICYQA_API_KEYS 或 POLICYQA_ALLOW_UPLOADS=1 / uploads are off")


def status_html(text: str, ok: bool) -> str:
    return f'<div class="{"pq-answer" if ok else "pq-error"}"><p>{_e(text)}</p></div>'


# ============================================================================================ the Blocks
def build_ui(assistant: Assistant, *, on_answer: Callable[[Answer], None] | None = None,
             examples: Sequence[str] | None = None, library: Any = None) -> Any:
    """The chat UI as a ``gr.Blocks``. Styling (``UI_CSS``) is passed where it is mounted or launched."""
    import gradio as gr

    documents = assistant.documents
    example_list = list(examples) if examples is not None else example_questions(documents)

    def respond(message: str | None, turns: list[dict[str, str]], shown: list[dict[str, str]]):  # type: ignore[no-untyped-def]
        if not (message or "").strip():
            return gr.update(), turns, shown, shown, gr.update()
        turns, shown, answer = chat_reply(assistant, message or "", turns, shown)
        if answer is not None and on_answer is not None:
            on_answer(answer)
        by_id = {d.doc_id: d for d in assistant.documents}  # the version serving now (notices come and go)
        return "", turns, shown, shown, sources_html(answer, by_id) if answer is not None else gr.update()

    def catalog(current: str | None):  # type: ignore[no-untyped-def]
        """The 文件目录 tab for the notices serving now; keeps the chosen one when it is still there."""
        docs = assistant.documents
        chosen = next((d for d in docs if d.doc_id == current), docs[0] if docs else None)
        return (gr.update(choices=[(d.meta.title or d.doc_id, d.doc_id) for d in docs],
                          value=chosen.doc_id if chosen else None, visible=len(docs) > 1),
                document_html(chosen) if chosen else "")

    with gr.Blocks(title="政策文件问答 · policyqa", analytics_enabled=False) as demo:
        turns_state = gr.State([])  # the plain conversation passed to Assistant.ask
        header = gr.HTML(header_html(documents))
        with gr.Tabs():
            with gr.Tab("问答", id="chat") as chat_tab:
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3, min_width=320):
                        chatbot = gr.Chatbot(value=[], label="对话", show_label=False, elem_id="pq-chat",
                                             height="62vh", min_height=380, buttons=["copy"],
                                             feedback_options=None, sanitize_html=True,
                                             group_consecutive_messages=False,
                                             placeholder="请输入关于文件内容的问题，例如：哪些部门负责未来能源？")
                        with gr.Row(equal_height=True):
                            box = gr.Textbox(show_label=False, scale=5, max_lines=4, elem_id="pq-input",
                                             max_length=assistant.settings.max_question_chars, autofocus=True,
                                             placeholder="输入问题后按回车；可以接着追问，如「那元宇宙呢？」")
                            send = gr.Button("提问", variant="primary", scale=1, min_width=72, elem_id="pq-send")
                        with gr.Row(elem_id="pq-examples"):
                            example_buttons = [gr.Button(q, size="sm", variant="secondary", min_width=120)
                                               for q in example_list]
                            clear = gr.Button("新对话", size="sm", variant="secondary", min_width=90,
                                              elem_id="pq-clear")
                    with gr.Column(scale=2, min_width=300):
                        sources = gr.HTML(EMPTY_SOURCES, elem_id="pq-sources", padding=True)
            with gr.Tab("文件目录", id="docs") as docs_tab:
                first = documents[0] if documents else None
                picker = gr.Dropdown(choices=[(d.meta.title or d.doc_id, d.doc_id) for d in documents],
                                     value=first.doc_id if first else None, label="文件",
                                     visible=len(documents) > 1)
                tree = gr.HTML(document_html(first) if first else "", elem_id="pq-doc-tree", padding=True)
                picker.change(lambda i: next((document_html(d) for d in assistant.documents if d.doc_id == i), ""),
                              picker, tree, api_visibility="private")
                docs_tab.select(catalog, picker, [picker, tree], api_visibility="private")

            if library is not None:
                _library_tab(gr, assistant, library)

        # notices added or removed (here, over HTTP or by another process) show on the next tab switch or page load
        chat_tab.select(lambda: header_html(assistant.documents), None, header, api_visibility="private")
        demo.load(lambda: header_html(assistant.documents), None, header, api_visibility="private")
        shown_state = gr.State([])  # the chat as displayed (HTML bubbles)
        outputs = [box, turns_state, shown_state, chatbot, sources]
        box.submit(respond, [box, turns_state, shown_state], outputs, api_visibility="private")
        send.click(respond, [box, turns_state, shown_state], outputs, api_visibility="private")
        for b in example_buttons:  # a button's value is its label: the example question
            b.click(respond, [b, turns_state, shown_state], outputs, api_visibility="private")
        clear.click(lambda: ("", [], [], [], EMPTY_SOURCES), None, outputs, api_visibility="private")
        # the chatbot's own trash button clears the display: forget the history with it
        chatbot.clear(lambda: ([], [], EMPTY_SOURCES), None, [turns_state, shown_state, sources],
                      api_visibility="private")
    return demo


def _library_tab(gr: Any, assistant: Assistant, library: Any) -> None:
    """文件管理: upload (with progress while the notice is read and indexed), list and remove notices."""
    from pathlib import Path

    settings = assistant.settings

    def listing() -> tuple[str, Any]:
        engine = assistant.engine
        entries = library.entries(engine.bundle)
        return library_html(entries, engine.bundle.folder.name), gr.update(choices=[(f"{e.doc_id} · {e.title}", e.doc_id)
                                                                                    for e in entries], value=None)

    def upload(paths: list[str] | None, replace: bool, key: str, progress: Any = gr.Progress()):  # type: ignore[no-untyped-def]
        if not paths:
            return (status_html("请先选择文件 / choose a file first", False), *listing(), None)
        try:
            check_staff_key(settings, key)
            progress(0.1, desc="读取和检查文件…")
            payload = [(Path(p).name, Path(p).read_bytes()) for p in paths]
            progress(0.3, desc="保存原文件并建立索引…")
            change = library.add(payload, replace=replace)
            progress(0.9, desc="切换到新索引…")
            assistant.refresh()
        except PolicyQAError as exc:
            return (status_html(exc.message, False), *listing(), gr.update())
        done = "、".join(change.added) + (f"（替换了 {'、'.join(change.replaced)}）" if change.replaced else "")
        return (status_html(f"已加入：{done}，用时 {change.seconds:.1f} 秒，现在就可以提问。", True), *listing(), None)

    def remove(doc_id: str | None, key: str):  # type: ignore[no-untyped-def]
        if not doc_id:
            return (status_html("请先选择要删除的文件 / choose a notice", False), *listing())
        try:
            check_staff_key(settings, key)
            change = library.remove(doc_id)
            assistant.refresh()
        except PolicyQAError as exc:
            return (status_html(exc.message, False), *listing())
        return (status_html(f"已删除：{doc_id}（用时 {change.seconds:.1f} 秒）", True), *listing())

    first_table, first_choices = listing()
    with gr.Tab("文件管理", id="library") as tab:
        key = gr.Textbox(label="工作人员密钥", type="password", visible=bool(settings.api_key_list),
                         placeholder="上传和删除文件需要工作人员密钥")
        with gr.Row(equal_height=False):
            with gr.Column(scale=2, min_width=280):
                picked = gr.File(label="上传通知文件（.docx .pdf .html .txt .md）", file_count="multiple",
                                 elem_id="pq-upload")
                replace = gr.Checkbox(label="替换同编号、同文号或同标题的文件", value=False)
                add_btn = gr.Button("上传并建立索引", variant="primary", elem_id="pq-add")
            with gr.Column(scale=1, min_width=240):
                chosen = gr.Dropdown(label="删除文件", choices=first_choices["choices"], elem_id="pq-remove-pick")
                remove_btn = gr.Button("删除所选文件", variant="stop", elem_id="pq-remove")
                refresh_btn = gr.Button("刷新列表", size="sm", variant="secondary")
        status = gr.HTML("", elem_id="pq-library-status")
        table = gr.HTML(first_table, elem_id="pq-library", padding=True)
        add_btn.click(upload, [picked, replace, key], [status, table, chosen, picked], api_visibility="private")
        remove_btn.click(remove, [chosen, key], [status, table, chosen], api_visibility="private")
        refresh_btn.click(listing, None, [table, chosen], api_visibility="private")
        tab.select(listing, None, [table, chosen], api_visibility="private")  # other processes may have changed it
