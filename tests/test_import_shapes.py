"""`ledger import` on made-up documents in the shapes other places publish their plans in.

Each test is one class of layout met in public 分工方案 copied from web pages: tables flattened per cell or per
row, role labels on lines of their own, ASCII punctuation, notes and rules inside annotations, prose tasks. The
texts are invented; only their shape is taken from real documents.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl

from ledger import import_document
from ledger.units import UnitRegistry, split_units

from .conftest import UNITS, UNITS_HEADER, make_workspace, write_xlsx


def _import(tmp_path: Path, lines: list[str], **options):
    path = tmp_path / "plan.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    return import_document(path, **options)


def _flat(result) -> list[tuple]:
    return [(t.number, tuple(t.lead), tuple(t.support), t.deadline) for t in result.tasks]


def test_a_table_flattened_one_cell_per_line_is_read_from_its_header(tmp_path):
    result = _import(
        tmp_path,
        [
            "平安县2023年民生实事责任分工",
            "序号",
            "民生实事",
            "责任单位",
            "完成时限",
            "1",
            "新建2座人行天桥。",
            "县住建局",
            "县交通局",
            "9月底前",
            "2",
            "改造老旧小区12个，惠及居民3000户。",
            "县住建局",
            "年底前",
            "3",
            "新增公办幼儿园学位600个。",
            "县教育局",
            "县财政局",
            "县自然资源局",
            "8月底前",
        ],
    )
    assert _flat(result) == [
        ("1", ("县住建局", "县交通局"), (), "9月底前"),
        ("2", ("县住建局",), (), "年底前"),
        ("3", ("县教育局", "县财政局", "县自然资源局"), (), "8月底前"),
    ]
    assert [t.measure for t in result.tasks] == [
        "新建2座人行天桥。",
        "改造老旧小区12个，惠及居民3000户。",
        "新增公办幼儿园学位600个。",
    ]


def test_a_flattened_cell_table_with_lead_and_support_columns(tmp_path):
    result = _import(
        tmp_path,
        [
            "序号",
            "工作任务",
            "牵头单位",
            "配合单位",
            "完成时限",
            "1",
            "建成智慧停车平台。",
            "县公安局",
            "县城管局",
            "县财政局",
            "2023年10月底前",
        ],
    )
    assert _flat(result) == [("1", ("县公安局",), ("县城管局", "县财政局"), "2023年10月底前")]


def test_a_flattened_row_with_the_unit_stuck_to_its_sentence(tmp_path):
    result = _import(
        tmp_path,
        [
            "序号 名称 工作任务 牵头责任单位",
            "1 财政收入 一般公共预算收入增长8%以上。财政局",
            "2 招商引资 新引进亿元以上项目10个。县商务局、县发改局",
        ],
    )
    assert _flat(result) == [("1", ("财政局",), (), ""), ("2", ("县商务局", "县发改局"), (), "")]
    assert result.tasks[0].measure == "一般公共预算收入增长8%以上。"


def test_role_labels_on_lines_of_their_own_make_the_responsible_units_support(tmp_path):
    result = _import(
        tmp_path,
        [
            "一、主要预期目标",
            "1.地区生产总值增长6%左右。",
            "牵头单位:区发改局",
            "责任单位:东山开发区,各街道、区直各部门",
            "2.一般公共预算收入增长5%。",
            "责任单位：区财政局、区税务局",
        ],
    )
    assert _flat(result) == [
        ("1", ("区发改局",), ("东山开发区", "各街道"), ""),
        ("2", ("区财政局", "区税务局"), (), ""),
    ]
    assert result.tasks[0].vague == ["区直各部门"]


def test_ascii_markers_and_punctuation_read_as_full_width(tmp_path):
    result = _import(
        tmp_path,
        [
            "一、深化要素市场改革",
            "(一)加强市场体系建设。完善统一开放的市场规则。〔责任单位:省发展改革委、省市场监管局按职责分工负责。"
            "具体任务均涉及相关市(州)人民政府,不再做分工,下同。〕",
            "(二)推进数据要素流通。",
            "(1)建设公共数据平台,2023年6月底前上线。(牵头单位:省大数据局;配合单位:省财政厅)",
            "(2)制定数据交易规则。【省大数据局牵头,省司法厅、省市场监管局配合】",
        ],
    )
    assert _flat(result) == [
        ("1", ("省发展改革委", "省市场监管局"), (), ""),
        ("2", ("省大数据局",), ("省财政厅",), "2023年6月底前"),
        ("3", ("省大数据局",), ("省司法厅", "省市场监管局"), ""),
    ]
    first = result.tasks[0]
    assert "不再做分工" in first.notes and "下同" in first.notes
    # "…均涉及相关市(州)人民政府，…下同" names a collective for this task and the ones after it
    assert [t.vague for t in result.tasks] == [["相关市(州)人民政府"]] * 3


def test_notes_in_an_annotation_are_not_units(tmp_path):
    result = _import(
        tmp_path,
        [
            "1.推进老旧管网改造。(市住建局牵头,各区市政府按职责分工负责,不再一一列出)",
            "2.开展城市体检。(市住建局、市自然资源局,以下任务均需各区市政府落实)",
            "3.建设口袋公园20处。(市园林局)",
            "4.整治背街小巷。(市城管局牵头,市交通局配合)",
        ],
    )
    leads = [t.lead for t in result.tasks]
    assert leads == [["市住建局"], ["市住建局", "市自然资源局"], ["市园林局"], ["市城管局"]]
    # "以下任务均需…落实" is a rule: the named units support the task that states it and every later one
    assert [t.support for t in result.tasks] == [
        ["各区市政府"],
        ["各区市政府"],
        ["各区市政府"],
        ["市交通局", "各区市政府"],
    ]
    assert result.tasks[0].notes == ["不再一一列出"]
    assert all(not any(w in n for w in ("不再", "以下", "下同")) for t in result.tasks for n in t.lead + t.support)


def test_the_documents_rule_written_once_in_brackets_governs_every_later_task(tmp_path):
    result = _import(
        tmp_path,
        [
            "一、优化营商环境",
            "1.推行证照分离改革。(县市场监管局、县行政审批局、县司法局)(除标注“分别牵头”外,列第一位的为牵头单位,下同)",
            "2.压缩企业开办时间。(县行政审批局、县税务局)",
            "3.推进工程建设项目审批改革。(县住建局、县自然资源局分别牵头)",
            "4.清理拖欠企业账款。（县工信局、县财政局；除标注“分别牵头”外，列第一位的为牵头单位）",
        ],
    )
    assert _flat(result) == [
        ("1", ("县市场监管局",), ("县行政审批局", "县司法局"), ""),
        ("2", ("县行政审批局",), ("县税务局",), ""),
        ("3", ("县住建局", "县自然资源局"), (), ""),
        ("4", ("县工信局",), ("县财政局",), ""),
    ]


def test_lead_and_support_verbs_with_ascii_commas(tmp_path):
    result = _import(
        tmp_path,
        [
            "1.建设农产品冷链物流中心。(县农业农村局牵头,县商务局、县供销社配合)",
            "2.完善乡村快递网点。(县邮政管理局牵头;县交通局,县商务局参与)",
        ],
    )
    assert _flat(result) == [
        ("1", ("县农业农村局",), ("县商务局", "县供销社"), ""),
        ("2", ("县邮政管理局",), ("县交通局", "县商务局"), ""),
    ]


def test_prose_tasks_name_their_units_first(tmp_path):
    result = _import(
        tmp_path,
        [
            "三、重点项目",
            "由县发改局牵头，完成新区政务服务中心建设。",
            "由县住建局牵头,县财政局、县城投公司配合,2023年12月底前建成城北污水处理厂。",
            "由县教育局负责，新建城东小学一所。",
        ],
    )
    assert _flat(result) == [
        ("1", ("县发改局",), (), ""),
        ("2", ("县住建局",), ("县财政局", "县城投公司"), "2023年12月底前"),
        ("3", ("县教育局",), (), ""),
    ]
    assert [t.measure for t in result.tasks] == [
        "完成新区政务服务中心建设。",
        "2023年12月底前建成城北污水处理厂。",
        "新建城东小学一所。",
    ]


def test_vague_collectives_are_listed_for_each_task_in_json(tmp_path):
    result = _import(tmp_path, ["1.开展安全生产大检查。(县应急局牵头,区级相关部门、各有关单位配合)"])
    data = result.to_json()["tasks"][0]
    assert (data["lead"], data["support"], data["vague"]) == (["县应急局"], [], ["区级相关部门", "各有关单位"])


def test_a_line_not_understood_inside_a_task_list_is_said_with_the_line_quoted(tmp_path):
    result = _import(
        tmp_path,
        [
            "一、主要目标",
            "1.城镇新增就业3000人。(县人社局)",
            "2.其他主要经济指标不低于全市平均水平。",
            "3.粮食产量稳定在50万吨以上。(县农业农村局)",
        ],
    )
    assert [t.measure for t in result.tasks] == ["城镇新增就业3000人。", "粮食产量稳定在50万吨以上。"]
    assert [(p.code, p.cell) for p in result.problems] == [("import-line-unplaced", "第3行")]
    assert "其他主要经济指标不低于全市平均水平" in result.problems[0].message


def test_one_splitter_for_the_registry_and_the_importer():
    text = "各县（市、区）人民政府、区司法局等，区财政局等有关部门"
    found = split_units(text)
    assert (found.names, found.vague) == (["各县（市、区）人民政府", "区司法局", "区财政局"], ["等", "等有关部门"])
    from ledger.model import Unit

    registry = UnitRegistry([Unit(name="各县（市、区）人民政府"), Unit(name="区司法局"), Unit(name="区财政局")])
    resolved = registry.resolve(text)
    assert (resolved.units, resolved.vague, resolved.unknown) == (found.names, found.vague, [])


def test_registry_names_decide_what_is_a_unit_when_a_workspace_is_given(tmp_path):
    root = make_workspace(tmp_path / "ws", [["序号", "具体措施", "牵头单位"], ["1", "已有任务", "示范区财政局"]])
    write_xlsx(root / "source" / "units.xlsx", [UNITS_HEADER, *UNITS, ["示范区城投", "", "企业", "", "", "", ""]])
    lines = ["1.推进数字乡村建设。(示范区财政局、示范区城投,不再做分工)"]
    alone = _import(tmp_path, lines)
    assert _flat(alone) == [("1", ("示范区财政局",), (), "")]
    assert alone.tasks[0].notes == ["不再做分工", "示范区城投"]
    known = _import(tmp_path, lines, workspace=root, dry_run=True)
    assert _flat(known) == [("1", ("示范区财政局", "示范区城投"), (), "")]
    assert known.tasks[0].notes == ["不再做分工"]
    assert [p.code for p in known.problems] == []


def test_a_cell_per_line_table_with_cell_borders_group_rows_and_the_documents_rule(tmp_path):
    result = _import(
        tmp_path,
        [
            "责任分解中，列第一位的责任单位为牵头单位。",
            "序号",
            "|",
            "主 要 工 作 任 务",
            "|",
            "责任单位",
            "|",
            "（一）城市建设",
            "|",
            "1",
            "|",
            "建成滨江绿道10公里。",
            "|",
            "市园林局、市水利局",
            "|",
            "（二）民生实事",
            "|",
            "2",
            "|",
            "新增托育机构5家。",
            "|",
            "市卫健委",
        ],
    )
    assert _flat(result) == [("1", ("市园林局",), ("市水利局",), ""), ("2", ("市卫健委",), (), "")]
    assert [t.category for t in result.tasks] == ["（一）城市建设", "（二）民生实事"]


def test_levels_listed_under_one_ge_and_one_government_are_one_collective(tmp_path):
    found = split_units("县发改局,各区、县(市)政府(管委会)、各乡、镇人民政府,各镇、街道")
    assert found.names == ["县发改局", "各区、县(市)政府(管委会)", "各乡、镇人民政府", "各镇", "街道"]
    result = _import(tmp_path, ["1.整合提升各类开发区。(县发改局、县商务局,各区、县(市)政府(管委会))"])
    assert _flat(result) == [("1", ("县发改局", "县商务局", "各区、县(市)政府(管委会)"), (), "")]


def test_an_annotation_naming_only_support_leaves_the_lead_missing_and_says_so(tmp_path):
    result = _import(
        tmp_path,
        [
            "序号",
            "重点工作任务",
            "责任单位",
            "1",
            "建成青年人才驿站。",
            "县人社局",
            "2",
            "建设创新创业服务综合体。",
            "县发改局、县科技局、团县委配合落实",
        ],
    )
    assert _flat(result) == [("1", ("县人社局",), (), ""), ("2", (), ("县发改局", "县科技局", "团县委"), "")]
    assert [(p.code, p.cell) for p in result.problems] == [("import-lead-missing", "第7行")]


def test_a_deadline_written_as_a_clause_of_the_annotation(tmp_path):
    result = _import(
        tmp_path,
        [
            "1.下放一批审批权限。(牵头单位:州审批局;责任单位:州司法局,各县市人民政府,6月底完成)",
            "2.推行证明事项告知承诺制。(州司法局牵头,州审批局配合,2023年12月底前完成)",
        ],
    )
    assert _flat(result) == [
        ("1", ("州审批局",), ("州司法局", "各县市人民政府"), "6月底完成"),
        ("2", ("州司法局",), ("州审批局",), "2023年12月底前完成"),
    ]
    assert [t.notes for t in result.tasks] == [[], []]


def test_a_web_table_row_holding_two_items_under_one_number_and_unit(tmp_path):
    result = _import(
        tmp_path,
        [
            "序号",
            "民生实事",
            "责任单位",
            "完成时限",
            "1",
            "开工建设县养老服务中心。",
            "县民政局",
            "5月底前动工",
            "开工建设县老年大学。",
            "12月底前",
            "2",
            "新建农贸市场1个。",
            "县商务局",
            "10月底前",
        ],
    )
    assert _flat(result) == [("1", ("县民政局",), (), "5月底前动工，12月底前"), ("2", ("县商务局",), (), "10月底前")]
    assert result.tasks[0].measure == "开工建设县养老服务中心。开工建设县老年大学。"


def test_a_header_label_with_a_remark_and_a_higher_levels_lead_in_the_unit_cell(tmp_path):
    result = _import(
        tmp_path,
        [
            "序号",
            "重点工作任务(本市3项配合工作)",
            "责任单位",
            "(一)副市长牵头重点工作",
            "1",
            "稳定粮食播种面积。",
            "市农业农村局、市商务局(市粮食局)",
            "省牵头单位:省农业农村厅",
        ],
    )
    assert _flat(result) == [("1", ("市农业农村局", "市商务局(市粮食局)"), (), "")]
    assert result.tasks[0].notes == ["省牵头单位:省农业农村厅"]
    assert result.tasks[0].category == "(一)副市长牵头重点工作"


def test_the_documents_rule_in_a_labelled_annotation_and_written_as_首位(tmp_path):
    result = _import(
        tmp_path,
        [
            "(一)降低企业税收负担。",
            "1.下调城镇土地使用税税额标准。(责任单位:县税务局、县财政局,排在首位的为牵头单位,下同)",
            "2.落实车船税优惠政策。(责任单位:县税务局、县交通局)",
            "3.规范涉企收费。",
            "责任单位:县市场监管局、县发改局",
        ],
    )
    assert _flat(result) == [
        ("1", ("县税务局",), ("县财政局",), ""),
        ("2", ("县税务局",), ("县交通局",), ""),
        ("3", ("县市场监管局",), ("县发改局",), ""),
    ]
    assert result.tasks[0].notes == ["排在首位的为牵头单位", "下同"]


def test_a_vague_lead_is_written_under_the_lead_and_a_vague_support_under_the_support(tmp_path):
    """ "牵头单位：区政府有关部门" names no unit, but it says who leads: the table the clerk reviews keeps it in
    牵头单位, as the document wrote it, and "等有关部门" stays with the list it ends."""
    root = make_workspace(tmp_path / "ws", [["序号", "具体措施", "牵头单位"], ["1", "已有任务", "示范区财政局"]])
    lines = [
        "安全检查工作方案",
        "1.开展安全生产大检查。（牵头单位：区政府有关部门；配合单位：区财政局）",
        "2.开展消防安全检查。（区政府有关部门牵头，区财政局、各有关单位配合）",
        "3.开展食品安全检查。（区税务局等有关部门牵头，区财政局配合）",
    ]
    result = _import(tmp_path, lines, workspace=root, code="P")
    assert result.written
    table = openpyxl.load_workbook(root / result.table_file).active
    header = [c.value for c in table[2]]
    lead, support = header.index("牵头单位"), header.index("配合单位")
    assert [(r[lead], r[support]) for r in table.iter_rows(min_row=3, values_only=True)] == [
        ("区政府有关部门", "区财政局"),
        ("区政府有关部门", "区财政局、各有关单位"),
        ("区税务局等有关部门", "区财政局"),
    ]
    # the first two name no unit to lead: said as a collective in the lead's place, not as no lead written
    assert [(p.code, p.message) for p in result.problems if p.code.startswith("import-lead")] == [
        ("import-lead-vague", f"第{n}项任务的牵头单位“区政府有关部门”是泛指，没有落实到具体单位") for n in (1, 2)
    ]


def test_deadlines_written_as_mid_year_or_around_a_month_are_read_wherever_they_stand(tmp_path):
    """ "年中" (by the end of June) and "9月前后" (around September) in an annotation, in the text and in a table's
    完成时限 column are the task's deadline, whole: not a task lost, not a unit, not "9月前" (before September)."""
    result = _import(
        tmp_path,
        [
            "一、安全检查",
            "1.开展安全生产大检查。（区财政局牵头，年中完成）",
            "2.开展消防安全检查。（区财政局牵头，9月前后完成）",
            "3.开展食品安全检查，9月前后完成。（区税务局）",
            "4.开展交通安全检查。（牵头单位：区税务局；完成时限：2022年年中前）",
        ],
    )
    assert _flat(result) == [
        ("1", ("区财政局",), (), "年中完成"),
        ("2", ("区财政局",), (), "9月前后完成"),
        ("3", ("区税务局",), (), "9月前后"),
        ("4", ("区税务局",), (), "2022年年中前"),
    ]
    table = _import(
        tmp_path,
        [
            "序号",
            "重点任务",
            "牵头单位",
            "完成时限",
            "1",
            "开展安全生产大检查。",
            "区财政局",
            "年中",
            "2",
            "开展消防安全检查。",
            "区税务局",
            "9月前后",
        ],
    )
    assert _flat(table) == [("1", ("区财政局",), (), "年中"), ("2", ("区税务局",), (), "9月前后")]


