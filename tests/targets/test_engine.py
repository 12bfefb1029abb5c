"""The progress engine, kind by kind and direction by direction, on plain values."""

import datetime
from decimal import Decimal as D

from targets.engine import (
    Point,
    ProgressStatus,
    Target,
    Thresholds,
    counted_values,
    effective_target,
    expected_at,
    progress_at,
)

START, END = datetime.date(2022, 7, 1), datetime.date(2025, 6, 30)
QUARTER_ENDS = [
    datetime.date(y, m, d)
    for y, m, d in [(2022, 9, 30), (2022, 12, 31), (2023, 3, 31), (2023, 6, 30), (2023, 9, 30), (2023, 12, 31),
                    (2024, 3, 31), (2024, 6, 30), (2024, 9, 30), (2024, 12, 31), (2025, 3, 31), (2025, 6, 30)]
]  # fmt: skip


def target(
    kind="level",
    value=None,
    *,
    direction="increase",
    comparison=">=",
    factor=None,
    baseline=None,
    milestones=(),
):
    return Target(
        kind=kind, direction=direction, comparison=comparison, target_value=None if value is None else D(value),
        factor=None if factor is None else D(factor), baseline_value=None if baseline is None else D(baseline),
        start=START, target_date=END, milestones=milestones,
    )  # fmt: skip


def points(*values, **extra):
    return [
        Point(end=end, value=None if v is None else D(v), **extra)
        for end, v in zip(QUARTER_ENDS, values, strict=False)
    ]


def at(t, pts, index=None, **kwargs):
    return progress_at(t, pts, len(pts) - 1 if index is None else index, quarter_ends=QUARTER_ENDS, **kwargs)


def test_level_counts_the_stock_at_quarter_end_not_a_sum():
    result = at(target("level", 402, baseline=300), points(310, 320, 330))
    assert result.value == D(330)


def test_cumulative_is_the_running_sum_of_flows_never_the_last_flow():
    result = at(target("cumulative", 22), points("1.5", "2", "0.5"))
    assert result.value == D("4.0")
    assert result.formula == "4 = 1.5 + 2 + 0.5"


def test_cumulative_does_not_sum_a_quarter_twice_when_a_quarter_is_missing():
    assert counted_values("cumulative", points("1", None, "2")) == [D(1), D(1), D(3)]


def test_increment_counts_additions_since_plan_start():
    result = at(target("increment", 15), points(1, 0, 2, 3))
    assert result.value == D(6)


def test_expected_path_is_a_straight_line_from_baseline_to_target():
    t = target("level", 400, baseline=300)
    assert expected_at(t, START, D(300)) == D(300)
    assert expected_at(t, END, D(300)) == D(400)
    midway = START + (END - START) / 2
    assert abs(expected_at(t, midway, D(300)) - D(350)) < D("0.1")


def test_office_milestones_override_the_straight_path():
    t = target("level", 400, baseline=300, milestones=((datetime.date(2023, 6, 30), D(380)),))
    assert expected_at(t, datetime.date(2023, 6, 30), D(300)) == D(380)


def test_level_ahead_of_path_is_on_track_slightly_behind_is_warning_far_behind_is_lagging():
    t = target("level", 400, baseline=300)
    # After 4 quarters about a third of the way: expected ≈ 333.
    assert at(t, points(310, 320, 330, 340)).status == ProgressStatus.ON_TRACK
    assert at(t, points(310, 320, 328, 330)).status == ProgressStatus.WARNING
    assert at(t, points(305, 305, 306, 306)).status == ProgressStatus.LAGGING


def test_a_target_already_met_stays_green_even_if_the_stock_later_dips():
    t = target("level", 400, baseline=300)
    result = at(t, points(320, 405, 398))
    assert result.status == ProgressStatus.MET


def test_a_cumulative_target_met_is_met():
    assert at(target("cumulative", 22), points(10, 8, 5)).status == ProgressStatus.MET


def test_lower_is_better_shows_green_when_it_falls():
    t = target("relative", None, direction="decrease", comparison="<=", factor="0.9", baseline=100)
    assert effective_target(t) == D(90)
    falling = at(t, points(97, 95, 93, 92))
    assert falling.status == ProgressStatus.ON_TRACK
    rising = at(t, points(100, 101, 103, 104))
    assert rising.status == ProgressStatus.LAGGING
    reached = at(t, points(95, 89))
    assert reached.status == ProgressStatus.MET


def test_relative_target_is_baseline_times_factor():
    t = target("relative", None, factor=2, baseline="3.5")
    result = at(t, points("3.6", "4.0"))
    assert result.target == D(7)
    assert "基线 3.5 × 2" in result.formula


