"""Behaviour every script shares, tested once and applied to all: --help, --config, --period, -v, exit codes."""

import re

import pytest
from conftest import ROOT, SEED_CONFIG, run_script, shipped
from dutytable.cli import Scheduler, _chinese, main
from dutytable.cli_import import ImportTable
from dutytable.config import clamp_day, load_config
from dutytable.errors import ConfigError, UsageError
from dutytable.files import safe_filename
from dutytable.model import Period

SCRIPTS = sorted(p.name for p in (ROOT / "scripts").glob("*.py"))
#: The English words of argparse's own help and errors (usage:, options:, show this help message and exit, ...).
ARGPARSE_WORDS = {
    "usage",
    "options",
    "optional",
    "positional",
    "arguments",
    "argument",
    "show",
    "this",
    "message",
    "exit",
    "error",
    "unrecognized",
    "required",
    "invalid",
    "choice",
    "expected",
    "allowed",
}


def test_there_are_scripts():
    assert "import_table.py" in SCRIPTS


@pytest.mark.parametrize("script", SCRIPTS)
def test_every_script_has_help_and_is_in_the_readme(script):
    result = run_script(script, "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"用法：{script} [-h]")
    assert "--config PATH" in result.stdout and "--period YYYY-MM" in result.stdout
    assert "  -h, --help        显示本说明后退出\n" in result.stdout and "\n选项:\n" in result.stdout
    assert not ARGPARSE_WORDS & set(re.findall(r"[a-z]+", result.stdout.lower())), result.stdout
    assert f"scripts/{script}" in (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("script", SCRIPTS)
def test_every_script_rejects_a_bad_period_with_exit_2(script, workdir):
    result = run_script(script, "--period", "2010-13", "--config", workdir / "config.ini", *_required(script))
    assert result.returncode == 2
    assert result.stderr == "期次“2010-13”无效：请写成“年-月”，例如 2010-11。\n"


@pytest.mark.parametrize("script", SCRIPTS)
def test_every_script_reports_a_missing_config_with_exit_2(script, tmp_path):
    missing = tmp_path / "无此文件.ini"
    result = run_script(script, "--config", missing, *_required(script))
    assert result.returncode == 2
    assert result.stderr == f"找不到配置文件 {missing}：请用 --config 指定 config.ini 的位置。\n"


@pytest.mark.parametrize("script", SCRIPTS)
def test_every_script_reports_a_malformed_config_with_exit_2(script, tmp_path):
    bad = tmp_path / "config.ini"
    bad.write_text("[paths]\ntable = a\ntable = b\n", encoding="utf-8")
    result = run_script(script, "--config", bad, *_required(script))
    assert result.returncode == 2
    assert result.stderr == (f"配置文件 {bad} 第3行格式错误：每一节以 [节名] 开头，每项写成“名称 = 值”，且不能重复。\n")
    assert "Traceback" not in result.stderr


def _required(script):
    """Positional arguments a script needs to get as far as loading the config."""
    return ["无此文件.docx"] if script == "import_table.py" else []


def test_unknown_option_message(capsys):
    assert main(ImportTable(), ["x.docx", "--bogus"]) == 2
    assert (
        capsys.readouterr().err
        == "参数错误：无法识别的参数 --bogus。运行 python scripts/import_table.py --help 查看用法。\n"
    )


@pytest.mark.parametrize(
    "command, argv, said",
    [
        (ImportTable, [], "缺少参数 SOURCE"),
        (ImportTable, ["x.docx", "--period"], "参数 --period 后面要写一个值"),
        (ImportTable, ["x.docx", "--check=1"], "参数 --check 后面不能写值 '1'"),
        (ImportTable, ["x.docx", "--c", "a"], "参数 --c 不完整，可能是 --config, --check"),
        (Scheduler, ["--list", "--install"], "参数 --install 不能与 --list 同时使用"),
        (Scheduler, ["--once", "extra"], "无法识别的参数 extra"),
    ],
)
def test_argument_errors_in_chinese_on_one_line(capsys, command, argv, said):
    assert main(command(), argv) == 2
    err = capsys.readouterr().err
    assert err == f"参数错误：{said}。运行 python scripts/{command.prog} --help 查看用法。\n"
    assert not ARGPARSE_WORDS & set(re.findall(r"[a-z]+", err.lower()))


@pytest.mark.parametrize(
    "message, chinese",
    [
        ("argument --kind: invalid choice: 'x' (choose from 'a', 'b')", "参数 --kind 的值 'x' 无效，可选：'a', 'b'"),
        ("argument --n: invalid int value: 'x'", "参数 --n 的值 'x' 无效"),
        ("argument --n: expected at most one argument", "参数 --n 后面最多写一个值"),
        ("argument --n: expected at least one argument", "参数 --n 后面至少要写一个值"),
        ("argument --n: expected 2 arguments", "参数 --n 后面要写 2 个值"),
        ("the following arguments are required: SOURCE, --year", "缺少参数 SOURCE, --year"),
        ("one of the arguments --a --b is required", "--a --b 中要写一个"),
        ("argument --n: something new", "参数 --n 写法有误"),
        ("something new", "参数写法有误"),
    ],
)
def test_every_argparse_error_has_its_chinese(message, chinese):
    assert _chinese(message) == chinese


def test_traceback_only_with_verbose(workdir):
    quiet = run_script("import_table.py", "nope.docx", "--config", workdir / "config.ini")
    loud = run_script("import_table.py", "nope.docx", "--config", workdir / "config.ini", "-v")
    assert quiet.returncode == loud.returncode == 3
    assert quiet.stderr == "找不到要导入的文件 nope.docx：请检查路径。\n"
    assert "Traceback" in loud.stderr and loud.stderr.endswith("找不到要导入的文件 nope.docx：请检查路径。\n")


def test_default_period_is_the_current_month(tmp_path, capsys):
    class Probe(ImportTable):
        def add_arguments(self, parser):
            pass

        def run(self, args, config, period, today):
            print(period)
            return 0

    import datetime as dt

    assert main(Probe(), [], today=dt.date(2011, 2, 28)) == 0
    assert capsys.readouterr().out == "2011-02\n"


# --- config values -------------------------------------------------------------------------


def _config_with(tmp_path, section, line):
    text = (ROOT / "config.ini").read_text(encoding="utf-8")
    text = text.replace(f"[{section}]\n", f"[{section}]\n{line}\n", 1)
    key = line.split("=")[0].strip()
    # drop the shipped line for the same key so the value is not duplicated
    lines, seen = [], False
    for ln in text.splitlines():
        if ln.split("=")[0].strip() == key:
            if seen:
                continue
            seen = True
        lines.append(ln)
    path = tmp_path / "config.ini"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "section, line, message",
    [
        ("schedule", "deadline_day = 32", "[schedule] deadline_day = 32 无效：应为 1 到 31 之间的整数，例如 25。"),
        ("schedule", "time = 8点半", "[schedule] time = 8点半 无效：应写成“时:分”（24小时制），例如 08:30。"),
        ("report", "year = 二〇一〇", "[report] year = 二〇一〇 无效：应为 1900 到 9999 之间的整数，例如 2024。"),
        (
            "report",
            "subject = 质量/振兴",
            "[report] subject = 质量/振兴 无效：它是输出文件名的一部分，不能超过 40 个字，"
            '也不能含有 \\ / : * ? " < > | 这些字符，例如“subject = XX区优化营商环境工作”。',
        ),
        (
            "workbook",
            "return_note = 请发回{单位}。",
            "[workbook] return_note 中的“{单位}”无效：只能写 {office}，"
            "例如“return_note = 请在截止日期前将填好的表格发回{office}。”。",
        ),
        (
            "workbook",
            "return_note = 请发回{office:>9}。",
            "[workbook] return_note 中的“{office}”无效：只能写 {office}，"
            "例如“return_note = 请在截止日期前将填好的表格发回{office}。”。",
        ),
        (
            "workbook",
            "return_note = 请发回{office。",
            "[workbook] return_note 中有不成对的花括号：花括号只能用在 {office} 中，"
            "例如“return_note = 请在截止日期前将填好的表格发回{office}。”。",
        ),
        (
            "workbook",
            "return_note = 请发回}。",
            "[workbook] return_note 中有不成对的花括号：花括号只能用在 {office} 中，"
            "例如“return_note = 请在截止日期前将填好的表格发回{office}。”。",
        ),
        (
            "report",
            "attachment = " + "一" * 41,
            f"[report] attachment = {'一' * 41} 无效：它是输出文件名的一部分，不能超过 40 个字，"
            '也不能含有 \\ / : * ? " < > | 这些字符，例如“attachment = 1”。',
        ),
        (
            "report",
            "partner_text = 合并",
            "[report] partner_text = 合并 无效：应为 include / collapse / omit 之一，例如“partner_text = collapse”。",
        ),
        ("report", "paper = A5", "[report] paper = A5 无效：应为 A4 / A3 之一，例如“paper = A4”。"),
        ("report", "remind_days = 0", "[report] remind_days = 0 无效：应为 1 到 60 之间的整数，例如 3。"),
        ("groups", "各镇、街道 =", "[groups] 中“各镇、街道”没有列出任何单位：请用顿号分隔列出，或删除这一行。"),
        ("aliases", "区相关部门 =", "[aliases] 中“区相关部门”没有写对应的名称：请写成“区相关部门 = 规范名称”。"),
    ],
)
def test_bad_config_values(tmp_path, section, line, message):
    path = _config_with(tmp_path, section, line)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value) == f"配置文件 {path} 的 {message}"


