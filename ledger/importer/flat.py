"""Tables flattened into text by a PDF extraction: cells one per line, wrapped, interleaved across page breaks.

A PDF-to-text tool writes a table row by row, and within a row cell by cell, each cell's wrapped lines one under
the other ("2021 年全" / "年"). When a row crosses a page, the rest of every cell follows on the next page, again
in column order. So a row is read segment by segment (one per page), each segment's pieces are given to the
columns in order by what they look like (a deadline, a number, units, running text), and the pieces of a column
are joined across segments. Two unit columns side by side (牵头 / 配合) are told apart where one complete name
ends and the next begins; 类别 and 重点任务 printed before the 序号 belong to the next row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..source import field_of
from ..units import split_units
from .blocks import Line
from .model import ImportedTask
from .roles import Roles, verb_roles
from .unitlist import UNIT_ENDING, looks_like_unit

_NUMBER_START = re.compile(r"^(\d{1,3})(?:\s+(.*))?$")
# "9 月底前", "16 条主次干道": a number that starts a wrapped line of text, not a row.
_COUNTED = re.compile(r"^[年月日时个条家辆万千百亿吨项处座台套户人次%％米公里平方亩]")
_CATEGORY_START = re.compile(r"^[一二三四五六七八九十]{1,3}、")
_DEADLINE_START = re.compile(
    r"^(?:\d{4}\s*(?:年|[-—~～至.]|$)|长期|持续|常态|每|年底|年内|年中|全年|\d{1,2}\s*月|上半年|下半年|即日|第[一二三四]季度|二〇|次年|明年|当年|本年|今年|[“\"]?十[一二三四五六七八九]五)"
)
_DEADLINE_PART = re.compile(r"[\d\s年月日号底前后左右末内全上下中旬半季度第一二三四至起\-—~～.]+")
_NUMERIC = re.compile(r"[\d.]+%?")
_TRAILING_NUMBERS = re.compile(r"^(.*?\S)\s+((?:\d+(?:\.\d+)?\s+)?\d{4}\s*[-—~～]\s*\d{4})$")
_UNITS_THEN_DEADLINE = re.compile(r"^(.*?[局办委会府室心部处队站])\s+(\d{4}\s*年[^，。；]{0,12})$")
_SPLIT = re.compile(r"(?<=[\u4e00-\u9fff。；，、）)”])\s+(?=[\u4e00-\u9fff（(“])")
_UNIT_PREFIX = re.compile(r"^(?:区|市|县|省|州|各|镇|乡|街道|中共|共青团|国网|国家|团)")
_ROLE_END = re.compile(r"(?:牵头|落实|负责|配合|单位|部门)$")
_NOTE = re.compile(r"^(?:注|备注|说明)\s*[:：]")
_LONG = 24  # display width of a line that can only be running text
_MEASURE_WIDTH = 28  # a line this wide starts the main text column when several text columns are side by side
_CATEGORY_WIDTH = 8  # a narrow 类别 column: four characters a line
_TEXT_END = ("。", "；", ";", "！")


def _width(text: str) -> int:
    return sum(1 if ord(c) < 128 else 2 for c in text)


@dataclass(kw_only=True)
class _Header:
    before: list[str]  # fields printed before the 序号 (类别, 重点任务)
    after: list[str]  # fields after it, in order; extra columns as "extra:<label>"
    tokens: set[str]
    line: int  # index of the header line
    start: int  # index of the first line after the header
    cells: bool = False  # copied one cell per line: every line is a whole cell, rows may be grouped


@dataclass(kw_only=True)
class _Row:
    number: str
    where: str
    cells: dict[str, list[str]] = field(default_factory=dict)
    units: list[list[str]] = field(default_factory=list)  # pieces of the unit columns, one list per page
    text: list[tuple[str, bool]] = field(default_factory=list)  # pieces of the leading text columns


def _field(label: str) -> str | None:
    key = field_of(label, {})
    if key is None and label in ("工作内容", "重点工作", "主要任务", "工作任务", "目标任务"):
        key = "measure"
    return key


# Every header names a 序号 (or, one cell per line, starts with 类别): lines without one are passed over cheaply.
_HEADER_HINT = re.compile(r"序\s*号|编\s*号|类\s*别|领\s*域")


def _find_header(lines: list[Line], start: int) -> _Header | None:
    for i in range(start, len(lines)):
        if not _HEADER_HINT.search(lines[i].text):
            continue
        if cells := _cell_header(lines, i):
            return cells
        tokens = lines[i].text.split()
        fields = [_field(t) for t in tokens]
        if "number" not in fields or sum(f is not None for f in fields) < 3:
            continue
        if "measure" not in fields and "title" not in fields:
            continue
        labels = list(tokens)
        seen = set(tokens)
        j = i + 1
        pending = ""
        while j < len(lines) and j < i + 12:  # header cells wrapped below: "投资" / "（亿元）", "备" / "注"
            text = lines[j].text.strip()
            if not text:
                j += 1
                continue
            if _NUMBER_START.match(text) or len(text) > 8 or not _header_like(text):
                break
            seen.add(text)
            if text.startswith(("（", "(")) and labels:
                labels[-1] += text
            elif len(text) == 1:
                pending += text
                if len(pending) == 2:
                    labels.append(pending)
                    pending = ""
            else:
                labels.append(text)
            j += 1
        keys = [(_field(label) or f"extra:{label}") for label in labels]
        if "measure" not in keys:
            keys = ["measure" if k == "title" else k for k in keys]
        if "number" not in keys or "measure" not in keys:
            continue
        n = keys.index("number")
        return _Header(before=keys[:n], after=keys[n + 1 :], tokens=set(labels) | seen, line=i, start=j)
    return None


def _cell_header(lines: list[Line], i: int) -> _Header | None:
    """A header copied from a web table one cell per line: "序号" / "民生实事" / "责任单位" / "完成时限".

    The labels run until the first row's number; a label the synonyms do not know, right after the 序号 and
    with no other text column named, is the task's text ("民生实事", "工作事项")."""
    labels: list[str] = []
    j = i
    while j < len(lines) and len(labels) < 12:
        text = re.sub(r"\s+", "", lines[j].text)
        if not text or text in _CELL_RULES:
            j += 1
            continue
        if not _CELL_LABEL.fullmatch(text) or _NUMBER_START.match(text) or _GROUP_ROW.match(text):
            break
        labels.append(text)
        j += 1
    keys = [_field(label) for label in labels]
    if len(labels) < 3 or keys[0] not in ("number", "category") or "number" not in keys:
        return None
    if not any(k in ("lead", "responsible", "support") for k in keys):
        return None
    n = keys.index("number")
    if "measure" not in keys:
        if "title" in keys:
            keys = ["measure" if k == "title" else k for k in keys]
        elif n + 1 < len(keys) and keys[n + 1] is None:
            keys[n + 1] = "measure"
    full = [k or f"extra:{label}" for k, label in zip(keys, labels, strict=True)]
    if "measure" not in full:
        return None
    return _Header(before=full[:n], after=full[n + 1 :], tokens=set(labels), line=i, start=j, cells=True)


