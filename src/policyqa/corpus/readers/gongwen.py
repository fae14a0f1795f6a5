"""公文 conventions the format readers share (GB/T 9704): page numbers, the 抄送/印发 block at the end, and a
重点任务分工表 turned into clauses that carry a 「（牵头单位：…；责任单位：…）」 note like any other."""

from __future__ import annotations

import re

# 「— 3 —」「-3-」「－ 12 －」「第3页」「第 3 页 共 9 页」: the page-number footer of a printed 公文
PAGE_NUMBER = re.compile(r"^\s*(?:[—\-－–~～]+\s*\d{1,3}\s*[—\-－–~～]+|第\s*\d{1,3}\s*页(?:\s*[，,/]?\s*共\s*\d{1,3}\s*页)?|\d{1,3}\s*/\s*\d{1,3})\s*$")
COPY_TO = re.compile(r"^\s*抄\s*(?:送|报)\s*[：:]")
PRINTED = re.compile(r"^(.{2,40}?)\s*(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*印\s*发\s*$")
_COPIES = re.compile(r"^[（(]?\s*共印\s*\d+\s*份\s*[）)]?$")

_TASK_HEAD = re.compile(r"任务|工作内容|主要内容|工作措施|具体措施|事项|举措|内容")
_LEAD_HEAD = re.compile(r"牵头")
_UNIT_HEAD = re.compile(r"责任单位|责任部门|配合单位|配合部门|参与单位|协同单位")
_DEADLINE_HEAD = re.compile(r"时限|时间|期限|进度")
_SKIP_HEAD = re.compile(r"^(?:序号|编号|备注)$")
_GROUP_HEAD = re.compile(r"类别|分类|类型|领域|方面")


def is_page_number(line: str) -> bool:
    return bool(PAGE_NUMBER.match(line))


def split_distribution(lines: list[str]) -> tuple[list[str], str, str]:
    """Split the 抄送/印发 block (the last lines of a printed 公文) off the body: (body, 抄送 text, 印发 line)."""
    tail = range(max(0, len(lines) - 8), len(lines))
    first = next((i for i in tail if COPY_TO.match(lines[i]) or PRINTED.match(lines[i].strip())), None)
    if first is None:
        return lines, "", ""
    copy_to: list[str] = []
    printed = ""
    for line in lines[first:]:
        s = line.strip()
        if PRINTED.match(s):
            printed = re.sub(r"\s+", " ", s)
        elif not printed and not _COPIES.match(s):
            copy_to.append(s)  # 抄送 and the lines it wraps onto
    return lines[:first], "".join(copy_to), printed


def _clean(cell: str) -> str:
    return re.sub(r"\s+", "", cell.replace("\u3000", " ")).strip()


_FORM_LABEL = re.compile(r"^[^。；;，,：:]{2,12}[：:]?$")
_ITEM_MARK = re.compile(r"^(?:\d{1,2}[.．、]|[（(]\d{1,2}[）)]|[①-⑳])")
_FORM_BODY = 400  # characters of content from which a form is the document itself (a 办事指南), its labels headings


def _form_lines(rows: list[list[str]]) -> list[str] | None:
    """A 办事指南 laid out as a table of 「事项名称 | …」「办理流程 | 1.… 2.…」 rows: each label a heading, each paragraph of
    its content a line under it (run together, 「…0597-86213360」 and 「2.市民服务中心…」 would make one number); None
    for any other table."""
    kept = [r for r in rows if any(_clean(c) for c in r)]
    pairs = [_dedupe([_clean(c) for c in r]) for r in kept]
    if len(pairs) < 3 or any(len(p) != 2 for p in pairs) or not all(_FORM_LABEL.match(p[0]) for p in pairs):
        return None
    if sum(len(p[1]) for p in pairs) < 4 * sum(len(p[0]) for p in pairs):
        return None  # short values beside short labels: a table of figures, not a form
    contents = [[_clean(part) for part in next((c for c in reversed(raw) if _clean(c) and _clean(c) != label), "").split("\n")
                 if _clean(part)] for raw, (label, _) in zip(kept, pairs)]
    if not any(len(c) > 1 for c in contents) and sum(len(p[1]) for p in pairs) < _FORM_BODY:
        # a few fields above a text (a press conference's 「发布时间 | …」 block): one 「label：value」 line each
        return [f"{label.rstrip('：:')}：{value}" for label, value in pairs]
    out = []
    for (label, _), lines in zip(pairs, contents):
        out.append(f"## {label.rstrip('：:')}")
        # 「1．…原件1份」 is an item of the cell's list, not a heading: it ends where its line does
        out.extend(ln + "；" if len(lines) > 1 and _ITEM_MARK.match(ln) and not re.search(r"[。；;：:！？]$", ln) else ln
                   for ln in lines)
    return out


