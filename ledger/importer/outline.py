"""Tasks written as numbered text: 一、（一）1.（1）① with an annotation after each task.

A plan is an outline; its tasks are the items that say who does them, either in brackets at the end
("…。（牵头单位：A；责任单位：B）") or on lines below ("牵头单位：A"). The headings above a task are kept as its
类别 (top level) and 重点任务 (the nearest heading). Text without a marker continues the item before it, which
is how text copied from a PDF (hard line breaks, page furniture) is read back into paragraphs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..source import NOTE_UNITS
from ..tables import NOTE as NOTE_ROW
from ..units import split_units
from .blocks import Line
from .roles import (
    FIRST_IS_LEAD,
    LABEL,
    ROLE_WORDS,
    TASKS_RULE,
    Roles,
    is_annotation,
    is_deadline_clause,
    read_roles,
    split_notes,
    verb_roles,
)
from .roles import (
    NOTE as NOTE_CLAUSE,
)
from .unitlist import looks_like_unit

_CN = "一二三四五六七八九十"
# (level, pattern) — the marker and the number it carries.
_MARKERS = [
    (1, re.compile(rf"^([{_CN}]{{1,3}})[、．.]")),
    (2, re.compile(rf"^[（(]([{_CN}]{{1,3}})[）)]")),
    (3, re.compile(r"^(\d{1,2})(?:[.．、](?!\d{1,3}(?!\d))|\s)")),
    (4, re.compile(r"^[（(]?(\d{1,2})[）)](?!\d)")),
    (5, re.compile(r"^([①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳])")),
]
# A task written as prose, its units first: "由县发改局牵头，县财政局配合，完成…". Such a line starts an item.
_PROSE = re.compile(
    r"^由(?P<units>[^，,。；;：:]{2,60}?(?:牵头|负责)(?:[，,][^，,。；;：:]{2,60}?(?:配合|参与|协助|协办))?)"
    r"[，,]\s*(?P<rest>\S.*)$"
)
_PROSE_LEVEL = 6  # below every numbered level
# The parts a plan is divided into above its numbered outline: "第二章 …", "第三节", "第一部分".
_CHAPTER = re.compile(r"^第[一二三四五六七八九十百零〇\d]{1,4}(?:章|节|部分|篇|编)")
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_BRACKETS = {"（": "）", "(": ")", "〔": "〕", "【": "】", "[": "]"}
_BRACKET_CHAR = re.compile("[" + re.escape("".join(_BRACKETS) + "".join(_BRACKETS.values())) + "]")
_INLINE_LABEL = re.compile(r"[。；;]\s*((?:牵头单位|牵头部门|责任单位|责任部门|主责单位)\s*[：:])")
_LABEL_LINE = re.compile(r"^\s*(?:" + LABEL.pattern + ")")
# A deadline written inside a task's text: "2023年6月底前", "年底前", "长期坚持".
DEADLINE_IN_TEXT = re.compile(
    r"(?:(?:\d{4}|[〇零一二三四五六七八九]{4})\s*年\s*|次年|明年|当年|本年度?|今年)?"
    r"(?:\d{1,2}\s*月\s*(?:\d{1,2}\s*日|[上中下]旬|底|末)?|年底|年末|年中|上半年|下半年|第[一二三四]季度末?)"
    r"\s*(?:前后|左右|前|之前|以前)"
    r"|\d{4}\s*年\s*(?:年底|底|年末|末)前?|长期坚持|即日起"
    r"|[“\"]?十[一二三四五六七八九]五[”\"]?(?:期间|时期)(?:期末|末)?|[“\"]?十[一二三四五六七八九]五[”\"]?(?:期末|末)"
)
# A date that says which things, not by when: "2000年底前建成的老旧小区", "6月底前完成的整治成果".
_DESCRIBING = re.compile(r"\s*[\u4e00-\u9fff]{0,2}的")


def _number(level: int, token: str) -> int:
    if level in (1, 2):
        if "十" in token:
            tens, _, units = token.partition("十")
            return (_CN.index(tens) + 1 if tens else 1) * 10 + (_CN.index(units) + 1 if units else 0)
        return _CN.index(token) + 1
    if level == 5:
        return _CIRCLED.index(token) + 1
    return int(token)


@dataclass(kw_only=True)
class Item:
    level: int
    marker: str
    text: str
    where: str
    labels: list[str] = field(default_factory=list)  # annotation lines under the item; a note's further lines
    note: bool = False  # "注：…" under the list, with the numbered lines that go on from it


@dataclass(kw_only=True)
class OutlineTask:
    """One task found in the outline, with its text and the annotation as written."""

    category: str
    title: str
    measure: str
    roles: Roles
    annotation: str
    where: str


def items_of(lines: list[Line]) -> list[Item]:
    """Join lines into numbered items; unnumbered text continues the item before it."""
    items: list[Item] = []
    last_number: dict[int, int] = {}
    ever: dict[int, int] = {}  # plans often number （一）…（十八） straight through their parts
    current: Item | None = None
    for line in lines:
        text = line.text.strip()
        if not text:
            continue
        if NOTE_ROW.match(text):
            current = Item(level=0, marker="", text=text, where=line.where, note=True)
            items.append(current)
            continue
        if _CHAPTER.match(text):  # "第二章 加强社会治理": a heading above the outline, never the item's text
            current = Item(level=0, marker="", text=text, where=line.where)
            items.append(current)
            continue
        found = _marker(text, last_number, ever)
        if found is None and _PROSE.match(text):
            found = (_PROSE_LEVEL, 0, "")
        if current is not None and current.note and (found is None or found[0] > 2):
            current.labels.append(text)  # "2.以上任务…": the note's own numbering, no item of the list
            continue
        if found:
            level, number, marker = found
            if level != _PROSE_LEVEL:
                last_number[level] = ever[level] = number
            for deeper in [k for k in last_number if k > level]:
                del last_number[deeper]
            current = Item(level=level, marker=marker, text=text[len(marker) :].strip(), where=line.where)
            items.append(current)
        elif current is not None and _LABEL_LINE.match(text) and not _open_bracket(current.text):
            current.labels.append(text)
        elif current is not None and current.labels and not text.startswith(("（", "(")):
            if _label_goes_on(current.labels[-1]):
                current.labels[-1] += text  # a label wrapped onto the next line
            else:  # a paragraph of its own after the item's labels ("各部门要高度重视…")
                current = Item(level=0, marker="", text=text, where=line.where)
                items.append(current)
        elif current is not None:
            current.text += text
        else:
            current = Item(level=0, marker="", text=text, where=line.where)
            items.append(current)
    return items


def _label_goes_on(label: str) -> bool:
    """Whether a label line was cut short (mid-name, after a 、): a label ending in a whole unit or deadline is
    complete, and the line after it is a paragraph of its own."""
    if label.rstrip().endswith(("、", "，", ",", "：", ":")):
        return True
    last = re.split(r"[：:、，,；;]", label)[-1].strip()
    return not (looks_like_unit(last) or is_deadline_clause(last))


def _open_bracket(text: str) -> bool:
    spans = _bracket_spans(text)
    last_close = spans[-1][1] if spans else -1
    return any(c in _BRACKETS for c in text[last_close + 1 :])


def _marker(text: str, last_number: dict[int, int], ever: dict[int, int]) -> tuple[int, int, str] | None:
    for level, pattern in _MARKERS:
        m = pattern.match(text)
        if not m:
            continue
        number = _number(level, m.group(1))
        # A number must follow the one before it at its level, or start a new list: "1.5万吨" is no item.
        if number in (1, last_number.get(level, 0) + 1, ever.get(level, 0) + 1):
            return level, number, m.group(0)
    return None


@dataclass(kw_only=True)
class Unplaced:
    """An item among tasks that names nobody, or a table row without a measure: said, with its text, rather
    than dropped."""

    where: str
    text: str
    code: str = "import-line-unplaced"


def outline_tasks(lines: list[Line], first_is_lead: bool) -> tuple[list[OutlineTask], list[Unplaced]]:
    """Every item that names who does it becomes a task; the headings above it give 类别 and 重点任务.

    A note that names units for the tasks from here on ("以下任务均需…落实") is applied to them. An item
    without units among sibling items that are tasks is returned as unplaced, also when items stand under it
    (a measure detailed by ①②): below the document's parts (一、), only an item with a task below it is a
    heading."""
    tasks: list[OutlineTask] = []
    path: dict[int, Item] = {}
    onward = Roles()
    siblings: dict[tuple[int, int], list[tuple[Item, bool]]] = {}  # (level, parent) -> items, task or not
    parent_of: dict[int, Item] = {}
    bearing: set[int] = set()  # items that are tasks or hold one below them
    notes: list[Unplaced] = []  # sentences giving every task its units, said as `ledger check` says them
    numbered: list[tuple[Item, tuple[int, int]]] = []  # items in reading order, each with its siblings' key
    for item in items_of(lines):
        if item.note:  # its first line is said by the import with every note line of the document
            notes += [
                Unplaced(where=item.where, text=text, code="tasks-note-units")
                for text in item.labels
                if NOTE_UNITS.search(text) and "以下" not in text
            ]
            continue
        if item.level:
            path[item.level] = item
            for deeper in [k for k in path if k > item.level]:
                del path[deeper]
        parents = [path[k] for k in sorted(path) if k < item.level]
        if parents:
            parent_of[id(item)] = parents[-1]
        found = _item_tasks(item, parents, first_is_lead)
        node: Item | None = item if found else None
        while node is not None and id(node) not in bearing:
            bearing.add(id(node))
            node = parent_of.get(id(node))
        for task in found:
            if task.roles.onward:
                units = split_units(task.roles.onward)
                onward = Roles(support=units.names, vague=units.vague)
            task.roles.merge(onward)
        if not found and (rule := _onward_rule(item.text)):
            units = split_units(rule)
            onward = Roles(support=units.names, vague=units.vague)
        elif not found and (every := _tasks_rule(item.text)):
            notes.append(Unplaced(where=item.where, text=every, code="tasks-note-units"))
        tasks += found
        if item.level:
            key = (item.level, id(parents[-1]) if parents else 0)
            siblings.setdefault(key, []).append((item, bool(found)))
            numbered.append((item, key))
    # A part of the document ("一、总体要求", "三、保障措施") holds items of its own and is said only when it is a
    # single item; below the parts, an item with items under it but no task is a measure naming nobody.
    parts = {id(parent) for parent in parent_of.values() if parent.level == 1}
    unplaced = notes + [
        Unplaced(where=item.where, text=item.marker + item.text)
        for item, key in numbered
        if id(item) not in bearing | parts and any(is_task for _, is_task in siblings[key])
    ]
    return tasks, unplaced


def _tasks_rule(text: str) -> str:
    """The sentence of an item that gives every task its units ("各重点任务由…牵头负责，…负责落实。"), or ""."""
    for sentence in re.findall(r"[^。；;]+[。；;]?", text):
        if TASKS_RULE.search(sentence):
            return sentence.strip()
    return ""


def _onward_rule(text: str) -> str:
    """Units a heading or a paragraph gives to the tasks below it: "以下任务均需各区市政府落实"."""
    if not re.search(r"以下|下列", text):
        return ""
    return split_notes(text)[2]


def _item_tasks(item: Item, parents: list[Item], first_is_lead: bool) -> list[OutlineTask]:
    """The tasks one item holds: one per bracketed annotation, or one with its label lines or prose roles."""
    leading = _leading_annotation(item, first_is_lead)
    chunks = _annotated_chunks(item.text, first_is_lead)
    if leading is not None:  # "【区发改委牵头】推进改革…": the units first, for the whole item
        annotation, roles = leading
        chunks = chunks or [(item.text, "", Roles())]
        for n, (measure, written, found) in enumerate(chunks):
            found.merge(roles)
            chunks[n] = (measure, "；".join(filter(None, [annotation, written])), found)
    labels = list(item.labels)
    if not chunks and (inline := _INLINE_LABEL.search(item.text)):
        # "1.推进某项工作。牵头单位：A；责任单位：B。" — the annotation written on as a sentence
        labels.insert(0, item.text[inline.start(1) :])
        item.text = item.text[: inline.start(1)]
    if not chunks and not labels and (prose := _PROSE.match(item.text)):
        chunks = [(prose["rest"], prose["units"], verb_roles(prose["units"], first_is_lead))]
    if not chunks and not labels and item.level:  # never the preamble: "列第一位的为牵头单位。" is a rule
        chunks = _closing_sentence(item.text, first_is_lead)
    # Label lines are read together: a 责任单位 line under a 牵头单位 line names support.
    label_roles = read_roles("；".join(labels), first_is_lead) if labels else Roles()
    if label_roles and not chunks:
        chunks = [(item.text, "", Roles())]
    if not chunks:
        return []
    category = (parents[0].marker + _title(parents[0].text)) if parents else ""
    title = _title(parents[-1].text) if len(parents) > 1 else ""
    tasks: list[OutlineTask] = []
    for measure, annotation, roles in chunks:
        roles.merge(label_roles)
        measure = measure.strip()
        task_title = title
        if item.level in (1, 2) and len(chunks) == 1:
            # A heading that is itself a task: "（十六）实施专项突破，打造一流营商环境。认真贯彻…（…牵头）"
            head, _, rest = measure.partition("。")
            if rest.strip():
                task_title, measure = head, rest.strip()
        if not roles.deadline:  # in the text, or in a clause of the annotation ("2021年6月30日前完成初步方案")
            roles.deadline = deadline_in(measure, *(n for n in roles.notes + roles.support if not _unit_or_rule(n)))
        tasks.append(
            OutlineTask(
                category=category,
                title=task_title,
                measure=measure,
                roles=roles,
                annotation="；".join(filter(None, [annotation, *labels])),
                where=item.where,
            )
        )
    return tasks


def _leading_annotation(item: Item, first_is_lead: bool) -> tuple[str, Roles] | None:
    """A bracket opening the item that says who does it ("【区发改委牵头】推进改革…"), cut from the item's text:
    (the bracket as written, its roles). None when the item opens otherwise, or its bracket names no role."""
    spans = _bracket_spans(item.text)
    if not item.level or not spans or spans[0][0] != 0:
        return None
    close_at = spans[0][1]
    inner, rest = item.text[1:close_at], item.text[close_at + 1 :].strip()
    if not rest or not ROLE_WORDS.search(inner) or not is_annotation(inner, first_is_lead):
        return None
    written = item.text[: close_at + 1]
    item.text = rest
    return written, read_roles(inner, first_is_lead)


def deadline_in(*texts: str) -> str:
    """The deadlines written inside running text ("…，2021年6月底前完成清单编制"), joined; not a date that says
    which things ("2000年底前建成的老旧小区")."""
    found = [
        m.group(0) for text in texts for m in DEADLINE_IN_TEXT.finditer(text) if not _DESCRIBING.match(text, m.end())
    ]
    return "，".join(dict.fromkeys(found))


def _unit_or_rule(text: str) -> bool:
    """A piece of an annotation that is a unit, or a note of how work is divided: no clause to find a date in."""
    return looks_like_unit(text) or bool(NOTE_CLAUSE.search(text))


def _title(text: str) -> str:
    head = text.split("。")[0]
    return head.strip().rstrip("：:；;")


def _annotated_chunks(text: str, first_is_lead: bool) -> list[tuple[str, str, Roles]]:
    """Split an item's text at each bracketed annotation: (text before, annotation, roles)."""
    chunks: list[tuple[str, str, Roles]] = []
    start = 0
    spans = _bracket_spans(text)
    for n, (open_at, close_at) in enumerate(spans):
        inner = text[open_at + 1 : close_at]
        rest = text[close_at + 1 :].strip()
        # A bracket that closes the item (or is followed only by another bracket) names its units, even one.
        closing = not rest.strip("。；;，, ") or rest[0] in _BRACKETS
        # "推进改革（区发改委）、加强监管（区市场监管局）。": units after each clause, the last closing the item
        per_clause = (
            rest[:1] in "、，,；;" and _whole_units(inner) and _closes_with_units(text, spans[n + 1 :], first_is_lead)
        )
        if not is_annotation(inner, first_is_lead, closing=closing or per_clause):
            continue
        # A bracket in mid-sentence that only names units ("由（区财政局）负责") is part of the text.
        after = rest[:1]
        if (
            after
            and after not in "。；;，,"
            and not per_clause
            and after not in _BRACKETS
            and not ROLE_WORDS.search(inner)
        ):
            continue
        measure = text[start:open_at].strip().lstrip("、，,；;")
        if measure:
            chunks.append((measure, text[open_at : close_at + 1], read_roles(inner, first_is_lead)))
        start = close_at + 1
    return chunks


