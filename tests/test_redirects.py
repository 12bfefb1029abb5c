"""No open redirect (pen test, issue 14 item 10): the forms that send the user back where they came from (`next`)
follow it only to a page of this site. Off-site, scheme-relative and backslash forms all land on the form's own
default page instead."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reports.workflow.drafts import figure_save
from reports.workflow.evidence import evidence_add
from tests.reports.factories import indicator, period

pytestmark = pytest.mark.usefixtures("in_2024q1")

OFF_SITE = [
    "https://evil.example",
    "https://evil.example/review/",
    "//evil.example/",
    "/\\evil.example/",
    "\\\\evil.example",
    "https:evil.example",
    "javascript:alert(1)",
    " https://evil.example",
]


@pytest.mark.parametrize("target", OFF_SITE)
def test_the_review_form_never_sends_the_office_to_another_site(client, office_user, target):
    client.force_login(office_user)
    response = client.post(reverse("reports:review_act"), {"action": "approve", "next": target})
    assert response.status_code == 302
    assert response.url == reverse("reports:review")


def test_the_review_form_goes_back_to_the_queue_as_it_was_filtered(client, office_user):
    client.force_login(office_user)
    back = reverse("reports:review") + "?unit=3&period=2023Q4"
    response = client.post(reverse("reports:review_act"), {"action": "approve", "next": back})
    assert response.url == back


@pytest.fixture
def evidence(plan, jingyang):
    figure = figure_save(
        user=jingyang,
        unit=jingyang.unit,
        period=period(plan, "2023Q4"),
        indicator=indicator(plan, "1.1"),
        data={"value": 5},
        expected_version=None,
    )
    return evidence_add(user=jingyang, item=figure, upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4 x"))


@pytest.mark.parametrize("target", OFF_SITE)
def test_deleting_a_supporting_file_never_sends_the_reporter_to_another_site(
    client, jingyang, evidence, target
):
    client.force_login(jingyang)
    response = client.post(reverse("reports:evidence_delete", args=[evidence.token]), {"next": target})
    assert response.status_code == 302
    assert response.url == "/"


def test_deleting_a_supporting_file_goes_back_to_its_item(client, jingyang, evidence):
    client.force_login(jingyang)
    back = reverse("reports:sheet", args=["jingyang", "2023Q4"])
    response = client.post(reverse("reports:evidence_delete", args=[evidence.token]), {"next": back})
    assert response.url == back
    assert not type(evidence).objects.filter(pk=evidence.pk).exists()
