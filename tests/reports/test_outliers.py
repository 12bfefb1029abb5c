"""Outliers against the unit's history and against other units (issue 18, item 2): the median, the median absolute
deviation and the modified z-score, worked out by hand on small series (test data)."""

from decimal import Decimal

import pytest

from reports.workflow.outliers import figure_outliers, outlier


def d(*numbers) -> list[Decimal]:
    return [Decimal(str(n)) for n in numbers]


def test_a_stock_that_jumps_far_beyond_its_growth_is_an_outlier_with_its_expected_range():
    # 100, 110, 120, 130: median 115, deviations 15, 5, 5, 15 → MAD 10; 200 → z = 0.6745 × 85 / 10 = 5.73 > 3.5.
    found = outlier(Decimal(200), d(100, 110, 120, 130), method="history", minimum=4)
    # The range: 115 ± 3.5 × 10 / 0.6745 = 115 ± 51.89.
    assert (found.median, found.low, found.high, found.points) == (
        115,
        Decimal("63.11"),
        Decimal("166.89"),
        4,
    )
    assert found.message("户") == "与本单位前4个季度的数值相比异常（中位数115户，通常在63.11至166.89户之间）"


@pytest.mark.parametrize(
    ("value", "points", "minimum"),
    [
        (140, d(100, 110, 120, 130), 4),  # z = 0.6745 × 25 / 10 = 1.69
        (500, d(100, 110, 120), 4),  # three quarters say nothing yet
        (3, d(0, 0, 0, 0), 4),  # a series that never moved
        (8, d(5, 5, 5, 7, 9), 4),  # MAD 0 (three equal of five), inside 5–9
        (None, d(100, 110, 120, 130), 4),  # nothing typed
    ],
)
def test_a_figure_within_its_range_or_without_enough_history_is_not_flagged(value, points, minimum):
    value = None if value is None else Decimal(value)
    assert outlier(value, points, method="history", minimum=minimum) is None


def test_with_most_points_equal_only_a_figure_beyond_all_of_them_stands_out():
    found = outlier(Decimal(12), d(5, 5, 5, 7, 9), method="history", minimum=4)
    assert (found.median, found.low, found.high) == (5, 5, 9)


def test_a_unit_far_from_its_peers_and_too_few_peers():
    # Peers differ by a factor, so by their logarithms: ln 10, 12, 11, 13, 12 → median ln 12, MAD ln(13/12) = 0.0800;
    # 40 → z = 0.6745 × ln(40/12) / 0.0800 = 10.1. The range: 12 × e^(±3.5 × 0.0800 / 0.6745) = 7.92 to 18.18.
    [found] = figure_outliers(Decimal(40), history=[], peers=d(10, 12, 11, 13, 12))
    assert (found.method, found.median, found.low, found.high) == (
        "peers",
        12,
        Decimal("7.92"),
        Decimal("18.18"),
    )
    assert found.message("件") == "与其他5个单位同季度的数值相比异常（中位数12件，通常在7.92至18.18件之间）"
    assert figure_outliers(Decimal(40), history=[], peers=d(10, 12, 11, 13)) == []


def test_a_big_county_among_small_ones_is_not_called_an_outlier():
    # 4109 is the middle county; 7000 is 1.7 times it: ln 1.7 = 0.53, within 3.5 MADs of these counties' spread.
    assert figure_outliers(Decimal(7000), history=[], peers=d(2600, 3500, 4109, 5200, 6100, 3900, 4800)) == []
    assert figure_outliers(Decimal(0), history=[], peers=d(10, 12, 11, 13, 12)) == []  # no logarithm of 0


def test_only_the_last_eight_quarters_count():
    # Long ago the unit reported thousands; its last eight quarters are about 10.
    history = d(5000, 5000, 5000, 10, 11, 9, 10, 12, 10, 11, 9)
    [found] = figure_outliers(Decimal(5000), history=history, peers=[])
    assert found.points == 8 and found.median == 10
