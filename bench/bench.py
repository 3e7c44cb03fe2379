"""Performance at scale, against the physical floor of the job, measured in the same run.

Builds a synthetic table of N tasks and R recipients (each answering for K tasks),
generates the forms, fills them as departments would, and times each stage in a fresh
process (wall time of the core call, and peak memory of the process and its workers):

    generate · collect · collect again (nothing new) · consolidate · report (Word, no PDF)
    · collect when every return is 待补正 (first round) · collect with 1 and 2 workers, fork and spawn
    · collect's peak memory with 300 and with 3,000 returns against one table of 3,000 recipients
    · consolidate + report with the 预警 lights (and 序时进度) on and off, best of 5 each, alternating

Beside the tool it measures two floors: reading the three sheets the collector needs from
every return with python-calamine on 2 processes (read floor), and writing exactly the
cells and formats of the consolidated workbook with bare XlsxWriter (write floor: the
tool's workbook is read back and written again by :func:`write_floor`). Targets (#16) are
printed with PASS or FAIL. Run it from the repository root:

    python bench/bench.py                      # R = 1,000 returns of 25 tasks, 500-task report
    python bench/bench.py --scale              # also R = 300, 3,000 and 10,000 (cost per return)
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

TARGETS = {
    "floor_ratio": 1.5,
    "fix_ratio": 1.5,
    "memory_ratio": 1.2,
    "generate_s": 5.0,
    "report_s": 3.0,
    "recollect_s": 1.0,
    "lights_ratio": 1.05,
}
LIGHT_RUNS = 5  # consolidate + report, lights on and off alternately: the best of each
# Collect's memory: one table of 3,000 recipients, with 300 and with 3,000 returns.
MEMORY_TABLE, MEMORY_RETURNS = 3000, (300, 3000)
NEEDED_SHEETS = ("填报表", "指标填报", "表单信息")  # what the collector reads of a return


def peak_mb():
    """Peak resident memory of this process and its finished children, in MB; NaN where not measurable.

    This process's own peak is read from /proc where there is one: Linux keeps ``ru_maxrss`` across
    exec, so there it would include the bench's own memory at the moment it started the stage.
    """
    try:
        import resource  # POSIX only
    except ImportError:
        return float("nan")
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            own = next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))  # kB
        scale = 1024
    except (OSError, StopIteration):
        pass
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, kids) / scale


# ---------------------------------------------------------------------------
# Setting up


def build_workdir(workdir, tasks, recipients, per_recipient):
    """A tool folder with a synthetic table: task i is answered by ``per_recipient * R / N`` recipients."""
    from dutytable.master import write_table
    from dutytable.model import Table, Task

    workdir.mkdir(parents=True, exist_ok=True)
    text = (ROOT / "templates" / "演示" / "config.ini").read_text(encoding="utf-8")  # the seed's identity
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
        rows.append(
            Task(
                task_id=f"T{i:05d}",
                seq=seq,
                category=f"类别{seq}",
                item=f"工作内容{i}",
                target=f"目标{i}：完成年度任务指标，合格率≥92%，新增示范单位3家。" * 2,
                leads=(members[0],),
                partners=tuple(members[1:]),
                leads_text=members[0],
                partners_text="、".join(members[1:]),
            )
        )
    write_table(Table(tasks=rows), workdir / "templates" / "责任分解表.xlsx")
    (workdir / "inbox").mkdir(exist_ok=True)
    (workdir / "outbox").mkdir(exist_ok=True)


def fill_returns(workdir, period, faulty=False, limit=None):
    """Every recipient's form (the first ``limit`` recipients' only, if given), filled (built with its answers),
    dropped into inbox/ and aged.

    With ``faulty`` every return leaves 填报人 and 联系电话 empty: each is 待补正 and gets a marked copy.
    """
    from dutytable.config import load_config
    from dutytable.distribute import specs_for
    from dutytable.forms import FILLER_LABEL, PHONE_LABEL, FormFill, build_form
    from dutytable.master import load_table
    from dutytable.schema import H_IND_VALUE

    config = load_config(workdir / "config.ini")
    table = load_table(config.table, config.departments)
    old = time.time() - 3600
    paths = []
    for n, spec in enumerate(specs_for(table, config, period)[:limit]):
        fill = FormFill(
            header={} if faulty else {FILLER_LABEL: "张三", PHONE_LABEL: "0519-85000000"},
            rows={
                row.task_id: {
                    "status": "正常推进",
                    "problems": "",
                    "plans": "继续推进",
                    "progress": f"{spec.recipient}：本月推进{row.task_id}，完成80%。",
                }
                for row in spec.rows
            },
            indicators={ind[0]: {H_IND_VALUE: "93%" if ind[4] == "%" else "1"} for ind in spec.indicators},
        )
        path = config.inbox / f"{spec.recipient}_{period}填报表.xlsx"
        path.write_bytes(build_form(dataclasses.replace(spec, fill=fill)))
        os.utime(path, (old + n, old + n))
        paths.append(path)
    return paths


# ---------------------------------------------------------------------------
# Stages, each run in a fresh process


def stage(name, workdir, period):
    # Imports first, outside the timing: every stage is timed on its work alone, and its memory includes
    # only what the tool itself imports (pandas only for the naive read).
    from dutytable.collect import Collector
    from dutytable.config import load_config
    from dutytable.consolidate import consolidate
    from dutytable.distribute import generate
    from dutytable.master import load_table
    from dutytable.model import Period
    from dutytable.report import make_report

    if name == "naive":
        import pandas as pd
    period = Period.parse(period)
    config = load_config(workdir / "config.ini")
    table = load_table(config.table, config.departments)
    workers = int(os.environ["BENCH_WORKERS"]) if os.environ.get("BENCH_WORKERS") else None
    set_up_from_environment()
    files = sorted(Path(os.environ.get("BENCH_FILES", workdir)).glob("*.xlsx"))
    started, started_cpu = time.perf_counter(), time.process_time()
    if name == "baseline":  # the process with the tool imported and the table loaded: what every stage starts from
        pass
    elif name == "generate":
        generate(table, config, period, force=True)
    elif name in ("collect", "recollect"):
        result = Collector(config, table, settle_seconds=0, workers=workers).run(period)
        assert not result.missing or name == "recollect" or os.environ.get("BENCH_PARTIAL"), result.missing[:3]
    elif name == "consolidate":
        consolidate(config, table, period)
    elif name == "report":
        make_report(config, table, period, today=dt.date.today(), pdf=False)
    elif name == "naive":
        for path in files:
            pd.read_excel(path, sheet_name=None)
    elif name == "read_floor":
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=2) as pool:
            list(pool.map(read_needed, files, chunksize=32))
    elif name == "write_floor":
        elapsed = write_floor(Path(os.environ["BENCH_CONSOLIDATED"]), workdir / "floor.xlsx")
        print(json.dumps({"stage": name, "seconds": elapsed, "peak_mb": peak_mb()}))
        return
    elapsed = time.perf_counter() - started
    print(
        json.dumps({"stage": name, "seconds": elapsed, "cpu": time.process_time() - started_cpu, "peak_mb": peak_mb()})
    )


def set_up_from_environment():
    """What a stage's environment asks for: the pool's start method (BENCH_START), the lights off (BENCH_LIGHTS)."""
    if os.environ.get("BENCH_START"):
        import multiprocessing

        multiprocessing.set_start_method(os.environ["BENCH_START"], force=True)
    if os.environ.get("BENCH_LIGHTS") == "off":
        lights_off()


def lights_off():
    """The 预警 switched off where the summary is made: every task 绿灯 without a rule judged, no 序时进度 worked
    out (so no 预警通报 either). What consolidate and report cost without the lights."""
    from dutytable.summary import summarize
    from dutytable.warning import LIGHT_GREEN

    where = sys.modules[summarize.__module__]
    where.light = lambda *args, **kwargs: LIGHT_GREEN
    where.pace_of = lambda *args, **kwargs: None


def light_runs(workdir, period, runs):
    """{(state, clock): seconds} for state "on" and "off" and clock "seconds" (wall) and "cpu" (the process's CPU
    time: steadier than the wall clock on a busy machine, and both stages run on one core): the best of ``runs``
    consolidate + report with the lights on, and off, run alternately."""
    best = {(state, clock): float("inf") for state in ("on", "off") for clock in ("seconds", "cpu")}
    for _ in range(runs):
        for state in ("on", "off"):
            env = {"BENCH_LIGHTS": state}
            results = [run_stage(name, workdir, str(period), env) for name in ("consolidate", "report")]
            for clock in ("seconds", "cpu"):
                best[state, clock] = min(best[state, clock], sum(r[clock] for r in results))
    return best


def read_needed(path):
    """The read floor for one return: python-calamine reading the sheets the collector needs."""
    import python_calamine

    book = python_calamine.CalamineWorkbook.from_path(str(path))
    for sheet in NEEDED_SHEETS:
        if sheet in book.sheet_names:
            book.get_sheet_by_name(sheet).to_python()


def write_floor(source, target):
    """Bare XlsxWriter writing the cells of the consolidated workbook ``source``, one format per column,
    every row's height set, merged titles and frozen headers as the tool writes them; returns the seconds.
    """
    import python_calamine
    import xlsxwriter

    book = python_calamine.CalamineWorkbook.from_path(str(source))
    sheets = [(name, book.get_sheet_by_name(name).to_python()) for name in book.sheet_names]
    started = time.perf_counter()
    wb = xlsxwriter.Workbook(
        str(target), {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}
    )
    base = {"font_name": "宋体", "font_size": 10, "valign": "top", "text_wrap": True, "border": 1}
    cell, head = wb.add_format(base), wb.add_format({**base, "bold": True, "bg_color": "#D9E1F2"})
    for name, rows in sheets:
        ws = wb.add_worksheet(name)
        width = max((len(r) for r in rows), default=1)
        ws.merge_range(0, 0, 0, max(width - 1, 1), str(rows[0][0]) if rows and rows[0] else name, head)
        for r, row in enumerate(rows[1:], start=1):
            ws.set_row(r, 30)
            for c, value in enumerate(row):
                if value == "" or value is None:
                    ws.write_blank(r, c, None, cell)
                elif isinstance(value, (int, float)):
                    ws.write_number(r, c, value, cell)
                else:
                    ws.write_string(r, c, str(value), head if r == 1 else cell)
        ws.freeze_panes(2, 0)
    wb.close()
    return time.perf_counter() - started


def run_stage(name, workdir, period, env=None):
    out = subprocess.run(
        [sys.executable, __file__, "--stage", name, "--workdir", str(workdir), "--period", period],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, **(env or {})},
        check=False,
    )
    if out.returncode != 0:
        raise SystemExit(f"stage {name} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(tmp, tasks, recipients, per, period, tag, faulty=False, extra=True, lights=LIGHT_RUNS):
    """Build a tool folder of ``recipients`` returns and time its stages (consolidate + report ``lights`` times
    with the lights on and off, with the others); returns {stage: result}."""
    workdir = Path(tmp) / tag
    build_workdir(workdir, tasks, recipients, per)
    results = {"generate": run_stage("generate", workdir, str(period))}
    paths = fill_returns(workdir, period, faulty=faulty)
    copies = Path(tmp) / f"{tag}-copies"
    copies.mkdir()
    for p in paths:
        shutil.copy2(p, copies / p.name)
    results["size"] = sum(p.stat().st_size for p in paths)
    results["largest"] = max(p.stat().st_size for p in paths)
    if extra:
        results["baseline"] = run_stage("baseline", workdir, str(period))
        results["read_floor"] = run_stage("read_floor", workdir, str(period), {"BENCH_FILES": str(copies)})
    results["collect"] = run_stage("collect", workdir, str(period))
    if extra:
        results["recollect"] = run_stage("recollect", workdir, str(period))
        results["consolidate"] = run_stage("consolidate", workdir, str(period))
        consolidated = next((workdir / "outbox" / str(period)).glob("*汇总表*.xlsx"))
        results["write_floor"] = run_stage(
            "write_floor", workdir, str(period), {"BENCH_CONSOLIDATED": str(consolidated)}
        )
        results["report"] = run_stage("report", workdir, str(period))
        results["lights"] = light_runs(workdir, period, lights)
    results["copies"] = copies
    return results


def memory_runs(tmp, tasks, per, period, recipients, sizes):
    """Collect's peak memory for each number of returns in ``sizes``, all against one table of ``recipients``
    recipients: what grows with the returns, the table's own size aside."""
    rows = []
    for n in sizes:
        workdir = Path(tmp) / f"memory-{n}"
        build_workdir(workdir, tasks, recipients, per)
        fill_returns(workdir, period, limit=n)
        rows.append((n, run_stage("collect", workdir, str(period), {"BENCH_PARTIAL": "1"})))
        shutil.rmtree(workdir)
    return rows


