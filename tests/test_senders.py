"""Identity needs the sender: a mailed return speaks for the unit it names only from that unit's address."""

import json

import pytest

from ledger import load_workspace
from ledger.collect import collect_returns
from ledger.mail import reminder_messages
from ledger.merge import merge_period
from ledger.model import Period
from ledger.outbox import read_manifest
from ledger.problems import ProblemError
from ledger.returns import accept_return, assign_unit
from ledger.senders import registered_senders, remembered_senders

from .conftest import GOOD, fill_return, outbox
from .test_returns import FINANCE, FINANCE_MAIL, TAX, mail_with, run

JUNE = Period(2021, 6)
TAX_MAIL = "swju@gangcheng.example.cn"
OFFICE_MAIL = "sthjw@gangcheng.example.cn"  # [office] email of the example
FORGED = {
    "DQ-34": {"完成状态": "已完成", "本月进展": "全部完成"},
    "DQ-59": {"完成状态": "已完成", "本月进展": "全部完成"},
}
EARLY, LATE = "Mon, 05 Jul 2021 09:00:00 +0800", "Mon, 05 Jul 2021 15:00:00 +0800"


def codes(result, prefix="return-"):
    return sorted((p.file, p.code) for p in result.problems if p.code.startswith(prefix))


def states(result):
    return sorted((r.file, r.unit, r.state) for r in result.returns)


def test_a_return_from_anyone_but_the_unit_is_held_and_never_supersedes_its_own(ws_root, tmp_path):
    genuine = fill_return(outbox(ws_root, FINANCE), tmp_path / "own" / "财政局.xlsx", GOOD)
    forged = fill_return(outbox(ws_root, FINANCE), tmp_path / "x" / "财政局-更正.xlsx", FORGED)
    (tmp_path / "钢城区税务局.csv").write_text("任务编号,完成状态,本月进展\nFGF-13,已完成,伪造\n", encoding="utf-8")
    mails = [
        mail_with(tmp_path / "own.eml", FINANCE_MAIL, EARLY, [genuine]),
        mail_with(tmp_path / "other-unit.eml", TAX_MAIL, LATE, [forged]),  # another unit's registered address
        mail_with(tmp_path / "stranger.eml", "someone@example.net", LATE, [tmp_path / "钢城区税务局.csv"]),
    ]
    ws = load_workspace(ws_root)
    collect_returns(ws.paths, JUNE, mails)
    result = merge_period(ws, JUNE)
    assert states(result) == [
        ("财政局-更正.xlsx", FINANCE, "held"),
        ("财政局.xlsx", FINANCE, "merged"),
        ("钢城区税务局.csv", TAX, "held"),  # no metadata: the file name names the unit, the sender does not
    ]
    assert codes(result) == [
        ("财政局-更正.xlsx", "return-held"),
        ("钢城区税务局.csv", "return-held"),
        ("钢城区税务局.csv", "return-no-metadata"),
    ]
    held = next(p for p in result.problems if p.file == "财政局-更正.xlsx")
    assert (held.unit, held.severity) == (FINANCE, "warning")
    assert TAX_MAIL in held.message and "钢城区税务局的登记邮箱" in held.message
    assert "ledger returns accept --period 2021-06 财政局-更正.xlsx" in held.hint
    assert {e.progress for e in result.entries if e.unit == FINANCE} - {""} == {"已采购新能源车 12 辆", "资金已拨付"}
    assert not any(e.unit == TAX for e in result.entries)
    assert {u.value for u in result.unmerged if u.file == "财政局-更正.xlsx"} >= {"全部完成"}  # kept, not lost


def test_a_unit_with_only_a_held_return_is_awaiting_confirmation_until_accepted(ws_root, tmp_path):
    forwarded = fill_return(outbox(ws_root, FINANCE), tmp_path / "财政局.xlsx", GOOD)
    collect_returns(
        load_workspace(ws_root).paths, JUNE, [mail_with(tmp_path / "fw.eml", OFFICE_MAIL, EARLY, [forwarded])]
    )
    status = json.loads(run("status", "-w", ws_root, "-p", "2021-06", "--json").output)["units"]
    assert FINANCE in status["held"] and FINANCE not in status["missing"] + status["returned"]
    listed = run("returns", "list", "-w", ws_root, "-p", "2021-06")
    assert "待确认" in listed.output and OFFICE_MAIL in listed.output
    assert "ledger returns accept --period 2021-06 财政局.xlsx" in listed.output
    refused = run("returns", "accept", "-w", ws_root, "-p", "2021-06", "财政局.xlsx", "--remember")
    assert refused.exit_code == 1 and "returns-remember-refused" in refused.output  # the office's own address
    accepted = run("returns", "accept", "-w", ws_root, "-p", "2021-06", "财政局.xlsx")
    assert accepted.exit_code == 0, accepted.output
    status = json.loads(run("status", "-w", ws_root, "-p", "2021-06", "--json").output)["units"]
    assert FINANCE in status["returned"] and status["held"] == []
    again = run("returns", "accept", "-w", ws_root, "-p", "2021-06", "财政局.xlsx")
    assert again.exit_code == 1 and "returns-not-held" in again.output


