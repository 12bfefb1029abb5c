"""Every approved figure of the demo data carries a signature that checks out (the signing and the checks on single
figures: tests/reports/test_integrity.py)."""

from reports.figures.integrity import figures_tampered
from reports.models import Submission


def test_every_approved_figure_of_the_demo_checks_out(demo_plan):
    assert Submission.objects.filter(period__plan=demo_plan, status="approved").count() > 1000
    assert figures_tampered() == []