def test_a_five_year_plans_span_is_read_as_a_deadline_in_an_annotation_the_text_and_a_table(tmp_path):
    """ "“十四五”期间" (2021–2025) and "十四五末" are deadlines wherever a plan writes them, not units or notes."""
    result = _import(
        tmp_path,
        [
            "一、生态建设",
            "1.建设生态廊道。（区财政局牵头，“十四五”期间完成）",
            "2.建设湿地公园，“十四五”期间完成。（区税务局）",
        ],
    )
    assert _flat(result) == [("1", ("区财政局",), (), "“十四五”期间完成"), ("2", ("区税务局",), (), "“十四五”期间")]
    table = _import(
        tmp_path,
        ["序号", "重点任务", "牵头单位", "完成时限", "1", "建设生态廊道。", "区财政局", "十四五末"],
    )
    assert _flat(table) == [("1", ("区财政局",), (), "十四五末")]


def test_a_year_named_relative_to_the_plans_own_is_kept_with_its_deadline(tmp_path):
    """ "次年1月底前" (the January after the plan's year) stays whole: cut to "1月底前" it would be read as January
    of the plan's own year, eleven months overdue; "当年完成" is a deadline, not a unit."""
    result = _import(
        tmp_path,
        [
            "一、年度工作",
            "1.报送年度工作总结，次年1月底前完成。（区财政局）",
            "2.开展安全检查。（区税务局牵头，当年完成）",
        ],
    )
    assert _flat(result) == [("1", ("区财政局",), (), "次年1月底前"), ("2", ("区税务局",), (), "当年完成")]
    table = _import(tmp_path, ["序号", "重点任务", "牵头单位", "完成时限", "1", "报送总结。", "区财政局", "次年1月"])
    assert _flat(table) == [("1", ("区财政局",), (), "次年1月")]


