"""Real-format notices built at test time from the shared .txt notices: a DOCX (python-docx) with heading
styles and a 分工表, a PDF (fpdf2, a Debian CJK font) with a red 版头, page numbers, a running header and the
抄送/印发 block, a portal-like HTML page, and bad files of every kind."""

from __future__ import annotations

import html
import io
import re
import zipfile
from pathlib import Path

CJK_FONTS = [Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"), Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
             Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")]
COPY_TO = "抄送：市委各部门，市人大常委会办公厅，市政协办公厅，市中级法院，市检察院。"
PRINTED = "福州市人民政府办公厅 2023年7月5日印发"
RUNNING_HEADER = "未来产业实施意见（榕政办〔2023〕50号）"
L1 = re.compile(r"^[一二三四五六七八九十]+、")
L2 = re.compile(r"^（[一二三四五六七八九十]+）\S{2,20}$")

# A 重点任务分工表 over the Fuzhou notice's own industries and units
TASK_TABLE = [
    ["序号", "重点任务", "牵头单位", "责任单位", "完成时限"],
    ["1", "建设新一代光电产业链，攻克光电关键元器件及材料", "市工信局", "市发改委、市科技局", "2025年底"],
    ["2", "建设福建人工智能计算中心，培育人工智能高新技术产品", "市大数据委", "市科技局、市工信局、市发改委", "2026年底"],
    ["3", "开展“海上风电+储能”试点建设", "市发改委", "市工信局、市科技局", "2025年6月"],
]


def cjk_font() -> Path | None:
    return next((p for p in CJK_FONTS if p.is_file()), None)


def notice_lines(txt: Path) -> list[str]:
    return [ln.strip() for ln in txt.read_text(encoding="utf-8").splitlines() if ln.strip()]


DOC_NO = re.compile(r"〔\d{4}〕\d+号$")


def head(lines: list[str]) -> tuple[int | None, int | None, int]:
    """Indexes of the 版头 (「…文件」), the 文号 and the title among a notice's first lines: the Fuzhou notice
    opens with all three, a Guang'an notice with its title (and its 文号, when it has one)."""
    banner = 0 if lines[0].endswith("文件") else None
    first = 0 if banner is None else 1
    doc_no = next((i for i in range(first, min(first + 2, len(lines))) if DOC_NO.search(lines[i])), None)
    title = first + 1 if doc_no == first else first
    return banner, doc_no, title


def make_docx(txt: Path, out: Path, *, task_table: bool = False) -> Path:
    import docx

    d = docx.Document()
    d.core_properties.title = ""
    lines = notice_lines(txt)
    title = head(lines)[2]
    for i, line in enumerate(lines):
        line = line.replace("**", "")
        if L1.match(line) and len(line) <= 20:
            d.add_paragraph(line, style="Heading 1")
        elif L2.match(line):
            d.add_paragraph(line, style="Heading 2")
        elif i == title:
            d.add_paragraph(line, style="Title")
        else:
            d.add_paragraph(line)
        if task_table and line.startswith("四、"):
            d.add_paragraph("重点任务分工", style="Heading 2")
            table = d.add_table(rows=len(TASK_TABLE), cols=len(TASK_TABLE[0]))
            for r, row in enumerate(TASK_TABLE):
                for c, value in enumerate(row):
                    table.cell(r, c).text = value
    d.add_paragraph(COPY_TO)
    d.add_paragraph(PRINTED)
    d.save(str(out))
    return out


def make_pdf(txt: Path, out: Path, *, password: str | None = None, running_header: str = RUNNING_HEADER,
             columns: int = 1) -> Path:
    """A printed 公文: red 版头 and rule, 文号, centred title, indented paragraphs wrapped at the margin,
    「— N —」 page numbers, a running header from page 2, the 抄送/印发 block at the end. ``columns=2``: set as a
    政府公报 sets it, everything but the running header and the page number in two columns."""
    from fpdf import FPDF

    font = cjk_font()
    assert font is not None, "no CJK font"
    pdf = FPDF(format="A4", unit="pt")
    pdf.set_auto_page_break(False)
    pdf.add_font("cjk", fname=str(font))
    page_left, page_right, top, bottom, size, lead = 72.0, 523.0, 90.0, 760.0, 14.0, 24.0
    gutter = 2 * size
    column = (page_right - page_left - (columns - 1) * gutter) / columns
    left, right = page_left, page_left + column
    width = right - left
    state = {"y": top}

    def new_page() -> None:
        pdf.add_page()
        pdf.set_text_color(0, 0, 0)
        pdf.set_font("cjk", size=10)
        if pdf.page > 1:
            pdf.set_xy(page_left, 50)
            pdf.cell(page_right - page_left, 12, running_header, align="C")
        pdf.set_xy(page_left, 790)
        pdf.cell(page_right - page_left, 12, f"— {pdf.page} —", align="C")
        pdf.set_font("cjk", size=size)
        state["y"] = state["col_top"] = top
        state["col"] = 0

    def put(text: str, x: float, *, align: str = "L", w: float | None = None) -> None:
        if state["y"] + lead > bottom:
            if state["col"] + 1 < columns:  # the next column of the page
                state["col"], state["y"] = state["col"] + 1, state["col_top"]
            else:
                new_page()
        pdf.set_xy(x + state["col"] * (column + gutter), state["y"])
        pdf.cell(w or (right - x), size, text, align=align)
        state["y"] += lead

    def paragraph(text: str, indent: float = 2 * size) -> None:
        first, avail, line = True, width - indent, ""
        for ch in text:
            if pdf.get_string_width(line + ch) > avail:
                put(line, left + (indent if first else 0))
                first, avail, line = False, width, ""
            line += ch
        if line:
            put(line, left + (indent if first else 0))

    new_page()
    lines = [ln.replace("**", "") for ln in notice_lines(txt)]
    banner, doc_no, title = head(lines)
    if banner is not None:
        pdf.set_text_color(200, 0, 0)
        pdf.set_font("cjk", size=26)
        put(lines[banner], page_left, align="C", w=page_right - page_left)
        pdf.set_draw_color(200, 0, 0)
        pdf.set_line_width(1.5)
        state["y"] += 30
        pdf.line(page_left, state["y"] - 10, page_right, state["y"] - 10)
        pdf.set_text_color(0, 0, 0)
        pdf.set_font("cjk", size=size)
    body = max(i for i in (doc_no, title) if i is not None) + 1
    for i in range(0 if banner is None else banner + 1, body):
        put(lines[i], page_left, align="C", w=page_right - page_left)  # 文号 and title, centred, across the page
    state["col_top"] = state["y"]  # the columns start under the title
    for line in lines[body:]:
        if re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", line) or re.search(r"(办公厅|办公室|人民政府)$", line) and len(line) < 16:
            put(line, right - pdf.get_string_width(line) - 4 * size)  # 落款 and date, right-aligned
        else:
            paragraph(line)
    state["y"] += lead
    paragraph(COPY_TO, indent=0)
    paragraph(PRINTED, indent=0)
    if password:
        pdf.set_encryption(owner_password=password + "-owner", user_password=password)
    pdf.output(str(out))
    return out


def make_html(txt: Path, out: Path, *, published: str = "2023-07-10") -> Path:
    """A portal article page: nav, breadcrumbs, the 信息公开 table (文号/发布日期), the body without its 版头,
    share buttons, QR-code text, related links, and script/style that must never reach the text. ``published``
    (YYYY-MM-DD) is the portal's 发布日期."""
    lines = [ln.replace("**", "") for ln in notice_lines(txt)]
    banner, doc_no, first = head(lines)
    title = lines[first].replace(" ", "")
    number = lines[doc_no] if doc_no is not None else ""
    start = max(i for i in (doc_no, first) if i is not None) + 1
    body = "".join(f"<p>{html.escape(ln)}</p>" for ln in lines[start:])
    page = f"""<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">
<title>{html.escape(title)}_政策文件_福州市人民政府门户网站</title>
<meta name="ArticleTitle" content="{html.escape(title)}"><meta name="PubDate" content="{published} 09:00">
<style>.pq-secret{{color:red}} body{{font-family:sans-serif}}</style>
<script>var secret = "脚本里的文字不能进入索引"; document.write("<p>脚本写入的段落</p>");</script></head>
<body><div class="header"><ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk">政务公开</a></li>
<li><a href="/zwgk/zcwj">政策文件</a></li><li><a href="/hdjl">互动交流</a></li></ul></div>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a> &gt; 政策文件</div>
<table class="xxgk"><tr><td>索引号：</td><td>FZ00100-0200-2023-00050</td><td>发文机关：</td><td>福州市人民政府办公厅</td></tr>
<tr><td>文号：</td><td>{html.escape(number)}</td><td>发布日期：</td><td>{published}</td></tr></table>
<div class="article"><h1>{html.escape(title)}</h1>
<div class="info">发布时间：{published} 09:00 来源：市政府办公厅 字号：<a>大</a> <a>中</a> <a>小</a></div>
<div class="TRS_Editor">{body}</div>
<div class="share">分享到：<a>微信</a> <a>微博</a> <a>QQ空间</a></div>
<div class="qr"><img src="qr.png" alt="二维码">扫一扫在手机打开当前页</div>
<div class="tools">【打印本页】 【关闭窗口】</div></div>
<div class="related"><h3>相关链接</h3><ul><li><a href="/a">福州市人民政府关于印发福州市“十四五”科技创新发展专项规划的通知</a></li>
<li><a href="/b">福州市人民政府办公厅关于做好2023年春季农业生产工作的通知</a></li></ul></div>
<div class="footer">主办：福州市人民政府办公厅 承办：福州市大数据委 闽ICP备05001234号</div>
<script>console.log("tracking")</script></body></html>"""
    out.write_text(page, encoding="utf-8")
    return out


# ------------------------------------------------------------------------------------------ bad files
def zip_bomb_docx(out: Path, unpacked_mb: int = 40) -> Path:
    """A valid-looking DOCX with a member that unpacks to ``unpacked_mb`` MB of zeros (a few dozen KB packed)."""
    buf = io.BytesIO()
    import docx

    d = docx.Document()
    d.add_paragraph("福州市人民政府办公厅关于加快培育发展未来产业的实施意见")
    d.save(buf)
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for item in src.infolist():
            z.writestr(item, src.read(item.filename))
        with z.open("word/media/bomb.bin", "w", force_zip64=True) as f:
            block = b"\0" * (1 << 20)
            for _ in range(unpacked_mb):
                f.write(block)
    return out


def corrupt_docx(out: Path, good: Path) -> Path:
    data = good.read_bytes()
    out.write_bytes(data[: len(data) // 3])
    return out


def scanned_pdf(out: Path) -> Path:
    """Pages with only drawings, no text layer: what a scanner produces (as far as text goes)."""
    from fpdf import FPDF

    pdf = FPDF(format="A4", unit="pt")
    for _ in range(2):
        pdf.add_page()
        for y in range(100, 700, 30):
            pdf.rect(72, y, 450, 12, style="F")
    pdf.output(str(out))
    return out


PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")
OLD_DOC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504


# ------------------------------------------------------------------------------------------ fixtures
# Imported by the test modules that use them (a second conftest.py would shadow the top one's names).
import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
FUZHOU_TXT = ROOT / "corpus" / "fuzhou_future_industries_2023.txt"


@pytest.fixture(scope="session")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The Fuzhou notice as DOCX (plain and with a 分工表), portal HTML and, with a CJK font, PDF."""
    d = tmp_path_factory.mktemp("notice-files")
    out = {
        "docx": make_docx(FUZHOU_TXT, d / "fuzhou.docx"),
        "task_docx": make_docx(FUZHOU_TXT, d / "fuzhou_tasks.docx", task_table=True),
        "html": make_html(FUZHOU_TXT, d / "fuzhou.html"),
    }
    if cjk_font() is not None:
        out["pdf"] = make_pdf(FUZHOU_TXT, d / "fuzhou.pdf")
    return out


@pytest.fixture(scope="session")
def pdf_file(files: dict[str, Path]) -> Path:
    if "pdf" not in files:
        pytest.skip("no CJK font (install Debian's fonts-wqy-microhei: `make browser-deps`) to write a Chinese PDF")
    return files["pdf"]
