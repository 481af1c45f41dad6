"""The unit registry and the resolution of unit names as policy documents write them.

A task's unit cell is free text: "区发展改革局、市生态环境局钢城分局", "区住房城乡建设局、区交通运输局分别牵头",
"区工业和信息化局（区科技局）", "区政府有关部门，各街道（功能区）". Resolution turns it into registry names,
expands groups, keeps vague collectives as text and names every unknown piece with close suggestions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .model import Unit
from .problems import Problem, ProblemError, cell_name, problem
from .tables import Sheet, write_template

# Phrases that follow a list of units and say how they work, not who they are.
TRAILING_PHRASES = ("分别牵头", "按职责分工落实", "按职责分工负责", "具体负责", "负责", "牵头", "配合", "落实")
_OPEN, _CLOSE = "（(〔【[", "）)〕】]"
_SEPARATORS = "、，,；;／/"
_BREAKS = re.compile(r"\n+|\s{2,}")  # a new line or a wide gap between two names in a cell separates them
# 及 separates two units only when a new unit name follows it ("各成员单位及各工作专班").
_AND_NEXT = re.compile(r"及(?=各|区|市|县|省|州|镇|乡|街道|中共|共青团)")
# One space (or the full-width one) after a name's ending and before the next name's beginning separates them:
# "区生态环境分局 区农业农村局"; inside one name it does not ("市公安局 钢城区分局").
_NAME_GAP = re.compile(
    r"(?<=[局委办院府道心会室部处所队站厅司行社团联镇乡组）)])[ \u3000](?=各|区|市|县|省|州|镇|乡|街道|中共|共青团)"
)
# An administrative level ("区", "县（市）"). Levels listed under one 各 share the government named after the last
# one ("各区、县（市）政府（管委会）", "各县、市、区人民政府"): the list is one collective, not "各区" and a headless
# "县（市）政府". "各镇、街道" names no government: its pieces stay two groups.
_LEVEL = re.compile(r"(?:区|县|市|镇|乡|街道|旗|州)(?:[（(][^（）()]*[）)])?")
_LEVEL_TAIL = re.compile(_LEVEL.pattern + r"(?:人民政府|政府|党委|管委会|办事处)(?:[（(][^（）()]*[）)])?")
# "…等有关部门", "…等": the named units take part, plus others nobody named.
VAGUE_TAIL = re.compile(r"等(?:有关|相关|其他)?(?:部门|单位|成员单位|部门和单位|部门（单位）)?$")
VAGUE = re.compile(r"有关|相关|成员单位|工作专班|各(?:部门|单位)$|^(?:部门|单位)$|^其他")
GROUP_SUFFIX = re.compile(r"(办事处|管委会|管理委员会)$")
PARENTHESES = re.compile(r"^(.+?)[（(〔【\[]([^（）()〔〕【】\[\]]+)[）)〕】\]]$")

UNIT_COLUMNS = {
    "name": ("单位全称", "单位名称", "名称", "单位"),
    "aliases": ("简称/别名", "别名", "简称", "简称或别名"),
    "kind": ("类别", "类型", "单位类别"),
    "groups": ("所属分组", "分组", "所属类别"),
    "contact": ("联系人", "填报联系人"),
    "emails": ("电子邮箱", "邮箱", "email", "e-mail"),
    "phone": ("联系电话", "电话", "手机"),
    "former": ("曾用名",),
}
LIST_SPLIT = re.compile(r"[、，,；;\s]+")


@dataclass
class Resolution:
    """What a unit cell names: registry units in order, vague text kept as written, unknown pieces."""

    units: list[str] = field(default_factory=list)
    vague: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)

    def add_units(self, names: list[str]) -> None:
        self.units.extend(n for n in names if n not in self.units)


@dataclass(kw_only=True)
class UnitList:
    """A written list of units: the names as written, and the vague collectives it also names."""

    names: list[str] = field(default_factory=list)
    vague: list[str] = field(default_factory=list)


def unit_pieces(text: str) -> list[str]:
    """ "A、B，C及各街道" -> pieces, split only outside brackets: "各县（市、区）人民政府" stays one name.

    The one splitter of unit lists: the registry resolves its pieces and the importer reads them."""
    pieces: list[str] = []
    for part in _BREAKS.split(_NAME_GAP.sub("、", text or "")):
        part = _AND_NEXT.sub("、", re.sub(r"\s+", "", part))
        depth, start = 0, 0
        for i, char in enumerate(part):
            if char in _OPEN:
                depth += 1
            elif char in _CLOSE:
                depth = max(0, depth - 1)
            elif char in _SEPARATORS and depth == 0:
                pieces.append(part[start:i])
                start = i + 1
        pieces.append(part[start:])
    return [p.strip("。 ") for p in _join_levels(pieces) if p.strip("。 ")]


def _join_levels(pieces: list[str]) -> list[str]:
    """ "各区" + "县（市）政府（管委会）" -> "各区、县（市）政府（管委会）": one collective (see _LEVEL)."""
    joined: list[str] = []
    i = 0
    while i < len(pieces):
        end = i
        if _LEVEL.fullmatch(pieces[i].removeprefix("各")) and pieces[i].startswith("各"):
            end = i + 1
            while end < len(pieces) and _LEVEL.fullmatch(pieces[end]):
                end += 1
            if end == len(pieces) or not _LEVEL_TAIL.fullmatch(pieces[end]):
                end = i
        joined.append("、".join(pieces[i : end + 1]))
        i = end + 1
    return joined


def cut_vague_tail(piece: str) -> tuple[str, str]:
    """ "区司法局等有关部门" -> ("区司法局", "等有关部门"); a piece without such a tail is returned whole."""
    tail = VAGUE_TAIL.search(piece)
    if tail and tail.start() > 0:
        return piece[: tail.start()], tail.group(0)
    return piece, ""


def split_units(text: str) -> UnitList:
    """Names and vague collectives of a written list, as written (no registry needed)."""
    result = UnitList()
    for piece in unit_pieces(text):
        piece, tail = cut_vague_tail(piece)
        if tail:
            result.vague.append(tail)
        if piece and (VAGUE.search(piece) or VAGUE_TAIL.fullmatch(piece)):
            result.vague.append(piece)
        elif piece:
            result.names.append(piece)
    return result


def _bare(name: str) -> str:
    """A name as the registry keys it: without whitespace, which the splitter drops from written lists too."""
    return re.sub(r"\s+", "", name)


class UnitRegistry:
    """Every known unit, looked up by full name, alias or group."""

    def __init__(self, units: list[Unit]) -> None:
        self.units: dict[str, Unit] = {u.name: u for u in units}
        self._names: dict[str, str] = {}
        self.duplicates: list[str] = []
        for unit in units:
            for name in [unit.name, *unit.aliases, *unit.former]:
                if _bare(name) in self._names:
                    self.duplicates.append(name)
                self._names.setdefault(_bare(name), unit.name)
        self.groups: dict[str, list[str]] = {}
        for unit in units:
            for group in unit.groups:
                self.groups.setdefault(group, []).append(unit.name)
        self._resolved: dict[tuple[str, str | None], Resolution] = {}  # resolve's answers (the registry never changes)

    def __len__(self) -> int:
        return len(self.units)

    def lookup(self, name: str, district: str | None = None) -> str | None:
        """The registry name for one written name; "区X" in a district document means "<district>X"."""
        name = _bare(name)
        if district and name.startswith("区"):
            found = self._names.get(district + name[1:])
            if found:
                return found
        return self._names.get(name)

    def group(self, name: str) -> list[str] | None:
        """Members of a group written as "各街道", "街道", "各街道办事处", "功能区管委会"…"""
        name = name.removeprefix("各")
        for candidate in (name, GROUP_SUFFIX.sub("", name)):
            if candidate in self.groups:
                return self.groups[candidate]
        return None

    def named(self, names: Iterable[str]) -> list[str]:
        """Registry names for units named on the command line (or in a console field) by full name, alias or
        group, in order; a name that is none of them but a list ("A、B") names each of its units.

        An unknown name raises ProblemError("unit-option-unknown") with the closest names: a command run for
        a misspelt unit must stop, not do nothing quietly."""
        found: list[str] = []
        for name in names:
            members = [m] if (m := self.lookup(name.strip())) else self.group(name.strip())
            if not members and len(pieces := unit_pieces(name)) > 1:  # "A、B" in one field, as task tables write it
                members = self.named(pieces)
            if not members:
                close = self.suggest(name.strip())
                suggestion = f"，是否是：{'、'.join(close)}？" if close else ""
                raise ProblemError("unit-option-unknown", name=name, suggestion=suggestion)
            found += [m for m in members if m not in found]
        return found

    def suggest(self, name: str, district: str | None = None) -> list[str]:
        """Close registry names for an unknown one: the same name in the document's district, names that
        contain it ("财政局" -> "城东区财政局"), then names spelt alike."""
        import difflib  # here: only an unknown name needs it

        candidates = list(self._names)
        wanted = [name]
        if district and name.startswith("区"):
            wanted.insert(0, district + name[1:])
        found: list[str] = []
        if len(name) >= 2:
            for candidate in candidates:
                if name in candidate and self._names[candidate] not in found:
                    found.append(self._names[candidate])
        for w in wanted:
            for close in difflib.get_close_matches(w, candidates, n=3, cutoff=0.6):
                if self._names[close] not in found:
                    found.append(self._names[close])
        return found[:3]

    def resolve(self, text: str, district: str | None = None) -> Resolution:
        """What a unit cell names. Worked out once per text and district, as a task list repeats the same few
        lists of units row after row (45 units, 181 tasks: 532 cells, 119 texts); each call gets its own copy,
        which the caller may extend."""
        found = self._resolved.get((text, district))
        if found is None:
            found = self._resolved[text, district] = Resolution()
            for piece in unit_pieces(text):
                self._resolve_piece(piece, district, found)
        return Resolution(units=list(found.units), vague=list(found.vague), unknown=list(found.unknown))

    def _resolve_piece(self, piece: str, district: str | None, result: Resolution) -> None:
        piece, tail = cut_vague_tail(_strip_trailing(piece))
        if tail:
            result.vague.append(tail)
        names = self._match(piece, district)
        if names is not None:
            result.add_units(names)
        elif VAGUE.search(piece) or VAGUE_TAIL.fullmatch(piece):
            result.vague.append(piece)
        elif piece:
            result.unknown.append(piece)

    def _match(self, piece: str, district: str | None) -> list[str] | None:
        found = self.lookup(piece, district)
        if found:
            return [found]
        members = self.group(piece)
        if members is not None:
            return list(members)
        if m := PARENTHESES.match(piece):
            # "区工业和信息化局（区科技局）" is one unit under two names; "各街道（功能区）" is two groups.
            outer = self._match(m[1], district)
            if outer is not None:
                inner_group = self.group(m[2])
                return outer + [n for n in inner_group or [] if n not in outer]
        for i in range(2, len(piece) - 1):
            # "区财政局 区税务局": known names one after another (the splitter drops the space between them)
            first = self.lookup(piece[:i], district)
            if first:
                rest = self._match(piece[i:], district)
                if rest is not None:
                    return [first] + [n for n in rest if n != first]
        if "和" in piece:
            # "区财政局和区税务局", but never a split inside "区工业和信息化局" (matched above).
            for i, char in enumerate(piece):
                if char == "和":
                    left, right = self._match(piece[:i], district), self._match(piece[i + 1 :], district)
                    if left is not None and right is not None:
                        return left + [n for n in right if n not in left]
        return None


def group_name(name: str) -> str | None:
    """The 所属分组 a collective like "各街道办事处" names ("街道"), or None when it does not read as a group."""
    if not name.startswith("各") or len(name) < 3:
        return None
    return GROUP_SUFFIX.sub("", name.removeprefix("各")) or None


def _strip_trailing(piece: str) -> str:
    changed = True
    while changed:
        changed = False
        for phrase in TRAILING_PHRASES:
            if piece.endswith(phrase) and len(piece) > len(phrase):
                piece = piece[: -len(phrase)]
                changed = True
    return piece


def unit_columns(header: list[str]) -> dict[str, int]:
    """Which column of the units file's header row holds what (keys of UNIT_COLUMNS)."""
    normalised = [re.sub(r"\s+", "", h).lower() for h in header]
    index = {}
    for key, names in UNIT_COLUMNS.items():
        for name in names:
            if name.lower() in normalised:
                index[key] = normalised.index(name.lower())
                break
    return index


