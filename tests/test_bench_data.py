"""The benchmark's synthetic province is written past the models (COPY / INSERT of raw columns): a column added to a
reporting item without the bench writing it broke CI's bench (KeyError: 'reopened'), not the suite. This builds the
smallest province so such a change fails here first."""

from bench.data import generate
from reports.models import Submission, TaskReport


def test_the_bench_builds_its_smallest_province(transactional_db):
    made = generate(scale=0)

    assert made["units"] == 6 and made["indicators"] == 12 and made["tasks"] == 6
    assert made["figures"] == Submission.objects.count() > 0
    assert made["task_reports"] == TaskReport.objects.count() > 0
    assert not Submission.objects.filter(reopened=True).exists()
