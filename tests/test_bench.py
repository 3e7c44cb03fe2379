"""The bench stays runnable: a tiny run of bench/bench.py in the suite (figures are not asserted)."""

import subprocess
import sys

from conftest import ROOT


def test_bench_smoke_run_prints_every_stage_and_ratio():
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "bench.py"),
            "--tasks",
            "12",
            "--recipients",
            "6",
            "--per-recipient",
            "4",
            "--quick",
            "--light-runs",
            "1",
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[1] == "table: 12 tasks, 6 recipients × 4 tasks; returns: 6 files, " + lines[1].split("files, ")[1]
    stages = [line.split("  ")[0].strip() for line in lines[4:13]]
    assert stages == [
        "generate 6 forms",
        "naive: pandas.read_excel × 6",
        "read floor: calamine, 3 sheets, 2 processes",
        "collect 6 returns",
        "collect again, nothing new",
        "consolidate",
        "write floor: bare XlsxWriter, same cells",
        "report (12 tasks, Word)",
        "collect, every return 待补正",
    ]
    verdicts = [line.strip()[:4] for line in lines if line.strip().startswith(("PASS", "FAIL"))]
    assert len(verdicts) == 6
    assert any("(collect + consolidate) / floor = " in line for line in lines)
    memory = next(line for line in lines if line.startswith("consolidate memory: peak "))
    assert memory.endswith(" kB per 明细 row (24 rows)")
    first = next(line for line in lines if line.startswith("first round: each marked copy adds "))
    assert first.endswith("× (clean collect + generating the same forms)")
    lights = next(line for line in lines if line.startswith("预警 lights (with 序时进度): consolidate + report "))
    assert " s on, " in lights and " s off (CPU, best of 1): " in lights and lights.endswith(" s off")
    assert any("lights on / off (consolidate + report, CPU) = " in line for line in lines)
    assert lines[-1].startswith("targets met: ") and lines[-1].endswith(" of 6")
