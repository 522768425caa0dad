"""The balance benchmark runs end to end on one frame with the project's design and prints its verdicts."""

from __future__ import annotations

from bench import bench_balance


def test_bench_runs_and_prints_the_targets(capsys):
    assert bench_balance.main(["--draws", "3", "--frames", "few_commercial", "--pi-check", "20"]) == 0
    out = capsys.readouterr().out
    assert "| LPM2 per stratum |" in out and "| project " in out
    assert "pi check, 20 draws" in out
    for target in ("quota held in 100 % of draws", "min(n, T) townships", "x LPM2 per stratum"):
        assert any(line.startswith(("PASS: ", "FAIL: ")) and target in line for line in out.splitlines())