def load_units(sheet: Sheet, file: str) -> tuple[list[Unit], list[Problem]]:
    """Units from the first sheet of the units file: one row per unit, header in the first non-empty row."""
    rows = sheet.rows
    start = next((i for i, r in enumerate(rows) if any(r)), None)
    if start is None:
        return [], [problem("units-file-invalid", file=file, sheet=sheet.name, column="单位全称")]
    index = unit_columns(rows[start])
    if "name" not in index:
        return [], [
            problem("units-file-invalid", file=file, sheet=sheet.name, cell=cell_name(start + 1, 1), column="单位全称")
        ]

    def get(row: list[str], key: str) -> str:
        i = index.get(key)
        return row[i].strip() if i is not None and i < len(row) else ""

    units = []
    problems = []
    for r, row in enumerate(rows[start + 1 :], start + 2):
        name = get(row, "name")
        if not name:
            continue
        if name.startswith(EXAMPLE_PREFIX):
            problems.append(problem("units-example-row", file=file, sheet=sheet.name, cell=cell_name(r, 1), name=name))
            continue
        units.append(
            Unit(
                name=name,
                aliases=[a for a in LIST_SPLIT.split(get(row, "aliases")) if a],
                kind=get(row, "kind"),
                groups=[g for g in LIST_SPLIT.split(get(row, "groups")) if g],
                contact=get(row, "contact"),
                emails=[e for e in LIST_SPLIT.split(get(row, "emails")) if e],
                phone=get(row, "phone"),
                former=[f for f in LIST_SPLIT.split(get(row, "former")) if f],
            )
        )
    return units, problems


