"""The drills' record and summary table (tests/drills/results.py): runs in every leg, no services."""

import json

from tests.drills import results


def test_each_drill_appends_one_json_line_and_the_table_shows_them(tmp_path, monkeypatch, capsys):
    path = tmp_path / "drills" / "results.jsonl"
    monkeypatch.setenv(results.RESULTS_ENV, str(path))
    results.record("a. worker killed", steps=600, fired=600, duplicates=0, lost=0, seconds=12.34, fired_at_kill=274)
    results.record("e. burst", steps=10, fired=9, duplicates=1, lost=1, seconds=3, verify_audit="ok")

    rows = [json.loads(line) for line in path.read_text().splitlines()]
    assert [r["drill"] for r in rows] == ["a. worker killed", "e. burst"]
    assert rows[0]["seconds"] == 12.3 and rows[0]["passed"] is True
    assert rows[1]["passed"] is False  # one lost, one twice

    assert results.main([str(path)]) == 1  # a failed drill fails the summary step too
    table = capsys.readouterr().out.splitlines()
    assert table[0] == "| drill | steps | fired | duplicates | lost | seconds | verify_audit | passed | notes |"
    assert table[2] == "| a. worker killed | 600 | 600 | 0 | 0 | 12.3 |  | True | fired_at_kill=274 |"
    assert table[3].startswith("| e. burst | 10 | 9 | 1 | 1 | 3 | ok | False |")


def test_no_results_is_a_failure_not_an_empty_table(tmp_path, capsys):
    assert results.main([str(tmp_path / "none.jsonl")]) == 1
    assert "No drill results" in capsys.readouterr().out