def pool_runs(tmp, tasks, per, period, sizes):
    """Collect time with 1 and 2 workers under fork and spawn, for each number of returns."""
    rows = []
    for n in sizes:
        row = {"returns": n}
        for start in ("fork", "spawn"):
            for workers in (1, 2):
                if start == "spawn" and workers == 1:
                    continue  # one worker runs in the parent: no pool, nothing spawned
                workdir = Path(tmp) / f"pool-{n}-{start}-{workers}"
                build_workdir(workdir, tasks, n, per)
                run_stage("generate", workdir, str(period))
                fill_returns(workdir, period)
                row[f"{start}-{workers}"] = run_stage(
                    "collect", workdir, str(period), {"BENCH_WORKERS": str(workers), "BENCH_START": start}
                )["seconds"]
        rows.append(row)
    return rows


def _print_series(memory, scale, pools):
    """The optional series: memory by returns, collect at scale, the worker pools."""
    if memory:
        print(
            f"collect memory, one table of {MEMORY_TABLE} recipients: "
            + "; ".join(f"{n} returns {res['peak_mb']:.0f} MB" for n, res in memory)
        )
    if scale:
        print("scale: returns, collect seconds, ms per return, peak MB")
        for n, res in scale:
            print(f"  {n:>6} {res['seconds']:>8.2f} {1000 * res['seconds'] / n:>8.2f} {res['peak_mb']:>8.0f}")
    if pools:
        print("pool: returns, collect seconds with 1 worker (fork), 2 workers fork, 2 workers spawn")
        for row in pools:
            print(f"  {row['returns']:>6} {row['fork-1']:>8.2f} {row['fork-2']:>8.2f} {row['spawn-2']:>8.2f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", type=int, default=500, help="tasks in the synthetic table (default 500)")
    parser.add_argument("--recipients", type=int, default=1000, help="recipients, one return each (default 1000)")
    parser.add_argument("--per-recipient", type=int, default=25, help="tasks per recipient (default 25)")
    parser.add_argument("--quick", action="store_true", help="only the main run (smoke test)")
    parser.add_argument("--scale", action="store_true", help="also R = 300, 3,000 and 10,000")
    parser.add_argument(
        "--light-runs",
        type=int,
        default=LIGHT_RUNS,
        help=f"consolidate + report runs, lights on and off, the best kept (default {LIGHT_RUNS})",
    )
    parser.add_argument("--stage", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    parser.add_argument("--period", default="2010-11", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage:
        return stage(args.stage, Path(args.workdir), args.period)

    from dutytable.model import Period

    period = Period.parse(args.period)
    per = min(args.per_recipient, args.tasks)
    r = args.recipients
    with tempfile.TemporaryDirectory(prefix="dutytable-bench-") as tmp:
        results = measure(tmp, args.tasks, r, per, period, "main", lights=args.light_runs)
        results["naive"] = run_stage("naive", Path(tmp) / "main", str(period), {"BENCH_FILES": str(results["copies"])})
        fix = measure(tmp, args.tasks, r, per, period, "faulty", faulty=True, extra=False)
        scale, pools, memory = [], [], []
        if not args.quick:
            memory = memory_runs(tmp, args.tasks, per, period, MEMORY_TABLE, MEMORY_RETURNS)
        if args.scale:
            for n in (300, 3000, 10000):
                scale.append((n, measure(tmp, args.tasks, n, per, period, f"scale-{n}", extra=False)["collect"]))
        if not args.quick:
            pools = pool_runs(tmp, args.tasks, per, period, (16, 48, 128, 512))

    print(
        f"dutytable bench — {platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.machine()}"
    )
    print(
        f"table: {args.tasks} tasks, {r} recipients × {per} tasks; returns: {r} files, "
        f"{results['size'] / 1e6:.1f} MB, largest {results['largest'] / 1e3:.0f} kB"
    )
    print()
    print(f"{'stage':<44}{'seconds':>9}{'peak MB':>10}")
    labels = {
        "generate": f"generate {r} forms",
        "naive": f"naive: pandas.read_excel × {r}",
        "read_floor": "read floor: calamine, 3 sheets, 2 processes",
        "collect": f"collect {r} returns",
        "recollect": "collect again, nothing new",
        "consolidate": "consolidate",
        "write_floor": "write floor: bare XlsxWriter, same cells",
        "report": f"report ({args.tasks} tasks, Word)",
    }
    for key, label in labels.items():
        print(f"{label:<44}{results[key]['seconds']:>9.2f}{results[key]['peak_mb']:>10.0f}")
    print(f"{'collect, every return 待补正':<44}{fix['collect']['seconds']:>9.2f}{fix['collect']['peak_mb']:>10.0f}")
    both = results["collect"]["seconds"] + results["consolidate"]["seconds"]
    floor = results["read_floor"]["seconds"] + results["write_floor"]["seconds"]
    secs = {name: results[name]["seconds"] for name in labels}
    print()
    print(
        f"collect + consolidate = {both:.2f} s; floor (read + write) = {floor:.2f} s; "
        f"naive read alone = {secs['naive']:.2f} s ({secs['naive'] / both:.1f}× the tool)"
    )
    rows = r * per
    grown = results["consolidate"]["peak_mb"] - results["baseline"]["peak_mb"]
    print(
        f"consolidate memory: peak {results['consolidate']['peak_mb']:.0f} MB, "
        f"{results['baseline']['peak_mb']:.0f} MB before it starts (tool imported, table loaded): "
        f"{grown * 1024 / rows:.2f} kB per 明细 row ({rows} rows)"
    )
    lights = results["lights"]
    lights_ratio = lights["on", "cpu"] / lights["off", "cpu"]
    print(
        f"预警 lights (with 序时进度): consolidate + report {lights['on', 'cpu']:.2f} s on, "
        f"{lights['off', 'cpu']:.2f} s off (CPU, best of {args.light_runs}): {100 * (lights_ratio - 1):+.1f} %; "
        f"wall {lights['on', 'seconds']:.2f} s on, {lights['off', 'seconds']:.2f} s off"
    )
    _print_series(memory, scale, pools)
    fix_ratio = fix["collect"]["seconds"] / results["collect"]["seconds"]
    extra = fix["collect"]["seconds"] - results["collect"]["seconds"]
    print(
        f"first round: each marked copy adds {1000 * extra / r:.2f} ms to collect (wall, 2 workers); "
        f"generating a form takes {1000 * secs['generate'] / r:.2f} ms; first round = "
        f"{fix['collect']['seconds'] / (results['collect']['seconds'] + secs['generate']):.2f}× "
        "(clean collect + generating the same forms)"
    )
    checks = [
        (
            f"(collect + consolidate) / floor = {both / floor:.2f}×",
            both / floor <= TARGETS["floor_ratio"],
            f"target ≤ {TARGETS['floor_ratio']}×",
        ),
        (
            f"first round, every return 待补正: collect / clean collect = {fix_ratio:.2f}×",
            fix_ratio <= TARGETS["fix_ratio"],
            f"target ≤ {TARGETS['fix_ratio']}×",
        ),
        (
            f"generate {r} forms = {secs['generate']:.2f} s",
            secs["generate"] < TARGETS["generate_s"],
            f"target < {TARGETS['generate_s']:.0f} s",
        ),
        (
            f"report of {args.tasks} tasks = {secs['report']:.2f} s",
            secs["report"] < TARGETS["report_s"],
            f"target < {TARGETS['report_s']:.0f} s",
        ),
        (
            f"collect again = {secs['recollect']:.3f} s",
            secs["recollect"] < TARGETS["recollect_s"],
            f"target < {TARGETS['recollect_s']:.0f} s",
        ),
        (
            f"lights on / off (consolidate + report, CPU) = {lights_ratio:.3f}×",
            lights_ratio < TARGETS["lights_ratio"],
            f"target < {TARGETS['lights_ratio']}×",
        ),
    ]
    if memory:
        small, large = memory[0][1]["peak_mb"], memory[-1][1]["peak_mb"]
        checks.append(
            (
                f"collect peak memory, {memory[-1][0]} vs {memory[0][0]} returns = "
                f"{large:.0f} / {small:.0f} MB = {large / small:.2f}×",
                large / small <= TARGETS["memory_ratio"],
                f"target ≤ {TARGETS['memory_ratio']}×",
            )
        )
    for text, ok, target in checks:
        print(f"  {'PASS' if ok else 'FAIL'} {text}   ({target})")
    print(f"targets met: {sum(ok for _, ok, _ in checks)} of {len(checks)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