def read_registry(sheet: Sheet, file: str | Path) -> tuple[UnitRegistry, list[Problem]]:
    units, problems = load_units(sheet, str(file))
    registry = UnitRegistry(units)
    problems += [problem("unit-duplicate", file=str(file), sheet=sheet.name, name=n) for n in registry.duplicates]
    return registry, problems


EXAMPLE_PREFIX = "示例："
TEMPLATE_EXAMPLE = [
    f"{EXAMPLE_PREFIX}某某街道办事处",
    "某某街道",
    "街道",
    "街道",
    "张三",
    "zhangsan@example.cn",
    "0000-0000000",
]
TEMPLATE_NOTES = [
    ("单位名录怎么填", ""),
    ("每行一个单位", "任务清单中的牵头单位、责任单位、配合单位，都要能在本表找到（ledger check 会逐个核对）。"),
    ("单位全称（必填）", "填报表、邮件和通报都用这个名称，如“城东区发展和改革局”。"),
    ("简称/别名", "任务清单里对同一单位的其他写法，如“区发改局”“发改局”；多个用顿号“、”分隔。"),
    ("类别", "部门、街道、功能区等，仅用于统计。"),
    (
        "所属分组",
        "任务清单写“各街道”“各街道办事处”“各功能区”时指哪些单位：在每个街道的这一列填“街道”，"
        "“各街道”就指所有填了“街道”的单位。一个单位可属多个分组，用顿号分隔。",
    ),
    ("联系人、电子邮箱、联系电话", "发送填报表和催报时使用；电子邮箱可填多个，用顿号分隔。"),
    (
        "“区××局”的写法",
        '在 ledger.toml 该任务清单下写 district = "城东区"，任务清单里的“区财政局”即按“城东区财政局”查找。',
    ),
    ("示例行", f"第2行（“{EXAMPLE_PREFIX}”开头）只是示例，填好本单位名录后请删除。"),
    ("填好以后", "运行 ledger check，按问题清单逐项修正。"),
]


