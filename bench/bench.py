"""Performance at scale, measured side by side.

Builds a synthetic table of N tasks and R recipients (each answering for K tasks),
generates the forms, fills them as departments would, and times each stage in a fresh
process (wall time of the core call, and peak memory of the process and its workers):

    generate · collect · collect again (nothing new) · consolidate · report (Word, no PDF)

In the same run it reads the same returns the naive way (a loop of pandas.read_excel
with its default openpyxl engine) and with python-calamine alone, and prints the ratios
against the targets. Run it from the repository root:

    python bench/bench.py                      # R = 1,000 returns of 25 tasks, 500-task report
    python bench/bench.py --tasks 20 --recipients 8 --quick    # the smoke run the tests use
"""

import argparse
import dataclasses
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

TARGETS = {"naive_ratio": 8.0, "calamine_ratio": 3.0, "generate_s": 5.0, "report_s": 3.0, "recollect_s": 1.0}


def peak_mb():
    """Peak resident memory of this process and its finished children, in MB; NaN where not measurable."""
    try:
        import resource  # POSIX only
    except ImportError:
        return float("nan")
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    return max(own, kids) / scale


# ---------------------------------------------------------------------------
# Setting up

def build_workdir(workdir, tasks, recipients, per_recipient):
    """A tool folder with a synthetic table: task i is answered by ``per_recipient * R / N`` recipients."""
    from dutytable.model import Table, Task
    from dutytable.table import write_table

    workdir.mkdir(parents=True, exist_ok=True)
    text = (ROOT / "config.ini").read_text(encoding="utf-8")
    text = text.replace("settle_seconds = 3", "settle_seconds = 0")
    (workdir / "config.ini").write_text(text, encoding="utf-8")
    (workdir / "templates").mkdir(exist_ok=True)
    shutil.copy(ROOT / "templates" / "附件模板.docx", workdir / "templates" / "附件模板.docx")
    names = [f"单位{j:04d}" for j in range(recipients)]
    assigned = {i: [] for i in range(tasks)}
    for j in range(recipients):
        for k in range(per_recipient):
            assigned[(j * per_recipient + k) % tasks].append(names[j])
    rows = []
    for i in range(tasks):
        members = assigned[i] or [names[i % recipients]]
        seq = i // max(tasks // 10, 1) + 1
        rows.append(Task(task_id=f"T{i:05d}", seq=seq, category=f"类别{seq}", item=f"工作内容{i}",
                         target=f"目标{i}：完成年度任务指标，合格率≥92%，新增示范单位3家。" * 2,
                         leads=(members[0],), partners=tuple(members[1:]), leads_text=members[0],
                         partners_text="、".join(members[1:])))
    write_table(Table(tasks=rows), workdir / "templates" / "责任分解表.xlsx")
    (workdir / "inbox").mkdir(exist_ok=True)
    (workdir / "outbox").mkdir(exist_ok=True)


def fill_returns(workdir, period):
    """Every recipient's form, filled (built with its answers), dropped into inbox/ and aged."""
    from dutytable.config import load_config
    from dutytable.forms import FILLER_LABEL, PHONE_LABEL, FormFill, build_form, specs_for
    from dutytable.schema import H_IND_VALUE
    from dutytable.table import load_table

    config = load_config(workdir / "config.ini")
    table = load_table(config.table, config.departments)
    old = time.time() - 3600
    paths = []
    for n, spec in enumerate(specs_for(table, config, period)):
        fill = FormFill(header={FILLER_LABEL: "张三", PHONE_LABEL: "0519-85000000"},
                        rows={row.task_id: {"status": "正常推进", "problems": "", "plans": "继续推进",
                                            "progress": f"{spec.recipient}：本月推进{row.task_id}，完成80%。"}
                              for row in spec.rows},
                        indicators={ind[0]: {H_IND_VALUE: "93%"} for ind in spec.indicators})
        path = config.inbox / f"{spec.recipient}_{period}填报表.xlsx"
        path.write_bytes(build_form(dataclasses.replace(spec, fill=fill)))
        os.utime(path, (old + n, old + n))
        paths.append(path)
    return paths


# ---------------------------------------------------------------------------
# Stages, each run in a fresh process

def stage(name, workdir, period):
    # Imports first, outside the timing: every stage is timed on its work alone.
    import pandas as pd
    import python_calamine
    from dutytable.config import load_config
    from dutytable.consolidate import consolidate
    from dutytable.forms import generate
    from dutytable.inbox import Collector
    from dutytable.model import Period
    from dutytable.report import make_report
    from dutytable.table import load_table

    period = Period.parse(period)
    config = load_config(workdir / "config.ini")
    table = load_table(config.table, config.departments)
    started = time.perf_counter()
    if name == "generate":
        generate(table, config, period, force=True)
    elif name in ("collect", "recollect"):
        result = Collector(config, table, settle_seconds=0).run(period)
        assert not result.missing or name == "recollect", result.missing[:3]
    elif name == "consolidate":
        consolidate(config, table, period)
    elif name == "report":
        make_report(config, table, period, today=dt.date.today(), pdf=False)
    elif name == "naive":
        for path in sorted(Path(os.environ["BENCH_FILES"]).glob("*.xlsx")):
            pd.read_excel(path, sheet_name=None)
    elif name == "calamine":
        for path in sorted(Path(os.environ["BENCH_FILES"]).glob("*.xlsx")):
            book = python_calamine.CalamineWorkbook.from_path(str(path))
            for sheet in book.sheet_names:
                book.get_sheet_by_name(sheet).to_python()
    elapsed = time.perf_counter() - started
    print(json.dumps({"stage": name, "seconds": elapsed, "peak_mb": peak_mb()}))