_CELL_RULES = ("|", "｜")  # a web table copied with its cell borders: "|" alone between the cells
# A row spanning the table that groups the rows below it: "（一）城市建设", "二、民生实事".
_GROUP_ROW = re.compile(r"^(?:[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[）)])\S")
# A label, perhaps with a remark in brackets: "重点工作任务（杭州市2项配合工作）".
_CELL_LABEL = re.compile(r"[\u4e00-\u9fff（）()/]{2,10}(?:[（(][^（）()]{1,20}[）)])?")


def _header_like(text: str) -> bool:
    """A header cell wrapped below the header line: "投资", "（亿元）", "备" / "注"."""
    if len(text) == 1 or text.startswith(("（", "(")) or _field(text) is not None:
        return True
    return bool(re.search(r"投资|期限|备注|金额|资金|规模|年度|单位|部门|时限|时间|进度", text))


def flat_tasks(lines: list[Line], first_is_lead: bool = False) -> tuple[list[ImportedTask], list[Line]]:
    """Rows of every flattened task table found in the lines, and the lines outside those tables."""
    tasks: list[ImportedTask] = []
    outside: list[Line] = []
    position = 0
    while True:
        header = _find_header(lines, position)
        if header is None:
            return tasks, outside + lines[position:]
        found, end = _read_table(lines, header, first_is_lead)
        if found:
            outside += lines[position : header.line]
        else:
            outside += lines[position:end]
        tasks += found
        position = end