def test_a_unit_whose_return_is_held_is_reminded_that_it_arrived_from_another_address(ws_root, tmp_path):
    """Not "尚未收到": the office has the file, from an address not the unit's. The reminder, to the registered
    address, says when and from where it came and asks the unit to confirm it."""
    ws = load_workspace(ws_root)
    forwarded = fill_return(outbox(ws_root, FINANCE), tmp_path / "财政局.xlsx", GOOD)
    collect_returns(ws.paths, JUNE, [mail_with(tmp_path / "fw.eml", TAX_MAIL, EARLY, [forwarded])])
    result = merge_period(ws, JUNE)
    reminder = next(m for m in reminder_messages(ws, read_manifest(ws.paths, JUNE), result)[0] if m.unit == FINANCE)
    assert "尚未收到" not in reminder.body and "待确认" in reminder.subject
    assert f"2021年7月5日9:00收到从{TAX_MAIL}发来的" in reminder.body and "回复本邮件确认" in reminder.body
    assert reminder.attachment is not None  # the workbook, should the file not be the unit's


def test_the_console_board_shows_when_a_held_return_came(ws_root, tmp_path):
    """The board's 收到时间 of a 待确认 unit is when its file came, as the returns page says, not —."""
    from ledger.console.board import board_of

    ws = load_workspace(ws_root)
    forwarded = fill_return(outbox(ws_root, FINANCE), tmp_path / "财政局.xlsx", GOOD)
    collect_returns(ws.paths, JUNE, [mail_with(tmp_path / "fw.eml", TAX_MAIL, EARLY, [forwarded])])
    row = next(u for u in board_of(load_workspace(ws_root), JUNE).units if u.unit == FINANCE)
    assert (row.state, row.received) == ("held", "7月5日9:00")


def test_remember_registers_a_personal_mailbox_without_touching_the_units_file(ws_root, tmp_path):
    personal = "zhang.san@163.example.com"
    units_file = (ws_root / "source/units.xlsx").read_bytes()
    first = fill_return(outbox(ws_root, TAX), tmp_path / "a" / "税务局.xlsx", {"FGF-13": {"完成状态": "序时推进"}})
    ws = load_workspace(ws_root)
    collect_returns(ws.paths, JUNE, [mail_with(tmp_path / "a.eml", personal, EARLY, [first])])
    assert states(merge_period(ws, JUNE)) == [("税务局.xlsx", TAX, "held")]
    accepted = accept_return(ws, JUNE, "税务局.xlsx", remember=True)
    assert (accepted.unit, accepted.sender, accepted.correction.action) == (TAX, personal, "accept")
    assert [(s.address, s.unit) for s in remembered_senders(ws.paths)] == [(personal, TAX)]
    assert registered_senders(ws)[personal] == {TAX}
    assert (ws_root / "source/units.xlsx").read_bytes() == units_file
    second = fill_return(outbox(ws_root, TAX), tmp_path / "b" / "税务局-二稿.xlsx", {"FGF-13": {"完成状态": "滞后"}})
    collect_returns(ws.paths, JUNE, [mail_with(tmp_path / "b.eml", personal, LATE, [second])])
    result = merge_period(ws, JUNE)
    assert ("税务局-二稿.xlsx", TAX, "merged") in states(result) and codes(result) == [
        ("税务局.xlsx", "return-superseded")
    ]


def test_assigning_a_held_file_confirms_it_and_a_clean_file_needs_no_confirmation(ws_root, tmp_path):
    forged = fill_return(outbox(ws_root, FINANCE), tmp_path / "x" / "报送.xlsx", GOOD)
    own = fill_return(outbox(ws_root, TAX), tmp_path / "y" / "税务局.xlsx", {"FGF-13": {"完成状态": "序时推进"}})
    ws = load_workspace(ws_root)
    collect_returns(
        ws.paths,
        JUNE,
        [
            mail_with(tmp_path / "x.eml", TAX_MAIL, EARLY, [forged]),
            mail_with(tmp_path / "y.eml", TAX_MAIL, EARLY, [own]),
        ],
    )
    assert states(merge_period(ws, JUNE)) == [("报送.xlsx", FINANCE, "held"), ("税务局.xlsx", TAX, "merged")]
    with pytest.raises(ProblemError) as refused:  # a return from its own unit's address needs no confirmation
        accept_return(ws, JUNE, "税务局.xlsx")
    assert refused.value.code == "returns-not-held"
    assign_unit(ws, JUNE, "报送.xlsx", FINANCE)
    assert ("报送.xlsx", FINANCE, "merged") in states(merge_period(ws, JUNE))