def test_report_settings_for_the_notice_and_the_print(tmp_path):
    ini = shipped(tmp_path / "shipped", "config.ini") / "config.ini"  # whatever a clerk did to the working one
    path = tmp_path / "config.ini"
    text = (
        ini.read_text(encoding="utf-8")
        .replace("attachment = 1\n", "attachment = 1\nattachment2 = 3\n")
        .replace(
            "contact =\nphone =\n",
            "contact = 张三\nphone = 0519-85123456\npartner_text = omit\nremind_days = 5\npaper = A3\n",
        )
    )
    path.write_text(text, encoding="utf-8")
    config = load_config(path)
    assert (
        config.attachment2,
        config.contact,
        config.phone,
        config.partner_text,
        config.remind_days,
        config.paper,
        config.warnings,
    ) == ("3", "张三", "0519-85123456", "omit", 5, "A3", [])
    defaults = load_config(ini)
    assert (defaults.attachment2, defaults.contact, defaults.partner_text, defaults.remind_days, defaults.paper) == (
        "2",
        "",
        "collapse",
        3,
        "A4",
    )


def test_config_with_bom_and_relative_paths(tmp_path):
    text = SEED_CONFIG.read_text(encoding="utf-8")
    (tmp_path / "config.ini").write_bytes("\ufeff".encode("utf-8") + text.encode("utf-8"))
    config = load_config(tmp_path / "config.ini")
    assert config.table == tmp_path.resolve() / "templates" / "责任分解表.xlsx"
    assert config.departments.groups["各镇、街道"][:2] == ["春江镇", "孟河镇"]


