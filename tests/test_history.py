"""History: earlier months merged once, cached under build/, handed to render and report."""

import shutil

from ledger import load_workspace
from ledger.collect import collect_returns
from ledger.history import build_history
from ledger.model import Period
from ledger.render import render_period

from .conftest import fill_return, make_workspace, render

MARCH, APRIL, MAY, JUNE = (Period(2021, m) for m in (3, 4, 5, 6))
FINANCE = "示范区财政局"
TASKS = [
    ["序号", "具体措施", "完成时限", "牵头单位", "配合单位"],
    ["1", "清理拖欠账款。", "年底前", "区财政局", "区税务局"],
    ["2", "完善预算绩效管理。", "年底前", "区财政局", ""],
    ["3", "推进电子票据。", "年底前", "区税务局", ""],
]


def returns_for_three_months(tmp_path):
    """A workspace whose 财政局 reported in March, April and May; task 1 was done in April."""
    root = make_workspace(tmp_path / "ws", TASKS)
    answers = {
        MARCH: {"T-1": {"完成状态": "序时推进", "本月进展": "三月进展"}, "T-2": {"完成状态": "未启动"}},
        APRIL: {"T-1": {"完成状态": "已完成", "本月进展": "四月办结"}, "T-2": {"完成状态": "序时推进"}},
        MAY: {"T-2": {"完成状态": "滞后", "本月进展": "五月进展", "存在问题": "资金未到位"}},
    }
    for period, filled in answers.items():
        ws = load_workspace(root)
        rendered = render(ws, period, [FINANCE])
        returned = fill_return(rendered.outbox / f"{FINANCE}.xlsx", tmp_path / f"{period}.xlsx", filled)
        collect_returns(ws.paths, period, [returned])
    return root


def test_each_earlier_month_is_merged_once_and_then_reused(tmp_path):
    root = returns_for_three_months(tmp_path)
    shutil.rmtree(root / "build")
    ws = load_workspace(root)
    first = build_history(ws, JUNE)
    assert (first.rounds, first.computed, first.reused) == ([MARCH, APRIL, MAY], [MARCH, APRIL, MAY], [])
    render_period(ws, JUNE, first)
    second = build_history(load_workspace(root), JUNE)
    assert (second.computed, second.reused) == ([], [MARCH, APRIL, MAY])
    assert second.answers == first.answers and second.closed == first.closed


def test_history_answers_the_latest_answer_closed_tasks_and_last_status(tmp_path):
    ws = load_workspace(returns_for_three_months(tmp_path))
    history = build_history(ws, JUNE)
    assert history.previous == MAY
    assert history.closed == {"T-1"}  # its only lead reported it done in April
    assert history.answers_of("T-2", FINANCE)["存在问题"] == "资金未到位"  # May's answer, the latest
    # May's consolidated status of every task, 未报送 included (its lead 税务局 never reported)
    assert history.previous_status == {"T-1": "已完成", "T-2": "滞后", "T-3": "未报送"}
    assert build_history(ws, MARCH).previous is None  # the ledger's first month has no history


def test_a_changed_month_is_merged_again_and_only_that_month(tmp_path):
    root = returns_for_three_months(tmp_path)
    ws = load_workspace(root)
    build_history(ws, JUNE)
    rendered = ws.paths.outbox(APRIL) / f"{FINANCE}.xlsx"
    late = fill_return(rendered, tmp_path / "late.xlsx", {"T-2": {"完成状态": "滞后", "本月进展": "更正"}})
    collect_returns(ws.paths, APRIL, [late])
    again = build_history(load_workspace(root), JUNE)
    assert (again.computed, again.reused) == ([APRIL], [MARCH, MAY])


def test_deleting_build_gives_the_same_history(tmp_path):
    root = returns_for_three_months(tmp_path)
    before = build_history(load_workspace(root), JUNE)
    shutil.rmtree(root / "build")
    after = build_history(load_workspace(root), JUNE)
    assert after.computed == [MARCH, APRIL, MAY]
    assert (after.answers, after.closed, after.previous_status) == (
        before.answers,
        before.closed,
        before.previous_status,
    )


def test_rendering_with_several_processes_gives_the_same_files(tmp_path):
    root = returns_for_three_months(tmp_path)
    ws = load_workspace(root)
    history = build_history(ws, JUNE)
    single = render_period(ws, JUNE, history, jobs=1)
    one = {f.unit: (f.sha256, (single.outbox / f.file).read_bytes()) for f in single.files}
    several = render_period(ws, JUNE, history, jobs=2)
    assert {f.unit: (f.sha256, (several.outbox / f.file).read_bytes()) for f in several.files} == one
    assert set(one) == {FINANCE, "示范区税务局"}


def test_a_folder_a_clerk_named_the_chinese_way_is_no_round(tmp_path):
    """ "2021年2月" under source/returns (made by hand, not by collect) reads as a period on the command line,
    but its files are no round's: February is not a round every unit missed."""
    root = returns_for_three_months(tmp_path)
    clerks = root / "source" / "returns" / "2021年2月"
    clerks.mkdir()
    (clerks / "财政局.xlsx").write_bytes(b"")
    assert build_history(load_workspace(root), JUNE).rounds == [MARCH, APRIL, MAY]
    assert Period.parse("2021年2月") == Period(2021, 2) and Period.named("2021年2月") is None
    assert Period.named("2021-02") == Period(2021, 2) and Period.named("2021-2") is None