def test_a_date_that_describes_something_in_a_tasks_text_is_not_its_deadline(tmp_path):
    """ "2000年底前建成的老旧小区" says which estates, not when: the task is due 年底前, not 31 December 2000
    (overdue from its first day); a task whose text has only such a date has none."""
    result = _import(
        tmp_path,
        [
            "一、城市更新",
            "1.对2000年底前建成的老旧小区实施改造，年底前完成。（区住建局）",
            "2.巩固2020年6月底前完成的整治成果。（区住建局）",
        ],
    )
    assert [t.deadline for t in result.tasks] == ["年底前", ""]


def test_every_deadline_the_ledger_reads_is_a_clause_of_the_annotation_not_a_unit(tmp_path):
    """ "每年12月底前", "2021年起", "2021-2025年", "全年", "每季度" in an annotation are the task's deadline: read
    as a unit, they made the annotation no annotation, and the task was lost (said as naming nobody)."""
    phrases = ["每年12月底前", "2021年起", "2021-2025年", "全年", "每季度", "常态化推进", "2021年6月底前完成，长期坚持"]
    lines = ["一、重点工作"]
    lines += [f"{n}.开展第{n}项工作。（区财政局牵头，区税务局配合，{p}）" for n, p in enumerate(phrases, start=1)]
    result = _import(tmp_path, lines)
    assert _flat(result) == [(str(n), ("区财政局",), ("区税务局",), p) for n, p in enumerate(phrases, start=1)]
    assert [p.code for p in result.problems] == []