def test_relative_target_without_baseline_says_baseline_missing():
    result = at(target("relative", None, factor=2), points("3.6", "4.0"))
    assert result.status == ProgressStatus.NO_BASELINE
    assert result.label == "基线缺失"


def test_rate_is_compared_with_its_threshold_and_shows_its_formula():
    t = target("rate", 85)
    ok = at(t, [Point(end=QUARTER_ENDS[0], value=D("86.00"), numerator=D(43), denominator=D(50))])
    assert ok.status == ProgressStatus.MET and ok.formula == "86% = 43 / 50"
    assert at(t, points("82")).status == ProgressStatus.WARNING
    assert at(t, points("70")).status == ProgressStatus.LAGGING


def test_a_rate_that_met_its_threshold_before_but_not_now_is_not_met():
    assert at(target("rate", 100), points(100, "96")).status == ProgressStatus.WARNING


def test_milestone_achieved_is_met_with_its_date():
    pts = points(0, 0, 1)
    pts[2] = Point(end=QUARTER_ENDS[2], value=D(1), achieved_on=datetime.date(2023, 2, 14))
    result = at(target("milestone", 1), pts)
    assert result.status == ProgressStatus.MET
    assert "2023-02-14" in result.formula


def test_milestone_not_achieved_turns_amber_in_the_last_year_and_red_after_the_date():
    t = target("milestone", 1)
    assert at(t, points(0, 0)).status == ProgressStatus.ON_TRACK
    assert at(t, points(*[0] * 9)).status == ProgressStatus.WARNING
    assert at(t, points(*[0] * 12)).status == ProgressStatus.LAGGING


def test_a_milestone_still_missing_says_how_long_is_left_then_that_the_date_has_come():
    t = target("milestone", 1)
    assert at(t, points(*[0] * 11)).formula == "尚未达成，距目标日期91天"
    assert at(t, points(*[0] * 12)).formula == "尚未达成，已到目标日期"


def test_nothing_approved_is_no_data():
    result = at(target("level", 402, baseline=300), points(None, None))
    assert (result.status, result.label) == (ProgressStatus.NO_DATA, "未报")


def test_projection_extends_the_recent_trend_to_the_target_date():
    result = at(target("level", 400, baseline=300), points(310, 320, 330, 340))
    # +10 a quarter for 8 more quarters → about 420 at 2025-06-30, meeting 400 around 2024-12-31.
    assert D(415) < result.projected_end < D(425)
    assert result.projected_met == datetime.date(2024, 12, 31)


def test_thresholds_are_configurable():
    t = target("level", 400, baseline=300)
    pts = points(310, 320, 328, 330)
    assert at(t, pts, thresholds=Thresholds(amber_ratio=D("0.95"))).status == ProgressStatus.LAGGING


def test_the_series_carries_actual_and_expected_for_every_quarter_so_far():
    result = at(target("cumulative", 22), points(1, 2, 3))
    assert [value for _, value, _ in result.series] == [D(1), D(3), D(6)]
    assert all(expected is not None for _, _, expected in result.series)


def test_a_rising_rate_is_never_projected_past_100_percent():
    result = at(target("rate", 100), points(97, 98, 99, 100))
    assert result.projected_end == D(100)


def test_a_falling_figure_is_never_projected_below_zero():
    result = at(target("level", 10, direction="decrease", comparison="<="), points(60, 40, 20, 5))
    assert result.projected_end == D(0)


# At or after the target date there is nothing left to project: the actual value is the end value (issue 15, item 2).
END_CASES = [
    (target("level", 48000, baseline=30000), list(range(30000, 50000, 1600))),
    (target("level", 100, direction="decrease", comparison="<="), [200, 190, 180, 170, 160, 150, 140, 130, 125, 120, 118, 117]),
    (target("cumulative", 22), ["1.5", "2", "0.5", "1", "2", "1", "1", "2", "1", "1", "2", "3"]),
    (target("increment", 15), [1, 0, 2, 3, 1, 1, 0, 2, 1, 1, 0, 2]),
    (target("rate", 90), ["80", "82", "83", "85", "86", "86", "87", "88", "88", "89", "89", "91"]),
    (target("relative", factor="1.2", baseline=100), [101, 103, 104, 106, 108, 110, 111, 112, 114, 116, 118, 119]),
]  # fmt: skip


def test_at_the_target_date_the_end_value_is_the_actual_one_and_no_date_is_projected():
    for t, values in END_CASES:
        result = at(t, points(*values))
        assert result.projected_end == result.value, (t.kind, t.direction)
        assert result.projected_met is None, (t.kind, t.direction)


def test_before_the_target_date_a_trend_is_still_projected():
    t, values = END_CASES[0]
    result = at(t, points(*values[:8]))
    assert result.projected_end is not None and result.projected_end != result.value
