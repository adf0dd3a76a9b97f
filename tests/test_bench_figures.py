"""The benchmark's verdict: the goals of the chosen worker model decide `make bench`'s exit status."""

from __future__ import annotations

from bench import figures


def throughput(ratio: float, *, counted: bool = True) -> figures.Figure:
    found = figures.at_least("Submission throughput", "sqlite", ratio * 1000, 1000, "req/s", 0.7)
    return figures.Figure(**{**found.as_dict(), "counted": counted})


def test_a_missed_goal_of_the_chosen_model_fails_the_run():
    chosen, other = throughput(0.69), throughput(0.9, counted=False)
    assert figures.missed([chosen, other]) == [chosen]
    assert figures.rows([chosen])[0][-1] == "FAIL"


def test_a_model_not_chosen_is_shown_but_does_not_fail_the_run():
    below, above = throughput(0.65, counted=False), throughput(0.75, counted=False)
    assert figures.missed([below, above, throughput(0.71)]) == []
    assert [row[-1] for row in figures.rows([below, above])] == ["missed, not chosen", "met, not chosen"]
    assert "0.65x" in figures.markdown([below])
