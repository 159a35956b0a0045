"""bench/lighthouse.py skips cleanly where Node, Chromium or the lighthouse package is missing."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_without_node_it_says_skipped_and_exits_0(tmp_path):
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "lighthouse.py")],
        env={"PATH": str(tmp_path), "CHROME_PATH": "/usr/bin/chromium"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    [line] = done.stdout.splitlines()
    assert json.loads(line) == {"bench": "lighthouse", "skipped": True, "reason": "node is missing"}


def test_without_chromium_it_says_skipped_and_exits_0(tmp_path):
    node = tmp_path / "node"
    node.write_text("#!/bin/sh\n")
    node.chmod(0o755)
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "lighthouse.py")],
        env={"PATH": str(tmp_path), "CHROME_PATH": str(tmp_path / "no-chromium")},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["skipped"] is True
    assert "chromium" in json.loads(done.stdout)["reason"]
