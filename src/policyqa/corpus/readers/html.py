"""Portal HTML: the article body only, with trafilatura (Apache-2.0) for main-content extraction over lxml
(BSD). By hand: the portal's 信息公开 fields (标题/文号/发文机关/发布日期) read as metadata and kept out of the
body, a 分工表 table turned into 责任单位 clauses before extraction, and leftover chrome lines (share buttons,
QR-code text, 字号/打印/关闭) dropped. Script and style never reach the text."""

from __future__ import annotations

import re

from policyqa.corpus.readers.base import ReadResult, assemble, decode_text
from policyqa.corpus.readers.gongwen import split_distribution, table_lines
from policyqa.errors import UnreadableFileError

_FIELDS = {
    "title": re.compile(r"^(?:标\s*题|名\s*称|文件名称)[：:]?$"),
    "doc_number": re.compile(r"^(?:文\s*号|发文字号)[：:]?$"),
    "issuer": re.compile(r"^(?:发文机关|发布机构|发文单位|发布机关)[：:]?$"),
    "published": re.compile(r"^(?:发布日期|发布时间|成文日期|印发日期|公开日期)[：:]?$"),
}
_FIELD_INLINE = re.compile(r"(标题|文号|发文字号|发文机关|发布机构|发布日期|发布时间|成文日期)[：:]\s*([^\s：:|]{2,80})")
_INFO_LABELS = re.compile(r"索引号|主题分类|发文机关|发布机构|文号|发文字号|成文日期|发布日期|有效性")
_CHROME = re.compile(
    r"^(?:.*扫一扫.*|.*二维码.*|分享到.*|【?\s*(?:打印|关闭|关闭窗口|收藏|返回顶部|打印本页)\s*】?.*|字号[：:].*|"
    r"当前位置[：:].*|.*(?:网站标识码|ICP备|公网安备).*|(?:发布时间|来源|浏览次数|访问量)[：:].*|.*(?:微信|微博|QQ空间)\s*$|上一篇.*|下一篇.*|相关(?:链接|文件|阅读).*)$")
_LINK_LINE = re.compile(r"^[·•]\s*[^，。；：:,.、]{2,16}$")  # 「·市财政局」: an entry of a link column, no sentence
_DAY_ONLY = re.compile(r"^\d{4}(?:年\d{1,2}月\d{1,2}日|-\d{2}-\d{2})$")
_SIGN_DATE = re.compile(r"^(?:\d{4}|[〇○一二三四五六七八九零]{4})年[\d一二三四五六七八九十]{1,2}月[\d一二三四五六七八九十]{1,3}日$")  # a 落款's date line
_DATE = re.compile(r"(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")
_META_NAMES = {"articletitle": "title", "pubdate": "published", "firstpublishedtime": "published",
               "contentsource": "issuer"}


_HEADING_MARK = "#"
_OWN_HEADING = re.compile(r"^#{1,6} \S")  # a page heading, marked before extraction (Markdown's mark)


def _iso(value: str) -> str:
    m = _DATE.search(value)
    return f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}" if m else ""


def _text(el: object) -> str:
    return re.sub(r"\s+", "", "".join(el.itertext()))  # type: ignore[attr-defined]


def _kept_lines(extracted: str) -> list[str]:
    """Extracted text as lines, without Markdown marks, page chrome and Markdown table rows."""
    lines = [ln.strip() for ln in extracted.splitlines()]
    lines = [ln if _OWN_HEADING.match(ln) else ln.lstrip("#").strip() if ln.startswith("#") else ln for ln in lines]
    return [re.sub(r"^[-*•]\s+", "", ln) for ln in lines if ln and not _CHROME.match(ln) and not ln.startswith("|")
            and not _LINK_LINE.match(ln)]


def _only_links(p: object) -> bool:
    """A paragraph that is nothing but links (「·市财政局」 in a 相关链接 column): navigation, not text."""
    links = "".join(_text(a) for a in p.iter("a"))  # type: ignore[attr-defined]
    return bool(links) and len(re.sub(r"[·•\s|｜]", "", _text(p))) <= len(links)


def _is_layout(table: object) -> bool:
    """An old portal lays its whole page out in nested tables: a table holding a table, or a cell holding paragraphs of
    text, is the page's frame, not a table of the notice (flattening it would flatten the notice)."""
    if table.find(".//table") is not None:  # type: ignore[attr-defined]
        return True
    # a guide's 「受理条件」 row may hold a few hundred characters beside a dozen short rows: a frame holds the page in a
    # few cells
    rows = len(list(table.iter("tr")))  # type: ignore[attr-defined]
    return any(len(_text(td)) > (300 if rows < 6 else 1500) or td.find(".//p") is not None
               for td in table.iter("td", "th"))  # type: ignore[attr-defined]


def _span(value: object) -> int:
    try:
        return max(1, min(int(str(value)), 200))
    except (TypeError, ValueError):
        return 1


def _grid(table: object) -> list[list[str]]:
    """A table's rows with every merged cell spread over the grid cells it covers (rowspan, colspan): a 牵头单位 cell
    spanning four task rows belongs to each of them. Hand-written: lxml gives the cells, not the grid they cover."""
    grid: list[list[str]] = []
    below: dict[int, tuple[int, str]] = {}  # column -> (rows it still covers, text) of a cell spanning rows
    for tr in table.iter("tr"):  # type: ignore[attr-defined]
        row: list[str] = []

        def carried() -> None:  # the cells of rows above that reach into this row, from the current column on
            while len(row) in below:
                left, text = below[len(row)]
                if left <= 1:
                    del below[len(row)]
                else:
                    below[len(row)] = (left - 1, text)
                row.append(text)

        for td in tr.iter("td", "th"):
            carried()
            text, down = _text(td), _span(td.get("rowspan"))
            for _ in range(_span(td.get("colspan"))):
                if down > 1:
                    below[len(row)] = (down - 1, text)
                row.append(text)
        carried()
        grid.append(row)
    return grid