def run_stage(name, workdir, period, env=None):
    out = subprocess.run([sys.executable, __file__, "--stage", name, "--workdir", str(workdir), "--period", period],
                         capture_output=True, text=True, encoding="utf-8", env={**os.environ, **(env or {})},
                         check=False)
    if out.returncode != 0:
        raise SystemExit(f"stage {name} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", type=int, default=500, help="tasks in the synthetic table (default 500)")
    parser.add_argument("--recipients", type=int, default=1000, help="recipients, one return each (default 1000)")
    parser.add_argument("--per-recipient", type=int, default=25, help="tasks per recipient (default 25)")
    parser.add_argument("--quick", action="store_true", help="skip the memory comparison run (smoke test)")
    parser.add_argument("--stage", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    parser.add_argument("--period", default="2010-11", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage:
        return stage(args.stage, Path(args.workdir), args.period)

    from dutytable.model import Period
    period = Period.parse(args.period)
    per = min(args.per_recipient, args.tasks)
    results = {}
    with tempfile.TemporaryDirectory(prefix="dutytable-bench-") as tmp:
        workdir = Path(tmp) / "tool"
        build_workdir(workdir, args.tasks, args.recipients, per)
        results["generate"] = run_stage("generate", workdir, str(period))
        paths = fill_returns(workdir, period)
        copies = Path(tmp) / "copies"
        copies.mkdir()
        for p in paths:
            shutil.copy2(p, copies / p.name)
        size = sum(p.stat().st_size for p in paths)
        largest = max(p.stat().st_size for p in paths)
        results["naive"] = run_stage("naive", workdir, str(period), {"BENCH_FILES": str(copies)})
        results["calamine"] = run_stage("calamine", workdir, str(period), {"BENCH_FILES": str(copies)})
        results["collect"] = run_stage("collect", workdir, str(period))
        results["recollect"] = run_stage("recollect", workdir, str(period))
        results["consolidate"] = run_stage("consolidate", workdir, str(period))
        results["report"] = run_stage("report", workdir, str(period))
        memory = None
        if not args.quick and args.recipients >= 8:
            quarter = Path(tmp) / "quarter"
            build_workdir(quarter, args.tasks, args.recipients // 4, per)
            fill_returns(quarter, period)
            memory = run_stage("collect", quarter, str(period))

    r = args.recipients
    print(f"dutytable bench — {platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.system()} {platform.machine()}")
    print(f"table: {args.tasks} tasks, {r} recipients × {per} tasks; returns: {r} files, "
          f"{size / 1e6:.1f} MB, largest {largest / 1e3:.0f} kB")
    print()
    print(f"{'stage':<34}{'seconds':>9}{'peak MB':>10}")
    labels = {"generate": f"generate {r} forms", "naive": f"naive: pandas.read_excel × {r}",
              "calamine": f"python-calamine alone × {r}", "collect": f"collect {r} returns",
              "recollect": "collect again, nothing new", "consolidate": "consolidate",
              "report": f"report ({args.tasks} tasks, Word)"}
    for key, label in labels.items():
        print(f"{label:<34}{results[key]['seconds']:>9.2f}{results[key]['peak_mb']:>10.0f}")
    both = results["collect"]["seconds"] + results["consolidate"]["seconds"]
    naive_ratio = results["naive"]["seconds"] / both
    calamine_ratio = both / results["calamine"]["seconds"]
    print()
    print(f"collect + consolidate: {both:.2f} s")
    secs = {name: results[name]["seconds"] for name in results}
    checks = [
        (f"naive read / (collect + consolidate) = {naive_ratio:.1f}×", naive_ratio >= TARGETS["naive_ratio"],
         f"target ≥ {TARGETS['naive_ratio']:.0f}×"),
        (f"(collect + consolidate) / calamine alone = {calamine_ratio:.2f}×",
         calamine_ratio <= TARGETS["calamine_ratio"],
         f"target ≤ {TARGETS['calamine_ratio']:.0f}×"),
        (f"generate {r} forms = {secs['generate']:.2f} s", secs["generate"] < TARGETS["generate_s"],
         f"target < {TARGETS['generate_s']:.0f} s"),
        (f"report of {args.tasks} tasks = {secs['report']:.2f} s", secs["report"] < TARGETS["report_s"],
         f"target < {TARGETS['report_s']:.0f} s"),
        (f"collect again = {secs['recollect']:.3f} s", secs["recollect"] < TARGETS["recollect_s"],
         f"target < {TARGETS['recollect_s']:.0f} s"),
    ]
    if memory:
        growth = results["collect"]["peak_mb"] / memory["peak_mb"]
        checks.append((f"collect peak memory, {r} vs {r // 4} returns = {results['collect']['peak_mb']:.0f} / "
                       f"{memory['peak_mb']:.0f} MB = {growth:.2f}×", growth < 1.5,
                       "target: flat (< 1.5× for 4× the files)"))
    for text, ok, target in checks:
        print(f"  {'ok  ' if ok else 'MISS'} {text}   ({target})")
    print(f"targets met: {sum(ok for _, ok, _ in checks)} of {len(checks)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
