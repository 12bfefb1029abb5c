"""Actions the audit log missed (issue 14, item 7): deleting evidence, discarding an uploaded plan text, writing a
批示, and a change of an account's superuser flag or permissions made outside the portal."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile

from reports.instructions.services import instruction_create
from reports.workflow.drafts import figure_save
from reports.workflow.evidence import evidence_add, evidence_delete
from tasks.drafts import plan_draft_create, plan_draft_discard
from tests.reports.factories import indicator, period
from units.models import AuditEvent

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


@pytest.mark.usefixtures("in_2024q1")
def test_deleting_evidence_is_recorded(plan, jingyang):
    figure = figure_save(
        user=jingyang, unit=jingyang.unit, period=period(plan, "2023Q4"), indicator=indicator(plan, "1.1"),
        data={"value": Decimal("41")}, expected_version=None,
    )  # fmt: skip
    evidence = evidence_add(user=jingyang, item=figure, upload=SimpleUploadedFile("批复.pdf", PDF))
    evidence_delete(user=jingyang, evidence=evidence)
    [deleted] = events("evidence_delete")
    assert deleted.username == jingyang.username and "批复.pdf" in deleted.detail
    assert deleted.object_id == str(figure.pk)


def test_discarding_an_uploaded_plan_text_is_recorded(plan, office_user):
    draft = plan_draft_create(
        user=office_user,
        name="新方案.txt",
        content=plan.source_text.replace(plan.title, "新方案", 1).encode(),
    )
    plan_draft_discard(user=office_user, draft=draft)
    [discarded] = events("plan_draft_discard")
    assert discarded.username == office_user.username and "新方案.txt" in discarded.detail


def test_writing_an_instruction_is_recorded(plan, office_user):
    instruction = instruction_create(user=office_user, indicator=indicator(plan, "1.1"), text="请加快进度")
    [written] = events("instruction_create")
    assert written.username == office_user.username and written.object_id == str(instruction.pk)
    assert "请加快进度" in written.detail


def test_a_superuser_flag_or_permission_given_outside_the_portal_is_recorded(plan, jingyang):
    jingyang.is_superuser = True
    jingyang.save()
    [flag] = events("privilege_change")
    assert flag.object_id == str(jingyang.pk) and "超级用户" in flag.detail
    jingyang.user_permissions.add(Permission.objects.get(codename="view_submission"))
    permission = events("privilege_change")[-1]
    assert "view_submission" in permission.detail
