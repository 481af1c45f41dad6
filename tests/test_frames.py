"""DataFrames for analysts: a small real workspace rendered, filled, merged and reported, then read as frames."""

import json
import subprocess
import sys
import zipfile
from datetime import date

import pandas as pd
import pytest

from ledger import load_workspace
from ledger.collect import collect_returns
from ledger.entries import read_json
from ledger.history import build_history
from ledger.master import write_merge
from ledger.merge import merge_period
from ledger.model import Period
from ledger.report import build_report
from ledger.rounds import open_round

from .conftest import fill_return, make_workspace, render
from .test_entries import not_json

JUNE = Period(2021, 6)
FINANCE, TAX, REFORM = "示范区财政局", "示范区税务局", "示范区发展改革局"
INVESTED = "累计完成投资（亿元）"
ROWS = [
    ["序号", "具体措施", "完成时限", "牵头单位", "配合单位"],
    ["1", "推进甲事项。", "6月底前", "区财政局", "区税务局"],
    ["2", "推进乙事项。", "2021年全年", "区财政局、区发展改革局", ""],
    ["3", "推进丙事项。", "长期坚持", "区税务局", "区财政局"],
]
INVESTMENT_COLUMN = f'[[documents.fill_columns]]\nheader = "{INVESTED}"\nkind = "number"\nlead_only = true\n'


@pytest.fixture(scope="module")
def month(tmp_path_factory):
    """The workspace, June merged (财政局 and 税务局 returned, 发展改革局 did not) and June's report."""
    tmp = tmp_path_factory.mktemp("frames")
    ws = load_workspace(make_workspace(tmp / "ws", ROWS, doc_extra=INVESTMENT_COLUMN))
    outbox = render(ws, JUNE).outbox
    finance = fill_return(
        outbox / f"{FINANCE}.xlsx",
        tmp / "in" / "财政局.xlsx",
        {
            "T-1": {"完成状态": "已完成", "本月进展": "已办结", "完成时间": date(2021, 6, 20), INVESTED: 1.5},
            "T-2": {"完成状态": "滞后", "本月进展": "资金未到位", "存在问题": "缺资金"},
        },
    )
    fill_return(finance, finance, {"T-3": {"完成状态": "序时推进", "本月进展": "配合推进"}}, sheet="配合任务")
    tax = fill_return(outbox / f"{TAX}.xlsx", tmp / "in" / "税务局.xlsx", {"T-3": {"完成状态": "未启动"}})
    fill_return(tax, tax, {"T-1": {"完成状态": "序时推进"}}, sheet="配合任务")
    collect_returns(ws.paths, JUNE, [finance, tax])
    merged = merge_period(ws, JUNE)
    return ws, merged, build_report(ws, JUNE, merged, build_history(ws, JUNE))


def dtypes(df: pd.DataFrame) -> dict[str, str]:
    return {name: str(dtype) for name, dtype in df.dtypes.items()}


def test_workspace_tasks_frame(month):
    ws, _, _ = month
    df = ws.to_frame()
    assert df["task_id"].tolist() == ["T-1", "T-2", "T-3"]
    assert df["lead_units"].tolist() == [FINANCE, f"{FINANCE}、{REFORM}", TAX]
    assert df["support_units"].tolist() == [TAX, "", FINANCE]
    assert df["deadline"].tolist() == ["6月底前", "2021年全年", "长期坚持"]
    assert df["deadline_kind"].tolist() == ["date", "range", "ongoing"]
    assert df["due"].tolist()[:2] == [pd.Timestamp(2021, 6, 30), pd.Timestamp(2021, 12, 31)]
    assert df["due"].isna().tolist() == [False, False, True]
    assert df["start"].isna().tolist() == [True, False, True]
    assert df["source_file"].tolist() == ["source/tasks/tasks.xlsx"] * 3
    kinds = dtypes(df)
    assert kinds["task_id"] == kinds["measure"] == kinds["lead_units"] == "string"
    assert kinds["due"] == kinds["start"] == "datetime64[ns]"
    assert kinds["deadline_kind"] == "category"
    assert list(df["deadline_kind"].cat.categories) == ["date", "range", "ongoing", "recurring", "none", "unknown"]