def test_config_not_utf8(tmp_path):
    path = tmp_path / "config.ini"
    path.write_bytes("[report]\nsubject = 质量\n".encode("gbk"))
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value) == f"配置文件 {path} 不是 UTF-8 编码：请用记事本打开，“另存为”时编码选 UTF-8。"


# --- periods and names -----------------------------------------------------------------------


@pytest.mark.parametrize("text", ["2010-13", "2010-0", "201011", "2010/11", "", "abcd-ef"])
def test_bad_periods(text):
    with pytest.raises(UsageError) as info:
        Period.parse(text)
    assert str(info.value) == f"期次“{text}”无效：请写成“年-月”，例如 2010-11。"


def test_period_and_month_ends():
    assert str(Period.parse("2010-1")) == "2010-01"
    assert Period(2010, 12).next() == Period(2011, 1)
    assert Period(2010, 11).label == "2010年11月"
    assert clamp_day(2011, 2, 31).isoformat() == "2011-02-28"
    assert clamp_day(2012, 2, 30).isoformat() == "2012-02-29"


@pytest.mark.parametrize(
    "name, safe",
    [
        ("质监分局", "质监分局"),
        ("各镇、街道", "各镇、街道"),
        ('a/b\\c:d*e?f"g<h>i|j', "a_b_c_d_e_f_g_h_i_j"),
        ("CON", "CON_"),
        ("nul.txt", "nul_.txt"),
        ("单位. ", "单位"),
        ("", "_"),
        ("局" * 200, "局" * 75),
    ],
)
def test_safe_filename(name, safe):
    assert safe_filename(name, ".xlsx") == safe + ".xlsx"
    assert not re.search(r'[<>:"/\\|?*]', safe_filename(name))


