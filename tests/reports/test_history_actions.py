"""What a change to a figure or task report was is stored as a code (ItemAction) on its history row; counts and the
audit log read the code, and the words are made only to show it. Rows written before the codes existed got theirs
from the first words of their change reason (migration 0012)."""

import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.utils import timezone

from reports.models import ItemAction, Submission
from reports.workflow.drafts import figure_save
from reports.workflow.services import item_return, item_submit
from units.models import AuditEvent

from .factories import indicator, period

migration = importlib.import_module("reports.migrations.0012_item_history_action")


pytestmark = pytest.mark.usefixtures("in_2024q1")


def _returned_figure(plan, jingyang, office_user) -> Submission:
    figure = figure_save(
        user=jingyang,
        unit=jingyang.unit,
        period=period(plan, "2023Q4"),
        indicator=indicator(plan, "1.1"),
        data={"value": Decimal("60")},
        expected_version=None,
    )
    item_submit(user=jingyang, item=figure)
    item_return(user=office_user, item=figure, reason="请核对：户数")
    return figure


def test_each_change_is_stored_as_a_code_with_only_the_words_given(plan, jingyang, office_user):
    figure = _returned_figure(plan, jingyang, office_user)
    rows = list(figure.history.order_by("history_date", "history_id"))
    assert [(r.action, r.history_change_reason) for r in rows] == [
        (ItemAction.CREATE, ""),
        (ItemAction.SUBMIT, ""),
        (ItemAction.RETURN, "请核对：户数"),
    ]
    assert [r.why for r in rows] == ["新建草稿", "提交", "退回：请核对：户数"]
    audited = AuditEvent.objects.filter(object_type="reports.Submission", object_id=str(figure.pk))
    assert list(audited.order_by("id").values_list("action", "detail")) == [
        ("item_create", "新建草稿"),
        ("item_submit", "提交"),
        ("item_return", "退回：请核对：户数"),
    ]


def test_rows_from_before_the_codes_get_theirs_from_their_words(plan, jingyang, office_user):
    figure = _returned_figure(plan, jingyang, office_user)
    history = Submission.history.model
    old = {
        "新建草稿（Excel导入）": "+",
        "提交": "~",
        "退回：请核对：户数": "~",
        "重新打开：同意申请：数据有误": "~",
    }
    history.objects.filter(id=figure.pk).delete()
    template = history(
        **{f.attname: getattr(figure, f.attname) for f in Submission._meta.fields},
        history_date=timezone.now(),
    )
    for reason, kind in old.items():
        template.pk = None
        template.history_id = None
        template.history_type, template.history_change_reason, template.action = kind, reason, ""
        template.save()
    migration.codes_from_words(apps, None)
    rows = list(history.objects.filter(id=figure.pk).order_by("history_id"))
    assert [(r.action, r.history_change_reason) for r in rows] == [
        (ItemAction.IMPORT, ""),
        (ItemAction.SUBMIT, ""),
        (ItemAction.RETURN, "请核对：户数"),
        (ItemAction.REOPEN, "同意申请：数据有误"),
    ]
    # shown by the code's label now: an import reads 文件导入 since CSV files are imported too
    assert [r.why for r in rows] == ["新建草稿（文件导入）", *list(old)[1:]]