def test_chinese_labels_name_the_same_columns(month):
    ws, merged, report = month
    for english, chinese in (
        (ws.to_frame(), ws.to_frame(labels="zh")),
        (merged.to_frame(), merged.to_frame(labels="zh")),
        (report.to_frame(), report.to_frame(labels="zh")),
        (report.units_frame(), report.units_frame(labels="zh")),
    ):
        assert chinese.shape == english.shape
        assert [str(t) for t in chinese.dtypes] == [str(t) for t in english.dtypes]
        assert chinese.astype(object).fillna("∅").values.tolist() == english.astype(object).fillna("∅").values.tolist()
    assert list(ws.to_frame(labels="zh").columns[:4]) == ["任务编号", "文件代码", "序号", "类别"]
    assert list(merged.to_frame(labels="zh").columns[:4]) == ["任务编号", "单位", "角色", "完成状态"]
    assert "灯色" in report.to_frame(labels="zh").columns and "完成率" in report.units_frame(labels="zh").columns
    with pytest.raises(ValueError):
        ws.to_frame(labels="fr")  # type: ignore[arg-type]


def test_merge_result_frame(month):
    _, merged, _ = month
    df = merged.to_frame()
    assert list(zip(df["task_id"], df["unit"], df["role"], df["status"], strict=True)) == [
        ("T-1", FINANCE, "lead", "已完成"),
        ("T-1", TAX, "support", "序时推进"),
        ("T-2", FINANCE, "lead", "滞后"),
        ("T-3", TAX, "lead", "未启动"),
        ("T-3", FINANCE, "support", "序时推进"),
    ]
    assert df["issues"].tolist() == ["", "", "缺资金", "", ""]
    assert df["completed_on"].iloc[0] == pd.Timestamp(2021, 6, 20) and df["completed_on"].iloc[1:].isna().all()
    assert df[INVESTED].iloc[0] == 1.5 and df[INVESTED].iloc[1:].isna().all()
    assert df["file"].tolist() == ["财政局.xlsx", "税务局.xlsx", "财政局.xlsx", "税务局.xlsx", "财政局.xlsx"]
    assert df["row"].tolist() == [3, 3, 4, 3, 3]
    kinds = dtypes(df)
    assert kinds["status"] == kinds["progress"] == kinds["unit"] == "string"
    assert kinds["completed_on"] == "datetime64[ns]" and kinds[INVESTED] == "float64" and kinds["row"] == "int64"
    assert kinds["role"] == "category" and list(df["role"].cat.categories) == ["lead", "support"]


def test_report_frames(month):
    _, _, report = month
    tasks = report.to_frame()
    assert tasks["task_id"].tolist() == ["T-1", "T-2", "T-3"]
    assert tasks["status"].tolist() == ["已完成", "未报送", "未启动"]  # 发展改革局 leads T-2 and did not report
    assert tasks["light"].tolist() == ["green", "grey", "yellow"]  # 未报送 apart from the lights
    assert tasks["overdue"].tolist() == [True, False, False] and tasks["carried"].tolist() == [False] * 3
    assert tasks["lead_progress"].tolist() == ["已办结", f"{FINANCE}：资金未到位", ""]
    assert tasks["support_reports"].tolist()[0] == f"{TAX}：序时推进"
    kinds = dtypes(tasks)
    assert kinds["light"] == "category" and list(tasks["light"].cat.categories) == ["green", "yellow", "red", "grey"]
    assert kinds["overdue"] == kinds["due_soon"] == kinds["carried"] == "bool"
    assert kinds["due"] == "datetime64[ns]" and kinds["status"] == "string"
    assert tasks.groupby("light", observed=False).size().to_dict() == report.counts

    units = report.units_frame().set_index("unit")
    assert units.index.tolist() == [FINANCE, REFORM, TAX]
    assert units["returned"].tolist() == [True, False, True]
    assert units["on_time"].isna().tolist() == [False, True, False]
    # by the tasks' consolidated status: the task FINANCE co-leads with REFORM, who did not report, is 未报送
    assert units.loc[FINANCE, ["led", "done", "behind", "not_reported"]].tolist() == [2, 1, 1, 1]
    assert units.loc[REFORM, ["led", "not_reported"]].tolist() == [1, 1]
    assert units["completion"].tolist() == [0.5, 0.0, 0.0]
    kinds = dtypes(units)
    assert kinds["on_time"] == "boolean" and kinds["returned"] == "bool"
    assert kinds["led"] == kinds["errors"] == "int64" and kinds["completion"] == "float64"


