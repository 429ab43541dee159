"""`seed_demo` for the reports: the trend's past month-ends, computed now so the demo
dashboard shows a year of history without waiting for the nightly job."""

from __future__ import annotations

from reports.snapshots import snapshot_recent


def seed(*, stdout) -> None:
    rows = snapshot_recent()
    stdout.write(f"Reports demo: twelve month-ends computed ({rows} rows).")
