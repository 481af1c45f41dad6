"""Who leads and who supports, read from an annotation as plans write it.

Forms: labelled ("牵头单位：A；责任单位：B、C", "完成时限：…"), verbs ("A牵头，B、C配合", "A、B分别牵头",
"A、B负责"), and bare lists governed by the document's own rule ("列第一位的为牵头单位"). Role rules:
牵头 with 责任/配合 -> lead and support; only 责任单位 or "A、B负责" -> all lead; "分别牵头" -> all lead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..deadlines import parse_deadline
from ..units import split_units
from .unitlist import looks_like_unit

_LABELS = {
    "person": r"牵头领导|责任领导|分管领导|牵头责任人|责任人|联系人",  # people, not units: read past
    "lead": r"牵头单位|牵头部门|主责单位|主办单位|牵头",
    "responsible": r"责任单位|责任部门|责任主体|实施单位|承办单位",
    "support": r"配合单位|配合部门|参与单位|协办单位|协助单位|协同单位|配合",
    "deadline": r"完成时限|完成时间|时间节点|时限要求|完成期限|时限",
}
# A label may name its level: "省牵头单位：省商务厅；市牵头单位：市商务局" copies a higher level's division.
LABEL = re.compile(
    r"(?P<level>[省市州区县](?=牵头|责任|配合))?("
    + "|".join(f"(?P<{k}>{v})" for k, v in _LABELS.items())
    + r")\s*[：:]"
)
_LEVEL_RANK = {"县": 0, "区": 0, "市": 1, "州": 1, "省": 2}
# A role verb closing a list of units: "A、B分别牵头，C配合".
_VERB = re.compile(
    r"(分别牵头|牵头负责|牵头|按职责分工负责|按职责分工落实|按职责负责|按职责落实|具体负责|共同负责|负责落实|负责|"
    r"配合落实|配合|参与|协助|协办|落实)(?=[，,；;。、\s]|$)"
)
_LEAD_VERBS = ("分别牵头", "牵头负责", "牵头")
# A clause saying a unit supports in other words offices use: "区财政局保障资金", "区财政局做好经费保障",
# "区税务局支持", "区人社局提供政策支持". Read as 配合 only when what comes before is a unit.
_SUPPORT_CLAUSE = re.compile(
    r"(?P<units>.+?)(?:做好|负责|提供|给予|强化|加强|落实)?(?:资金|经费|财力|要素|政策|技术|人员|用地|数据)?"
    r"(?:保障|支持|支撑|协同)(?:资金|经费|工作)?"
)
# "区财政局（牵头）、区税务局": the mark is the verb, "区财政局牵头、区税务局", as `ledger check` reads it.
# A person or contact written after a unit: "区财政局（负责同志：张三）", "（联系人：李四，电话…）".
_CONTACT = re.compile(r"[（(]([^（）()]*[：:][^（）()]*)[）)]$")
# "由区财政局负责", "具体由东街道负责": who, after the word that introduces them.
_BY = re.compile(r"^(?:具体|均|统一)?由(?=[\u4e00-\u9fff])")
_LEAD_MARK = re.compile(r"\s*[（(]\s*牵头\s*[）)]")
_SUPPORT_VERBS = ("配合落实", "配合", "参与", "协助", "协办")
# "列第一位的为牵头单位", "排在第一位的单位为牵头单位", "第一个为牵头单位", "排在首位的为牵头单位".
FIRST_IS_LEAD = re.compile(r"(?:列|排)?(?:在)?(?:第一(?:位|个)|首位)(?:的)?(?:责任)?(?:单位|部门)?(?:为|是)牵头")
# A sentence giving every task its units at once: "各重点任务由区有关部门单位牵头负责，各街道、功能区负责落实".
TASKS_RULE = re.compile(r"(?:各项|各重点|各|所有|上述|以上)任务(?:均|都)?由[^。；;]*?(?:牵头|负责|落实)")
ROLE_WORDS = re.compile(r"牵头|责任单位|责任部门|配合|参与|负责|协办|主责|完成时限|时间节点|分工落实")
# A clause of an annotation that says how the work is divided rather than who does it: "不再做分工", "下同",
# "不再一一列出", the document's rule ("除标注“分别牵头”外，列第一位的为牵头单位"), "以下任务均需…落实".
NOTE = re.compile(
    r"不再|下同|一一列出|以下|以上|下列|均需|均要|均涉及|均由|除标注|第一位|第一个|首位|具体任务|详见|见附件"
)
# A note that names units for every task from here on: "以下任务均需各区市政府落实",
# "具体任务均涉及相关市（州）人民政府，不再做分工，下同".
_ONWARD = re.compile(r"均(?:需|需要|要|涉及|由)(?P<units>.+?)(?:按职责)?(?:负责)?(?:落实|参与|配合)?$")
_GOES_ON = re.compile(r"以下|下列|下同")
_CLAUSE_END = "。；;，,"
_CLAUSE_CHAR = re.compile(r"[（(〔【\[“）)〕】\]”。；;，,]")
# A clause of an annotation that says when rather than who: "6月底完成", "2023年12月底前完成", "长期坚持".
_DEADLINE_CLAUSE = re.compile(
    r"(?:\d{4}\s*年\s*|次年|明年|当年|本年度?|今年)?(?:\d{1,2}\s*月\s*(?:\d{1,2}\s*日|[上中下]旬|底|末)?|年底|年末|年内|年中|上半年|下半年|第[一二三四]季度末?)"
    r"\s*(?:前后|左右|前|之前|以前)?\s*(?:完成|基本完成|全面完成|建成|落实|到位)?|(?:\d{4}\s*年|当年|本年度?|今年)(?:年底|底|末|内)?前?(?:完成)?|长期坚持|持续推进"
    r"|[“\"]?十[一二三四五六七八九]五[”\"]?(?:期间|时期)?(?:期末|末)?(?:前|之前|以前)?(?:完成|基本完成|全面完成|建成|落实|到位)?"
)

# What a clause made only of time words may hold ("每年12月底前", "2021年起", "2021-2025年", "常态化推进"): such a
# clause the ledger reads as a deadline is one, whatever its form; a clause with any other word is not.
_TIME_WORDS = re.compile(
    r"[\d〇零一二三四五六七八九十年月日号底末前后内起初旬季度半全每第期间时长坚持续推进常态化实施开展基本面建成"
    r"完落到位之以截止至自从始左右上中下\-—－~～/.\s“”\"]+"
)


def is_deadline_clause(text: str) -> bool:
    """Whether one clause of an annotation says when rather than who."""
    if _DEADLINE_CLAUSE.fullmatch(text):
        return True
    # Any year reads "全年" and "6月底前": whether the phrase is read matters here, not its dates.
    return bool(_TIME_WORDS.fullmatch(text)) and parse_deadline(text, 2000).kind not in ("unknown", "none")


@dataclass(kw_only=True)
class Roles:
    """The units an annotation names, as written, and a deadline when it gives one."""

    lead: list[str] = field(default_factory=list)
    support: list[str] = field(default_factory=list)
    vague: list[str] = field(default_factory=list)
    vague_lead: list[str] = field(default_factory=list)  # those of `vague` written in the lead's place
    deadline: str = ""
    notes: list[str] = field(default_factory=list)  # clauses that say how, not who ("不再做分工", "下同")
    onward: str = ""  # units a note gives to this task and every later one ("以下任务均需A落实")

    def __bool__(self) -> bool:
        return bool(self.lead or self.support or self.vague or self.deadline)

    def merge(self, other: Roles) -> None:
        self.lead += [n for n in other.lead if n not in self.lead]
        self.support += [n for n in other.support if n not in self.support and n not in self.lead]
        self.vague += [n for n in other.vague if n not in self.vague]
        self.vague_lead += [n for n in other.vague_lead if n not in self.vague_lead]
        self.notes += [n for n in other.notes if n not in self.notes]
        self.deadline = self.deadline or other.deadline
        self.onward = self.onward or other.onward


def split_notes(text: str) -> tuple[str, list[str], str]:
    """An annotation without its notes: (the text that names units, the notes, units named for later tasks).

    Clauses are cut at 。；，outside brackets; a clause is a note by what it says (NOTE), so "不再做分工" never
    becomes a unit and the document's rule, written in the same brackets, never ends up inside a name."""
    kept, notes, onward = "", [], ""
    clauses = _clauses(text)
    goes_on = bool(_GOES_ON.search(text))
    for clause in clauses:
        bare = clause.strip().rstrip(_CLAUSE_END).strip()
        if not bare:
            continue
        if not NOTE.search(bare):
            kept += clause
            continue
        notes.append(bare)
        if goes_on and (m := _ONWARD.search(bare)):
            onward = m["units"]
        elif m := _ONWARD.search(bare):
            kept += m["units"] + "参与，"  # "具体任务均涉及A": A takes part in this task
    return kept.strip().rstrip(_CLAUSE_END), notes, onward


