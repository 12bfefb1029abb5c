"""The quarterly bulletin (季度通报) on the demo data: its figures are the progress engine's and the reporting
records', the Word document carries every indicator row and every unit with missing items, and the office gets it
through a background job whose progress is visible (on a real worker: tests/reports/test_bulletin.py)."""

import io
import shutil
from pathlib import Path

import docx
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from reports.documents.bulletin import bulletin_data
from reports.documents.bulletin_docx import NO_CHARTS, bulletin_docx
from reports.documents.services import document_request, document_write
from reports.figures.selectors import plan_standings
from reports.models import Document, Status, Submission
from reports.workflow.selectors import obligations_by_unit, reported_by_unit
from targets.display import figure_display
from tests.conftest import PASSWORD
from tests.markers import eager_only

from ..factories import period

pytestmark = pytest.mark.usefixtures("after_the_plan")


@pytest.fixture
def demo(demo_plan):
    return demo_plan


@pytest.fixture
def q2(demo, db):
    return period(demo, "2025Q2")


def document_text(content: bytes) -> tuple[docx.Document, str]:
    document = docx.Document(io.BytesIO(content))
    return document, "\n".join(p.text for p in document.paragraphs)


def table_rows(document: docx.Document) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]


# The data.


def test_the_bulletin_counts_are_the_progress_engines(demo, q2):
    bulletin = bulletin_data(plan=demo, period=q2)
    standings = plan_standings(plan=demo, period=q2)
    assert [s.indicator.code for s in bulletin.standings] == [s.indicator.code for s in standings]
    assert sum(bulletin.colours.values()) == len(standings) == 27
    assert (
        bulletin.colours["green"] and bulletin.colours["amber"] and bulletin.colours["red"]
    )  # the demo shows all
    for colour in ("green", "amber", "red", "grey"):
        assert bulletin.colours[colour] == sum(1 for s in standings if s.progress.colour == colour)
    assert sum(len(block.standings) for block in bulletin.areas) == 27
    assert bulletin.previous.code == "2025Q1" and bulletin.previous_colours is not None


def test_every_unit_with_an_unsubmitted_obligation_is_listed_with_it(demo, q2):
    bulletin = bulletin_data(plan=demo, period=q2)
    owed, done = obligations_by_unit(plan=demo), reported_by_unit(periods=[q2])
    expected = {}
    for unit_id, (indicators, tasks) in owed.items():
        figures, reports = done.get((unit_id, q2.pk), (set(), set()))
        if missing := len(indicators - figures) + len(tasks - reports):
            expected[unit_id] = missing
    assert expected  # the demo leaves some items unreported in its last quarter
    assert {m.unit.pk: len(m.items) for m in bulletin.missing} == expected


def test_returned_and_delayed_items_of_the_quarter_are_listed(demo, q2):
    bulletin = bulletin_data(plan=demo, period=q2)
    returned = Submission.objects.filter(period=q2, status=Status.RETURNED).count()
    assert len([r for r in bulletin.returned if r.subject.startswith("指标")]) == returned
    assert bulletin.delayed and all(d.task.plan_id == demo.pk for d in bulletin.delayed)


def test_the_narrative_states_the_figures_of_the_quarter(demo, q2):
    bulletin = bulletin_data(plan=demo, period=q2)
    first, second = bulletin.narrative[:2]
    assert f"方案确定的27项指标中，正常或已达标{bulletin.colours['green']}项" in first
    assert f"滞后{bulletin.colours['red']}项" in first
    assert f"应报{bulletin.rates.owed}项，已报{bulletin.rates.reported}项" in second
    assert all(m.unit.name in second for m in bulletin.missing)
    lagging = [s for s in bulletin.standings if s.progress.colour == "red"]
    assert all(s.indicator.code in bulletin.narrative[2] for s in lagging[:8])


# The Word document.


def test_the_document_has_every_indicator_row_with_its_value_and_status(demo, q2, settings):
    settings.CHART_BROWSER = ""  # charts are tested below; the tables do not need them
    bulletin = bulletin_data(plan=demo, period=q2)
    content, charts = bulletin_docx(bulletin)
    document, text = document_text(content)
    assert charts is False and NO_CHARTS in text
    rows = {row[0]: row for row in table_rows(document)}
    for standing in bulletin.standings:
        row = rows[standing.indicator.code]
        assert row[1] == standing.indicator.name
        assert row[3] == figure_display(standing.progress.value, standing.indicator)
        assert row[5] == standing.progress.label
        assert row[6] == standing.completeness
    assert bulletin.title in text
    assert ("（演示数据）" in text) is settings.DEMO_MODE


def test_the_document_lists_every_unit_with_missing_items_and_ranks_every_unit(demo, q2, settings):
    settings.CHART_BROWSER = ""
    bulletin = bulletin_data(plan=demo, period=q2)
    document, _text = document_text(bulletin_docx(bulletin)[0])
    rows = table_rows(document)
    missing = {row[0]: row[1] for row in rows if len(row) == 2}
    for item in bulletin.missing:
        assert missing[item.unit.name] == "；".join(item.items)
    ranked = [row[1] for row in rows if len(row) == 7 and row[0].isdigit()]
    assert ranked == [row.unit.name for row in bulletin.league]


