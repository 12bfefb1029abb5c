"""How a figure reads on the pages, in the exports and in the bulletin: counts whole, densities and rates as they are."""

from decimal import Decimal as D

from targets.display import figure_display

from .factories import indicator


def test_a_projected_count_of_enterprises_reads_as_a_whole_number(plan):
    assert figure_display(D("413.89"), indicator(plan, "1.1")) == "414"


def test_a_density_per_ten_thousand_people_keeps_its_decimals(plan):
    """1.3 每万人高价值发明专利拥有量 (件): 6.75 must not read 7, the target it has not reached."""
    assert figure_display(D("6.75"), indicator(plan, "1.3")) == "6.75"


def test_a_milestone_reads_achieved_or_not(plan):
    milestone = indicator(plan, "4.1")
    assert (figure_display(D(1), milestone), figure_display(D(0), milestone)) == ("已达成", "未达成")