def _clauses(text: str) -> list[str]:
    """The text cut after each 。；，outside brackets, separators kept."""
    start, depth = 0, 0
    clauses: list[str] = []
    for m in _CLAUSE_CHAR.finditer(text):
        i, char = m.start(), m.group()
        if char in "（(〔【[“":
            depth += 1
        elif char in "）)〕】]”":
            depth = max(0, depth - 1)
        elif char in _CLAUSE_END and depth == 0:
            clauses.append(text[start : i + 1])
            start = i + 1
    clauses.append(text[start:])
    return clauses


def cut_deadline(text: str) -> tuple[str, str]:
    """An annotation without the clauses that say when ("…，各街道，6月底完成"): (the rest, the deadline)."""
    kept, deadlines = "", []
    for clause in _clauses(text):
        bare = clause.strip().rstrip(_CLAUSE_END).strip()
        if bare and is_deadline_clause(bare):
            deadlines.append(bare)
        else:
            kept += clause
    return kept.strip().rstrip(_CLAUSE_END), "，".join(deadlines)


def note_roles(notes: list[str], onward: str) -> Roles:
    """Notes kept beside the roles; the units of an onward rule as support."""
    units = split_units(onward)
    return Roles(support=units.names, vague=units.vague, notes=[n for n in notes if n], onward=onward)