# --- settings no stage reads: a warning, never silence -------------------------------------------


def _config_text(tmp_path, text):
    path = tmp_path / "config.ini"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("path", [ROOT / "config.ini", SEED_CONFIG], ids=["office", "demo kit"])
def test_the_shipped_configs_have_no_warnings(path):
    assert load_config(path).warnings == []


@pytest.mark.parametrize(
    "section, line, warning",
    [
        (
            "schedule",
            "deadine_day = 20",
            "[schedule] deadine_day：不认识的设置，是不是 deadline_day？这一项没有起作用。",
        ),
        (
            "schedule",
            "Deadline_Day = 20",
            "[schedule] Deadline_Day：不认识的设置，是不是 deadline_day？这一项没有起作用。",
        ),
        ("report", "deadline_day = 20", "[report] deadline_day：这一项应写在 [schedule] 中，写在这里没有起作用。"),
        (
            "collect",
            "颜色 = 红",
            "[collect] 颜色：不认识的设置（[collect] 可用的设置：settle_seconds），这一项没有起作用。",
        ),
    ],
)
def test_an_unknown_key_is_a_warning_naming_the_nearest_valid_one(tmp_path, section, line, warning):
    path = _config_with(tmp_path, section, line)
    config = load_config(path)
    assert config.warnings == [f"配置文件 {path} 的 {warning}"]
    assert config.deadline_day == 25  # the misspelt value is not used


@pytest.mark.parametrize(
    "header, warning",
    [
        ("[shedule]", "[shedule]：不认识的节，是不是 [schedule]？这一节中的设置都没有起作用。"),
        (
            "[DEFAULT]",
            "[DEFAULT]：不认识的节，可用的节：[paths]、[report]、[schedule]、[workbook]、[collect]、[aliases]、"
            "[groups]、[columns]、[import]、[assessment]、[warning]；这一节中的设置都没有起作用。",
        ),
    ],
)
def test_an_unknown_section_is_a_warning(tmp_path, header, warning):
    text = (ROOT / "config.ini").read_text(encoding="utf-8") + f"\n{header}\ndeadline_day = 20\n"
    path = _config_text(tmp_path, text)
    config = load_config(path)
    assert config.warnings == [f"配置文件 {path} 的 {warning}"]
    assert config.deadline_day == 25 and "deadline_day" not in config.departments.groups


def test_settings_for_other_stages_are_accepted_silently(tmp_path):
    text = (
        (ROOT / "config.ini")
        .read_text(encoding="utf-8")
        .replace("contact =\nphone =\n", "contact = 李四\nphone = 0519-85000001\n", 1)
    )
    text = text.replace("[columns]\n", "[columns]\n牵头单位 = 主抓单位\n", 1).replace("on_time = 10", "on_time = 8")
    assert load_config(_config_text(tmp_path, text)).warnings == []


def test_config_warnings_reach_the_console_once_and_the_command_still_runs(workdir):
    path = workdir / "config.ini"
    path.write_text(path.read_text(encoding="utf-8").replace("deadline_day = 25", "deadine_day = 20"), encoding="utf-8")
    result = run_script("scheduler.py", "--list", "--config", path)
    assert result.returncode == 0
    assert result.stderr == (
        f"配置文件 {path} 的 [schedule] deadine_day：不认识的设置，是不是 deadline_day？这一项没有起作用。\n"
    )
    assert "截止" in result.stdout


