"""The end-of-plan evaluation on the demo data: every row is the progress engine's, written faithfully to .docx and
.xlsx (the verdict rule for each target kind and direction: tests/reports/test_evaluation.py)."""

import io
from collections import Counter

import docx
import openpyxl
import pytest

from reports.documents import word
from reports.documents.evaluation import BASIC, MET, NO_DATA, NOT_MET, plan_evaluation
from reports.documents.evaluation_files import evaluation_docx, evaluation_xlsx
from reports.documents.services import document_request, document_write
from reports.figures.selectors import plan_standings
from reports.models import Document, Status, Submission, TaskReport
from reports.workflow.selectors import obligations_by_unit
from targets.display import figure_display
from targets.models import Indicator
from tests.markers import eager_only
from units.models import Unit


@pytest.fixture
def evaluation(demo_plan, after_the_plan):
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
    owing = {row.unit.pk for row in evaluation.units}
    assert owing == {
        unit_id
        for unit_id, (indicators, tasks) in obligations_by_unit(plan=demo_plan).items()
        if indicators or tasks
    }
    assert sum(row.rates.owed for row in evaluation.units) == evaluation.total.owed
    assert evaluation.tasks[0].task.code == "二(一)1" and "共" in evaluation.tasks[0].label


def test_a_task_names_its_units_as_the_plan_writes_them_and_counts_every_member(evaluation):
    funding = next(t for t in evaluation.tasks if t.task.code == "三(二)")  # 强化资金保障
    assert funding.units == [
        "各区（市、县）人民政府",
        "德阳经开区管委会",
        "德阳高新区管委会",
        "市财政局",
        "市市场监管局",
    ]
    assert sum(funding.counts.values()) == 10 and funding.label.endswith("共10个单位）")
    leadership = next(t for t in evaluation.tasks if t.task.code == "三(一)")  # the text names no unit
    assert leadership.units == [] and leadership.label == "未报（无责任单位）"


def test_a_unit_record_counts_on_time_late_missing_and_every_return(evaluation):
    returns = Counter()
    for model in (Submission, TaskReport):  # read from the status history, not from the return reasons
        previous = {}
        for row in model.history.order_by("history_date", "history_id"):
            if row.status == Status.RETURNED and previous.get(row.id) != Status.RETURNED:
                returns[row.unit_id] += 1
            previous[row.id] = row.status
    assert sum(returns.values()) == 12  # the demo returns twelve items, one of them twice
    for row in evaluation.units:
        assert row.returned == returns[row.unit.pk], row.unit.name
        assert row.rates.on_time + row.late + row.missing == row.rates.owed
    zhongjiang = next(row for row in evaluation.units if row.unit.code == "zhongjiang")
    assert zhongjiang.late > 0  # the demo's habitually late county


def test_a_unit_record_counts_the_indicators_it_reports_that_are_met(evaluation):
    verdicts = {item.indicator.code: item.verdict for item in evaluation.indicators}
    for row in evaluation.units:
        codes = Indicator.objects.filter(reporting_units=row.unit).values_list("code", flat=True)
        assert row.indicators == len(codes)
        assert row.met == sum(1 for code in codes if verdicts[code] == MET), row.unit.name
    scjgj = next(row for row in evaluation.units if row.unit.code == "scjgj")
    assert 0 < scjgj.met < scjgj.indicators


def test_task_indicators_are_placed_in_their_task(evaluation):
    places = {item.indicator.code: item.place for item in evaluation.indicators}
    assert places["1.1"] == "创造" and places["二(二)2.1"] == "二(二)2" and places["二(三)4.1"] == "二(三)4"


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
    assert tasks["三(一)"][2] == "方案未写明责任单位"
    units = {row[0]: row for row in rows if len(row) == 10 and row[0] != "单位"}
    assert list(units) == [row.unit.name for row in evaluation.units]
    for record in evaluation.units:
        row = units[record.unit.name]
        assert row[1:7] == [str(n) for n in (record.rates.owed, record.rates.reported, record.rates.on_time,
                                             record.late, record.missing, record.returned)]  # fmt: skip
        assert row[9] == (f"{record.met}/{record.indicators}" if record.indicators else "—")
    text = "\n".join(p.text for p in document.paragraphs)
    assert evaluation.summary() in text and "完成率在90%以上" in text and "不超过5个百分点" in text