def test_a_measure_with_sub_items_and_no_unit_among_tasks_is_said_not_dropped(tmp_path):
    """A measure that names nobody is said even when sub-items detail it: before, an item with items under it
    was taken for a heading and dropped with them, without a word. The items under it are not said one by one:
    the document's outline parts (总体要求, 主要目标 …) hold such items by the hundred."""
    result = _import(
        tmp_path,
        [
            "一、重点任务",
            "（一）强化组织。",
            "1.完成燃煤锅炉淘汰。（区财政局牵头）",
            "（二）加强宣传。",
            "1.开展宣传活动。",
            "2.推进宣传进社区。",
            "（三）强化督查。（区税务局牵头）",
            "二、保障措施",
            "（一）加强组织领导。",
        ],
    )
    assert _flat(result) == [("1", ("区财政局",), (), ""), ("2", ("区税务局",), (), "")]
    assert [(p.code, p.values["text"]) for p in result.problems] == [("import-line-unplaced", "（二）加强宣传。")]


def test_a_sentence_going_on_after_a_full_stop_is_not_taken_for_a_unit_cell(tmp_path):
    """A PDF's flattened table whose 完成时限 column stands between the measure and the units: a measure line
    "…“八项扬尘防治措施”。定期评价街道、" was cut as if a unit cell were stuck to the sentence. The measure lost
    its last sentence, "定期评价街道" and "对落后街道" became lead units and the deadline was lost."""
    result = _import(
        tmp_path,
        [
            "2021年大气污染防治重点任务工作台账",
            "类别 重点任务 序号 具体措施 完成时限 牵头部门 配合部门",
            "扬尘",
            "治理",
            "完善精细化",
            "管控机制",
            "1",
            "施工现场严格落实“八项扬尘防治措施”。定期评价街道、",
            "功能区施工扬尘治理工作，对落后街道、功能区通报批",
            "评、约谈督导。",
            "2021 年全",
            "年",
            "区住房城乡建",
            "设局",
            "区自然资源",
            "局、区城管局",
            "2",
            "加强集体土地拆迁扬尘治理监管。",
            "2021 年全",
            "年",
            "区自然资源局 区城管局",
        ],
    )
    assert _flat(result) == [
        ("1", ("区住房城乡建设局",), ("区自然资源局", "区城管局"), "2021年全年"),
        ("2", ("区自然资源局",), ("区城管局",), "2021年全年"),
    ]
    assert result.tasks[0].measure == (
        "施工现场严格落实“八项扬尘防治措施”。定期评价街道、功能区施工扬尘治理工作，对落后街道、功能区通报批评、约谈督导。"
    )


