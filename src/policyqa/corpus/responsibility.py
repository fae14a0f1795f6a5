"""「（责任单位：…）」 / 「〔责任单位：…〕」 notes -> department lists attached to the clause they close."""

from __future__ import annotations

import re
from dataclasses import dataclass

from policyqa.types import Responsibility

_LABEL = re.compile(r"(?:主要)?(?:责任单位|牵头单位|牵头部门|责任部门|配合单位|配合部门|协办单位)[：:]")
_OPEN = {"（": "）", "〔": "〕", "(": ")", "[": "]", "【": "】"}
_SEPARATORS = "、，,；;"
# Phrases that follow a unit list but are not units: 「…管委会具体组织实施」.
_TRAILER = re.compile(r"(?:具体)?(?:组织实施|负责落实|按职责(?:分工)?(?:负责)?|分工负责|负责|落实|实施)$")
# 「（牵头单位：X；配合单位：Y；完成时限：2023年底前）」「（X负责，2023年6月底前完成）」: a deadline closing a note is
# no unit; the note's units end where it starts
_TIME_TAIL = re.compile(r"[；;，,]\s*(?:(?:完成)?(?:时限|时间|时间节点|进度安排|完成时间)[：:]|(?:\d{4}年|长期|持续|常态化|[一二三四]季度))")
_INHERIT = re.compile(r"以下均(?:需|由)(.+?)(?:落实|组织实施|负责|实施)[，,]?不再(?:一一)?列出")


# 「以上工作由市民政局牵头，市卫生健康委员会、市市场监督管理局配合。」: a sentence closing a part names who does every
# task of the part above it (the structure parser hands it to those tasks)
_ABOVE_NOTE = re.compile(
    r"(?:^|(?<=[。；;]))\s*(?:以上|上述)(?:各项|所有|这些)?(?:工作|任务|措施|事项|内容)均?由(?P<lead>[^。；;]{2,80}?)"
    r"(?P<verb>牵头|负责)(?:负责|落实|实施|组织实施)?(?:[，,；;]\s*(?P<rest>[^。；;]{2,160}?)(?:等(?:部门|单位))?"
    r"(?:配合|参与|协同|协助)(?:落实|实施)?)?[。；;]?\s*$")


def above_note(text: str, offset: int) -> Responsibility | None:
    """The 「以上工作由X牵头，Y配合。」 sentence ending a paragraph, as a note (lead and support apart), or None."""
    m = _ABOVE_NOTE.search(text)
    if m is None:
        return None
    first = split_units(m.group("lead"))
    rest = split_units(m.group("rest")) if m.group("rest") else []
    lead = first if m.group("verb") == "牵头" or rest else []
    units = list(dict.fromkeys(first + rest))
    if not units or not all(_UNIT_WORD.search(u) for u in units):
        return None
    start = m.start() + len(m.group(0)) - len(m.group(0).lstrip())
    return Responsibility(units=tuple(units), has_etc=False, text=text[start:].rstrip(), start=offset + start,
                          end=offset + len(text.rstrip()), lead=tuple(lead))


@dataclass(frozen=True, slots=True)
class InheritedNote:
    units: tuple[str, ...]
    text: str


def split_units(s: str) -> list[str]:
    """Split at 、，； outside brackets: 「各县（市、区）人民政府」 stays one unit."""
    out, depth, cur = [], 0, []
    for ch in s:
        if ch in "（(〔[【":
            depth += 1
        elif ch in "）)〕]】":
            depth = max(0, depth - 1)
        if ch in _SEPARATORS and depth == 0:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    out.append("".join(cur))
    units = [_TRAILER.sub("", u.strip()).strip() for u in out]
    units = [u for u in units if u]
    # 「广安经开区、川渝高竹新区管委会」: a bare zone name shares the next unit's 管委会.
    for i in range(len(units) - 1):
        if re.search(r"(?:开发区|经开区|新区|高新区|园区)$", units[i]) and units[i + 1].endswith("管委会"):
            units[i] += "管委会"
    return units