def read(data: bytes, name: str = "") -> ReadResult:
    import lxml.html
    import trafilatura
    from lxml import etree

    raw = decode_text(data, name) if not re.search(rb"<meta[^>]+charset", data[:2048], re.I) else None
    try:
        tree = lxml.html.fromstring(raw if raw is not None else data)
    except (etree.ParserError, ValueError) as exc:
        raise UnreadableFileError(f"HTML 无法解析：{name} / {name} is not readable HTML ({exc})") from exc
    etree.strip_elements(tree, "script", "style", "noscript", "template", with_tail=False)

    fields: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = _META_NAMES.get((meta.get("name") or "").lower())
        if key and meta.get("content") and key not in fields:
            fields[key] = meta.get("content", "").strip()
    # the portal's 信息公开 table: label cells followed by value cells; then the table leaves the body
    for table in [t for t in tree.iter("table") if not _is_layout(t)]:
        cells = [_text(td) for td in table.iter("td", "th")]
        if len([c for c in cells if _INFO_LABELS.search(c) and len(c) <= 8]) >= 2:
            for label, value in zip(cells, cells[1:]):
                for key, pat in _FIELDS.items():
                    if pat.match(label) and value and key not in fields:
                        fields[key] = value
            table.drop_tree()
    # 「文号：榕政办〔2023〕50号」 written inline in an info block; an element of one field before the block that holds it
    # with others (「<span>发布机构：X</span><span>指南文号：Y</span>」 reads 「发布机构：X指南文号：Y」 as a whole)
    blocks = list(tree.iter("div", "p", "span", "li"))
    for el in sorted(blocks, key=lambda e: len(e) > 0):
        t = _text(el)
        if len(t) < 120 and len(list(el)) <= 8:
            for m in _FIELD_INLINE.finditer(t):
                key = {"标题": "title", "文号": "doc_number", "发文字号": "doc_number", "发文机关": "issuer",
                       "发布机构": "issuer"}.get(m.group(1), "published")
                fields.setdefault(key, m.group(2))
    # a task-allocation table inside the body becomes 责任单位 clauses before extraction flattens it
    for table in [t for t in tree.iter("table") if not _is_layout(t)]:
        lines = table_lines(_grid(table))
        if not lines:
            table.drop_tree()
            continue
        block = etree.Element("div")
        for line in lines:
            p = etree.SubElement(block, "p")
            p.text = line
        block.tail = table.tail
        table.getparent().replace(table, block)
    h1 = next((_text(h) for h in tree.iter("h1") if _text(h)), "")
    page_title = re.split(r"[_|｜-]", _text(tree.find(".//title")) if tree.find(".//title") is not None else "")[0]
    title = fields.get("title") or h1 or page_title

    # trafilatura drops a short heading it takes for chrome (a card's 「<h3>三、建设补贴</h3>」): each heading goes in as
    # a paragraph marked with its level, which the parser reads as a heading whether or not it numbers itself
    for h in list(tree.iter("h1", "h2", "h3", "h4", "h5", "h6")):
        text = _text(h)
        if text and len(text) <= 60:
            level = int(h.tag[1])
            h.clear()
            h.tag, h.text = "p", f"{_HEADING_MARK * level} {text}"
    extracted = trafilatura.extract(lxml.html.tostring(tree, encoding="unicode"), favor_recall=True,
                                    include_tables=True, include_comments=False, include_links=False,
                                    include_images=False, deduplicate=False, output_format="txt") or ""
    lines = _kept_lines(extracted)
    # an old page laid out in tables defeats main-content extraction (its body comes out as table rows): the page's
    # paragraphs, in order, when they hold far more text than what was kept
    paragraphs = [t for t in (_text(p) for p in tree.iter("p") if not _only_links(p)) if t]
    if len("".join(lines)) < 0.5 * sum(map(len, paragraphs)):
        lines = _kept_lines("\n".join(paragraphs))
    lines, copy_to, printed = split_distribution(lines)
    if not "".join(lines).strip():
        raise UnreadableFileError(f"HTML 页面中没有正文：{name} / no article text found in {name}")
    # the page's fields stand in for a 版头 the body lacks: the parser then finds title and 文号 with spans
    body = "\n".join(lines[:6])
    head = []
    doc_number = re.sub(r"\s+", "", fields.get("doc_number", ""))
    if doc_number and doc_number not in body:
        head.append(doc_number)
    if title and title.replace(" ", "") not in body.replace(" ", ""):
        head.append(title)
    # a page without a 落款 of its own (a 办事指南): its 发布日期 field says when it was issued
    published = fields.get("published", "").strip()
    if _DAY_ONLY.match(published) and not any(_SIGN_DATE.match(ln) for ln in lines[-8:]):
        head.append(f"发布日期：{published}")
    text, spans = assemble([(ln, "line", i, -1) for i, ln in enumerate(head + lines)])
    return ReadResult(text=text, format="html", title=title, doc_number=doc_number,
                      published=_iso(fields.get("published", "")), issuer=fields.get("issuer", ""),
                      copy_to=copy_to, printed_by=printed, spans=spans)