FORMULA_START = ("=", "+", "-", "@")  # a cell starting so is read as a formula by Excel, WPS and openpyxl
# Compiled (by `re`, once) when a new name is checked (`ledger units rename/merge`), not at every command's start.
_NAME_SPLIT = rf"[{re.escape(_SEPARATORS)}\s]"


def name_fault(name: str, registry: UnitRegistry) -> str:
    """Why `name` cannot be a unit's 单位全称, "" when it can: the rules the units file and the task lists are
    read by. A blank name is no row (`load_units` passes it over), an example's is skipped, a separator makes
    it several names in every list (曾用名, 牵头单位), a group word means the group's members, and a leading
    = + - @ makes the cell a formula."""
    if not name:
        return "名称为空"
    if name.startswith(FORMULA_START):
        return f"以“{name[0]}”开头，表格软件会把它当作公式"
    if separator := re.search(_NAME_SPLIT, name):
        shown = "空格" if separator[0].isspace() else f"“{separator[0]}”"
        return f"含有{shown}，单位名录和任务清单会把它读成几个名称"
    if name.startswith(EXAMPLE_PREFIX):
        return f"以“{EXAMPLE_PREFIX}”开头，单位名录会把这一行当作示例跳过"
    if registry.group(name) is not None:
        return "是单位名录“所属分组”中的分组名称，任务清单写它时指该组的全部单位"
    return ""


def write_units_template(path: Path) -> Path:
    """An empty units file for a new workspace: the columns, one example row and a 说明 sheet on aliases and
    groups, because a first-time user cannot guess that "各街道" works through the 所属分组 column."""
    # 曾用名 is written by `ledger units rename/merge` when a unit first has one
    header = [names[0] for key, names in UNIT_COLUMNS.items() if key != "former"]
    return write_template(
        path,
        title="单位名录",
        rows=[header, list(TEMPLATE_EXAMPLE)],
        widths=(30, 24, 10, 12, 10, 26, 16),
        notes=list(TEMPLATE_NOTES),
        label_width=24,
    )


def resolution_problems(
    resolution: Resolution, registry: UnitRegistry, district: str | None, where: dict
) -> list[Problem]:
    """What a cell naming units got wrong, for a task or an indicator alike: an unknown group, an unknown unit
    (with the registry's guess), a vague one ("区政府有关部门")."""
    found = []
    for name in resolution.unknown:
        group = group_name(name)
        if group:
            found.append(problem("unit-group-unknown", **where, name=name, group=group))
            continue
        hint = registry.suggest(name, district)
        suggestion = f"，是否是：{'、'.join(hint)}？" if hint else ""
        found.append(problem("unit-unknown", **where, name=name, suggestion=suggestion))
    found += [problem("unit-vague", **where, name=name) for name in resolution.vague]
    return found
