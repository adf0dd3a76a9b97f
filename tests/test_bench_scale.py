"""`python -m bench.scale` reads its own options from the main suite's BENCH_ARGS and ignores the rest."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import scale


def test_quick_sizes_and_the_main_suite_s_options_ignored():
    options = scale.parse(
        ["--quick", "--responses", "5000", "--output", "/tmp/main.json", "--engines", "sqlite"]
    )
    assert options.quick and options.export_rows == 20_000 and options.large == (200, 20)
    assert options.engines == ("sqlite",)
    assert options.output == scale.RESULTS  # the main suite's --output is its own file


def test_full_sizes_are_the_issue_s():
    options = scale.parse([])
    assert (options.export_rows, options.large, options.small) == (1_000_000, (1_000, 50), (10, 5))
    assert scale.parse(["--scale-output", "x.json"]).output == Path("x.json")


@pytest.mark.parametrize("argv", [["--engines", "oracle"], ["--export-rows", "10"], ["--repeats", "0"]])
def test_bad_options_are_refused(argv):
    with pytest.raises(SystemExit):
        scale.parse(argv)