def _bracket_end(text: str, open_at: int) -> int:
    """Index just past the bracket matching text[open_at], or len(text) if unclosed."""
    depth = 0
    for j in range(open_at, len(text)):
        if text[j] in "（(〔[【":
            depth += 1
        elif text[j] in "）)〕]】":
            depth -= 1
            if depth == 0:
                return j + 1
    return len(text)


# 「〔市发展改革委、人行广安市中心支行牵头，市级相关部门（单位）配合〕」: a note written as a sentence, no labels
_VERB_NOTE = re.compile(r"^(?:由)?(?P<lead>.+?)(?P<verb>牵头|负责)(?:[，,；;、]\s*(?P<rest>.+?)(?:配合|负责|参与|协同|落实))?[。]?$")
_UNIT_WORD = re.compile(r"市|县|区|局|委|办|政府|部门|单位|中心|管委会|公司|集团|银行|支行|法院|检察院")
# How a document marks its lead units once for all its notes (「下同」):
# 「逗号前为牵头单位」: the units before the first comma lead; 「排在第一位的为牵头部门」: the first unit leads.
COMMA_LEADS = re.compile(r"逗号前(?:的单位)?(?:为|是)牵头(?:单位|部门)")
FIRST_LEADS = re.compile(r"排(?:在|名)?第一(?:位)?的?(?:部门|单位)?(?:为|是)牵头(?:单位|部门)")
_CONVENTION = re.compile(r"[，,。；;]?\s*(?:逗号前|排(?:在|名)?第一)[^）〕\]】]*$")


def lead_rule_of(note_text: str) -> str:
    """"comma" | "first" | "" : the document-wide lead convention a note declares."""
    if COMMA_LEADS.search(note_text):
        return "comma"
    if FIRST_LEADS.search(note_text):
        return "first"
    return ""


_BARE_LABELS = re.compile(r"(?:^|(?<=[。；\n]))(?=(?:主要)?(?:牵头单位|牵头部门|责任单位|配合单位)[：:])")


def _depth(text: str) -> int:
    """Brackets still open at the end of ``text``."""
    return sum(1 for ch in text if ch in "（(〔[【") - sum(1 for ch in text if ch in "）)〕]】")


def _units_part(inner: str) -> str:
    """The part of a note's text that names units: up to the first 。, a convention (「逗号前为牵头单位」) or a deadline."""
    head = _CONVENTION.sub("", inner).partition("。")[0]
    m = _TIME_TAIL.search(head)
    return head[: m.start()] if m else head


def note_starts(text: str) -> list[tuple[int, int]]:
    """(open, end) of every responsibility note in a paragraph: bracketed (labelled or written as a sentence), or
    label sentences closing it without brackets (「…。牵头单位：市财政局。责任单位：市发展改革委。」)."""
    bare = [m.start() for m in _BARE_LABELS.finditer(text) if _depth(text[: m.start()]) == 0]
    if bare and not any(ch in _OPEN for ch in text[bare[0] :]):
        return [(bare[0], len(text))]
    out = []
    for i, ch in enumerate(text):
        if ch not in _OPEN:
            continue
        j = i + 1
        while j < len(text) and text[j].isspace():
            j += 1
        end = _bracket_end(text, i)
        inner = text[j : end - 1]
        bare = _units_part(inner)
        verb_note = (2 < len(bare) <= 120 and bool(_VERB_NOTE.match(bare)) and bool(_UNIT_WORD.search(bare))
                     and (ch in "〔[【" or bool(re.search(r"(?:牵头|负责)$|牵头[，,；;].+(?:配合|参与)$", bare)))
                     and not re.search(r"[，,；;]\s*(?:并|要|应|将|按)", bare))
        if _LABEL.match(inner) or verb_note:
            if not out or i >= out[-1][1]:
                out.append((i, end))
    return out


