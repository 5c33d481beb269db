"""Time an export against its floor in fresh processes, with each process's own peak memory.

Each measurement runs `python SCRIPT ARGS...` under `/usr/bin/time` (Debian package `time`),
which reads the child's peak resident size as the child exits. Read in the child, or through
RUSAGE_CHILDREN from the process that has loaded Django and the data, it would include that
parent's size at fork (STACK.md). The modes alternate over ROUNDS rounds, so that a busy spell
of a shared machine falls on each alike, and the medians are reported: the wall time of the
export alone (Django's start-up excluded), its CPU time, and the peak memory.

The floor is the same rows written raw (no styles, no layout) by plain openpyxl write-only
mode into the same sheets as the export's: one sheet per branch and the summary, where the
official template asks for a sheet per branch, since openpyxl itself spends a temporary file,
a sheet object and its parts on each sheet. A benchmark of such a workbook also runs the
mode `one-sheet` (the same rows in a single sheet), printed for information.
"""

from __future__ import annotations

import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable

ROUNDS = int(os.environ.get("ROUNDS", "5"))


def timed(write: Callable[[], int]) -> None:
    """In the child: run `write` (which returns the file's size) and print what it took as JSON."""
    wall, cpu = time.perf_counter(), time.process_time()
    size = write()
    seconds, cpu_seconds = time.perf_counter() - wall, time.process_time() - cpu
    print(json.dumps({"seconds": seconds, "cpu_seconds": cpu_seconds, "bytes": size}))


def run_once(script: str, *args: str) -> dict:
    with tempfile.NamedTemporaryFile("r") as peak:
        output = subprocess.run(
            ["/usr/bin/time", "-f", "%M", "-o", peak.name, sys.executable, script, *args],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        peak_kb = int(peak.read().split()[-1])
    return json.loads(output.strip().splitlines()[-1]) | {"peak_mb": peak_kb / 1024}


def compare(script: str, *args: str, modes=("floor", "ours"), rounds: int = ROUNDS) -> dict[str, dict]:
    """The median of each figure per mode, the modes run as `script MODE ARGS...` in turn."""
    runs: dict[str, list[dict]] = {mode: [] for mode in modes}
    for _round in range(rounds):
        for mode in modes:
            runs[mode].append(run_once(script, mode, *args))
    return {
        mode: {key: statistics.median(run[key] for run in results) for key in results[0]}
        for mode, results in runs.items()
    }


MULTI_SHEET = ("one-sheet", "floor", "ours")


def _against(name: str, ours: dict, floor: dict) -> str:
    return (
        f"{name} {floor['seconds']:.2f} s (CPU {floor['cpu_seconds']:.2f} s), {floor['peak_mb']:.0f} MB peak; "
        f"ratio {ours['seconds'] / floor['seconds']:.2f}x (CPU {ours['cpu_seconds'] / floor['cpu_seconds']:.2f}x)"
    )


def summary(label: str, results: dict[str, dict], rounds: int = ROUNDS) -> str:
    ours = results["ours"]
    multi = "one-sheet" in results
    text = (
        f"{label}: ours {ours['seconds']:.2f} s (CPU {ours['cpu_seconds']:.2f} s), "
        f"{ours['peak_mb']:.0f} MB peak, {ours['bytes'] // 1024} KB; "
        + _against("plain write-only floor" + (", same sheets," if multi else ""), ours, results["floor"])
    )
    if multi:
        text += "; [for information] " + _against("one-sheet floor", ours, results["one-sheet"])
    return text + f"; medians of {rounds} interleaved rounds"


def one_sheet_floor(rows) -> int:
    """The floor of a ledger: its rows written raw by openpyxl in write-only mode, one sheet."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return len(buffer.getvalue())


def same_sheets_floor(rows) -> int:
    """The floor of a ledger of one sheet per branch: `rows` of (branch id, branch name, *values)
    in the branches' order, written raw into a sheet each, after a summary sheet filled last
    with each branch's count, as the ledger's own summary is."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    summary = workbook.create_sheet("汇总")
    counts: dict[str, int] = {}
    current = sheet = None
    for unit_id, name, *values in rows:
        if unit_id != current:
            current = unit_id
            sheet = workbook.create_sheet(f"S{len(counts) + 1}")
            counts[name] = 0
        sheet.append(values)
        counts[name] += 1
    for name, count in counts.items():
        summary.append([name, count])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return len(buffer.getvalue())