@pytest.mark.skipif(
    not shutil.which("/usr/bin/chromium"), reason="charts need Debian's chromium (apt-get install chromium)"
)
def test_with_a_browser_the_document_carries_two_charts(demo, q2, settings):
    settings.CHART_BROWSER = "/usr/bin/chromium"
    content, charts = bulletin_docx(bulletin_data(plan=demo, period=q2))
    document, text = document_text(content)
    assert charts is True and NO_CHARTS not in text
    assert len(document.inline_shapes) == 2
    assert "图1 各目标领域指标状态" in text and "图2 各单位按时报送率" in text


# Asking for it, the job, the list and the download.


def test_only_the_office_asks_for_documents_and_only_for_ended_quarters(demo, q2, jingyang, office_user):
    with pytest.raises(PermissionDenied):
        document_request(user=jingyang, plan=demo, kind=Document.Kind.BULLETIN, period=q2)
    with pytest.raises(ValidationError, match="已经结束的季度"):
        document_request(user=office_user, plan=demo, kind=Document.Kind.BULLETIN, period=None)
    assert not Document.objects.exists()


@eager_only
def test_a_requested_bulletin_is_written_stored_and_downloadable_by_every_unit(
    demo, q2, office_user, guanghan_user, client, settings, tmp_path
):
    settings.CHART_BROWSER, settings.MEDIA_ROOT = "", tmp_path
    document = document_request(user=office_user, plan=demo, kind=Document.Kind.BULLETIN, period=q2)
    document_write(document_id=document.pk)  # what the job runs (eager in tests, queued on commit)
    document.refresh_from_db()
    assert (document.state, document.progress, document.created_by) == (Document.State.DONE, 100, office_user)
    assert Path(document.file.path).exists()

    assert client.login(username=guanghan_user.username, password=PASSWORD)
    page = client.get(reverse("reports:document_list")).content.decode()
    assert "2025年第二季度通报.docx" in page and "生成季度通报" not in page
    response = client.get(reverse("reports:document_download", args=[document.pk]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    _document, text = document_text(b"".join(response.streaming_content))
    assert "关于2025年第二季度知识产权强市建设工作推进情况的通报" in text


def test_a_double_click_starts_one_job(demo, q2, office_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as queued:
        first = document_request(user=office_user, plan=demo, kind=Document.Kind.BULLETIN, period=q2)
        second = document_request(user=office_user, plan=demo, kind=Document.Kind.BULLETIN, period=q2)
    assert first == second and [job.job for job in queued] == [("document_generate", (first.pk,))]


def test_a_failed_job_says_so_and_a_new_request_starts_again(demo, q2, office_user, monkeypatch):
    document = document_request(user=office_user, plan=demo, kind=Document.Kind.BULLETIN, period=q2)

    def broken(_document, _step):
        raise RuntimeError("磁盘已满")

    monkeypatch.setattr("reports.documents.services._build", broken)
    with pytest.raises(RuntimeError):
        document_write(document_id=document.pk)
    document.refresh_from_db()
    assert document.state == Document.State.FAILED and "磁盘已满" in document.error
    again = document_request(user=office_user, plan=demo, kind=Document.Kind.BULLETIN, period=q2)
    assert again != document


def test_the_status_of_a_document_is_read_by_the_list_page(demo, q2, office_user, client, monkeypatch):
    document = document_request(user=office_user, plan=demo, kind=Document.Kind.BULLETIN, period=q2)
    Document.objects.filter(pk=document.pk).update(
        state=Document.State.RUNNING, progress=30, step="正在绘制图表"
    )
    assert client.login(username=office_user.username, password=PASSWORD)
    assert client.get(reverse("reports:document_status", args=[document.pk])).json() == {
        "state": "running",
        "label": "生成中",
        "progress": 30,
        "step": "正在绘制图表",
    }
    page = client.get(reverse("reports:document_list")).content.decode()
    assert 'value="30"' in page and "documents.js" in page


def test_units_see_only_finished_bulletins_and_never_the_evaluation(
    demo, q2, office_user, jingyang, client, monkeypatch
):
    running = document_request(user=office_user, plan=demo, kind=Document.Kind.BULLETIN, period=q2)
    evaluation = document_request(user=office_user, plan=demo, kind=Document.Kind.EVALUATION)
    assert client.login(username=jingyang.username, password=PASSWORD)
    for document in (running, evaluation):
        assert client.get(reverse("reports:document_status", args=[document.pk])).status_code == 404
        assert client.get(reverse("reports:document_download", args=[document.pk])).status_code == 404
    assert (
        client.post(reverse("reports:document_new"), {"kind": "bulletin", "period": q2.pk}).status_code == 403
    )
    assert Document.objects.count() == 2