def _read_table(lines: list[Line], header: _Header, first_is_lead: bool) -> tuple[list[ImportedTask], int]:
    rows: list[_Row] = []
    expected = 1
    current: _Row | None = None
    segment: list[tuple[str, bool]] = []
    end = len(lines)
    pending_before: list[str] = []
    numeric_cells = any(_numeric_column(k) for k in header.after)
    group = ""
    for i in range(header.start, len(lines)):
        line = lines[i]
        text = line.text.strip()
        if not text:
            continue
        if _NOTE.match(text) or (current and _find_header([line], 0) and not _repeat(text, header)):
            end = i
            break
        if _repeat(text, header) or (header.cells and text in _CELL_RULES):
            continue
        if header.cells and _GROUP_ROW.match(text):
            if current is not None:
                _take(current, segment, header)
                segment, current = [], None
            group = text
            continue
        m = _NUMBER_START.match(text)
        if m and int(m[1]) == expected and not (m[2] and _COUNTED.match(m[2])):
            if current is not None:
                _take(current, segment, header)
            elif segment:
                pending_before = [p for p, _ in segment]
            current = _Row(number=m[1], where=line.where)
            if group:
                current.cells["category"] = [group]
            rows.append(current)
            if pending_before:
                current.cells["_before"] = pending_before
                pending_before = []
            expected += 1
            segment = _pieces(m[2] or "")
            continue
        page_number = bool(m and not m[2] and not numeric_cells)  # "159": the page's number, printed mid-row
        if (line.page_start or page_number) and current is not None:
            _take(current, segment, header)
            segment = []
        if not page_number:
            segment += [(p, True) for p, _ in _pieces(text)] if header.cells else _pieces(text)
    if current is not None:
        _take(current, segment, header)
    return _tasks(rows, header, first_is_lead), end


def _repeat(text: str, header: _Header) -> bool:
    tokens = text.split()
    return bool(tokens) and all(t in header.tokens for t in tokens)


def _pieces(text: str) -> list[tuple[str, bool]]:
    """A line cut where two cells met on it ("区水务局 0.2 2021-2023", "…报废。 运输局、区农").

    Each piece says whether it starts a new cell (it followed another cell on the same line).
    """
    text = text.strip()
    if not text:
        return []
    if re.fullmatch(r"(?:\S\s)+\S", text):  # justified: "市 自 然 资 源"
        return [(text.replace(" ", ""), False)]
    tail: list[str] = []
    if m := _TRAILING_NUMBERS.match(text):
        text, tail = m[1], m[2].split(maxsplit=1) if re.match(r"\d+(?:\.\d+)?\s+\d{4}", m[2]) else [m[2]]
    if m := _UNITS_THEN_DEADLINE.match(text):  # a whole row on one line: "… 区发展改革局 2021年年底前"
        text, tail = m[1], [m[2], *tail]
    parts = text.split() if re.fullmatch(r"[\d.]+(?:\s+[\d.]+)*", text) else [p for p in _SPLIT.split(text) if p]
    return [(p, i > 0) for i, p in enumerate(parts + tail)]


_TEXT = "_text"  # the running-text columns right after the 序号, read together and split afterwards


def _leading_text(after: list[str]) -> list[str]:
    n = 0
    while n < len(after) and _is_text(after[n]):
        n += 1
    return after[:n]


def _groups(after: list[str]) -> list[str]:
    """The columns after the 序号 with the leading text columns taken as one group."""
    n = len(_leading_text(after))
    return ([_TEXT] if n else []) + after[n:]