def _labelled(inner: str, lead_rule: str) -> tuple[list[str], list[str]]:
    """「牵头单位：A，责任单位：B、C」 -> ([A], [B, C]); 「责任单位：A，B、C」 + 逗号前为牵头单位 -> ([A], [B, C])."""
    lead: list[str] = []
    rest: list[str] = []
    labels = list(_LABEL.finditer(inner))
    for k, m in enumerate(labels):
        body = inner[m.end() : labels[k + 1].start() if k + 1 < len(labels) else len(inner)]
        body = body.strip().rstrip("，,；;。")
        kind = m.group(0)
        if "牵头" in kind:
            lead.extend(split_units(body))
        elif lead_rule == "comma" and "责任单位" in kind and len(labels) == 1:
            first, sep, others = _split_top(body, "，,")
            lead.extend(split_units(first))
            rest.extend(split_units(others) if sep else [])
        elif lead_rule == "first" and "责任单位" in kind and len(labels) == 1:
            units = split_units(body)
            lead.extend(units[:1])
            rest.extend(units[1:])
        else:
            rest.extend(split_units(body))
    return lead, rest


def _split_top(s: str, seps: str) -> tuple[str, str, str]:
    depth = 0
    for i, ch in enumerate(s):
        if ch in "（(〔[【":
            depth += 1
        elif ch in "）)〕]】":
            depth = max(0, depth - 1)
        elif ch in seps and depth == 0:
            return s[:i], ch, s[i + 1 :]
    return s, "", ""


def parse_responsibility(
    text: str, offset: int, inherited: InheritedNote | None, *, lead_rule: str = ""
) -> tuple[Responsibility | None, InheritedNote | None]:
    """The last responsibility note of a paragraph (lead and support kept apart) and any 「以下均需…」 note it starts."""
    notes = note_starts(text)
    if not notes:
        return None, None
    open_at, end = notes[-1]
    if text[open_at] in _OPEN:
        j = open_at + 1
        while j < end and text[j].isspace():
            j += 1
        inner = text[j : end - 1 if end <= len(text) and text[end - 1] in "）)〕]】" else end]
    else:  # label sentences without brackets: one 「label：units」 after another
        inner = re.sub(r"[。\n]+(?=(?:主要)?(?:牵头单位|牵头部门|责任单位|配合单位)[：:])", "；", text[open_at:end].rstrip("。 \n"))
    # 「…管委会。以下均需…落实，不再列出」 / 「…团市委。逗号前为牵头单位，下同」: the units end at the first 。
    lead_rule = lead_rule_of(inner) or lead_rule
    units_part = _units_part(inner)
    rest = inner[len(units_part) :]
    if _LABEL.match(units_part):
        lead, support = _labelled(units_part, lead_rule)
    else:
        m = _VERB_NOTE.match(units_part)
        first = split_units(m.group("lead")) if m else []
        support = split_units(m.group("rest")) if m and m.group("rest") else []
        if m and m.group("verb") == "负责" and not support:  # 「〔A、B负责〕」 names who is responsible
            lead, support = (first[:1], first[1:]) if lead_rule == "first" else ([], first)
        else:
            lead = first
    units: list[str] = []
    for u in lead + support:
        if u not in units:
            units.append(u)
    has_etc = bool(units) and units[-1].endswith("等") and len(units[-1]) > 2
    if has_etc:
        units[-1] = units[-1][:-1]
        if support and support[-1].endswith("等"):
            support[-1] = support[-1][:-1]
        elif lead and lead[-1].endswith("等"):
            lead[-1] = lead[-1][:-1]
    new_note = None
    note_text = ""
    nm = _INHERIT.search(rest)
    if nm:
        new_note = InheritedNote(tuple(split_units(nm.group(1))), nm.group(0))
        note_text = nm.group(0)
    resp = Responsibility(
        units=tuple(units),
        has_etc=has_etc,
        text=text[open_at:end],
        start=offset + open_at,
        end=offset + end,
        inherited_units=inherited.units if inherited else (),
        note=note_text,
        lead=tuple(u for u in lead if u),
    )
    return resp, new_note
