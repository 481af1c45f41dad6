"""The example's sample returns, as the demo and the tests use them, in rounds of every length."""

from ledger import load_workspace, open_round
from ledger.collect import collect_returns
from ledger.outbox import read_manifest
from ledger.samples import PROGRESS, make_sample_returns

from .conftest import copy_example


def test_quarterly_sample_returns_type_their_progress_in_the_quarters_column(tmp_path):
    """A quarterly workbook asks for 本季度进展: the sample units write their progress there, as in a month."""
    root = copy_example(tmp_path / "ws")
    config = root / "ledger.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('round = "month"', 'round = "quarter"'), "utf-8")
    quarter = open_round(load_workspace(root), "2021-Q3")
    quarter.render()
    ws = load_workspace(root)
    inbox = make_sample_returns(ws, read_manifest(ws.paths, quarter.period), tmp_path / "inbox")
    collect_returns(ws.paths, quarter.period, inbox)
    entries = open_round(load_workspace(root), "2021-Q3").merge().entries
    on_schedule = [e for e in entries if e.role == "lead" and e.status == "序时推进"]
    assert on_schedule and all(e.progress in PROGRESS for e in on_schedule)


def test_sample_indicator_values_start_from_a_baseline_whose_year_wraps(tmp_path):
    """A unit's 指标 sheet writes "60\\n（2020年）" when the baseline does not fit its column: the sample units read
    it as the baseline still, near which they type (STZB-9, baseline 60 and target ≥60: kept at 60, not
    started over from nine tenths of the target, which made a 56.7 read as 完成率-6500%)."""
    root = copy_example(tmp_path / "ws")
    june = open_round(load_workspace(root), "2021-06")
    june.render()
    ws = load_workspace(root)
    inbox = make_sample_returns(ws, read_manifest(ws.paths, june.period), tmp_path / "inbox")
    collect_returns(ws.paths, june.period, inbox)
    typed = {v.indicator_id: v.typed for v in open_round(load_workspace(root), "2021-06").merge().indicator_values}
    assert typed["STZB-9"] == "60.0"