def test_an_annotation_with_a_lead_and_a_clause_that_is_no_unit_keeps_its_task(tmp_path):
    """ "（区生态环境分局牵头，区工信局配合，按季度调度）": one clause that is neither a unit nor a deadline made the
    whole bracket no annotation, and the task was said to name nobody. The units are read; the clause is kept
    as the task's note."""
    result = _import(
        tmp_path,
        [
            "一、重点任务",
            "1.完成燃煤锅炉淘汰。（区财政局牵头）",
            "2.开展挥发性有机物治理。（区财政局牵头，区税务局配合，按季度调度）",
            "3.推行河长制（由企业负责落实），建立巡河制度。（区税务局牵头）",
        ],
    )
    assert _flat(result) == [
        ("1", ("区财政局",), (), ""),
        ("2", ("区财政局",), ("区税务局",), ""),
        ("3", ("区税务局",), (), ""),
    ]
    assert result.tasks[1].notes == ["按季度调度"]
    assert result.tasks[2].measure == "推行河长制（由企业负责落实），建立巡河制度。"
    assert result.problems == []


def test_units_apart_by_one_space_are_two_units_a_name_broken_by_one_is_one(tmp_path):
    """ "配合单位：区生态环境分局 区农业农村局" (a space, or the full-width one offices type) named one unit
    "区生态环境分局区农业农村局" that exists nowhere; a space inside one name ("市公安局 钢城区分局") stays one."""
    result = _import(
        tmp_path,
        [
            "一、重点任务",
            "1.加强河湖管理。",
            "牵头单位：区财政局",
            "配合单位：区生态环境分局 区农业农村局　各街道",
            "2.加强治安管理。（市公安局 钢城区分局牵头）",
        ],
    )
    assert _flat(result) == [
        ("1", ("区财政局",), ("区生态环境分局", "区农业农村局", "各街道"), ""),
        ("2", ("市公安局钢城区分局",), (), ""),
    ]