def test_the_command_line_does_not_import_pandas():
    code = "import sys, ledger, ledger.cli; print('pandas' in sys.modules)"
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert found.strip() == "False"


def test_a_quarterly_report_frame_names_the_round_before_as_its_workbook_does(tmp_path):
    """A quarterly office's frame said 上月状态 for the status of the quarter before; it says 上季度状态, as the
    汇总台账 column does, and a monthly one still 上月状态."""
    root = make_workspace(tmp_path / "ws", ROWS)
    config = root / "ledger.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("year = 2021", 'year = 2021\nround = "quarter"'))
    quarter = open_round(load_workspace(root), "2021-Q3").report(issued=date(2021, 10, 12))
    assert "上季度状态" in quarter.to_frame(labels="zh").columns
    assert "上月状态" not in quarter.to_frame(labels="zh").columns


def test_a_monthly_report_frame_names_the_month_before(month):
    assert "上月状态" in month[2].to_frame(labels="zh").columns


def test_a_number_no_program_can_hold_still_leaves_merged_json_valid_json(tmp_path):
    """A cell whose stored number is NaN or 1e400 (a file another program wrote, or edited by hand) was written
    to merged.json as NaN or Infinity, which strict JSON readers (a browser's JSON.parse, jq, most languages)
    refuse: the whole file was unreadable to any program the office hands it to (entries.write_json now tags
    such values, see test_entries). Nor does such a number land in the ledger as "nan": it is named and kept."""
    ws = load_workspace(make_workspace(tmp_path / "ws", ROWS, doc_extra=INVESTMENT_COLUMN))
    outbox = render(ws, JUNE).outbox
    typed = {"T-1": {"完成状态": "已完成", INVESTED: 424242}, "T-2": {"完成状态": "滞后", "存在问题": 434343}}
    filled = fill_return(outbox / f"{FINANCE}.xlsx", tmp_path / "filled.xlsx", typed)
    finance = tmp_path / "in" / "财政局.xlsx"
    finance.parent.mkdir()
    with zipfile.ZipFile(filled) as source, zipfile.ZipFile(finance, "w") as out:
        for item in source.infolist():  # as another program stores them: no spreadsheet lets one be typed
            data = source.read(item.filename).replace(b"<v>424242</v>", b"<v>NaN</v>")
            out.writestr(item, data.replace(b"<v>434343</v>", b"<v>1e400</v>"))
    collect_returns(ws.paths, JUNE, [finance])
    merged = merge_period(ws, JUNE)
    write_merge(ws, merged)

    data = json.loads(ws.paths.merged_json(JUNE).read_text(encoding="utf-8"), parse_constant=not_json)
    assert {e["task_id"] for e in data["entries"]} >= {"T-1", "T-2"}
    # no such number lands in the ledger (it showed as "nan" and "inf" in 汇总台账): each is named and kept
    assert {(p.cell, p.code) for p in merged.problems if p.code == "number-unreadable"} == {
        ("L3", "number-unreadable"),
        ("I4", "number-unreadable"),
    }
    assert {(u.cell, u.value, u.task_id) for u in merged.unmerged} == {("L3", "nan", "T-1"), ("I4", "inf", "T-2")}
    back = read_json(ws.paths.merged_json(JUNE)).entries
    assert all(INVESTED not in e.extra and e.issues == "" for e in back if e.unit == FINANCE)
    assert not [p for p in merged.problems if p.code == "cell-format-unread"]  # no damage to speak of
