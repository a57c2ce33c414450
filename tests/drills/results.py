"""Each drill's numbers, one JSON object a line, and the markdown table `make drills` prints.

The file is KITBAG_DRILL_RESULTS (default var/drills/results.jsonl); `make drills` empties it
first. `python -m tests.drills.results [path]` prints the table.
"""

import json
import os
import sys
from pathlib import Path

from django.conf import settings

RESULTS_ENV = "KITBAG_DRILL_RESULTS"
COLUMNS = ("drill", "steps", "fired", "duplicates", "lost", "seconds", "verify_audit", "passed")


def results_path() -> Path:
    configured = os.environ.get(RESULTS_ENV)
    return Path(configured) if configured else Path(settings.BASE_DIR) / "var" / "drills" / "results.jsonl"


def record(drill: str, *, steps: int, fired: int, duplicates: int, lost: int, seconds: float, **extra) -> dict:
    """Append one drill's numbers (before its assertions, so a failed drill is in the table too)."""
    row = {
        "drill": drill,
        "steps": steps,
        "fired": fired,
        "duplicates": duplicates,
        "lost": lost,
        "seconds": round(seconds, 1),
        **extra,
    }
    row.setdefault("passed", fired == steps and not duplicates and not lost and extra.get("verify_audit", "ok") == "ok")
    path = results_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(row, sort_keys=True, default=str) + "\n")
    return row


def read(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def table(rows: list[dict]) -> str:
    """The rows as a markdown table: the standard columns, then any notes a drill added."""
    lines = ["| " + " | ".join(COLUMNS) + " | notes |", "|" + "---|" * (len(COLUMNS) + 1)]
    for row in rows:
        cells = [str(row.get(column, "")) for column in COLUMNS]
        notes = "; ".join(f"{k}={v}" for k, v in sorted(row.items()) if k not in COLUMNS)
        lines.append("| " + " | ".join(cells) + f" | {notes} |")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    path = Path(argv[0]) if argv else Path(os.environ.get(RESULTS_ENV, "var/drills/results.jsonl"))
    rows = read(path)
    if not rows:
        print(f"No drill results in {path}.")
        return 1
    print(table(rows))
    return 0 if all(row.get("passed") for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