def test_the_word_document_marks_each_verdict_in_its_colour(evaluation):
    document = docx.Document(io.BytesIO(evaluation_docx(evaluation)))
    colours = {}
    for table in document.tables:
        for row in table.rows[1:]:
            if len(row.cells) == 6:
                run = row.cells[5].paragraphs[0].runs[0]
                colours[run.text] = run.font.color.rgb if run.font.color.type else None
    assert colours == {
        MET: word.COLOURS["green"],
        BASIC: word.COLOURS["amber"],
        NOT_MET: word.COLOURS["red"],
        NO_DATA: None,
    }


def test_the_workbook_has_numbers_as_numbers_and_escapes_formula_text(demo_plan, after_the_plan, db):
    Unit.objects.filter(code="jingyang").update(name='=HYPERLINK("http://x")')
    Indicator.objects.filter(plan=demo_plan, code="1.1").update(name="-1+2")
    evaluation = plan_evaluation(plan=demo_plan)
    book = openpyxl.load_workbook(io.BytesIO(evaluation_xlsx(evaluation)))
    assert book.sheetnames == ["指标", "任务", "单位"]
    indicators = list(book["指标"].iter_rows(values_only=True))
    assert indicators[0][:2] == ("编号", "指标")
    by_code = {row[0]: row for row in indicators[1:]}
    assert list(by_code) == [item.indicator.code for item in evaluation.indicators]
    for item in evaluation.indicators:
        row = by_code[item.indicator.code]
        value, target = item.standing.progress.value, item.standing.progress.target
        assert row[5] == (None if target is None else pytest.approx(float(target)))
        assert row[6] == (None if value is None else pytest.approx(float(value)))
        assert row[7] == (None if item.completion is None else pytest.approx(float(item.completion)))
        assert row[8] == item.verdict
    assert by_code["1.1"][1] == "-1+2"  # as typed, marked as typed text (quotePrefix), never run:
    assert next(row[1] for row in book["指标"].iter_rows(min_row=2) if row[0].value == "1.1").quotePrefix
    assert book["指标"]["H2"].number_format == "0.0%"  # 96.8%, as the Word report reads
    numbers = (int, float)
    assert all(isinstance(by_code[code][6], numbers) for code in ("1.1", "2.3", "3.2", "4.3"))
    tasks = list(book["任务"].iter_rows(values_only=True))[1:]
    assert len(tasks) == len(evaluation.tasks)
    assert all(isinstance(n, int) for row in tasks for n in row[3:8])
    units = list(book["单位"].iter_rows(values_only=True))
    assert units[0][-2:] == ("报送指标数", "达成指标数")
    assert all(isinstance(n, numbers) for row in units[1:] for n in row[1:])
    names = [row[0] for row in units[1:]]
    assert names == [record.unit.name for record in evaluation.units]
    hyperlink = next(row[0] for row in book["单位"].iter_rows(min_row=2) if row[0].value.startswith("="))
    assert (hyperlink.value, hyperlink.data_type, hyperlink.quotePrefix) == (
        '=HYPERLINK("http://x")',
        "s",
        True,
    )


@eager_only
def test_the_office_gets_both_evaluation_files_from_the_job(
    demo_plan, office_user, after_the_plan, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    for kind, opener in (
        (Document.Kind.EVALUATION, docx.Document),
        (Document.Kind.EVALUATION_XLSX, openpyxl.load_workbook),
    ):
        document = document_request(user=office_user, plan=demo_plan, kind=kind)
        document_write(document_id=document.pk)
        document.refresh_from_db()
        assert document.state == Document.State.DONE and document.period is None
        with document.file.open("rb") as handle:
            assert opener(io.BytesIO(handle.read()))
