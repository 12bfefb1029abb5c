"""The benchmark's synthetic province is written past the models (COPY / INSERT of raw columns): a column added to a
reporting item without the bench writing it broke CI's bench (KeyError: 'reopened'), not the suite. This builds the
smallest province so such a change fails here first."""

from bench.data import SECOND_TITLE, TITLE, generate
from reports.models import Rollup, Submission, TaskReport
from targets.models import WorkPlan


def test_the_bench_builds_its_smallest_province(transactional_db):
    made = generate(scale=0)

    assert made["units"] == 6 and made["indicators"] == 12 and made["tasks"] == 6
    main, second = WorkPlan.objects.get(title=TITLE), WorkPlan.objects.get(title=SECOND_TITLE)
    assert made["figures"] == Submission.objects.filter(period__plan=main).count() > 0
    assert made["task_reports"] == TaskReport.objects.filter(period__plan=main).count() > 0
    # The second plan, open beside the main one: its first year reported, its rollups built.
    assert main.status == second.status == WorkPlan.Status.ACTIVE
    assert made["second_plan"]["figures"] == Submission.objects.filter(period__plan=second).count() > 0
    reported = set(Submission.objects.filter(period__plan=second).values_list("period__year", flat=True))
    assert reported == {2025}
    assert Rollup.objects.filter(indicator__plan=second, unit__isnull=True).exists()
    assert not Submission.objects.filter(reopened=True).exists()