@pytest.mark.parametrize("groups", ["", "[groups]\n; 没有展开任何集体名称\n"])
def test_a_missing_or_empty_groups_section_gets_the_collective_note(workdir, groups):
    path = workdir / "config.ini"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("[groups]")] + groups, encoding="utf-8")
    assert load_config(path).warnings == []
    result = run_script("generate.py", "--config", path, "--period", "2010-11")
    assert result.returncode == 0, result.stderr
    note = (
        "提示：“{0}”是集体名称，不发填报表，{1} 因此没有具体的牵头单位（完成状态为“未明确牵头单位”）；"
        "如需发给其中每个单位，请在 config.ini 的 [groups] 中列出，例如“{0} = 单位甲、单位乙”。"
    )
    # T0501 and T0502 name both as their leads: with neither expanded, no lead of theirs gets a form
    assert result.stdout.splitlines()[2:] == [
        note.format("各镇、街道", "T0501、T0502"),
        note.format("区有关部门", "T0401、T0403、T0501、T0502"),
        "提示：指标 T0401-1（区域性和严重影响新北形象和声誉的制假售假行为）没有填报单位：任务 T0401 的牵头单位“区有关部门”"
        "是集体名称，不发填报表；请在 config.ini 的 [groups] 中列出其中的单位，例如“区有关部门 = 单位甲、单位乙”，"
        "或在主表“指标”工作表中填写该指标的填报单位。",
    ]


@pytest.mark.skipif(not hasattr(__import__("os"), "geteuid"), reason="文件权限位只在 Linux/macOS 上有意义")
def test_outputs_get_ordinary_permissions(workdir):
    import os
    import stat

    old = os.umask(0o022)
    try:
        result = run_script("generate.py", "--config", workdir / "config.ini", "--period", "2010-11")
        from dutytable.files import atomic_write_bytes

        atomic_write_bytes(workdir / "outbox" / "一个文件.txt", b"x")
    finally:
        os.umask(old)
    assert result.returncode == 0, result.stderr
    written = [p for p in (workdir / "outbox").rglob("*") if p.is_file()]
    assert len(written) == 26  # 23 forms (none to 区有关部门), the distribution list, the run lock, the file above
    assert {stat.S_IMODE(p.stat().st_mode) for p in written} == {0o644}


@pytest.mark.parametrize(
    "name, prefix, safe",
    [
        ("CON.xlsx", "", "CON_.xlsx"),
        ("NUL.xls", "", "NUL_.xls"),
        ("aux.ods", "", "aux_.ods"),
        ("com1 .tar.gz", "", "com1 _.tar.gz"),
        ("CON.xlsx", "20101105-233320_", "20101105-233320_CON.xlsx"),  # behind a prefix it is no device name
        (" . .. ", "", "_"),
        (" . .. ", "p_", "p__"),
        ("局" * 90 + ".xlsx", "", "局" * 75 + ".xlsx"),  # the extension survives the cut
        ("局" * 90 + ".xlsx", "20101105-233320_0123456789ab_", "20101105-233320_0123456789ab_" + "局" * 65 + ".xlsx"),
        ("报告." + "局" * 90, "", "报告." + "局" * 74),  # a Chinese tail is no extension
        ("a" * 100 + ".xlsx", "", "a" * 75 + ".xlsx"),
    ],
)
def test_safe_filename_keeps_the_extension_and_fits_255_bytes(name, prefix, safe):
    made = safe_filename(name, prefix=prefix)
    assert made == safe
    assert len((made + "(99).退回说明.txt").encode("utf-8")) <= 255


def test_a_long_department_name_fits_with_the_marked_copys_suffix():
    made = safe_filename("局" * 90, "_2010-11填报表_待补正_0123abcd.xlsx")
    assert made == "局" * 51 + "_2010-11填报表_待补正_0123abcd.xlsx"


# ---------------------------------------------------------------------------
# Faults a clerk can act on: a busy, read-only or full ledger, a full disk; one line each, its exit code.

LOCKED_LINE = (
    "收文台账 {} 正被另一个程序占用（等了 0.3 秒仍未释放），请关闭打开它的程序（如 DB Browser for SQLite）后再运行。\n"
)
READ_ONLY_LINE = (
    "收文台账 {} 不允许写入（文件是“只读”的，或没有写入权限），请在该文件的“属性”中取消“只读”"
    "或请管理员开放写入权限后再运行。\n"
)
FULL_LINE = "磁盘空间已满，无法写入 {}，请清理该磁盘（删除不需要的文件、清空回收站）后再运行。\n"


