"""「（责任单位：…）」 / 「〔责任单位：…〕」 notes -> department lists attached to the clause they close."""

from __future__ import annotations

import re
from dataclasses import dataclass

from policyqa.types import Responsibility

_LABEL = re.compile(r"(?:主要)?(?:责任单位|牵头单位|责任部门|配合单位)[：:]")
_OPEN = {"（": "）", "〔": "〕", "(": ")", "[": "]", "【": "】"}
_SEPARATORS = "、，,；;"
# Phrases that follow a unit list but are not units: 「…管委会具体组织实施」.
_TRAILER = re.compile(r"(?:具体)?(?:组织实施|负责落实|按职责分工负责|负责|落实|实施)$")
_INHERIT = re.compile(r"以下均(?:需|由)(.+?)(?:落实|组织实施|负责|实施)[，,]?不再(?:一一)?列出")


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


def parse_responsibility(
    text: str, offset: int, inherited: InheritedNote | None
) -> tuple[Responsibility | None, InheritedNote | None]:
    """Find the last responsibility note in a paragraph; returns it and any 「以下均需…」 note it starts."""
    # the last bracket group that opens with a label: 「（责任单位：…）」 or 「（牵头单位：…；配合单位：…）」
    groups = [m for m in _LABEL.finditer(text) if m.start() >= 1 and text[m.start() - 1] in _OPEN
              or m.start() >= 2 and text[m.start() - 2] in _OPEN and text[m.start() - 1].isspace()]
    if not groups:
        return None, None
    m = groups[-1]
    open_at = max(text.rfind(b, 0, m.start()) for b in _OPEN)
    end = _bracket_end(text, open_at)
    inner = text[m.start() : end - 1 if end <= len(text) and text[end - 1] in "）)〕]】" else end]
    # 「…管委会。以下均需…落实，不再列出」: the units end at the first 。
    units_part, _, rest = inner.partition("。")
    units: list[str] = []
    for part in re.split(r"[；;]", units_part):  # 牵头单位：…；配合单位：… -> lead units first
        for u in split_units(_LABEL.sub("", part, count=1)):
            if u not in units:
                units.append(u)
    has_etc = bool(units) and units[-1].endswith("等") and len(units[-1]) > 2
    if has_etc:
        units[-1] = units[-1][:-1]
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
    )
    return resp, new_note
