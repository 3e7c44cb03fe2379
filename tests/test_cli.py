"""Behaviour every script shares, tested once and applied to all: --help, --config, --period, -v, exit codes."""

import re

import pytest
from conftest import ROOT, run_script
from dutytable.cli import ImportTable, main
from dutytable.config import clamp_day, load_config
from dutytable.errors import ConfigError, UsageError
from dutytable.files import safe_filename
from dutytable.model import Period

SCRIPTS = sorted(p.name for p in (ROOT / "scripts").glob("*.py"))


def test_there_are_scripts():
    assert "import_table.py" in SCRIPTS


@pytest.mark.parametrize("script", SCRIPTS)
def test_every_script_has_help_and_is_in_the_readme(script):
    result = run_script(script, "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"usage: {script}")
    assert "--config PATH" in result.stdout and "--period YYYY-MM" in result.stdout
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
    assert capsys.readouterr().err == "参数错误：无法识别的参数 --bogus。运行 python scripts/import_table.py --help 查看用法。\n"


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


@pytest.mark.parametrize("section, line, message", [
    ("schedule", "deadline_day = 32", "[schedule] deadline_day = 32 无效：应为 1 到 31 之间的整数，例如 25。"),
    ("schedule", "time = 8点半", "[schedule] time = 8点半 无效：应写成“时:分”（24小时制），例如 08:30。"),
    ("report", "year = 二〇一〇", "[report] year = 二〇一〇 无效：应为 1900 到 9999 之间的整数，例如 2010。"),
    ("report", "subject =", "[report] subject 为空：请填写，例如“subject = 区质量振兴工作”。"),
    ("groups", "各镇、街道 =", "[groups] 中“各镇、街道”没有列出任何单位：请用顿号分隔列出，或删除这一行。"),
    ("aliases", "区相关部门 =", "[aliases] 中“区相关部门”没有写对应的名称：请写成“区相关部门 = 规范名称”。"),
])
def test_bad_config_values(tmp_path, section, line, message):
    path = _config_with(tmp_path, section, line)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value) == f"配置文件 {path} 的 {message}"


def test_config_with_bom_and_relative_paths(tmp_path):
    text = (ROOT / "config.ini").read_text(encoding="utf-8")
    (tmp_path / "config.ini").write_bytes("\ufeff".encode("utf-8") + text.encode("utf-8"))
    config = load_config(tmp_path / "config.ini")
    assert config.table == tmp_path.resolve() / "templates" / "责任分解表.xlsx"
    assert config.departments.groups["各镇、街道"][:2] == ["春江镇", "孟河镇"]
    assert config.form_title(Period(2010, 11)) == "2010年11月区质量振兴工作推进情况填报表"


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


@pytest.mark.parametrize("name, safe", [
    ("质监分局", "质监分局"),
    ("各镇、街道", "各镇、街道"),
    ('a/b\\c:d*e?f"g<h>i|j', "a_b_c_d_e_f_g_h_i_j"),
    ("CON", "CON_"),
    ("nul.txt", "nul.txt_"),
    ("单位. ", "单位"),
    ("", "_"),
    ("局" * 200, "局" * 75),
])
def test_safe_filename(name, safe):
    assert safe_filename(name, ".xlsx") == safe + ".xlsx"
    assert not re.search(r'[<>:"/\\|?*]', safe_filename(name))
