"""The demo_data command writes nothing outside demo mode. What it writes is tested on the shared demo data, in
tests/reports/demo/test_demo_data.py."""

import io

import pytest
from django.core.management import CommandError, call_command

from reports.models import Submission


def test_the_command_refuses_outside_demo_mode(plan, settings):
    settings.DEMO_MODE = False
    before = Submission.objects.count()
    with pytest.raises(CommandError, match="演示模式"):
        call_command("demo_data", stdout=io.StringIO())
    assert Submission.objects.count() == before
