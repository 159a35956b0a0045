"""bandit finds no medium or high severity issue in the application code."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bandit_reports_no_medium_or_high_issue():
    run = subprocess.run(  # noqa: S603 - our own interpreter and a fixed command
        [sys.executable, "-m", "bandit", "-r", "vrijstad", "-ll", "-f", "json", "-q"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(run.stdout)
    found = [
        f"{r['filename']}:{r['line_number']} {r['test_id']} {r['issue_text']}"
        for r in report["results"]
    ]
    assert found == []
    assert report["metrics"]["_totals"]["loc"] > 1000  # it really scanned the code