def _is_text(kind: str) -> bool:
    return kind in ("category", "title", "measure") or (kind.startswith("extra:") and not _numeric_column(kind))


def _numeric_column(kind: str) -> bool:
    return bool(re.search(r"投资|金额|资金|万元|亿元|面积|数量|规模|产能|指标值", kind))


def _take(row: _Row, pieces: list[tuple[str, bool]], header: _Header) -> None:
    """Give one page's pieces of a row to its columns in order."""
    row.units.append([])
    columns = _groups(header.after)
    if len(columns) > 1 and columns[0] == _TEXT and _is_units(columns[1]):  # only a unit cell next to the text
        pieces = [part for piece in pieces for part in _unstick(*piece)]
    j = 0
    for piece, new_cell in pieces:
        while j < len(columns) and not _accepts(row, columns[j], piece, new_cell, columns[j + 1 :]):
            j += 1
        if j >= len(columns):  # more than the columns hold: the next row's 类别/重点任务, or a wrapped unit
            if not (header.cells and _sub_row(row, piece, columns)):
                row.units[-1].append(piece)
            continue
        kind = columns[j]
        if _is_units(kind):
            row.units[-1].append(piece)
        elif kind == _TEXT:
            row.text.append((piece, new_cell))
        else:
            row.cells.setdefault(kind, []).append(piece)


def _sub_row(row: _Row, piece: str, columns: list[str]) -> bool:
    """A web table's row holding two items under one merged 序号 and unit cell ("开工建设养护楼。" / "县民政局" /
    "5月底前动工" / "开工建设老年大学。" / "12月底前"): the second item's text and deadline join the row's."""
    if _TEXT in columns and row.text and piece.endswith(_TEXT_END):
        row.text.append((piece, False))
        return True
    if "deadline" in columns and row.cells.get("deadline") and _DEADLINE_START.match(piece) and _width(piece) <= 14:
        row.cells["deadline"].append("，" + piece)
        return True
    return False


def _unstick(piece: str, new_cell: bool) -> list[tuple[str, bool]]:
    """ "一般公共预算收入增长8%以上。财政局": a unit cell copied onto the end of the sentence before it, which
    can happen only where the units are printed right after the text ("…。定期评价街道、" before a 完成时限
    column is the text going on)."""
    m = _STUCK.match(piece)
    if m:
        names = split_units(m[2]).names
        if names and all(looks_like_unit(n) and (_UNIT_PREFIX.match(n) or len(n) <= 8) for n in names):
            return [(m[1], new_cell), (m[2], True)]
    return [(piece, new_cell)]


_STUCK = re.compile(r"^(.{4,}[。；;！])([^。；;！]{2,60})$")


def _is_units(kind: str) -> bool:
    return kind in ("lead", "support", "responsible")


def _accepts(row: _Row, kind: str, piece: str, new_cell: bool, later: list[str]) -> bool:
    """Whether the column can take this piece, rather than a later one."""
    short_deadline = bool(_DEADLINE_START.match(piece)) and _width(piece) <= 14
    if kind == "deadline":
        have = row.cells.get(kind, [])
        if have:
            return bool(_DEADLINE_PART.fullmatch(piece)) and not _complete_deadline("".join(have))
        return short_deadline
    if kind.startswith("extra:"):
        return not row.cells.get(kind) and (not _numeric_column(kind) or bool(_NUMERIC.fullmatch(piece)))
    if _is_units(kind):
        if any(_is_units(k) for k in later):
            return False  # the unit columns are taken together and split afterwards
        if row.units[-1] and later and (_NUMERIC.fullmatch(piece) or short_deadline):
            return False
        return not ("deadline" in later and short_deadline and not row.units[-1])
    # running text: taken while the cell is unfinished or the line is too long for any other column
    if ("deadline" in later and short_deadline) or (later and _NUMERIC.fullmatch(piece)):
        return False
    if not row.text:
        return not _looks_like_units(piece) or not later
    last = row.text[-1][0]
    finished = last.endswith(_TEXT_END)
    if new_cell and (finished or (any(_is_units(k) for k in later) and looks_like_unit(piece))):
        return False
    return _width(piece) >= _LONG or not finished