def read_roles(text: str, first_is_lead: bool = False) -> Roles:
    """Roles from the text of one annotation (brackets already removed)."""
    text, deadline = cut_deadline(_unwrap(text))
    text, notes, onward = split_notes(text)
    roles = _read_roles(text, first_is_lead)
    roles.merge(note_roles(notes, onward))
    # "完成时限：2021年6月底前完成，长期坚持": the clause cut as a deadline goes on the labelled one
    roles.deadline = "，".join(filter(None, [roles.deadline, deadline]))
    return roles


def _read_roles(text: str, first_is_lead: bool) -> Roles:
    labels = [m for m in LABEL.finditer(text) if not _depth(text, m.start())]  # "（联系人：…）" is inside a name
    if not labels:
        return verb_roles(text, first_is_lead)
    values: dict[str, list[str]] = {}
    # Leads labelled at several levels: the lowest is the document's own, the higher ones are kept as notes.
    levels = {_LEVEL_RANK[m["level"]] for m in labels if m["level"] and m["lead"]}
    own = min(levels) if len(levels) > 1 else None
    higher: list[str] = []
    for i, m in enumerate(labels):
        end = labels[i + 1].start() if i + 1 < len(labels) else len(text)
        kind = next(k for k in _LABELS if m.group(k))
        value = text[m.end() : end].strip("；;，,。 ")
        if own is not None and m["level"] and _LEVEL_RANK[m["level"]] > own:
            higher.append(m.group(0).strip() + value)
            continue
        values.setdefault(kind, []).append(value)
    roles = Roles(deadline="，".join(values.get("deadline", [])), notes=higher)
    if before := text[: labels[0].start()].strip("；;，,。 "):  # "A牵头，B配合；完成时限：…"
        roles.merge(verb_roles(before, first_is_lead))
    lead_texts = values.get("lead", [])
    # Only 责任单位 named: all lead, unless the document's rule says the first listed leads.
    rule = first_is_lead and not lead_texts
    if not lead_texts:
        lead_texts, support_texts = values.get("responsible", []), values.get("support", [])
    else:
        support_texts = values.get("responsible", []) + values.get("support", [])
    for n, value in enumerate(lead_texts):
        found = verb_roles(value, first_is_lead=rule and n == 0, default="lead")
        roles.merge(found)
    for value in support_texts:
        found = verb_roles(value, first_is_lead=False, default="support")
        roles.merge(Roles(support=found.lead + found.support, vague=found.vague, notes=found.notes))
    return roles