def table_lines(rows: list[list[str]]) -> list[str]:
    """Rows of a table (first row = header) as paragraph lines. A 分工表 (a task column and a 牵头/责任单位
    column) gives one clause per task ending in 「（牵头单位：X；责任单位：Y）」; a form of 「label | content」 rows a
    heading per label; other tables a line per row."""
    kept = [r for r in rows if any(_clean(c) for c in r)]
    if len(kept) == 1:  # one row is no table of data but a layout (a 版头 set in a table): its cells' lines, in order
        cells = _dedupe([c.strip() for c in kept[0] if _clean(c)])
        return [line for c in cells for line in (_clean(p) for p in c.split("\n")) if line]
    form = _form_lines(rows)
    if form is not None:
        return form
    rows = _two_level_header([[_clean(c) for c in r] for r in rows if any(_clean(c) for c in r)])
    if not rows:
        return []
    header = rows[0]
    tasks = [i for i, h in enumerate(header) if _TASK_HEAD.search(h) and not _UNIT_HEAD.search(h)]
    # 「任务类别」 groups the tasks; the task is the column that names it (「重点任务」)
    task_col = next((i for i in tasks if not _GROUP_HEAD.search(header[i])), tasks[0] if tasks else None)
    lead_col = next((i for i, h in enumerate(header) if _LEAD_HEAD.search(h)), None)
    unit_col = next((i for i, h in enumerate(header) if _UNIT_HEAD.search(h) and i != lead_col), None)
    if task_col is None or (lead_col is None and unit_col is None):
        # 「单位｜任务数｜已完成」: a row a line of its own, its cells apart (a row of one merged cell is a label)
        return [r[0] if len(set(filter(None, r))) == 1 else "｜".join(r) for r in rows]
    deadline_col = next((i for i, h in enumerate(header) if _DEADLINE_HEAD.search(h)
                         and i not in (task_col, lead_col, unit_col)), None)
    # 「重点任务 | 具体内容」: the other columns a task heading names say what the task is; they follow it
    detail = [i for i in tasks if i != task_col and not _GROUP_HEAD.search(header[i])]
    used = {task_col, lead_col, unit_col, deadline_col, *detail}
    extra = [i for i, h in enumerate(header) if i not in used and not _SKIP_HEAD.match(h)]
    out = []
    for r in rows[1:]:
        cell = lambda i: r[i] if i is not None and i < len(r) else ""  # noqa: E731
        task = cell(task_col)
        if not task or task == header[task_col]:
            continue
        prefix = "".join(f"{cell(i)}：" for i in extra if cell(i) and cell(i) != task)
        line = prefix + task + "".join(f"：{cell(i)}" for i in detail if cell(i) and cell(i) != task)
        if cell(deadline_col):
            line = line.rstrip("。；;，,") + f"。完成时限：{cell(deadline_col)}"
        notes = []
        if cell(lead_col):
            notes.append(f"牵头单位：{cell(lead_col)}")
        if cell(unit_col):
            notes.append(f"{'责任单位' if lead_col is None or '配合' not in header[unit_col] else '配合单位'}：{cell(unit_col)}")
        if notes:
            line = line.rstrip("；;，,") + ("" if line.endswith("。") else "。") + f"（{'；'.join(notes)}）"
        out.append(line)
    return out


def _two_level_header(rows: list[list[str]]) -> list[list[str]]:
    """A two-level header (「责任单位」 over 「牵头单位」「配合单位」) arrives, merged cells spread, as two rows: the first
    repeats a cell over the columns the second splits, the second repeats the first's other cells. One header row of
    both (「责任单位牵头单位」); any other table is left as it is."""
    if len(rows) < 3 or len(rows[0]) != len(rows[1]):
        return rows
    top, sub = rows[0], rows[1]
    same = [a == b for a, b in zip(top, sub)]
    under = [0 < i and top[i - 1] == top[i] or i + 1 < len(top) and top[i + 1] == top[i] for i in range(len(top))]
    if not any(same) or all(same) or any(not s and not u for s, u in zip(same, under)):
        return rows
    return [[a if s else a + b for a, b, s in zip(top, sub, same)], *rows[2:]]


def _dedupe(cells: list[str]) -> list[str]:
    """Merged cells repeat their text in every grid cell they cover."""
    out: list[str] = []
    for c in cells:
        if c and (not out or out[-1] != c):
            out.append(c)
    return out