def test_units_before_a_deadline_label_and_a_deadline_going_on_after_its_label_are_kept(tmp_path):
    """ "（区政府督查室牵头；完成时限：每年12月底前）" lost its lead (only the labelled part was read: the task was
    said to name nobody); "完成时限：2021年6月底前完成，长期坚持" lost "长期坚持"."""
    result = _import(
        tmp_path,
        [
            "一、重点任务",
            "1.强化督查。（区财政局牵头，区税务局配合；完成时限：每年12月底前）",
            "2.完善机制。（牵头单位：区财政局；配合单位：区税务局；完成时限：2021年6月底前完成，长期坚持）",
        ],
    )
    assert _flat(result) == [
        ("1", ("区财政局",), ("区税务局",), "每年12月底前"),
        ("2", ("区财政局",), ("区税务局",), "2021年6月底前完成，长期坚持"),
    ]
    assert result.problems == []


def test_a_higher_levels_lead_label_in_an_annotation_is_a_note(tmp_path):
    """A city's plan copies the province's division: "（省牵头单位：省商务厅；市牵头单位：市商务局；责任单位：…）".
    "市" was made a lead unit and the province's lead led the task too; the office's own level leads, the higher
    one is kept as the task's note."""
    result = _import(
        tmp_path,
        ["一、重点任务", "1.推进外贸发展。（省牵头单位：省商务厅；市牵头单位：市商务局；责任单位：市财政局）"],
    )
    assert _flat(result) == [("1", ("市商务局",), ("市财政局",), "")]
    assert result.tasks[0].notes == ["省牵头单位：省商务厅"]