def verb_roles(text: str, first_is_lead: bool, default: str = "lead") -> Roles:
    """ "A牵头，B、C配合", "A、B分别牵头", "A、B负责"; a list with no verb takes the default role."""
    roles = Roles()
    text = _support_clauses(_LEAD_MARK.sub("牵头", text))
    chunks: list[tuple[str, str]] = []  # (units text, verb)
    start = 0
    for m in _VERB.finditer(text):
        if _depth(text, m.start()):
            continue
        chunks.append((text[start : m.start()], m.group(1)))
        start = m.end()
    rest = text[start:].strip("，,；;。 ")
    has_lead_verb = any(verb in _LEAD_VERBS for _, verb in chunks)
    if rest:
        chunks.append((rest, ""))
    for units_text, verb in chunks:
        units = split_units(_BY.sub("", units_text.strip("，,；;。 ")))
        for n, name in enumerate(units.names):  # "区财政局（负责同志：张三）": the contact is a note
            if contact := _CONTACT.search(name):
                units.names[n] = name[: contact.start()]
                roles.notes.append(contact[1])
        roles.vague += [v for v in units.vague if v not in roles.vague]
        if verb in _LEAD_VERBS:
            target = roles.lead
        elif verb in _SUPPORT_VERBS or (has_lead_verb and verb != "") or (verb == "" and has_lead_verb):
            target = roles.support
        elif verb == "" and first_is_lead and units.names:
            roles.lead.append(units.names[0])
            roles.support += units.names[1:]
            continue
        else:
            target = roles.lead if default == "lead" else roles.support
        target += [n for n in units.names if n not in target]
        if target is roles.lead:  # "区政府有关部门牵头": a collective in the lead's place, kept there
            roles.vague_lead += [v for v in units.vague if v not in roles.vague_lead]
    return roles


def _support_clauses(text: str) -> str:
    """Each clause naming units and a support word ("区财政局保障资金") written as "区财政局配合"."""
    out = ""
    for clause in _clauses(text):
        bare = clause.rstrip(_CLAUSE_END)
        m = _SUPPORT_CLAUSE.fullmatch(bare.strip())
        names = split_units(m["units"]).names if m else []
        if m and names and all(looks_like_unit(n) for n in names):
            clause = m["units"] + "配合" + clause[len(bare) :]
        out += clause
    return out


def _unwrap(text: str) -> str:
    """The text inside one pair of brackets around the whole annotation, if it has them."""
    text = text.strip()
    if len(text) >= 2 and text[0] in "（(〔【[" and text[-1] in "）)〕】]" and _depth(text, len(text) - 1) == 1:
        return text[1:-1].strip()
    return text


def _depth(text: str, index: int) -> int:
    depth = 0
    for char in text[:index]:
        if char in "（(":
            depth += 1
        elif char in "）)":
            depth = max(0, depth - 1)
    return depth


def is_annotation(text: str, first_is_lead: bool = False, *, closing: bool = False) -> bool:
    """Whether a bracketed text names who does a task (rather than explaining a term); a bracket closing the
    item may name a single unit."""
    inner, _, onward = split_notes(cut_deadline(_unwrap(text))[0])
    if onward:
        return True
    if LABEL.search(inner):
        return True
    if ROLE_WORDS.search(inner):
        roles = verb_roles(inner, first_is_lead)
        named = roles.lead + roles.support
        if roles.lead and "牵头" in inner and all(looks_like_unit(n) for n in roles.lead):
            # units that lead, and clauses besides them that are no unit ("按季度调度"): kept as notes
            return True
        return bool(named) and all(looks_like_unit(n) for n in named)
    units = split_units(inner)
    names = units.names
    listed = len(names) > 1 or first_is_lead or bool(units.vague) or closing
    # Names are told from notes later (with the registry when there is one): a list led by a unit, mostly
    # units, is an annotation.
    shaped = [looks_like_unit(n) for n in names]
    return bool(names) and listed and shaped[0] and 2 * sum(shaped) >= len(shaped)
