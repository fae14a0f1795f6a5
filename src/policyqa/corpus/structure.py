"""公文 structure: page-break repair, header / body headings / 落款 / 附注, clauses and 责任单位.

Hand-written because no library parses 公文 layouts: the rules below follow GB/T 9704 conventions
(一、 / （一） / 1. / （1）, 第X章 / 第X条, 文号 〔年〕号, 落款 + 成文日期) and tolerate run-in headings.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import lru_cache

from policyqa.corpus.load import SourceFile
from policyqa.corpus.provenance import origin_marks
from policyqa.corpus.readers.gongwen import is_page_number
from policyqa.corpus.responsibility import (InheritedNote, above_note, lead_rule_of, note_starts, parse_responsibility,
                                           split_units)
from policyqa.text.normalize import normalize_text
from policyqa.types import Clause, Document, DocumentMeta, Responsibility, Section

CN = "一二三四五六七八九十百零〇"
# the two ways a 政策问答 numbers its questions: 「问3：」 (the number after 问) and 「3.问：」「三、问：」 (before it)
_ASK_NUMBERED = r"问题?\s*(\d{1,3})\s*[：:、.．]"
_NUMBERED_ASK = rf"(\d{{1,3}}|[{CN}]{{1,4}})\s*[.．、]\s*问\s*[：:]"
_HEADINGS: list[tuple[str, re.Pattern[str]]] = [
    ("chapter", re.compile(rf"^第([{CN}]+)章\s*(.*)$")),
    ("part", re.compile(rf"^第([{CN}]+)节\s*(.*)$")),
    ("division", re.compile(rf"^第([{CN}]+)部分\s*(.*)$")),  # 「第一部分　总体要求」
    ("article", re.compile(rf"^第\s*([{CN}]+|\d{{1,3}})\s*条\s*(.*)$")),  # 「第1条」 too, as some 细则 number them
    # 「1.问：哪些人可以申领？」「一、问：…」 of a 政策问答 that numbers its questions: each a question item (below)
    ("qa", re.compile(rf"^{_NUMBERED_ASK}\s*(.*)$")),
    ("l1", re.compile(rf"^([{CN}]+)(?:、|[.．](?!\d))\s*(.*)$")),  # 「一、」, and 「一．」 as some portals write it
    ("l2", re.compile(rf"^[（(]([{CN}]+)[）)]\s*(.*)$")),
    ("l3", re.compile(r"^(\d{1,2})[.．、](?!\d)\s*(.*)$")),
    ("l4", re.compile(r"^[（(]?(\d{1,2})[）)]\s*(.*)$")),  # 「（1）」, and the half-bracketed 「1）」
    # 「问3：政策的执行期是多长？」 of a 政策问答; the 「答：…」 after it is that item's text
    ("qa", re.compile(rf"^{_ASK_NUMBERED}\s*(.*)$")),
    # 「【办理时限】」 of an 办事指南: a labelled block
    ("label", re.compile(r"^【([^】\s]{2,12})】\s*(.*)$")),
    # 「◎招生计划」「▲报名时间」: a short line under a bullet sign titles what follows (◎■ above 【】 blocks, ▲●◆ below)
    ("mark1", re.compile(r"^([◎■□])\s*([^。；，！？]{2,20})$")),
    ("mark2", re.compile(r"^([▲●◆△◇])\s*([^。；，！？]{2,20})$")),
    # 「2.1　夯实数字基础设施」「2.1.1　加快5G…。」: decimal outline numbering (its depth is the heading's level);
    # 「2.5万元…」 at a line's start is an amount, not a heading; nor is 「3．1条以上城市主干道…」 (item 3, 「1条」)
    # 「2.1总体目标」, not 「2．16至24岁登记失业青年」 (item 2: a figure and its unit or range run on)
    ("dec", re.compile(r"^(\d{1,2}(?:[.．]\d{1,2}){1,3})(?:\s+|(?=[\u4e00-\u9fff“（])(?![至到岁周年月日天时米吨余多]))"
                       r"(?![万亿元个%％倍条项家人名处座户台辆所])(.*)$")),
    # 「1　总体目标」: the first level of a decimal outline, a short title after the number
    ("dec", re.compile(r"^(\d{1,2})\s+([\u4e00-\u9fff][^。；，：！？]{1,30})$")),
]
# Nesting order of heading kinds; an attachment (a 方案 wrapped by its 通知) is the root of its own tree.
_RANK = {"attachment": 0, "division": 1, "chapter": 1, "part": 2, "l1": 3, "article": 4, "l2": 5, "l3": 6, "l4": 7,
         "md1": 1, "md2": 3, "md3": 5, "md4": 6, "md5": 7, "md6": 8,
         "label": 2, "qa": 5, "dec1": 3, "dec2": 5, "dec3": 6, "dec4": 7, "mark1": 1, "mark2": 4}

_DOC_KINDS = "意见|通知|办法|方案|规定|细则|计划|规划|措施|决定|条例|标准|清单|通告|公告|批复|答复|函|报告|纲要|政策|若干措施|要点|指南|问答|预案|解读|答记者问|通报|纪要|命令|公示|发布会"
_TITLE = re.compile(rf"(关于.*|.*(?:{_DOC_KINDS}))$")
_TITLE_DONE = re.compile(rf"(?:{_DOC_KINDS})[）)]?$")
_DOC_NUMBER = re.compile(r"^[\u4e00-\u9fff]{1,12}[〔\[［【(（]\d{4}[〕\]］】)）]\s*\d{1,4}\s*号$")
# a line that states a rule's own 文号, issuer or date (under each title of a 汇编 of policies): what it is, not what it says
HEADER_LINE = re.compile(rf"^(?:{_DOC_NUMBER.pattern[1:-1]}|"
                         r"(?:发文字号|文\s*号|发文机关|发布机关|制定机关|发布机构|成文日期|印发日期|发布日期|发布时间)[：:].{0,80})$")
# a day as 公文 write it: 「2022年2月1日」, or in a 政府令 「二〇二二年二月一日」 (groups 1-3 or 4-6: year, month, day)
# (a scan's OCR reads the 〇 of a year as 「O」 or 「○」: 「二O二五年」)
DAY = r"(?:(\d{4})年(\d{1,2})月(\d{1,2})日|([〇零○OoＯ一二三四五六七八九]{4})年([一二三四五六七八九十]{1,2})月([一二三四五六七八九十]{1,3})日)"
_DATE = re.compile(rf"^{DAY}$")
_ORGANS = "人民政府|政府|办公厅|办公室|委员会|管委会|局|厅|部|委|院|中心|公司|集团"  # what an organ's name ends in
_ASSOCIATIONS = "联合会|协会"  # issuers that are no organ (「西塘市科学技术协会」), in a 版头 or joint 落款
_ORG_SUFFIX = re.compile(rf"({_ORGANS})$")
_NOTE = re.compile(r"^[（(](此件[^）)]{1,20}|[^）)]{1,20}公开[^）)]{0,10})[）)]$")
_ATTACHMENT_LIST = re.compile(r"^附件[：:]")
# 「附件1：补贴标准」: before the 落款 an entry of the attachment list, after it the head of that attachment;
# 「附」「附件2」 alone on a line mark the attachment whose title follows
_ATTACHMENT_HEAD = re.compile(r"^附件\s*\d{1,2}\s*[：:]\s*(?P<title>[^。；！？]{2,60})$")
# a 政府令 opens 「云梧市人民政府令」「第21号」 and then the rule it promulgates, whose title is the notice's title
_ORDER_HEAD = re.compile(r"^[\u4e00-\u9fff]{2,16}(?:人民政府|政府)令$")
_ORDER_NUMBER = re.compile(r"^第\s*[0-9一二三四五六七八九十百零〇]{1,6}\s*号$")
_ORDER_FULL = re.compile(rf"{_ORDER_HEAD.pattern[:-1]}\s*{_ORDER_NUMBER.pattern[1:]}")  # 「渝川市人民政府令第27号」 on one line
_ATTACHMENT_MARK = re.compile(r"^附(?:件\s*\d{0,2})?\s*[：:]?$")
_RESP_START = re.compile(r"^(?:[（〔(\[]\s*(?:责任单位|牵头单位|责任部门|主要责任单位)|(?:牵头单位|牵头部门|责任单位|配合单位)[：:])")
_EFFECTIVE = re.compile(r"^本[\u4e00-\u9fff“”]{0,16}?(?:方案|办法|意见|规定|细则|通知|计划|措施)自.{4,20}(?:施行|实施)")
# 「本实施细则自2022年2月1日起施行，有效期5年」 (the portal may drop the closing 。), 「自印发之日起施行」
_FROM_DAY = (rf"[自从](?:{DAY}|(?:印发|发布|公布)之日)起(?:施行|实施|执行)"
             rf"(?:[，,][^。\n]{{0,60}}?(?:有效期(?:至{DAY}|为?[\d一二三四五六七八九十两]+年)|试行期?[\d一二三四五六七八九十两]+年))?。?")
_RULE_KINDS = "实施方案|方案|实施办法|办法|实施细则|细则|规定|意见|措施|条例|规划|计划"
EFFECTIVE_SENTENCE = re.compile(r"本[^。，；\n]{0,20}?" + _FROM_DAY)
# a 政策解读 or a cover note speaks of the rule it is about by name: 「《办法》自2024年5月1日起施行，有效期5年」, or
# 「《X实施办法》（琅卫规〔2025〕2号，以下简称《办法》），自2025年7月1日起施行」 with its 文号 and 简称 between
_NAMED_EFFECTIVE = re.compile(r"《(?P<name>[^《》\n]{1,60})》(?:[（(][^（）()\n]{2,60}[）)][，,]?)?" + _FROM_DAY)
_SHORT_NAME = re.compile(r"《(?P<name>[^《》\n]{2,60})》[^《》。\n]{0,40}?以下简称《(?P<short>[^《》\n]{1,20})》")
# a portal's 信息公开 block copied as text: 「发文字号：临府办发〔2024〕12号」「成文日期：2024年3月5日」「索引号：…」
# a 版头's own fields (密级, 紧急程度, 签发人 of a 上行文; the 办理结果 of a 答复 to a 建议 or 提案) open it as well, and say
# something of this document: they are kept as its text
_OWN_FIELD_LABELS = r"签发人|密级|紧急程度|公开属性|办理结果(?:类别)?"
_FIELD_LABELS = (r"发文字号|文\s*号|成文日期|印发日期|发布日期|发布时间|发布机构|发文机关|来源|索引号|主题分类|有效性|公开方式"
                 rf"|{_OWN_FIELD_LABELS}")
_OWN_FIELD = re.compile(rf"^(?:{_OWN_FIELD_LABELS})[：:]")
_FIELD_LINE = re.compile(rf"^(?P<label>{_FIELD_LABELS})[：:]\s*(?P<value>\S.{{0,80}})$")
# 「发布时间：2025年3月18日　来源：…」: a portal's info bar holds several fields, each up to the next label
_FIELD = re.compile(rf"(?P<label>{_FIELD_LABELS})[：:]\s*(?P<value>.+?)\s*(?=(?:{_FIELD_LABELS})[：:]|$)")
_FIELD_KEYS = {"发文字号": "doc_number", "文号": "doc_number", "成文日期": "date", "印发日期": "date", "发布日期": "date",
               "发布时间": "date", "发布机构": "issuer", "发文机关": "issuer", "来源": "issuer"}
_SENTENCE_END = re.compile(r"(?:[。！？；：…!?;]|[。！？；][”’」』])$")
_CONT_START = "、，。；：）〕”,.;:)"
_MD_PREFIX = re.compile(r"^(?:#{1,6}\s+|>\s*)")
PREAMBLE = "导语"


@dataclass
class _Para:
    kind: str  # header_org|order|toc|docnum|field|title|recipients|date|office|note|attachments|heading|body|resp
    text: str
    heading: tuple[str, str, str] | None = None  # (kind, number, rest)
    marked: bool = False  # a Markdown / page heading (「### 三、建设补贴：按楼层分档」): a heading whatever its punctuation
    start: int = 0
    end: int = 0


def _heading(line: str) -> tuple[str, str, str] | None:
    for kind, pat in _HEADINGS:
        m = pat.match(line)
        if m:
            if kind == "dec":  # 「2.1.1」 is the third level
                kind = f"dec{len(re.split(r'[.．]', m.group(1)))}"
            return kind, m.group(1), m.group(2)
    return None


def _decimal_outline(paras: list[_Para]) -> list[_Para]:
    """In a document numbered 「1」「1.1」「1.1.1」, 「1.」 and 「1、」 are its first level, not items under a 「（一）」."""
    if not any(p.heading and p.heading[0] in ("dec2", "dec3") for p in paras):
        return [p if p.heading is None or p.heading[0] != "dec1" else _Para("body", p.text) for p in paras]
    # 「1．市气象局发布暴雨蓝色预警信号…；」 is an item of the list its paragraph opens, not a first-level title
    return [_Para(p.kind, p.text, ("dec1", *p.heading[1:]), p.start, p.end)
            if p.heading and p.heading[0] == "l3" and not _ITEM_END.search(p.text) else p for p in paras]


_ITEM_END = re.compile(r"[；;。]\s*$")  # a clause of a list (「…；」) or a sentence: a decimal outline's titles end bare


# 「…（责任单位：市委宣传部）附件：学校示范引领工程目标任务分配表」: a copy that lost its line breaks glues the attachment
# list onto the last paragraph — and the attachment itself, 「附件：X附件X召集人：…」 (its mark and title X again, then it)
_GLUED_ATTACHMENT = re.compile(r"(?<=[。〕）)])附件[：:]")


def _running_lines(lines: list[str]) -> set[str]:
    """Lines a copy of a printed 公文 repeats at every page (「南屏市人民政府规范性文件」, a 公报's issue line): short, with no
    punctuation, no numbering, three times or more. The PDF reader drops them by position; a text copy has none."""
    counts = Counter(ln for ln in lines if 4 <= len(ln) <= 30 and not re.search(r"[，。；：:、（）()《》“”\[\]【】〔〕|｜]", ln))
    return {ln for ln, n in counts.items() if n >= 3 and _heading(ln) is None}


def _unglue_attachment(line: str) -> list[str]:
    m = _GLUED_ATTACHMENT.search(line)
    if m is None:
        return [line]
    head, tail = line[: m.start()], line[m.start() :]
    again = re.match(r"附件[：:](.{4,60}?)附件\d{0,2}\1(.*)$", tail)
    if again is None:
        return [head, tail]
    return [head, f"附件：{again.group(1)}", "附件", again.group(1), *([again.group(2)] if again.group(2) else [])]


def joint_issuers(line: str) -> str:
    """「北汀市工业和信息化局北汀市财政局」 (a joint 版头 or 落款 whose spacing was lost) -> 「北汀市工业和信息化局、北汀市财政局」:
    split where the first issuer's place starts again, when the parts are organs' names that tile the line."""
    m = re.match(r"[\u4e00-\u9fff]{2,4}?[省市县区]", line)
    if m is None or line.count(m.group(0)) < 2:
        return line
    place = re.escape(m.group(0))
    organ = re.compile(rf"(?:国家[\u4e00-\u9fff]{{2,10}}?总局)?{place}[\u4e00-\u9fff]+?"
                       rf"(?:{_ORGANS}|{_ASSOCIATIONS})(?=国家|{place}|$)")
    parts, at = [], 0
    while at < len(line):
        p = organ.match(line, at)
        if p is None:
            return line
        parts.append(p.group(0))
        at = p.end()
    return "、".join(parts) if len(parts) >= 2 else line


def _is_orgish(line: str) -> bool:
    return len(line) <= 30 and not re.search(r"[，。；：、！？]", line) and bool(_ORG_SUFFIX.search(line))


def _is_titleish(line: str) -> bool:
    return 4 <= len(line) <= 100 and not _SENTENCE_END.search(line) and bool(_TITLE.match(line)) and not re.search(r"[，|｜]", line)


def _is_title_tail(line: str) -> bool:
    """「的通告」「工作的通知」: the short last line of a title wrapped after 「关于…」, too short to be a title itself."""
    return len(line) <= 40 and bool(_TITLE_DONE.search(line)) and not re.search(r"[，。；：！？,;:]", line)


_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")


_TOC = re.compile(r"^目\s*录$")
_BARE_KIND = re.compile(r"^(?:文件|公告|通告)$")


def _header_org(line: str) -> bool:
    """An issuer's name as a 版头 line: an organ, or a 协会 / 联合会 (「西塘市科学技术协会」)."""
    return _is_orgish(line) or bool(re.search(rf"[\u4e00-\u9fff]{{2,}}(?:{_ASSOCIATIONS})$", line))


_RULE_LINE = re.compile(r"^[━─—＝=_＿~～\-－·•*★☆]{6,}$")  # the red rule under a 版头, drawn in characters
# 「白河市人民政府门户网站 > 政务公开 > 政策文件」: a portal page's breadcrumb, copied with the notice, is no text of it
_CRUMB = re.compile(r"^(?:当前位置[：:]\s*)?[^。，；：>»›]{1,24}(?:\s*[>»›]\s*[^。，；：>»›]{1,24}){2,}$")
# 「【字体：大 中 小】　【打印本页】　【关闭窗口】」: a portal page's buttons, copied with the notice
_BUTTONS = re.compile(r"^(?:\s*【\s*(?:字体|字号|打印|关闭|收藏|分享|返回|纠错|保存)[^】]{0,10}】)+\s*$")
# 「鹤汀市人民政府门户网站 | 无障碍浏览 | 长者模式 | English」: a portal's links in a row
_NAV = re.compile(r"^[^|｜。，；：:]{1,16}(?:\s*[|｜]\s*[^|｜。，；：:]{1,16}){2,}$")


# 「【相关链接】」「分享到：微信 微博」「主办单位：…」: where a portal page's tail (links to other pages, share buttons, the site's
# footer) begins, copied with the notice
_TAIL_START = re.compile(r"^(?:【\s*)?相关(?:链接|阅读|文件|新闻|推荐|信息|解读|稿件)(?:\s*】)?[：:]?$|^分享到[：:]|^(?:主办|承办)(?:单位)?[：:]|^网站标识码[：:]|ICP备\d")


def _portal_tail(lines: list[str], edge: int = 15) -> int:
    """Index of the first line of a portal page's tail among the last ``edge`` lines (len(lines) if none): every line
    from there on is short — links, buttons, the footer — never a sentence of the notice."""
    filled = [j for j, ln in enumerate(lines) if ln]
    for j in filled[-edge:]:
        if _TAIL_START.search(lines[j]) and all(len(ln) <= 60 and not ln.endswith("。") for ln in lines[j:]):
            return j
    return len(lines)


def _is_nav(lines: list[str], i: int, edge: int = 6) -> bool:
    """A line of three or more short links between bars, alone, among a page's first or last lines (a portal's header
    or footer): no row of a table (rows come two or more running, under a caption in the text)."""
    if not _NAV.match(lines[i]) or lines[i].startswith(("|", "｜")):
        return False
    near = [ln for ln in (lines[i - 1] if i else "", lines[i + 1] if i + 1 < len(lines) else "") if ln]
    filled = [j for j, ln in enumerate(lines) if ln]
    return i in filled[:edge] + filled[-edge:] and not any(is_row(ln) for ln in near)


_TABLE_RULE = re.compile(r"^[|｜]?(?:\s*:?-{3,}:?\s*[|｜])+\s*(?::?-{3,}:?)?\s*$")
# 「【记者】…？」 asks and the speaker's paragraph after it answers (a 答记者问); 「【主持人】…」 speaks, heads nothing
ASKER_TAG = r"【(?:记者|问|提问|网友|群众)】"  # who asks in an 答记者问 or an online 问答
_ASKER = re.compile(rf"^{ASKER_TAG}\s*(\S.*)$")
_SPEAKER = re.compile(r"^【(?:主持人|答)】\s*\S")
_PLAIN_ASK = re.compile(r"^问\s*[：:]\s*(\S.{2,80}?[？?])$")
# the line of a 政策问答 or 答记者问 that asks (「问3：」「3.问：」「问：」「【记者】」): what follows it answers
QA_LINE = re.compile(rf"^(?:{_ASK_NUMBERED}|{_NUMBERED_ASK}|问\s*[：:]|{ASKER_TAG})")
_ANSWER = re.compile(r"^答\s*[：:]")


def _classify(lines: list[str]) -> list[_Para]:
    paras: list[_Para] = []
    in_header = True
    toc: list[str] | None = None  # the entries of a 目录 being read (its chapters, listed again in the body)
    asked = 0
    for i, raw_line in enumerate(lines):
        md = _MD_HEADING.match(raw_line)
        line = md.group(2).strip() if md else raw_line
        nxt = _MD_HEADING.sub(r"\2", lines[i + 1]) if i + 1 < len(lines) else ""
        h = _heading(line)
        if _TOC.match(line) or (toc is not None and h is not None and h[0] in ("chapter", "part", "division", "l1")
                                and line not in toc[:1]):
            toc = [] if toc is None else toc + [line]  # 「目　录」 and the headings it lists: no part of the body
            paras.append(_Para("toc", line))
            continue
        toc = None
        asker = _ASKER.match(line) or (_PLAIN_ASK.match(line) if _ANSWER.match(nxt) else None)
        if asker:  # 「【记者】…？」, or 「问：…？」 with 「答：…」 under it (an FAQ that numbers nothing)
            asked += 1
            h = ("qa", str(asked), asker.group(1))
        elif _SPEAKER.match(line) or (asked and re.match(r"^【[^】]{2,30}】\s*\S", line)):
            h = None  # a speaker's turn: 「【市商务局党组成员　周涛】…」 after the first question
        first_title = md and h is None and line and len(md.group(1)) == 1 and not any(p.kind == "title" for p in paras)
        if first_title and ((in_header and not _ORDER_HEAD.match(line))
                            or (any(p.kind == "order" for p in paras) and _is_titleish(line))):
            # a page's one top heading (its <h1>) above the text is the title; under a 政府令, the rule it promulgates
            paras.append(_Para("title", line))
            continue
        if md and h is None and line and not (_is_titleish(line) and in_header) and not (in_header and _ORDER_HEAD.match(line)):
            # a Markdown heading without 公文 numbering: its level comes from the number of #
            paras.append(_Para("heading", line, (f"md{len(md.group(1))}", "", line)))
            in_header = False
            continue
        kind = "body"
        if in_header and _FIELD_LINE.match(line):
            kind = "field"
        elif _DATE.match(line):
            kind = "date"
        elif _DOC_NUMBER.match(line) or (_ORDER_NUMBER.match(line) and paras and paras[-1].kind == "order") \
                or (in_header and _ORDER_FULL.match(line)):
            kind = "docnum"
        elif in_header and not paras and _ORDER_HEAD.match(line):
            kind = "order"
        elif _RESP_START.match(line):
            kind = "resp"
        elif _NOTE.match(line) and paras and paras[-1].kind in ("date", "note"):
            kind = "note"
        elif _ATTACHMENT_MARK.match(line):
            kind = "attach_mark"
        elif paras and paras[-1].kind == "attach_mark" and len(line) <= 60 and not _SENTENCE_END.search(line) \
                and _heading(line) is None:
            kind = "title"  # the line under 「附件」 titles the attachment (「…联席会议成员名单」 ends in no 文种)
        elif _ATTACHMENT_HEAD.match(line):
            kind = "attach_head"
        elif _ATTACHMENT_LIST.match(line) or (paras and paras[-1].kind == "attachments" and re.match(r"^\d{1,2}[.．、]", line)):
            kind = "attachments"
        elif _is_orgish(line) and _DATE.match(nxt):
            kind = "office"
        elif in_header and line.endswith("文件") and len(line) <= 30:
            kind = "header_org"
        elif in_header and all(p.kind in ("header_org", "field") for p in paras) and (
                (_header_org(line) and (_DOC_NUMBER.match(nxt) or _is_titleish(nxt) or _BARE_KIND.match(nxt)
                                        or (_header_org(nxt) and not _is_titleish(nxt) and not nxt.startswith("关于"))))
                or (paras and _BARE_KIND.match(line) and _DOC_NUMBER.match(nxt))):
            # 「临川湾市人民政府」 above 「川湾府发〔2024〕2号」: a 版头 without 「文件」; joint issuers one to a line above it,
            # and the 「公告」 or 「文件」 under them
            kind = "header_org"
        elif h is not None and not (h[0] == "l1" and len(h[2]) == 0):
            kind = "heading"
        elif in_header and _is_orgish(line) and nxt.startswith("关于") and _is_titleish(nxt):
            kind = "title"  # 「安平市人民政府办公室」 over 「关于印发…的通知」 (under the 版头 and 文号): the title's first line
        elif _is_titleish(line):
            kind = "title"
        elif in_header and "关于" in line and len(line) <= 60 and not re.search(r"[，。；：:]", line):
            kind = "title"  # 「白沙洲市人民政府办公室关于印发《白沙洲」: a title wrapped after its issuer and 关于
        elif in_header and line.endswith(("：", ":")) and re.search(r"政府|委|局|部门|管委会|单位|公司|代表|委员", line):
            kind = "recipients"
        if kind in ("body", "heading", "resp"):
            in_header = False
        paras.append(_Para(kind, line, h if kind == "heading" else None, marked=bool(md) and kind == "heading"))
    return paras


def _page_title_lines(lines: list[str]) -> int:
    """1 when the first line only repeats the two or three lines under it run together (a portal page's <title>
    「石渠市人民政府令第27号」 above the page's own 「# 石渠市人民政府令」「第27号」), else 0: the page's lines say it."""
    if not lines:
        return 0
    bare = [_MD_HEADING.sub(r"\2", ln).replace(" ", "") for ln in lines[:4]]
    return int(any(len(bare) > k and bare[0] == "".join(bare[1:k + 1]) for k in (2, 3)))


def _ends_open(text: str) -> bool:
    """True when a paragraph stops mid-sentence (no 。；： etc.), i.e. the source broke the page there."""
    return not _SENTENCE_END.search(text) and not text.endswith(("）", "〕", ")"))


def _is_pure_heading(p: _Para) -> bool:
    assert p.heading is not None
    kind, _, rest = p.heading
    if kind == "article":  # 第X条 carries its own text; only a bare 「第X条」 line is a heading
        return not rest
    if kind == "qa":  # the question is the item's title and a clause of its own (it is worded as citizens ask)
        return False
    if p.marked:
        return len(rest) <= 60
    # 「三、认定条件有哪些？」: a 政策解读 titles its parts as the questions it answers
    return len(rest) <= 40 and not re.search(r"[。；！：:]|[？?](?!$)", rest)


_FIELD_ROW = re.compile(r"^[^：:。，；]{2,24}[：:]\s*[^。；]{1,40}$")


def is_row(text: str) -> bool:
    """A table row 「户型 | 建筑面积 | 补贴标准」 or a 「岚城区民政局：0795-3216620」 line: complete on its own line, never a
    sentence a page break cut (the next line starts a row or a paragraph of its own)."""
    return bool(table_cells(text)) or (bool(_FIELD_ROW.match(text)) and not text.endswith(("、", "，", ",")))  # 「（责任单位：市发改委、」 runs on


_RESP_COLUMN = re.compile(r"(?:牵头|责任|主责|配合|协办|参与)(?:单位|部门)")
_TASK_COLUMN = re.compile(r"[\u4e00-\u9fff]{0,4}?(?:任务|事项|工作|内容|措施)(?:名称)?")  # 「重点任务」「政策措施」


def table_cells(text: str) -> list[str]:
    """The cells of a table row 「1｜…｜市城市管理局｜…」 ([] for a line that is no row)."""
    return [c.strip() for c in re.split(r"[|｜]", text)] if len(re.findall(r"[|｜]", text)) >= 2 else []


def _table_row(p: _Para, columns: list[str]) -> tuple[str, Responsibility | None]:
    """A 分工表 row: the task its task column names, and the units of its 牵头 and 配合 columns as a responsibility
    note (lead kept apart). Hand-written: the portals flatten these tables into 「｜」 rows no table reader sees."""
    cells = re.split(r"[|｜]", p.text)  # as written: their offsets place the note
    task = next((c.strip() for c, h in zip(cells, columns) if _TASK_COLUMN.fullmatch(h)), "")
    lead: list[str] = []
    units: list[str] = []
    spans: list[int] = []
    pos = 0
    for cell, head in zip(cells, columns):
        if _RESP_COLUMN.fullmatch(head) and cell.strip():
            found = split_units(cell)
            units += [u for u in found if u not in units]
            if "牵头" in head or "主责" in head:
                lead += found
            spans += [pos, pos + len(cell)]
        pos += len(cell) + 1
    if not units:
        return task, None
    start, end = min(spans), max(spans)
    return task, Responsibility(tuple(units), False, p.text[start:end], p.start + start, p.start + end,
                                lead=tuple(lead) if len(lead) < len(units) else ())


def _merge_page_breaks(paras: list[_Para]) -> list[_Para]:
    """Join a paragraph with the next when the source split a sentence across lines (page breaks)."""
    out: list[_Para] = []
    for p in paras:
        prev = out[-1] if out else None
        content_prev = prev is not None and (prev.kind == "body" or (prev.kind == "heading" and not _is_pure_heading(prev)))
        if p.kind == "resp" and p.text[0] not in "（〔([":
            p.kind = "resp_line"  # 「牵头单位：…。」 on a line of its own closes the clause above it (kept as its own line)
        if prev is not None and content_prev and not (is_row(prev.text) and p.text[0] not in _CONT_START) and not table_cells(p.text):
            if p.kind == "resp" or (p.kind in ("body", "title") and (_ends_open(prev.text) or p.text[0] in _CONT_START)):
                prev.text += p.text
                continue
        if prev is not None and prev.kind == "title" and (
                (p.kind in ("title", "body") and p.text.startswith("关于"))
                or (p.kind in ("title", "body") and "关于" in prev.text and not _TITLE_DONE.search(prev.text)
                    and (p.kind == "title" or _is_title_tail(p.text)))):  # 「…关于印发《白沙洲」「市…办法》的通知」「的通告」
            prev.text += p.text
            continue
        if p.kind == "resp":  # a responsibility note with nothing before it is still body
            p.kind = "body"
        out.append(p)
    return out


# 「…本办法自2024年2月1日起施行。广安市重大…管理办法第一条 …」: a lost line break glued the next attachment's title on
_GLUED_TITLE = re.compile(rf"(?<=[。；])([\u4e00-\u9fff“”（）《》、]{{4,60}}?(?:{_DOC_KINDS}))(?=第一[章条]|一、)")


def _split_glued_titles(paras: list[_Para]) -> list[_Para]:
    out: list[_Para] = []
    for p in paras:
        if p.kind == "heading" and p.heading is not None and p.heading[0] in ("l1", "l2", "chapter"):
            # 「一、加大创新平台建设后激励1.对获批…」: the first numbered item was glued onto its heading
            g = re.search(r"(?<=[\u4e00-\u9fff）”])(?=(?:\d{1,2}[.．、]|（\d{1,2}）|第一节)[\u4e00-\u9fff])", p.text)
            if g is not None and 4 <= g.start() <= 60 and not re.search(r"[。；：]", p.text[: g.start()]):
                head, rest = p.text[: g.start()], p.text[g.start() :]
                out.append(_Para("heading", head, _heading(head)))
                h = _heading(rest)
                p = _Para("heading", rest, h) if h is not None else _Para("body", rest)
        m = _GLUED_TITLE.search(p.text) if p.kind in ("body", "heading") else None
        if m is None:
            out.append(p)
            continue
        head, title, rest = p.text[: m.start()], m.group(1), p.text[m.end() :]
        out.append(_Para(p.kind, head, p.heading))
        out.append(_Para("title", title))
        h = _heading(rest)
        out.extend(_split_glued_titles([_Para("heading", rest, h) if h is not None else _Para("body", rest)]))
    return out


_ITEM_AFTER_SENTENCE = re.compile(r"(?<=[。；])(?=(?:\d{1,2}[.．、]|[（(][一二三四五六七八九十]{1,3}[）)])[\u4e00-\u9fff])")


def _split_glued_items(paras: list[_Para]) -> list[_Para]:
    """「…给予奖励。2.对…」: numbered items the portal ran together start their own paragraphs again."""
    out: list[_Para] = []
    for p in paras:
        if p.kind not in ("body", "heading") or not _ITEM_AFTER_SENTENCE.search(p.text):
            out.append(p)
            continue
        pieces = [x for x in _ITEM_AFTER_SENTENCE.split(p.text) if x]
        out.append(_Para(p.kind, pieces[0], p.heading))
        for piece in pieces[1:]:
            h = _heading(piece)
            out.append(_Para("heading", piece, h) if h is not None else _Para("body", piece))
    return out


_GLUED_ARTICLE = re.compile(r"(?<=[。；：])第([一二三四五六七八九十]{1,3})条(?=[\u4e00-\u9fff“（])")


def _split_glued_articles(paras: list[_Para]) -> list[_Para]:
    """「…制定本办法。第二条本办法适用于…第三条…」: articles the portal ran together start their own paragraphs again,
    where the numbering checks (the next article's number follows the last one's; a new title starts again at 第一条)."""
    out: list[_Para] = []
    last = 0
    for p in paras:
        if p.kind == "title":
            last = 0
        if p.kind == "heading" and p.heading is not None and p.heading[0] == "article":
            last = cn_small(p.heading[1])
        if p.kind not in ("body", "heading") or not last:
            out.append(p)
            continue
        cur = p
        while True:
            nxt = next((m for m in _GLUED_ARTICLE.finditer(cur.text) if cn_small(m.group(1)) == last + 1), None)
            if nxt is None:
                break
            out.append(_Para(cur.kind, cur.text[: nxt.start()], cur.heading))
            rest = cur.text[nxt.start() :]
            cur = _Para("heading", rest, _heading(rest))
            last += 1
        out.append(cur)
    return out


def _split_own_title(paras: list[_Para]) -> list[_Para]:
    """「（本文有删减）广安市…若干政策措施为落实…」: the attached document's own title run into its first paragraph."""
    first = next((p for p in paras if p.kind == "title"), None)
    if first is None:
        return paras
    inner = re.findall(r"《([^》]{6,})》", first.text)
    if len(inner) != 1:
        return paras
    core = inner[0]
    out: list[_Para] = []
    for p in paras:
        i = p.text.find(core) if p is not first and p.kind == "body" else -1
        if 0 <= i <= 12 and len(p.text) > i + len(core) + 5 and re.match(r"^(?:[（(][^）)]{1,10}[）)])?$", p.text[:i]):
            if i:
                out.append(_Para("note", p.text[:i]))
            out.append(_Para("title", core))
            out.append(_Para("body", p.text[i + len(core) :]))
        else:
            out.append(p)
    return out


def _split_after_notes(paras: list[_Para]) -> list[_Para]:
    """A 责任单位 note closes its clause: text after it in the same line (lost line breaks) is the next clause."""
    out: list[_Para] = []
    for p in paras:
        if p.kind not in ("body", "heading"):
            out.append(p)
            continue
        cur = p
        while True:
            cuts = [e for _, e in note_starts(cur.text) if e < len(cur.text) and re.match(r"[\u4e00-\u9fff“（(A-Za-z0-9]", cur.text[e:])]
            if not cuts:
                break
            cut = cuts[0]
            out.append(_Para(cur.kind, cur.text[:cut], cur.heading))
            rest = cur.text[cut:]
            h = _heading(rest)
            cur = _Para("heading", rest, h) if h is not None and h[0] != "article" else _Para("body", rest)
        out.append(cur)
    return out


def _label(kind: str, num: str, title: str) -> str:
    if kind.startswith("md"):
        return title
    if kind == "chapter":
        return f"第{num}章 {title}".strip()
    if kind == "part":
        return f"第{num}节 {title}".strip()
    if kind == "division":
        return f"第{num}部分 {title}".strip()
    if kind == "article":
        return f"第{num}条"
    if kind == "l1":
        return f"{num}、{title}"
    if kind in ("l2", "l4"):
        return f"（{num}）{title}"
    if kind == "label":
        return f"【{num}】"
    if kind == "qa":
        return f"问{num}：{title}"
    if kind.startswith("dec"):
        return f"{num} {title}".strip()
    if kind.startswith("mark"):
        return f"{num}{title}"
    return f"{num}. {title}"


_IN_FORCE_RULE = re.compile(r"起施行|起执行|同时废止")


def _runin_title(rest: str, commas: bool = False) -> str:
    """「细化行动方案。依托…」 -> 「细化行动方案」: a short phrase closed by 。 before the body (with ``commas``, a phrase
    of two parts: 「坚持优质均衡，各类学校协调发展」)."""
    m = re.match(r"^([^。，；！？]{2,30})。", rest) or (re.match(r"^([^。；！？]{2,30})。", rest) if commas else None)
    # 「本命令自2025年3月1日起施行。」 is the article's rule, not its title
    return m.group(1) if m and not _IN_FORCE_RULE.search(m.group(1)) else ""


def _cn_int(s: str) -> int:
    digits = {c: i for i, c in enumerate("〇一二三四五六七八九")}
    digits.update({z: 0 for z in "零○OoＯ"})
    return int("".join(str(digits[c]) for c in s)) if all(c in digits for c in s) else 0


def day_iso(day: str) -> str:
    """「2022年2月1日」 or 「二〇二二年二月一日」 -> 「2022-02-01」; "" for anything else."""
    m = _DATE.match(day)
    return _iso_date(m) if m else ""


def _iso_date(m: re.Match[str]) -> str:
    if m.group(1):
        return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
    y = _cn_int(m.group(4))
    return f"{y:04d}-{cn_small(m.group(5)):02d}-{cn_small(m.group(6)):02d}"


def cn_small(s: str) -> int:
    """Chinese numerals up to 99: 「五」 -> 5, 「十二」 -> 12, 「二十」 -> 20 (and 「12」 -> 12)."""
    if s.isdigit():
        return int(s)
    vals = {c: i for i, c in enumerate("零一二三四五六七八九")}
    if s == "十":
        return 10
    if "十" in s:
        a, _, b = s.partition("十")
        return (vals.get(a, 1) if a else 1) * 10 + (vals.get(b, 0) if b else 0)
    return vals.get(s, 0)


@dataclass
class _Open:
    kind: str
    sid: str
    path: tuple[str, ...]
    start: int
    level: int
    title: str
    marker: str
    parent: str | None


@dataclass
class _Builder:
    doc_id: str
    sections: list[Section] = field(default_factory=list)
    stack: list[_Open] = field(default_factory=list)
    closed: list[tuple[_Open, int]] = field(default_factory=list)

    def open(self, kind: str, marker: str, title: str, label: str, start: int) -> _Open:
        rank = _RANK[kind]
        self.close_while(lambda o: _RANK[o.kind] >= rank, start)
        path = (self.stack[-1].path if self.stack else ()) + (label,)
        level = sum(1 for o in self.stack if o.kind != "attachment") + (0 if kind == "attachment" else 1)
        o = _Open(kind, f"{self.doc_id}:s{len(self.closed) + len(self.stack)}", path, start, level, title, marker,
                  self.stack[-1].sid if self.stack else None)
        self.stack.append(o)
        return o

    def close_while(self, cond, end: int) -> None:  # type: ignore[no-untyped-def]
        while self.stack and cond(self.stack[-1]):
            self.closed.append((self.stack.pop(), end))

    def finish(self, end: int) -> list[Section]:
        self.close_while(lambda o: True, end)
        secs = [Section(o.sid, self.doc_id, o.level, o.marker, o.title, o.path, o.start, e, o.parent) for o, e in self.closed]
        return sorted(secs, key=lambda s: (s.start, len(s.path)))


def _spread_above_notes(clauses: list[Clause]) -> list[Clause]:
    """「以上工作由X牵头，Y配合。」 closing a part: each task of the part above it (back to the note before, within the
    note's parent section) without a note of its own carries it; a paragraph that is nothing but the note names no task."""
    out = list(clauses)
    filled: set[int] = set()
    for i, c in enumerate(clauses):
        note = above_note(c.text, c.start)
        if note is None or not c.section_path or c.section_path[0] == PREAMBLE:
            continue
        filled.add(i)
        if c.responsibility is None and note.start > c.start:  # the note closes a task paragraph: that task is one
            out[i] = replace(c, responsibility=note)
        scope = c.section_path[: max(1, len(c.section_path) - 1)]
        for j in range(i - 1, -1, -1):
            prev = out[j]
            if j in filled or prev.section_path[: len(scope)] != scope:
                break
            if prev.responsibility is None:
                out[j] = replace(prev, responsibility=note)
                filled.add(j)
    return out


@lru_cache(maxsize=512)
def parse_source(src: SourceFile) -> Document:
    """``parse_document``, remembered by the file's content: a change to the library re-parses only the files it
    touched (in this process: the upload check, the build and the server's reload share the result)."""
    return parse_document(src)


_SPACED = re.compile(r"(?<=\S) {2,}(?=\S)")  # columns aligned by runs of spaces
_TAB_CELLS = re.compile(rf"[ \u3000]*\t[\t \u3000]*|{_SPACED.pattern}")  # a tab, or such a run


def _tab_rows(raw: str) -> str:
    """Lines of tab-separated cells, or of cells aligned by runs of spaces (a table pasted into a text file, two rows or
    more running): 「｜」 between the cells, as a portal's flattened table writes them (normalizing would turn the tabs
    into nothing between CJK)."""
    lines = raw.split("\n")
    # a tab makes cells; runs of spaces do from three cells on (「第一条  为规范…」 is an article with a wide gap)
    tabbed = [("\t" in ln.strip() or len(_SPACED.findall(ln.strip())) >= 2) for ln in lines]
    return "\n".join(_TAB_CELLS.sub("｜", ln.strip()) if tabbed[i] and ((i and tabbed[i - 1]) or (i + 1 < len(lines) and tabbed[i + 1]))
                     else ln for i, ln in enumerate(lines))


def parse_document(src: SourceFile) -> Document:
    text_lines = [ln.strip() for ln in normalize_text(_tab_rows(src.raw)).split("\n")]
    text_lines = [ln if _MD_HEADING.match(ln) else _MD_PREFIX.sub("", ln) for ln in text_lines]
    # 「— 3 —」「第 4 页 共 9 页」 lines a PDF or Word copy leaves between the halves of a sentence are no text
    # 「|---|---|」 under a Markdown table's header draws a rule, it says nothing
    running = _running_lines(text_lines)
    text_lines = text_lines[: _portal_tail(text_lines)]
    lines = [part for i, ln in enumerate(text_lines) if ln and not is_page_number(ln) and not _TABLE_RULE.match(ln)
             and ln not in running and not _RULE_LINE.match(ln) and not _CRUMB.match(ln) and not _BUTTONS.match(ln)
             and not _is_nav(text_lines, i) for part in _unglue_attachment(ln)]
    lines = lines[_page_title_lines(lines):]
    paras = _merge_page_breaks(_decimal_outline(_classify(lines)))
    paras = _split_glued_articles(_split_glued_items(_split_glued_titles(_split_after_notes(_split_own_title(paras)))))

    # Lay paragraphs out as the normalized document: one per line; spans point into it.
    pos = 0
    for p in paras:
        p.start, p.end = pos, pos + len(p.text)
        pos = p.end + 1
    text = "\n".join(p.text for p in paras)

    meta: dict[str, object] = {"doc_id": src.doc_id, "source": src.path.name, "sha256": src.sha256}
    spans: dict[str, tuple[int, int]] = {}
    notes: list[str] = []
    attachments: list[str] = []
    b = _Builder(src.doc_id)
    clauses: list[Clause] = []
    inherited: InheritedNote | None = None
    signed = False  # after the 落款 date, a title line starts an attachment
    order: _Para | None = None  # the 「…人民政府令」 line a 政府令 opens with
    item: tuple[str, int] | None = None  # the list item just read (its kind and number), while a list runs
    listed: tuple[str, int] | None = None  # the last paragraph read as a list item, however it ended
    body_end = len(text)

    fields_kept = 0  # the 版头's own fields kept as clauses (they precede the title)
    lead_rule = ""  # 「逗号前为牵头单位，下同」 / 「排在第一位的为牵头部门，下同」 seen: it holds for later notes

    def add_clause(p: _Para, heading: str = "", row_resp: Responsibility | None = None) -> None:
        nonlocal inherited, lead_rule
        top = b.stack[-1] if b.stack else None
        path = top.path if top else (PREAMBLE,)
        resp, note = (row_resp, None) if row_resp is not None else \
            parse_responsibility(p.text, p.start, inherited, lead_rule=lead_rule)
        if note is not None:
            inherited = note
        if resp is not None and lead_rule_of(resp.text):
            lead_rule = lead_rule_of(resp.text)
        if not heading and p.kind == "body":
            heading = _runin_title(p.text) if resp is not None else ""
        clauses.append(
            Clause(f"{src.doc_id}:c{len(clauses)}", src.doc_id, top.sid if top else None, path, p.start, p.end, p.text,
                   heading, resp)
        )
        m = EFFECTIVE_SENTENCE.search(p.text)
        if m:
            meta.setdefault("effective", m.group(0))

    def extend_clause(p: _Para) -> None:
        c = clauses[-1]
        resp = c.responsibility
        if p.kind == "resp_line":  # label lines read together: 「牵头单位：A。」 then 「责任单位：B。」
            resp, _ = parse_responsibility(text[c.start : p.end], c.start, inherited, lead_rule=lead_rule)
        elif resp is None:
            r, note = parse_responsibility(p.text, p.start, inherited, lead_rule=lead_rule)
            resp = r
        clauses[-1] = replace(c, end=p.end, text=text[c.start : p.end], responsibility=resp)

    columns: list[str] = []  # the header of the 分工表 whose rows are being read
    for i, p in enumerate(paras):
        in_article = bool(b.stack) and b.stack[-1].kind == "article"
        if p.kind == "header_org" and _BARE_KIND.match(p.text):
            pass  # the 「公告」 under the issuers
        elif p.kind == "header_org" and i and paras[i - 1].kind == "header_org" and "issuer" in meta \
                and spans["issuer"][1] < p.start and not _BARE_KIND.match(paras[i - 1].text):
            meta["issuer"] = f"{meta['issuer']}、{p.text.removesuffix('文件')}"  # joint issuers, one to a line
            spans["issuer"] = (spans["issuer"][0], p.end)
        elif p.kind == "header_org":
            meta.setdefault("issuer", p.text.removesuffix("文件"))
            spans.setdefault("issuer", (p.start, p.end))  # quote the whole 版头 line: 「福州市人民政府办公厅文件」
        elif p.kind == "field":  # one or more 「标签：值」 fields on the line
            for f in _FIELD.finditer(p.text):
                key = _FIELD_KEYS.get(re.sub(r"\s+", "", f.group("label")))
                value, at, end = f.group("value").strip(), p.start + f.start("value"), p.start + f.end("value")
                day = _DATE.match(value) if key == "date" else None
                if key == "doc_number" and _DOC_NUMBER.match(value) and "doc_number" not in meta:
                    meta["doc_number"] = re.sub(r"\s+", "", value)
                    spans["doc_number"] = (at, end)
                elif day and "date" not in meta:
                    meta["date"], meta["date_text"] = _iso_date(day), value
                    spans["date"] = (at, end)
                elif key == "issuer" and _ORG_SUFFIX.search(value) and "issuer" not in meta:
                    meta["issuer"] = value
                    spans["issuer"] = (at, end)
            if _OWN_FIELD.match(p.text):  # 「签发人：赵明远」「办理结果类别：A类」 say something of this document: keep them
                add_clause(p)
                fields_kept += 1
        elif p.kind == "order":
            meta.setdefault("issuer", p.text[:-1])
            spans.setdefault("issuer", (p.start, p.end - 1))
            order = p
        elif p.kind == "docnum" and "doc_number" not in meta:
            own = order is not None and _ORDER_NUMBER.match(p.text)  # 「云梧市人民政府令第21号」
            meta["doc_number"] = re.sub(r"\s+", "", (order.text if own and order else "") + p.text)
            spans["doc_number"] = (order.start if own and order else p.start, p.end)
        elif p.kind == "title" and order is not None and "title" not in meta:
            meta["title"] = p.text  # the rule a 政府令 promulgates: its title, not an attachment of the order
            spans["title"] = (p.start, p.end)
        elif p.kind == "title" and not signed and "title" not in meta and len(clauses) == fields_kept:
            meta["title"] = p.text
            spans["title"] = (p.start, p.end)
        elif p.kind == "recipients" and "recipients" not in meta:
            meta["recipients"] = p.text.rstrip("：:")
            spans["recipients"] = (p.start, p.end - 1)
        elif p.kind == "office":
            meta.setdefault("signatory", p.text)
            spans.setdefault("signatory", (p.start, p.end))
            body_end = min(body_end, p.start)
        elif p.kind == "date":
            m = _DATE.match(p.text)
            if m and "date" not in meta:
                meta["date"], meta["date_text"] = _iso_date(m), p.text
                spans["date"] = (p.start, p.end)
            body_end = min(body_end, p.start)
            b.close_while(lambda o: True, body_end)
            signed = True
        elif p.kind == "note":
            notes.append(p.text)
            spans.setdefault("notes", (p.start, p.end))
        elif p.kind == "attachments":
            item = re.sub(r"^附件[：:]\s*", "", p.text)
            attachments.append(re.sub(r"^\d{1,2}[.．、]\s*", "", item))
            spans.setdefault("attachments", (p.start, p.end))
        elif p.kind == "title" and (signed or clauses):
            b.open("attachment", "", p.text, p.text, p.start)
        elif p.kind == "attach_head" and signed:
            b.open("attachment", "", p.text, p.text, p.start)
        elif p.kind == "attach_head":
            attachments.append(_ATTACHMENT_HEAD.match(p.text).group("title"))  # type: ignore[union-attr]
            spans.setdefault("attachments", (p.start, p.end))
        elif p.kind in ("attach_mark", "toc"):
            continue
        elif p.kind == "heading" and p.heading is not None:
            kind, num, rest = p.heading
            if in_article and kind in ("l2", "l3", "l4") and clauses:
                extend_clause(p)  # （一）… items inside 第X条 are the article's list
                continue
            pure = _is_pure_heading(p)
            title = rest if pure or kind == "qa" else ("" if kind == "article" else _runin_title(rest))
            closed = not clauses or clauses[-1].responsibility is not None or \
                bool(b.stack and clauses[-1].end < b.stack[-1].start)
            if not pure and not title and kind in ("l2", "l3", "l4") and closed:
                # the clause before is closed by its 责任单位 note, or a heading opened since: this is the next heading,
                # its run-in title a phrase with a comma (「（四）坚持优质均衡，各类学校协调发展。推进…」), not a list
                # item continuing that clause
                title = _runin_title(rest, commas=True)
            number = cn_small(num)
            # 「（三）执行紧急任务的警车…不受本通告限制。」 after items （一）（二） that were no headings: a one-sentence item
            # of the same list, though short enough to pass for a run-in title
            whole = bool(title) and rest.strip() == f"{title}。" and listed == (kind, number - 1)
            if not pure and kind in ("l2", "l3", "l4") and (not title or item == (kind, number - 1) or whole):
                # a list item, not a heading: 「（一）使用本级财政预算资金的建设项目；」, and the last item of a list whose
                # items end in 「；」, though it ends in 。 and is short enough to pass for a run-in title (「4.无正当理由连续
                # 3个月未缴纳租金的。」 after 「3.转租…的；」)
                if clauses and clauses[-1].end == p.start - 1 and not note_starts(p.text):
                    extend_clause(p)
                else:  # an item with a 责任单位 note of its own is a task of its own (a 督查通报's 「滞后任务」)
                    add_clause(p)
                item = (kind, number) if p.text.endswith(("；", ";")) else None
                listed = (kind, number)
                continue
            item = listed = None
            marker = _label(kind, num, "").strip()
            b.open(kind, marker, title, _label(kind, num, title), p.start)
            if not pure:
                add_clause(p, heading=title)
        elif p.kind == "title" or p.kind == "recipients":
            add_clause(p)
        elif p.kind == "resp_line":
            if clauses:
                extend_clause(p)
            else:
                add_clause(p)
        else:  # body
            if _EFFECTIVE.match(p.text) and not in_article:
                b.close_while(lambda o: o.kind != "attachment", p.start)
            cells = table_cells(p.text)
            if cells and any(_RESP_COLUMN.fullmatch(c) for c in cells):
                columns = cells  # 「序号｜重点任务｜牵头单位｜配合单位｜完成时限」: the header of a 分工表
            elif cells and columns and len(cells) == len(columns):
                task, resp = _table_row(p, columns)
                add_clause(p, heading=task, row_resp=resp)
                continue
            elif not cells:
                columns = []
            dash = re.match(r"^——\s*([^。，；]{2,30})。", p.text)  # 「——建设东南沿海创新策源地。…」 is a run-in item title
            add_clause(p, heading=dash.group(1) if dash else "")

    clauses = _spread_above_notes(clauses)
    sections = b.finish(len(text))
    if "effective" not in meta:  # a 施行 sentence parsed as a heading (「（二十四）本政策自…起施行」) still counts
        found = list(EFFECTIVE_SENTENCE.finditer(text))
        if found:
            meta["effective"] = found[-1].group(0)
    if "title" not in meta and paras:
        first = next((p for p in paras if p.kind in ("title", "body")), paras[0])
        meta["title"], spans["title"] = first.text[:60], (first.start, first.start + min(60, len(first.text)))
    elif "title" not in meta:  # no paragraph at all (only markup or control characters): no title, no body
        meta["title"], spans["title"] = "", (0, 0)
    title = str(meta["title"])
    if "effective" not in meta:  # the rule the notice is about (its title names it, or the 简称 it was given) takes effect
        names = {m.group("short") for m in _SHORT_NAME.finditer(text) if m.group("name") in title}
        named = [m for m in _NAMED_EFFECTIVE.finditer(text) if m.group("name") in title or m.group("name") in names]
        if named:
            meta["effective"] = named[-1].group(0)
        rule = re.search(rf"《[^《》\n]{{2,60}}?({_RULE_KINDS})(?:[（(][^）)]{{2,10}}[）)])?》", title)
        if "effective" not in meta and rule:  # 「（五）实施期限：方案自印发之日起施行，有效期至…」 in a 说明 about 《…方案》
            kind = rule.group(1).removeprefix("实施")
            bare = re.search(rf"(?:^|[。；：:])(?:正式|该|此)?(?:实施)?{kind}" + _FROM_DAY, text, re.M)
            if bare:
                meta["effective"] = bare.group(0).lstrip("。；：:")
    if "issuer" not in meta:
        m = re.match(r"^(.+?)(?:关于|印发)", title)
        sig = str(meta.get("signatory", ""))
        if m and not (sig and sig != m.group(1) and sig.startswith(m.group(1))):
            meta["issuer"] = m.group(1)
            spans["issuer"] = (spans["title"][0], spans["title"][0] + len(m.group(1)))
        elif "signatory" in meta:
            meta["issuer"], spans["issuer"] = meta["signatory"], spans["signatory"]
    if "issuer" in meta:
        meta["issuer"] = joint_issuers(str(meta["issuer"]))
    doc_meta = DocumentMeta(
        doc_id=src.doc_id,
        title=title,
        doc_number=str(meta.get("doc_number", "")),
        issuer=str(meta.get("issuer", "")),
        date=str(meta.get("date", "")),
        date_text=str(meta.get("date_text", "")),
        recipients=str(meta.get("recipients", "")),
        signatory=str(meta.get("signatory", "")),
        notes=tuple(notes),
        attachments=tuple(attachments),
        effective=str(meta.get("effective", "")),
        source=src.path.name,
        sha256=src.sha256,
    )
    return Document(doc_meta, text, tuple(sections), tuple(clauses), spans,
                    origin_marks(src.raw, src.spans, text) if src.spans else ())


_RULE_TITLE = re.compile(r"^[\u4e00-\u9fff（）()“”《》〈〉\d—-]{4,60}(?:办法|细则|规定|规则|方案|意见|措施|条例|政策|决定|通知)$")


def rule_parts(doc: Document) -> list[str]:
    """The titles of the rules a notice carries one after another (a 汇编, a 通知 issuing two 办法): top-level sections
    titled like a rule; [] unless there are two or more."""
    tops = list(dict.fromkeys(c.section_path[0] for c in doc.clauses if c.section_path and c.section_path[0] != PREAMBLE))
    parts = [t for t in tops if _RULE_TITLE.match(t)]
    return parts if len(parts) >= 2 else []