def _looks_like_units(piece: str) -> bool:
    return bool(_UNIT_PREFIX.match(piece)) and _width(piece) <= 20 and not piece.endswith(_TEXT_END)


def _complete_deadline(text: str) -> bool:
    text = re.sub(r"\s+", "", text)
    return bool(re.search(r"(?:前|底|末|年|全年|\d{4})$", text)) and not re.search(r"(?:\d{4}年|月|年年|年全)$", text)


def _tasks(rows: list[_Row], header: _Header, first_is_lead: bool) -> list[ImportedTask]:
    tasks: list[ImportedTask] = []
    unit_columns = [k for k in header.after if _is_units(k)]
    carried: dict[str, str] = {}
    for n, row in enumerate(rows):
        lead_frags, support_frags, tail = _split_units(row.units, len(unit_columns), bool(header.before))
        if tail and n + 1 < len(rows):
            rows[n + 1].cells["_before"] = tail + rows[n + 1].cells.get("_before", [])
        before = _before(row.cells.get("_before", []), header.before)
        for key in ("category", "title"):
            if before.get(key):
                carried[key] = before[key]
                if key == "category":
                    carried.pop("title", None) if not before.get("title") else None
        cells = {k: _join(v) for k, v in row.cells.items() if not k.startswith("_")}
        cells.update(_split_text(row.text, _leading_text(header.after)))
        lead_text, support_text = _join_units(lead_frags), _join_units(support_frags)
        roles = _roles(unit_columns, lead_text, support_text, first_is_lead)
        tasks.append(
            ImportedTask(
                number=row.number,
                measure=cells.get("measure", ""),
                lead=roles.lead,
                support=roles.support,
                vague=roles.vague,
                vague_lead=roles.vague_lead,
                deadline=cells.get("deadline", ""),
                category=cells.get("category") or carried.get("category", ""),
                title=cells.get("title") or carried.get("title", ""),
                source=row.where,
                annotation=" | ".join(t for t in (lead_text, support_text) if t),
                extra={k.removeprefix("extra:"): v for k, v in cells.items() if k.startswith("extra:") and v},
            )
        )
    return tasks


def _split_text(pieces: list[tuple[str, bool]], fields: list[str]) -> dict[str, str]:
    """The leading text columns (类别 / 项目名称 / 主要建设内容) out of their pieces.

    The last column is the long running text: it starts at a piece that began a new cell on a line, or at the
    first full-width line. Before it, a 类别 column is the narrow one (merged, so often empty).
    """
    if not fields:
        return {}
    texts = [p for p, _ in pieces]
    if len(fields) == 1:
        return {fields[0]: _join(texts)}
    found: dict[str, str] = {}
    k = 0
    if len(fields) >= 3 and fields[0] == "category":
        while k < len(pieces) - 1 and _width(texts[k]) <= _CATEGORY_WIDTH and not pieces[k + 1][1]:
            k += 1
        found[fields[0]] = _join(texts[:k])
    start = next(
        (
            i
            for i in range(k + 1, len(pieces))
            if pieces[i][1] or _width(texts[i]) >= _MEASURE_WIDTH or _width(texts[i]) > _width(texts[i - 1]) + 4
        ),
        k,
    )
    found[fields[-2]] = _join(texts[k:start])
    found[fields[-1]] = _join(texts[start:])
    return found


def _join(pieces: list[str]) -> str:
    text = ""
    for piece in pieces:
        if text and text[-1].isascii() and piece[:1].isascii() and text[-1].isalnum() and piece[:1].isalnum():
            text += " "
        text += piece
    return re.sub(r"\s+(?=[\u4e00-\u9fff])|(?<=[\u4e00-\u9fff])\s+", "", text) if "年" not in text else text


