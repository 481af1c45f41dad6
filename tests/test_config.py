"""ledger.toml as people type it with a Chinese input method: every slip is a catalogued problem naming the key."""

import json
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from ledger import ConfigError, load_config
from ledger.cli import main
from ledger.clock import from_timestamp, local_date, local_time, parse_local
from ledger.config import Limits

from .conftest import make_workspace, write_config

GOOD = """
[ledger]
title = "城东区重点任务工作台账"
year = 2021
[office]
name = "城东区委督查室"
[report]
due_day = 5
statuses = ["已完成", "序时推进", "滞后", "未启动"]
[[documents]]
code = "RW"
file = "source/tasks/任务.xlsx"
"""


def problems_of(tmp_path, text):
    (tmp_path / "ledger.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_config(tmp_path)
    return [(p.cell, p.code) for p in raised.value.problems], raised.value.problems


def test_a_good_configuration_loads_with_its_defaults(tmp_path):
    (tmp_path / "ledger.toml").write_text(GOOD, encoding="utf-8")
    config = load_config(tmp_path)
    assert (config.year, config.rhythm.due_day, config.due_soon_days, config.timezone) == (2021, 5, 10, "Asia/Shanghai")
    assert config.zone == ZoneInfo("Asia/Shanghai")
    assert config.mail.imap is None and config.mail.security == "starttls"
    assert [c.kind for c in config.documents[0].fill_columns] == ["status", "text", "text", "text", "date"]


@pytest.mark.parametrize(
    ("line", "slip", "chars"),
    [
        ('title = "城东区重点任务工作台账"', "title = “城东区重点任务工作台账”", "“”"),
        ("year = 2021", "year ＝ 2021", "＝"),
        ("[office]", "［office］", "［］"),
        ("[report]", "【report】", "【】"),
        (
            'statuses = ["已完成", "序时推进", "滞后", "未启动"]',
            'statuses = ["已完成"，"序时推进"，"滞后"，"未启动"]',
            "，",
        ),
    ],
)
def test_input_method_symbols_are_named_with_their_line(tmp_path, line, slip, chars):
    text = GOOD.replace(line, slip)
    found, problems = problems_of(tmp_path, text)
    number = text.splitlines().index(slip) + 1
    assert [code for _, code in found] == ["config-full-width"]
    assert found[0][0].startswith(f"第{number}行")
    assert chars in problems[0].message and slip in problems[0].message


def test_a_plain_syntax_error_is_translated_with_line_and_column(tmp_path):
    found, problems = problems_of(tmp_path, GOOD.replace("due_day = 5", "due_day 5"))
    assert found == [("第8行第9列", "config-syntax")]  # GOOD opens with an empty line
    assert "等号" in problems[0].message and "Expected" not in problems[0].message


def test_a_windows_path_with_backslashes_is_explained(tmp_path):
    found, problems = problems_of(tmp_path, GOOD.replace("source/tasks/任务.xlsx", "source\\tasks\\任务.xlsx"))
    assert [code for _, code in found] == ["config-syntax"] and found[0][0].startswith("第12行")
    assert "反斜杠" in problems[0].message and "/" in problems[0].message


def test_a_key_set_twice_names_its_second_line(tmp_path):
    found, problems = problems_of(tmp_path, GOOD.replace("year = 2021", "year = 2021\nyear = 2022"))
    assert [code for _, code in found] == ["config-syntax"] and found[0][0].startswith("第5行")
    assert "两次" in problems[0].message and "year = 2022" in problems[0].message


def test_full_width_digits_and_a_notepad_bom(tmp_path):
    found, _ = problems_of(tmp_path, GOOD.replace("year = 2021", "year = ２０２１"))
    assert [code for _, code in found] == ["config-full-width"]
    (tmp_path / "ledger.toml").write_bytes(b"\xef\xbb\xbf" + GOOD.encode())
    assert load_config(tmp_path).year == 2021


def test_a_year_written_with_nian_is_a_type_error_naming_the_key(tmp_path):
    found, problems = problems_of(tmp_path, GOOD.replace("year = 2021", 'year = "2023年"'))
    assert found == [("ledger.year", "config-type")]
    assert "ledger.year" in problems[0].message and "整数" in problems[0].message
    assert "invalid literal" not in problems[0].message and "year = 2021" in problems[0].hint


@pytest.mark.parametrize(
    ("line", "setting", "key"),
    [
        ("due_day = 5", "due_day = 40", "report.due_day"),
        ("due_day = 5", "due_day = 0", "report.due_day"),
        ("due_day = 5", "due_day = 5\ndue_soon_days = -1", "report.due_soon_days"),
        ('statuses = ["已完成", "序时推进", "滞后", "未启动"]', 'statuses = ["完成", "滞后"]', "report.statuses"),
    ],
)
def test_out_of_range_values(tmp_path, line, setting, key):
    found, _ = problems_of(tmp_path, GOOD.replace(line, setting))
    assert found == [(key, "config-value")]


def test_unknown_keys_suggest_the_closest_known_key_or_its_section(tmp_path):
    text = GOOD.replace("due_day = 5", "due_dya = 5").replace(
        'name = "城东区委督查室"', 'name = "督查室"\ndue_soon_days = 3'
    )
    found, problems = problems_of(tmp_path, text)
    assert found == [("office.due_soon_days", "config-key-unknown"), ("report.due_dya", "config-key-unknown")]
    assert "[report]" in problems[0].message
    assert "report.due_day" in problems[1].message


def test_every_slip_at_once(tmp_path):
    text = GOOD.replace("year = 2021", 'year = "2023年"\ntimezone = "Beijing"').replace("due_day = 5", "due_day = 40")
    found, _ = problems_of(tmp_path, text)
    assert found == [
        ("ledger.year", "config-type"),
        ("ledger.timezone", "config-value"),
        ("report.due_day", "config-value"),
    ]


def test_mail_section_is_checked_when_the_workspace_loads(tmp_path):
    text = GOOD + '[mail]\nhost = "smtp.example.cn"\nport = "465"\nsecurity = "tls"\n[mail.imap]\nfolder = "INBOX"\n'
    found, _ = problems_of(tmp_path, text)
    assert found == [
        ("mail.imap.host", "config-key-missing"),
        ("mail.imap.user", "config-key-missing"),
        ("mail.port", "config-type"),
        ("mail.security", "config-value"),
    ]


def test_fill_column_kind_and_duplicate_document_codes(tmp_path):
    text = GOOD + '[[documents.fill_columns]]\nheader = "投资"\nkind = "money"\n'
    text += '[[documents]]\ncode = "RW"\nfile = "b.xlsx"\n'
    found, _ = problems_of(tmp_path, text)
    assert found == [("documents[1].fill_columns[1].kind", "config-value"), ("documents[2].code", "config-value")]


def test_a_file_saved_in_gbk_and_a_missing_file(tmp_path):
    (tmp_path / "ledger.toml").write_bytes(GOOD.encode("gb18030"))
    with pytest.raises(ConfigError) as raised:
        load_config(tmp_path)
    assert [p.code for p in raised.value.problems] == ["config-encoding"]
    with pytest.raises(ConfigError) as raised:
        load_config(tmp_path / "nowhere")
    assert [p.code for p in raised.value.problems] == ["config-not-found"]


def test_check_shows_configuration_problems_in_chinese_and_exits_one(tmp_path):
    make_workspace(tmp_path, [["序号", "具体措施", "牵头单位"], ["1", "做事。", "示范区财政局"]])
    config = tmp_path / "ledger.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("year = 2021", "year ＝ 2021"), encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(main, ["check", "-w", str(tmp_path)])
    assert result.exit_code == 1
    assert "配置中有全角符号" in result.output and "Traceback" not in result.output
    as_json = json.loads(runner.invoke(main, ["check", "--json", "-w", str(tmp_path)]).output)
    assert [p["code"] for p in as_json["problems"]] == ["config-full-width"]
    render = runner.invoke(main, ["render", "-w", str(tmp_path), "-p", "2021-06"])
    assert render.exit_code == 1 and "config-full-width" in render.output
    assert not (tmp_path / "build").exists()


# --- the office's clock


@pytest.fixture
def config(tmp_path):
    (tmp_path / "ledger.toml").write_text(GOOD, encoding="utf-8")
    return load_config(tmp_path)


def test_a_file_stamped_0730_on_the_6th_in_beijing_is_dated_the_6th(config):
    stamp = datetime(2021, 7, 5, 23, 30, tzinfo=UTC).timestamp()  # 07:30 on the 6th in Asia/Shanghai
    assert local_date(from_timestamp(stamp, config), config) == date(2021, 7, 6)
    assert datetime.fromtimestamp(stamp, UTC).date() == date(2021, 7, 5)  # what a UTC clock would have said


def test_typed_times_are_the_offices_local_time(config):
    assert parse_local("2021-07-04 10:30", config) == datetime(2021, 7, 4, 10, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert local_time(datetime(2021, 7, 4, 2, 30, tzinfo=UTC), config).hour == 10
    with pytest.raises(ValueError, match="2021-07-04 10:30"):
        parse_local("7月4日上午", config)


def test_another_time_zone_moves_the_date(tmp_path):
    (tmp_path / "ledger.toml").write_text(GOOD.replace("year = 2021", 'year = 2021\ntimezone = "UTC"'), "utf-8")
    config = load_config(tmp_path)
    stamp = datetime(2021, 7, 5, 23, 30, tzinfo=UTC).timestamp()
    assert local_date(from_timestamp(stamp, config), config) == date(2021, 7, 5)


@pytest.mark.parametrize(
    ("setting", "cell"),
    [
        ("per_minute = 1e-300", "mail.per_minute"),
        ("per_minute = inf", "mail.per_minute"),
        ("timeout = nan", "mail.timeout"),
        ("timeout = inf", "mail.timeout"),
        ("timeout = 0.001", "mail.timeout"),
    ],
)
def test_mail_rates_and_timeouts_must_be_finite_and_sensible(tmp_path, setting, cell):
    found, problems = problems_of(tmp_path, GOOD + f'\n[mail]\nfrom = "office@example.cn"\n{setting}\n')
    assert found == [(cell, "config-value")]
    assert "之间的数字" in problems[0].message


@pytest.mark.parametrize("name", ["区委督查室\\u001b]0;x\\u0007", "区委\\u202e室", "区委\\u0000督查室"])
def test_control_characters_in_a_setting_are_a_problem_found_by_check(tmp_path, name):
    text = GOOD.replace('name = "城东区委督查室"', f'name = "{name}"')
    found, problems = problems_of(tmp_path, text)
    assert found == [("office.name", "config-value")]
    assert "控制字符" in problems[0].message and "\x1b" not in problems[0].message
    checked = CliRunner().invoke(main, ["check", "-w", str(tmp_path)])
    assert checked.exit_code == 1 and "config-value" in checked.output


def test_limits_are_read_and_checked(tmp_path):
    documents = '[[documents]]\ncode = "RW"\nname = "清单"\nfile = "source/tasks/a.xlsx"\n'
    write_config(tmp_path, documents, extra="[limits]\nmax_rows = 500\nlock_wait = 5\n")
    assert load_config(tmp_path).limits == Limits(max_rows=500, lock_wait=5)
    write_config(tmp_path, documents, extra='[limits]\nmax_rows = 0\nmax_cell = 9\nlock_wait = "30秒"\n')
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert sorted((p.cell, p.code) for p in caught.value.problems) == [
        ("limits.lock_wait", "config-type"),
        ("limits.max_cell", "config-key-unknown"),
        ("limits.max_rows", "config-value"),
    ]


@pytest.mark.parametrize("office_only", ["暂缓", "已销号", "取消"])
def test_statuses_may_not_list_what_only_the_office_decides(tmp_path, office_only):
    line = 'statuses = ["已完成", "序时推进", "滞后", "未启动"]'
    found, problems = problems_of(tmp_path, GOOD.replace(line, f'statuses = ["已完成", "序时推进", "{office_only}"]'))
    assert found == [("report.statuses", "config-status-office")]
    assert office_only in problems[0].message and "ledger tasks" in problems[0].hint
