"""The bench's load run (bench.load): how it spreads reporters over units, sums up latencies, sizes itself, and checks
that the database holds every save the server accepted, exactly once."""

from decimal import Decimal

import pytest

from bench.load import HIGHEST_NUMBER, latency_summary, reporters_spread, sizes
from bench.load_check import marks, saves_check
from reports.workflow.drafts import figure_save
from tests.ops.load import Outcome

from .reports.factories import indicator, period


def _by_unit(spread: list[tuple[int, int]]) -> dict[int, list[int]]:
    units: dict[int, list[int]] = {}
    for unit, number in spread:
        units.setdefault(unit, []).append(number)
    return units


def test_reporters_come_two_to_a_unit_with_numbers_of_their_own():
    spread = reporters_spread(count=200, units=200)

    units = _by_unit(spread)
    assert len(units) == 100 and all(len(numbers) == 2 for numbers in units.values())
    assert all(len(set(numbers)) == len(numbers) for numbers in units.values())
    # Typed as <number>.<sequence>, a rate stays below the synthetic rates (60-100) and is a percentage.
    assert all(1 <= number <= HIGHEST_NUMBER < 60 for _, number in spread)


def test_reporters_crowd_the_units_there_are_when_too_few():
    units = _by_unit(reporters_spread(count=10, units=3))

    assert sorted(len(numbers) for numbers in units.values()) == [3, 3, 4]
    assert all(len(set(numbers)) == len(numbers) for numbers in units.values())


def test_reporters_spread_refuses_more_colleagues_than_numbers():
    with pytest.raises(ValueError, match="more than 59 to a unit"):
        reporters_spread(count=120, units=2)


def test_the_overall_p95_leaves_the_sign_ins_out():
    summary = latency_summary(
        {"sheet": [0.1] * 19 + [0.5], "home": [0.2], "sign-in": [9.0] * 50}, elapsed=10, requests=70
    )

    assert summary["p95_ms"] == pytest.approx(200) and summary["timed"] == 21
    assert summary["pages"]["sheet"]["p95_ms"] == pytest.approx(100)
    assert summary["pages"]["sheet"]["max_ms"] == pytest.approx(500)
    assert summary["pages"]["sign-in"]["n"] == 50 and summary["per_s"] == 7


def test_a_request_left_unanswered_counts_as_long_as_the_client_waited():
    summary = latency_summary({"sheet": [0.1] * 18}, elapsed=10, requests=20, unanswered=2)

    assert summary["p95_ms"] == pytest.approx(120_000) and summary["timed"] == 20


def test_the_load_run_shrinks_with_the_scale_and_the_environment_overrides_it(monkeypatch):
    for name in ("LOAD_REPORTERS", "LOAD_OFFICE", "LOAD_SECONDS", "LOAD_THINK"):
        monkeypatch.delenv(name, raising=False)
    assert (sizes(1)["reporters"], sizes(1)["office"], sizes(1)["seconds"]) == (200, 20, 120)
    assert (sizes(0.02)["reporters"], sizes(0.02)["office"], sizes(0.02)["seconds"]) == (4, 2, 15)
    monkeypatch.setenv("LOAD_SECONDS", "30")
    monkeypatch.setenv("LOAD_REPORTERS", "7")
    assert (sizes(1)["reporters"], sizes(1)["seconds"]) == (7, 30)


def _saved(plan, user, value: str, version: int | None):
    return figure_save(
        user=user, unit=user.unit, period=period(plan, "2023Q4"), indicator=indicator(plan, "1.1"),
        data={"value": Decimal(value)}, expected_version=version,
    )  # fmt: skip


@pytest.mark.usefixtures("in_2024q1")
def test_the_load_check_accepts_saves_stored_once(plan, jingyang):
    since = marks()
    first = _saved(plan, jingyang, "41", None)
    _saved(plan, jingyang, "42", first.version)
    outcome = Outcome()
    outcome.saves[("jingyang", first.indicator_id, "2023Q4")] += [(0, Decimal("41")), (1, Decimal("42"))]

    assert saves_check(outcome, plan=plan, since=since) == []


@pytest.mark.usefixtures("in_2024q1")
def test_the_load_check_names_a_lost_update_and_a_save_no_one_was_told_of(plan, jingyang):
    since = marks()
    first = _saved(plan, jingyang, "41", None)
    _saved(plan, jingyang, "42", first.version)
    outcome = (
        Outcome()
    )  # two clients were told their saves of version 0 went in; the second save was never reported
    outcome.saves[("jingyang", first.indicator_id, "2023Q4")] += [(0, Decimal("41")), (0, Decimal("40"))]

    problems = saves_check(outcome, plan=plan, since=since)

    assert any("lost update" in p for p in problems)
    assert any("history has saves the client was told failed (versions [2])" in p for p in problems)
    assert any("holds 42" in p for p in problems)


@pytest.mark.usefixtures("in_2024q1")
def test_the_load_check_names_a_figure_no_client_was_told_was_saved(plan, jingyang):
    since = marks()
    _saved(plan, jingyang, "41", None)

    assert saves_check(Outcome(), plan=plan, since=since) == [
        "1 figures were written that no accepted save or submission names"
    ]