def test_numbered_notes_under_a_task_list_are_notes(tmp_path):
    """ "注：" (or "备注：") with numbered lines below it: "1.带★的为市定任务。" was said as a measure naming
    nobody, and "2.以上任务各街道（功能区）按职责配合落实。", which gives every task units, was not said at all."""
    for first in (["注：1.带★的为市定任务。"], ["备注：", "1.带★的为市定任务。"]):
        result = _import(
            tmp_path,
            [
                "一、重点任务",
                "1.推进改革。（区财政局牵头）",
                "2.加强监管。（区税务局牵头）",
                *first,
                "2.以上任务各街道（功能区）按职责配合落实。",
            ],
        )
        assert _flat(result) == [("1", ("区财政局",), (), ""), ("2", ("区税务局",), (), "")]
        assert [(p.code, p.values["text"]) for p in result.problems] == [
            ("tasks-note-units", "2.以上任务各街道（功能区）按职责配合落实。")
        ]


def test_a_chapter_heading_after_label_lines_is_no_part_of_the_last_label(tmp_path):
    """ "配合单位：区税务局" then "第二章 加强社会治理": the heading was taken for the label wrapped onto the next
    line, and the supporting unit became a note "区税务局第二章加强社会治理"."""
    result = _import(
        tmp_path,
        [
            "第一章 优化营商环境",
            "一、深化改革",
            "1.推进改革。",
            "牵头单位：区财政局",
            "配合单位：区税务局",
            "第二章 加强社会治理",
            "一、强化治安",
            "1.开展整治。（区税务局牵头）",
        ],
    )
    assert _flat(result) == [("1", ("区财政局",), ("区税务局",), ""), ("2", ("区税务局",), (), "")]
    assert [t.notes for t in result.tasks] == [[], []]