def _whole_units(text: str) -> bool:
    """Whether a bracket holds only whole names of units: "（区发改委）", not the kinds "（站、室）" of a
    "综合文化服务中心（站、室）"."""
    names = split_units(text).names
    return bool(names) and all(len(n) >= 3 and looks_like_unit(n) for n in names)


def _closes_with_units(text: str, spans: list[tuple[int, int]], first_is_lead: bool) -> bool:
    """Whether the last of these brackets closes the item and names units: the clauses before it then name
    theirs in brackets as well."""
    if not spans:
        return False
    open_at, close_at = spans[-1]
    closing = not text[close_at + 1 :].strip("。；;，, ")
    return closing and is_annotation(text[open_at + 1 : close_at], first_is_lead, closing=True)


def _closing_sentence(text: str, first_is_lead: bool) -> list[tuple[str, str, Roles]]:
    """ "…建立长效机制。区发展改革局、区财政局分别牵头。": the roles as the item's last sentence."""
    body = text.rstrip("。；; ")
    cut = max(body.rfind("。"), body.rfind("；"))
    if cut <= 0:
        return []
    sentence = body[cut + 1 :].strip()
    if len(sentence) > 80 or FIRST_IS_LEAD.search(sentence) or TASKS_RULE.search(sentence):
        return []
    if not ROLE_WORDS.search(sentence):
        return []
    if not is_annotation(sentence, first_is_lead):
        return []
    return [(text[: cut + 1], sentence, read_roles(sentence, first_is_lead))]


def _bracket_spans(text: str) -> list[tuple[int, int]]:
    """Outermost bracket pairs, a full-width opening matched by a half-width closing too ("(APP）")."""
    spans: list[tuple[int, int]] = []
    depth, open_at = 0, 0
    for m in _BRACKET_CHAR.finditer(text):  # only the brackets: an item is mostly running text
        i, char = m.start(), m.group()
        if char in _BRACKETS:
            if depth == 0:
                open_at = i
            depth += 1
        elif char in _BRACKETS.values() and depth:
            depth -= 1
            if depth == 0:
                spans.append((open_at, i))
    return spans
