"""管理后台 › 工作方案: the office sets the plan's thresholds there, and no field of the plan is left off the form."""

from decimal import Decimal

from django.contrib import admin
from django.urls import reverse

from targets.models import WorkPlan


def plan_form(plan: WorkPlan) -> dict:
    """The plan's change form as the admin shows it, before the thresholds are typed in."""
    fields = ("title", "issuer", "start", "end", "status", "due_days", "amber_ratio", "rate_amber_points")
    return {name: getattr(plan, name) for name in fields}


def test_the_office_changes_the_evaluation_thresholds_of_a_plan(client, plan, office_user):
    client.force_login(office_user)
    url = reverse("admin:targets_workplan_change", args=[plan.pk])
    page = client.get(url).content.decode()
    assert "基本达成比例" in page and "比率基本达成差距（百分点）" in page
    form = plan_form(plan)
    response = client.post(
        url,
        {**form, "source_text": plan.source_text, "verdict_basic_ratio": "0.85", "verdict_rate_points": "3"},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    plan.refresh_from_db()
    assert (plan.verdict_basic_ratio, plan.verdict_rate_points) == (Decimal("0.85"), Decimal("3"))


def test_a_basic_ratio_above_one_is_refused(client, plan, office_user):
    client.force_login(office_user)
    url = reverse("admin:targets_workplan_change", args=[plan.pk])
    form = plan_form(plan)
    response = client.post(url, {**form, "verdict_basic_ratio": "1.2", "verdict_rate_points": "5"})
    assert response.status_code == 200 and "verdict_basic_ratio" in response.context["adminform"].form.errors
    plan.refresh_from_db()
    assert plan.verdict_basic_ratio == Decimal("0.90")


def test_every_editable_field_of_a_plan_is_in_the_admin_form():
    fieldsets = admin.site._registry[WorkPlan].fieldsets
    shown = {name for _title, options in fieldsets for name in options["fields"]}
    editable = {f.name for f in WorkPlan._meta.concrete_fields if f.editable and not f.primary_key}
    # The lifecycle's fields are shown read-only: they change on the plan page.
    readonly = set(admin.site._registry[WorkPlan].readonly_fields)
    assert editable <= shown and shown - editable <= readonly
