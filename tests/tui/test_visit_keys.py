"""The person's path of issue #11, run for real: benchmarks/visit_keys.py drives ``fieldapp`` in tmux, logs a
return visit and a first visit, reads both back from disk and fails when a visit is wrong or the return visit takes
more than 15 keys. Here it must pass and print its count (the time it prints is not judged)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "visit_keys.py"


def test_a_return_visit_takes_at_most_15_keys_in_the_real_app_in_tmux() -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--size", "80x24"], capture_output=True, text=True, timeout=240
    )
    assert done.returncode == 0, done.stdout + done.stderr
    found = re.findall(r"^(return visit|first visit).*?: (\d+) keys.*\n  (.*)$", done.stdout, re.M)
    paths = {label: (int(n), keys.split()) for label, n, keys in found}
    assert set(paths) == {"return visit", "first visit"}, done.stdout
    count, keys = paths["return visit"]
    assert count == len(keys) and count <= 15, done.stdout
    # the carried-over seasonal workers and managers are what a return visit saves: two values fewer to type
    assert keys.count("[Tab]") == 2 and paths["first visit"][1].count("[Tab]") == 4, done.stdout
