"""The end-of-plan evaluation: the verdict rule for each target kind and direction, and on the demo data an
evaluation whose every row is the progress engine's, written faithfully to .docx and .xlsx."""

from collections import Counter
from decimal import Decimal
from types import SimpleNamespace

import pytest

from reports.documents.evaluation import (
    BASIC,
    MET,
    NO_DATA,
    NOT_MET,
    TaskCompletion,
    verdict,
)
from targets.engine import Progress, ProgressStatus

RATIO, POINTS = Decimal("0.90"), Decimal("5")


def standing(kind, value, target, *, direction="increase", comparison=">=", status=ProgressStatus.LAGGING):
    indicator = SimpleNamespace(kind=kind, direction=direction, comparison=comparison)
    progress = Progress(
        status=status, value=None if value is None else Decimal(value), target=target and Decimal(target)
    )
    return SimpleNamespace(indicator=indicator, progress=progress)


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        (standing("level", "402", "402", status=ProgressStatus.MET), MET),
        (
            standing("level", "410", "402", status=ProgressStatus.ON_TRACK),
            MET,
        ),  # met though the engine said on track
        (standing("level", "370", "402"), BASIC),  # 92% of 402
        (standing("level", "300", "402"), NOT_MET),
        (standing("level", "20000", "20000", comparison=">"), BASIC),  # 超过2万: exactly 2万 is not over it
        (standing("cumulative", "20", "22"), BASIC),
        (standing("cumulative", "15", "22"), NOT_MET),
        (standing("increment", "14", "15"), BASIC),
        (standing("rate", "96", "100"), BASIC),  # within 5 percentage points
        (standing("rate", "94.1", "100"), NOT_MET),
        (standing("rate", "85", "85"), MET),
        (standing("rate", "4", "3", direction="decrease", comparison="<="), BASIC),  # 1 point above a ceiling
        (standing("rate", "9", "3", direction="decrease", comparison="<="), NOT_MET),
        (standing("relative", "6.75", "7"), BASIC),  # baseline 3.5 × 2
        (standing("relative", "5", "7"), NOT_MET),
        (standing("relative", "90", "90", direction="decrease", comparison="<="), MET),  # 100天 × 0.9
        (standing("relative", "95", "90", direction="decrease", comparison="<="), BASIC),  # 90/95 = 94.7%
        (standing("relative", "110", "90", direction="decrease", comparison="<="), NOT_MET),  # 81.8%
        (
            standing(
                "relative", "85", "90", direction="decrease", comparison="<=", status=ProgressStatus.MET
            ),
            MET,
        ),
        (standing("relative", "101", None, status=ProgressStatus.NO_BASELINE), NO_DATA),
        (standing("milestone", "1", "1", status=ProgressStatus.MET), MET),
        (standing("milestone", "0", "1"), NOT_MET),
        (standing("level", None, "402", status=ProgressStatus.NO_DATA), NO_DATA),
    ],
)
def test_the_verdict_rule(case, expected):
    assert verdict(standing=case, basic_ratio=RATIO, rate_points=POINTS) == expected


def test_the_thresholds_are_the_plans(plan):
    strict = standing("level", "370", "402")
    assert verdict(standing=strict, basic_ratio=Decimal("0.95"), rate_points=POINTS) == NOT_MET
    assert (plan.verdict_basic_ratio, plan.verdict_rate_points) == (Decimal("0.90"), Decimal("5"))


@pytest.mark.parametrize(
    ("counts", "label"),
    [
        ({"done": 3}, "已完成"),
        ({"": 2}, "未报"),
        ({}, "未报（无责任单位）"),
        (
            {"done": 3, "": 2},
            "未报（已完成3，未报2，共5个单位）",
        ),  # not 已完成 while two units never reported
        ({"done": 1, "in_progress": 4, "": 1}, "未报（已完成1，推进中4，未报1，共6个单位）"),
        ({"done": 5, "in_progress": 14}, "推进中（已完成5，推进中14，共19个单位）"),
        ({"done": 1, "in_progress": 5, "delayed": 2}, "滞后（已完成1，推进中5，滞后2，共8个单位）"),
        ({"in_progress": 1, "not_started": 1}, "未启动（推进中1，未启动1，共2个单位）"),
    ],
)
def test_a_task_is_complete_only_when_every_unit_says_so_else_its_worst_state(counts, label):
    assert TaskCompletion(task=None, units=[], counts=Counter(counts)).label == label