@pytest.fixture
def collected(workdir):
    """A workdir whose ledger holds one return, and a second return waiting in inbox/."""
    from dutytable.collect import Collector
    from returns import age, fill, prepare

    config, table, forms = prepare(workdir)
    age(fill(forms["环保局"], workdir / "inbox" / "环保局.xlsx"))
    Collector(config, table, settle_seconds=0).run(Period(2010, 11))
    waiting = age(fill(forms["农业局"], workdir / "inbox" / "农业局.xlsx"))
    return config, waiting


def _collect_in_process(config):
    from dutytable.cli import Collect

    return main(Collect(), ["--config", str(config.path), "--period", "2010-11"])


def test_a_ledger_locked_by_another_program_is_exit_5_and_one_line(collected):
    """A real SQLite lock (BEGIN EXCLUSIVE in another connection), through the script to the interpreter's exit."""
    import sqlite3
    import subprocess
    import sys

    config, waiting = collected
    other = sqlite3.connect(config.ledger, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        code = (
            "import sys; import dutytable.ledger as l; l.BUSY_SECONDS = 0.3\n"
            "from dutytable.cli import Collect, main\n"
            f"sys.exit(main(Collect(), ['--config', {str(config.path)!r}, '--period', '2010-11']))\n"
        )
        result = subprocess.run(
            [sys.executable, "-X", "dev", "-c", code],
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=120,
            cwd=ROOT,
            env={**__import__("os").environ, "PYTHONPATH": str(ROOT / "scripts")},
        )
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert (result.returncode, result.stderr) == (5, LOCKED_LINE.format(config.ledger))  # no "Exception ignored"
    assert waiting.exists()  # nothing was taken: the next run collects it
    assert _collect_in_process(config) == 0 and not waiting.exists()


def test_a_read_only_ledger_is_exit_4_and_one_line(collected, monkeypatch, capsys):
    """Windows' 只读 attribute (chmod here) makes SQLite open the file read-only; as root chmod does not stop a
    write, so the file is opened read-only the way SQLite falls back to (mode=ro)."""
    import os
    import sqlite3

    config, waiting = collected
    os.chmod(config.ledger, 0o444)
    if not hasattr(os, "geteuid") or os.geteuid() == 0:
        real = sqlite3.connect
        monkeypatch.setattr(
            sqlite3,
            "connect",
            lambda path, **kw: real(f"{__import__('pathlib').Path(path).as_uri()}?mode=ro", uri=True, **kw),
        )
    try:
        assert _collect_in_process(config) == 4
    finally:
        os.chmod(config.ledger, 0o644)
    assert capsys.readouterr().err == READ_ONLY_LINE.format(config.ledger)
    monkeypatch.undo()
    assert waiting.exists() and _collect_in_process(config) == 0 and not waiting.exists()


def test_a_full_disk_under_the_ledger_is_exit_4_and_one_line(collected, monkeypatch, capsys):
    """SQLite's own SQLITE_FULL ("database or disk is full"), made real by a page limit the ledger cannot pass."""
    import sqlite3

    from dutytable.master import load_table
    from returns import quick_returns

    config, waiting = collected
    quick_returns(config, load_table(config.table, config.departments), waiting.parent / "更多", 1)  # new pages
    pages = sqlite3.connect(config.ledger).execute("PRAGMA page_count").fetchone()[0]
    real = sqlite3.connect

    def small(*args, **kw):
        db = real(*args, **kw)
        db.execute(f"PRAGMA max_page_count = {pages}")
        return db

    monkeypatch.setattr(sqlite3, "connect", small)
    assert _collect_in_process(config) == 4
    assert capsys.readouterr().err == FULL_LINE.format(f"收文台账 {config.ledger}")
    monkeypatch.undo()
    assert waiting.exists() and _collect_in_process(config) == 0 and not waiting.exists()


def test_a_full_disk_under_an_output_is_exit_4_and_one_line(collected, monkeypatch, capsys):
    """ENOSPC where the disk reports it (the flush of a written file), the same line as SQLite's."""
    import errno

    from dutytable import files
    from dutytable.cli import Consolidate

    config, _ = collected

    def full(path):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files, "_fsync", full)
    assert main(Consolidate(), ["--config", str(config.path), "--period", "2010-11"]) == 4
    written = config.outbox / "2010-11" / "2010年区质量振兴工作目标任务推进情况汇总表_2010-11.xlsx"
    assert capsys.readouterr().err == FULL_LINE.format(written)


