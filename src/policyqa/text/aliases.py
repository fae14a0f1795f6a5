"""Department names: abbreviation <-> full-name alias groups, and finding departments in a question."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources

@lru_cache(maxsize=1)
def _city_prefix() -> re.Pattern[str]:
    """「福州市工信局」 -> 「市工信局」, for known place names only (「市科技局和市工信局」 has no city in it)."""
    places = resources.files("policyqa.data").joinpath("places.txt").read_text(encoding="utf-8").split()
    names = "|".join(sorted({re.escape(p) for p in places}, key=len, reverse=True))
    return re.compile(rf"(?:{names})市(?=[\u4e00-\u9fff]{{2,}}(?:局|委|办|中心|部|厅|院|行))")


@lru_cache(maxsize=1)
def _builtin_groups() -> tuple[tuple[str, ...], ...]:
    data = json.loads(resources.files("policyqa.data").joinpath("aliases.json").read_text(encoding="utf-8"))
    return tuple(tuple(g) for g in data["groups"])


def _variants(name: str) -> set[str]:
    """市工信局 -> {市工信局, 工信局}; a city-prefixed 福州市工信局 -> 市工信局 too."""
    out = {name}
    if name.startswith("市") and len(name) > 3:
        out.add(name[1:])
    return out


class AliasTable:
    """Maps every known name (and its variants) of a department to one canonical name."""

    def __init__(self, units: Iterable[str] = (), groups: Iterable[Iterable[str]] | None = None) -> None:
        self._canon: dict[str, str] = {}
        self._members: dict[str, list[str]] = {}
        for group in groups if groups is not None else _builtin_groups():
            names = list(group)
            for n in names:
                self._add(n, names[0])
        for u in units:  # names seen in the corpus join their group, or start their own
            c = self.canonical(u)
            self._add(u, c or u)
        # 「市考核办」 is no unit of 「考核办法」「办理」「办事」: a name ending in 办 never runs on into a word of 办
        self._pattern = re.compile(
            "(?:" + "|".join(re.escape(v) for v in sorted(self._canon, key=len, reverse=True)) + ")(?!(?<=办)[法理事])"
        ) if self._canon else None

    def _add(self, name: str, canon: str) -> None:
        members = self._members.setdefault(canon, [])
        if name not in members:
            members.append(name)
        for v in _variants(name):
            self._canon.setdefault(v, canon)

    def canonical(self, name: str) -> str | None:
        name = name.strip()
        for n in (name, _city_prefix().sub("市", name)):
            c = self._canon.get(n) or self._canon.get(n.rstrip("等"))
            if c:
                return c
        return None

    def names(self, name: str) -> list[str]:
        """Every name of the department ``name`` belongs to (itself first if unknown)."""
        c = self.canonical(name)
        return list(self._members.get(c, [name])) if c else [name]

    def same(self, a: str, b: str) -> bool:
        ca, cb = self.canonical(a), self.canonical(b)
        return (ca or a) == (cb or b)

    def find(self, text: str) -> list[str]:
        """Canonical departments mentioned in ``text``, in order of first mention."""
        if self._pattern is None:
            return []
        out: list[str] = []
        # the text as written: 「福州市工信局」 holds 「市工信局」 already, and cutting the city off would break a name that
        # holds it (「人行广安市中心支行」)
        for m in self._pattern.finditer(text):
            if m.group(0)[0] not in "市县区省" and text[max(0, m.start() - 1) : m.start()] in ("区", "县", "乡", "镇"):
                continue  # 「各区住房和城乡建设局」 is the districts' bureau, not the city's 住房和城乡建设局
            c = self._canon[m.group(0)]
            if c not in out:
                out.append(c)
        return out

    def all_names(self) -> list[str]:
        return sorted({n for ms in self._members.values() for n in ms})
