"""The end-of-plan evaluation: the verdict rule for each target kind and direction, and on the demo data an
evaluation whose every row is the progress engine's, written faithfully to .docx and .xlsx."""

import io
from decimal import Decimal
from types import SimpleNamespace

import docx
import openpyxl
import pytest

from reports.alerts import obligations_by_unit
from reports.documents import document_request, document_write
from reports.evaluation import BASIC, MET, NO_DATA, NOT_MET, plan_evaluation, verdict
from reports.evaluation_document import evaluation_docx, evaluation_xlsx
from reports.models import Document
from reports.progress import plan_standings
from reports.templatetags.portal import figure_display
from targets.progress import Progress
from targets.progress import Status as Standing
from tests.markers import eager_only
from units.models import Unit, User

RATIO, POINTS = Decimal("0.90"), Decimal("5")


def standing(kind, value, target, *, direction="increase", comparison=">=", status=Standing.LAGGING):
    indicator = SimpleNamespace(kind=kind, direction=direction, comparison=comparison)
    progress = Progress(
        status=status, value=None if value is None else Decimal(value), target=target and Decimal(target)
    )
    return SimpleNamespace(indicator=indicator, progress=progress)


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        (standing("level", "402", "402", status=Standing.MET), MET),
        (
            standing("level", "410", "402", status=Standing.ON_TRACK),
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
        (standing("relative", "6.75", "7"), BASIC),  # baseline 3.5 × 2
        (standing("relative", "5", "7"), NOT_MET),
        (standing("relative", "90", "90", direction="decrease", comparison="<="), MET),  # 100天 × 0.9
        (standing("relative", "95", "90", direction="decrease", comparison="<="), BASIC),  # 90/95 = 94.7%
        (standing("relative", "110", "90", direction="decrease", comparison="<="), NOT_MET),
        (standing("relative", "101", None, status=Standing.NO_BASELINE), NO_DATA),
        (standing("milestone", "1", "1", status=Standing.MET), MET),
        (standing("milestone", "0", "1"), NOT_MET),
        (standing("level", None, "402", status=Standing.NO_DATA), NO_DATA),
    ],
)
def test_the_verdict_rule(case, expected):
    assert verdict(standing=case, basic_ratio=RATIO, rate_points=POINTS) == expected


def test_the_thresholds_are_the_plans(demo_plan):
    strict = standing("level", "370", "402")
    assert verdict(standing=strict, basic_ratio=Decimal("0.95"), rate_points=POINTS) == NOT_MET
    assert (demo_plan.verdict_basic_ratio, demo_plan.verdict_rate_points) == (Decimal("0.90"), Decimal("5"))


@pytest.fixture
def evaluation(demo_plan, settings):
    settings.PORTAL_TODAY = "2025-07-15"
    return plan_evaluation(plan=demo_plan)


def test_every_indicator_has_its_final_value_from_the_progress_engine(demo_plan, evaluation):
    last = demo_plan.periods.last()
    assert evaluation.period == last
    standings = {s.indicator.code: s for s in plan_standings(plan=demo_plan, period=last)}
    assert [v.indicator.code for v in evaluation.indicators] == list(standings)
    for item in evaluation.indicators:
        assert item.standing.progress.value == standings[item.indicator.code].progress.value
    counts = evaluation.counts
    assert counts[MET] and counts[BASIC] and counts[NOT_MET]  # the demo ends with all three
    assert sum(counts.values()) == 27


def test_every_task_and_every_reporting_unit_is_evaluated(demo_plan, evaluation):
    assert len(evaluation.tasks) == demo_plan.tasks.count() == 30
    owing = {row.unit.pk for row in evaluation.units if row.rates.owed}
    assert owing == {
        unit_id
        for unit_id, (indicators, tasks) in obligations_by_unit(plan=demo_plan).items()
        if indicators or tasks
    }
    assert sum(row.rates.owed for row in evaluation.units) == evaluation.total.owed
    assert evaluation.tasks[0].task.code == "二(一)1" and "共" in evaluation.tasks[0].label


def test_the_word_document_carries_every_indicator_task_and_unit(evaluation):
    document = docx.Document(io.BytesIO(evaluation_docx(evaluation)))
    rows = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    by_code = {row[0]: row for row in rows if len(row) == 6}
    for item in evaluation.indicators:
        row = by_code[item.indicator.code]
        assert row[3] == figure_display(item.standing.progress.value, item.indicator)
        assert row[5] == item.verdict
    tasks = {row[0]: row for row in rows if len(row) == 4}
    assert all(tasks[t.task.code][3] == t.label for t in evaluation.tasks)
    units = [row[0] for row in rows if len(row) == 9][1:]
    assert units == [row.unit.name for row in evaluation.units if row.rates.owed]
    assert evaluation.summary() in "\n".join(p.text for p in document.paragraphs)


def test_the_workbook_has_numbers_as_numbers_and_escapes_formula_text(demo_plan, settings):
    settings.PORTAL_TODAY = "2025-07-15"
    unit = Unit.objects.get(code="jingyang")
    unit.name = '=HYPERLINK("http://x")'
    unit.save()
    evaluation = plan_evaluation(plan=demo_plan)
    book = openpyxl.load_workbook(io.BytesIO(evaluation_xlsx(evaluation)))
    assert book.sheetnames == ["指标", "任务", "单位"]
    indicators = list(book["指标"].iter_rows(values_only=True))
    assert indicators[0][:2] == ("编号", "指标")
    by_code = {row[0]: row for row in indicators[1:]}
    for item in evaluation.indicators:
        row = by_code[item.indicator.code]
        value = item.standing.progress.value
        assert row[6] == (None if value is None else pytest.approx(float(value)))
        assert row[8] == item.verdict
    assert isinstance(by_code["1.1"][6], (int, float)) and isinstance(by_code["1.1"][7], float)
    names = [row[0] for row in list(book["单位"].iter_rows(values_only=True))[1:]]
    assert '\'=HYPERLINK("http://x")' in names and '=HYPERLINK("http://x")' not in names


@eager_only
def test_the_office_gets_both_evaluation_files_from_the_job(demo_plan, make_user, settings, tmp_path):
    settings.PORTAL_TODAY, settings.MEDIA_ROOT = "2025-07-15", tmp_path
    office = make_user("office-e", User.Role.OFFICE, "ldxzbgs")
    for kind, opener in (
        (Document.Kind.EVALUATION, docx.Document),
        (Document.Kind.EVALUATION_XLSX, openpyxl.load_workbook),
    ):
        document = document_request(user=office, plan=demo_plan, kind=kind)
        document_write(document_id=document.pk)
        document.refresh_from_db()
        assert document.state == Document.State.DONE and document.period is None
        with document.file.open("rb") as handle:
            assert opener(io.BytesIO(handle.read()))