FAKE_SOFFICE = """#!/bin/sh
# A LibreOffice that never ends: its launcher starts soffice.bin (here a sleep) and waits, as the real one does.
sleep 300 &
echo $$ $! > "$FAKE_SOFFICE_PIDS"
sleep 300
"""


def _alive(pid):
    """True while ``pid`` runs (a zombie waiting to be reaped by init counts as ended)."""
    import os

    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = __import__("pathlib").Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] == "Z")


@pytest.mark.skipif(__import__("os").name == "nt", reason="a shell script stands in for LibreOffice")
@pytest.mark.parametrize("use", ["pdf", "import"])
def test_a_libreoffice_that_times_out_is_killed_with_its_whole_process_tree(tmp_path, monkeypatch, use):
    import os
    import time

    from dutytable import convert, wordml
    from dutytable.errors import InputError

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "soffice").write_text(FAKE_SOFFICE, encoding="utf-8")
    os.chmod(bin_dir / "soffice", 0o755)
    pids = tmp_path / "pids.txt"
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_SOFFICE_PIDS", str(pids))
    source = tmp_path / ("报告.docx" if use == "pdf" else "表格.xls")
    source.write_bytes(b"x")
    started = time.monotonic()
    if use == "pdf":
        assert wordml.to_pdf(source, timeout=1) == (None, "LibreOffice 转换 PDF 失败（TimeoutExpired），未生成 PDF。")
    else:
        monkeypatch.setattr(convert, "TIMEOUT_SECONDS", 1)
        (tmp_path / "out").mkdir()
        with pytest.raises(InputError) as caught:
            convert.convert(source, "xlsx", tmp_path / "out")
        assert str(caught.value) == (
            "表格.xls：LibreOffice 无法转换该文件（TimeoutExpired）。"
            "请用 Excel 或 WPS 打开它，“另存为” .xlsx 格式后再导入。"
        )
    assert time.monotonic() - started < 15  # not held until the tree ends by itself (300 s)
    launcher, child = map(int, pids.read_text().split())
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and (_alive(launcher) or _alive(child)):
        time.sleep(0.1)
    assert (_alive(launcher), _alive(child)) == (False, False)


@pytest.mark.parametrize("script", ["collect.py", "demo.py", "scheduler.py"])
def test_a_python_without_the_packages_gets_one_chinese_line_not_a_traceback(script):
    """-S leaves site-packages out: the Python a clerk types when the packages went into another one."""
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-S", str(ROOT / "scripts" / script), "--help"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={"PYTHONIOENCODING": "utf-8"},
        timeout=60,
    )
    assert (result.returncode, result.stdout) == (9, "")
    package = result.stderr.split("程序包 ")[1].split("：")[0]
    assert result.stderr == (
        f"这台电脑上的 Python（{sys.executable}）缺少本工具需要的程序包 {package}：请在工具文件夹中运行 "
        f"“{sys.executable} -m pip install -r requirements.txt”后再试"
        "（Linux 上请先按 README.md“在新电脑上”一节建立 .venv）。\n"
    )
    assert package in ("openpyxl", "xlsxwriter", "python_calamine", "docx", "pandas", "schedule")


def test_the_readme_tables_the_exit_codes_that_errors_declares():
    from dutytable import errors

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = text[text.index("| 退出码 | 含义 |") :]
    readme = [int(code) for code in re.findall(r"^\| (\d+) \|", table[: table.index("\n\n")], re.M)]
    classes = {
        c.exit_code for c in vars(errors).values() if isinstance(c, type) and issubclass(c, errors.DutyTableError)
    }
    assert readme == [0, 1, 2, 3, 4, 5, 9]
    assert set(readme) == classes | {0, errors.UNEXPECTED, errors.NO_PACKAGES}


def test_on_windows_a_timed_out_libreoffice_is_ended_with_its_tree_by_the_systems_taskkill():
    from dutytable.convert import windows_tree_kill

    assert windows_tree_kill(4242, "D:\\WINNT")[0] == r"D:\WINNT\System32\taskkill.exe"
    assert windows_tree_kill(4242, r"C:\Windows") == [
        r"C:\Windows\System32\taskkill.exe",
        "/T",
        "/F",
        "/PID",
        "4242",
    ]
