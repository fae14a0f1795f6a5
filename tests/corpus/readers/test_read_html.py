from __future__ import annotations

from pathlib import Path

from notice_files import files  # noqa: F401  (fixture)
from policyqa.corpus.load import SourceFile
from policyqa.corpus.readers import read_bytes, read_file
from policyqa.corpus.structure import parse_document


def test_portal_page_gives_the_article_body_only(files: dict[str, Path]) -> None:
    r = read_file(files["html"])
    assert r.format == "html"
    for chrome in ("首页", "当前位置", "分享到", "扫一扫", "打印本页", "关闭窗口", "相关链接", "闽ICP备", "索引号", "十四五", "字号"):
        assert chrome not in r.text, chrome
    for script in ("脚本", "secret", "tracking", "color:red", "document.write"):
        assert script not in r.text, script
    lines = r.text.splitlines()
    assert lines[0] == "榕政办〔2023〕50号" and lines[1] == "# 福州市人民政府办公厅关于加快培育发展未来产业的实施意见"  # its <h1>
    assert lines[-1] == "（此件主动公开）"


def test_portal_fields_are_metadata(files: dict[str, Path]) -> None:
    r = read_file(files["html"])
    assert r.metadata == {"title": "福州市人民政府办公厅关于加快培育发展未来产业的实施意见", "doc_number": "榕政办〔2023〕50号",
                          "published": "2023-07-10", "issuer": "福州市人民政府办公厅"}
    doc = parse_document(SourceFile("f", files["html"], r.text, "0" * 64, "html"))
    assert doc.meta.doc_number == "榕政办〔2023〕50号" and doc.meta.title == r.title
    assert doc.text[slice(*doc.spans["doc_number"])] == "榕政办〔2023〕50号"
    energy = next(c for c in doc.clauses if c.text.startswith("3. 未来能源"))
    assert energy.responsibility is not None and energy.responsibility.units == ("市工信局", "市发改委", "市科技局")


def test_html_task_table_and_gbk_page() -> None:
    page = ("<html><head><meta charset='gbk'><title>测试</title></head><body><div class='content'>"
            "<h1>关于做好测试工作的通知</h1><p>各有关单位：为做好测试工作，现将有关事项通知如下。</p>"
            "<table><tr><td>序号</td><td>重点任务</td><td>牵头单位</td><td>配合单位</td></tr>"
            "<tr><td>1</td><td>完善测试制度</td><td>市科技局</td><td>市工信局</td></tr></table>"
            "<p>请各单位认真贯彻执行。</p></div></body></html>")
    r = read_bytes(page.encode("gbk"), "n.html")
    assert "完善测试制度。（牵头单位：市科技局；配合单位：市工信局）" in r.text.splitlines()


def test_an_old_page_laid_out_in_nested_tables_keeps_its_body() -> None:
    """A portal page framed by nested <table>s (no <div>, no <article>): the frame is no table of the notice, main-content
    extraction gives its body as table rows, so the page's paragraphs are read instead; the data table inside stays a
    table (one line per row); link columns and the footer are chrome."""
    page = Path(__file__).resolve().parents[3] / "evals" / "synthetic" / "corpus" / "tongshan_old_community_2023.html"
    r = read_file(page)
    assert "全市计划改造城镇老旧小区386个" in r.text and "本意见自印发之日起施行" in r.text
    assert any(line.startswith("南湖区") for line in r.text.splitlines())
    assert "中国政府网" not in r.text and "网站标识码" not in r.text


def test_merged_cells_of_a_task_table_cover_every_row_they_span() -> None:
    """A 分工表 whose 牵头单位 cell spans four task rows (rowspan) under a two-level header (「责任单位」 over 「牵头单位」
    「配合单位」, colspan): each task gets its own lead, and the 任务类别 column groups the tasks rather than naming them."""
    page = ("<html><body><div class='content'><h1>关于印发测试方案的通知</h1><p>各有关单位：现将方案印发给你们。</p><table>"
            "<tr><th rowspan='2'>序号</th><th rowspan='2'>任务类别</th><th rowspan='2'>重点任务</th><th colspan='2'>责任单位</th>"
            "<th rowspan='2'>完成时限</th></tr><tr><th>牵头单位</th><th>配合单位</th></tr>"
            "<tr><td>1</td><td rowspan='2'>完善网络</td><td>编制专项规划</td><td rowspan='2'>市发展改革委</td><td>市财政局</td>"
            "<td rowspan='2'>2025年底前</td></tr>"
            "<tr><td>2</td><td>建设示范站</td><td>市商务局</td></tr>"
            "<tr><td>3</td><td>推进乡村覆盖</td><td>加快充电设施进村</td><td>市交通运输局</td><td>市农业农村局</td>"
            "<td>2026年底前</td></tr></table></div></body></html>")
    lines = read_bytes(page.encode("utf-8"), "n.html").text.splitlines()
    assert "完善网络：建设示范站。完成时限：2025年底前。（牵头单位：市发展改革委；配合单位：市商务局）" in lines
    assert "推进乡村覆盖：加快充电设施进村。完成时限：2026年底前。（牵头单位：市交通运输局；配合单位：市农业农村局）" in lines


SYNTHETIC = Path(__file__).resolve().parents[3] / "evals" / "synthetic" / "corpus"


def test_a_card_heading_is_kept_as_a_heading() -> None:
    """An explainer page of cards: each 「<h3>三、建设补贴：按楼层分档，…</h3>」 is a heading, though main-content extraction
    drops a short heading it takes for chrome and this one has a colon and a comma."""
    r = read_file(SYNTHETIC / "guichuan_elevator_retrofit_subsidy_2025.html")
    assert "### 三、建设补贴：按楼层分档，平层入户再加3万元" in r.text.splitlines()
    doc = parse_document(SourceFile("g", SYNTHETIC / "g.html", r.text, "0" * 64, "html"))
    tier = next(c for c in doc.clauses if c.text.startswith("4层至5层住宅"))
    assert tier.section_path[-1] == "三、建设补贴：按楼层分档，平层入户再加3万元"
    assert doc.meta.title == "一图读懂《桂川市既有住宅加装电梯财政补贴办法》"  # the page's <h1>


def test_a_few_fields_in_a_two_column_table_are_label_lines() -> None:
    r = read_file(SYNTHETIC / "anping_xinjiuye_fabuhui_2024.html")
    assert "发布地点：市政府新闻发布厅（市民服务中心A座3楼）" in r.text.splitlines()


def test_fields_in_spans_of_one_block_are_read_one_by_one() -> None:
    """「<span>发布机构：X</span><span>指南文号：Y</span>」 in one <p>: the 发布机构 is X, not X run into the next label."""
    html = ("<html><body><h1>某事项办事指南</h1><p><span>发布机构：某市市场监督管理局</span><span>指南文号：某市监许〔2025〕1号</span>"
            "<span>发布日期：2025年6月18日</span></p><h2>一、办理条件</h2><p>申请人应当具有营业执照。</p></body></html>")
    r = read_bytes(html.encode("utf-8"), "guide.html")
    assert r.issuer == "某市市场监督管理局" and r.doc_number == "某市监许〔2025〕1号" and r.published == "2025-06-18"
    assert "发布日期：2025年6月18日" in r.text.splitlines()[:4]  # no 落款: the page's date stands in for it