def test_a_paragraph_after_label_lines_is_not_the_last_label_going_on(tmp_path):
    """ "配合单位：区税务局" then "各部门要高度重视，…。": the paragraph was taken for the label wrapped onto the next
    line and the supporting unit became part of a note; a label cut mid-name still goes on on the next line."""
    result = _import(
        tmp_path,
        [
            "一、深化改革",
            "1.推进改革。",
            "牵头单位：区财政局",
            "配合单位：区税务局",
            "各部门要高度重视，认真抓好落实，确保各项任务按期完成。",
            "2.推进监管。",
            "牵头单位：区财政局",
            "配合单位：区税务局、东街",
            "道、西街道",
        ],
    )
    assert _flat(result) == [
        ("1", ("区财政局",), ("区税务局",), ""),
        ("2", ("区财政局",), ("区税务局", "东街道", "西街道"), ""),
    ]
    assert [t.notes for t in result.tasks] == [[], []]


def test_units_written_after_由_and_an_annotation_whose_deadline_clause_says_what_by_when(tmp_path):
    """ "（由区财政局负责）" made a unit "由区财政局" known to nobody, "具体由…负责" one "具体由…"; and
    "（区财政局牵头，2021年6月30日前完成初步方案，年底前全面完成）" was said to name nobody, the task lost."""
    result = _import(
        tmp_path,
        [
            "一、重点任务",
            "1.推进改革。（由区财政局负责）",
            "2.加强监管。（区税务局牵头，具体由东街道负责）",
            "3.优化服务。（区财政局牵头，2021年6月30日前完成初步方案，年底前全面完成）",
            "4.建设平台。（区税务局牵头，2021年9月底前完成平台上线）",
        ],
    )
    assert _flat(result) == [
        ("1", ("区财政局",), (), ""),
        ("2", ("区税务局",), ("东街道",), ""),
        ("3", ("区财政局",), (), "年底前全面完成"),
        ("4", ("区税务局",), (), "2021年9月底前"),
    ]
    assert result.tasks[2].notes == ["2021年6月30日前完成初步方案"]
    assert result.problems == []


def test_a_contact_in_brackets_after_a_unit_is_a_note_not_part_of_its_name(tmp_path):
    """ "牵头单位：区财政局（负责同志：张三）": the bracket made the whole no unit, and the task lost its lead."""
    result = _import(
        tmp_path,
        ["一、重点任务", "1.推进改革。（牵头单位：区财政局（负责同志：张三）；配合单位：区税务局（联系人：李四））"],
    )
    assert _flat(result) == [("1", ("区财政局",), ("区税务局",), "")]
    assert result.tasks[0].notes == ["负责同志：张三", "联系人：李四"]
