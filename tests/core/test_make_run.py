"""`make run` scans for reminders without Redis: once at start, then beside the server, until Ctrl-C."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Stands in for manage.py: records each command; "runserver" serves until interrupted.
STUB = """#!/bin/sh
echo "$1" >> "$LOG"
[ "$1" = runserver ] && sleep 30
exit 0
"""


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_run_scans_at_start_and_while_serving_and_stops_with_ctrl_c(tmp_path):
    manage, log = tmp_path / "manage.sh", tmp_path / "log"
    manage.write_text(STUB)
    manage.chmod(0o755)
    make = subprocess.Popen(
        # -o install: the recipe of `run` only, not the installation it depends on.
        ["make", "-s", "-f", ROOT / "Makefile", "-C", tmp_path, "-o", "install", "run"]
        + [f"MANAGE={manage}", "REMINDER_EVERY=1"],
        env={**os.environ, "LOG": str(log)},
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(3.5)
    os.killpg(make.pid, signal.SIGINT)  # what Ctrl-C sends to the terminal's foreground group
    make.wait(timeout=10)
    commands = log.read_text().split()
    assert commands[:4] == ["migrate", "seed_demo", "send_reminders", "runserver"]
    assert commands[4:].count("send_reminders") >= 2  # the loop scanned while the server ran
    time.sleep(2.5)
    assert log.read_text().split() == commands  # and stopped with it
    leftovers = subprocess.run(["ps", "-o", "pid=", "-g", str(make.pid)], capture_output=True, text=True)
    assert leftovers.stdout.strip() == ""