def _join_units(pieces: list[str]) -> str:
    """Unit pieces joined: a name wrapped over two lines is one name, a new name after a whole one is another
    ("县住建局" / "县交通局", as a web table copies a cell of two lines)."""
    text = ""
    for piece in pieces:
        if text and _ends_unit(text) and _UNIT_PREFIX.match(piece) and not text.endswith(("、", "，", ",")):
            text += "、"
        text = _join([text, piece]) if text else _join([piece])
    return text


def _ends_unit(text: str) -> bool:
    return bool(UNIT_ENDING.search(text) or _ROLE_END.search(text)) and not text.endswith(("、", "，", ","))


def _split_units(segments: list[list[str]], columns: int, has_before: bool) -> tuple[list[str], list[str], list[str]]:
    """Unit pieces, one list per page, into (first column, second column, the next row's 类别/重点任务)."""
    frags = [f for segment in segments for f in segment]
    tail_at = len(frags)
    if has_before:
        for k, frag in enumerate(frags):
            if _CATEGORY_START.match(frag):
                tail_at = k
                break
        else:
            for k in range(len(frags), 0, -1):
                head, rest = "".join(frags[:k]), "".join(frags[k:])
                if _ends_unit(head) and (not rest or not _ends_unit(rest)):
                    tail_at = k
                    break
    tail = frags[tail_at:]
    kept: list[list[str]] = []
    left = tail_at
    for segment in segments:
        kept.append(segment[:left])
        left = max(0, left - len(segment))
    kept = [segment for segment in kept if segment]
    if columns < 2:
        return [f for segment in kept for f in segment], [], tail
    first: list[str] = []
    second: list[str] = []
    for n, segment in enumerate(kept):
        if not first:
            cut = _boundary(segment, more_pages=n + 1 < len(kept))
            first, second = segment[:cut], segment[cut:]
            continue
        if not _ends_unit("".join(first)):  # the first column's name goes on from the page before
            k = 0
            while k < len(segment) and not _ends_unit("".join(first + segment[: k + 1])):
                k += 1
            first += segment[: k + 1]
            second += segment[k + 1 :]
        elif not second and segment[0].startswith(("、", "，")):
            first += segment
        else:
            second += segment
    return first, second, tail


def _boundary(frags: list[str], more_pages: bool) -> int:
    """Where the first unit column's pieces end and the second's begin, on one page."""
    for i in range(1, len(frags)):
        if _ends_unit("".join(frags[:i])) and _UNIT_PREFIX.match(frags[i]):
            return i
    if more_pages:  # a name cut by the page break: the second column starts with a new name
        for i in range(1, len(frags)):
            if _UNIT_PREFIX.match(frags[i]) and not "".join(frags[:i]).endswith(("、", "，")):
                return i
    return len(frags)


def _before(pieces: list[str], fields: list[str]) -> dict[str, str]:
    """类别 and 重点任务 printed before a row's 序号: the 类别 column is the narrower one."""
    if not pieces:
        return {}
    if "category" in fields and "title" in fields:
        if _CATEGORY_START.match(pieces[0]):
            # the 类别 column is as wide as its second line (a first line "一、持续" fits one more character)
            limit = _width(pieces[1]) + 1 if len(pieces) > 1 else 0
            k = 1
            while k < len(pieces) and _width(pieces[k]) <= limit:
                k += 1
            return {"category": _join(pieces[:k]), "title": _join(pieces[k:])}
        return {"title": _join(pieces)}
    return {fields[0]: _join(pieces)} if fields else {}


def _roles(unit_columns: list[str], first: str, second: str, first_is_lead: bool) -> Roles:
    if not unit_columns:
        return Roles()
    only_responsible = unit_columns == ["responsible"] and first_is_lead  # the document's rule reads it
    default = "lead" if unit_columns[0] != "support" else "support"
    roles = verb_roles(first, first_is_lead=only_responsible, default=default)
    if second:
        found = verb_roles(second, first_is_lead=False, default="support")
        roles.merge(Roles(support=found.lead + found.support, vague=found.vague))
    return roles
