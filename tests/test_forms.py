"""Forms list their fields; status, unit and reviewer are set by the server only, whatever a crafted request adds."""

import importlib
import io
from decimal import Decimal

import openpyxl
import pytest
from django import forms
from django.contrib import admin
from django.contrib.admin.options import InlineModelAdmin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse

from reports.models import Status, Submission, TaskReport
from reports.workflow.excel import SHEET_FIGURES, sheet_import, sheet_template_xlsx
from units.models import Unit, User

from .reports.factories import indicator, period, task

pytestmark = pytest.mark.usefixtures("in_2024q1")

PROJECT_APPS = ("units", "targets", "tasks", "reports")


def project_admins():
    """Every ModelAdmin and inline the project registers for its own models."""
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label in PROJECT_APPS:
            yield model_admin
            yield from (inline(model, admin.site) for inline in model_admin.inlines)


def project_model_forms():
    for app in PROJECT_APPS:
        for module in ("forms", "admin"):
            try:
                importlib.import_module(f"{app}.{module}")
            except ModuleNotFoundError:
                continue
    seen, todo = [], list(forms.ModelForm.__subclasses__())
    while todo:
        form = todo.pop()
        todo += form.__subclasses__()
        if form.__module__.split(".")[0] in PROJECT_APPS:
            seen.append(form)
    return seen


def test_every_admin_and_model_form_names_its_fields(db):
    """No exclude, no '__all__', and an editable admin lists what it edits, so a field added to a model (a status,
    a reviewer) is never editable by accident. The project's own forms are plain Forms today; a ModelForm added
    later is held to the same rule."""
    superuser = User(username="root", is_superuser=True, is_staff=True, is_active=True)
    request = RequestFactory().get(reverse("admin:index"))
    request.user = superuser
    checked = []
    for model_admin in project_admins():
        name = type(model_admin).__name__
        assert model_admin.exclude is None, f"{name}: exclude leaves every other field editable"
        assert model_admin.fields != "__all__", f"{name}: fields = '__all__'"
        inline = isinstance(model_admin, InlineModelAdmin)
        can_add = (
            model_admin.has_add_permission(request, None)
            if inline
            else model_admin.has_add_permission(request)
        )
        if can_add or model_admin.has_change_permission(request):
            declared = model_admin.fields or model_admin.fieldsets
            assert declared, f"{name}: an editable admin form must list its fields (fields or fieldsets)"
        checked.append(name)
    assert {"PortalUserAdmin", "UnitAdmin", "IndicatorAdmin", "TaskAdmin", "TaskIndicatorInline"} <= set(
        checked
    )
    for form in project_model_forms():
        assert form._meta.exclude is None, f"{form.__name__}: Meta.exclude"
        assert form._meta.fields not in (None, "__all__"), f"{form.__name__}: Meta.fields must be a list"


def crafted(prefix: str, office: User) -> dict:
    """What a crafted request adds to a row: the fields only the server sets, bare and with the row's prefix."""
    guanghan = Unit.objects.get(code="guanghan")
    fields = {
        "status": Status.APPROVED,
        "unit": str(guanghan.pk),
        "unit_id": str(guanghan.pk),
        "reviewed_by": str(office.pk),
        "reviewed_at": "2024-01-05 10:00",
        "submitted_by": str(office.pk),
    }
    return {**fields, **{f"{prefix}-{name}": value for name, value in fields.items()}}


def assert_set_by_the_server(item, reporter: User) -> None:
    assert item.status == Status.DRAFT
    assert item.unit == reporter.unit
    assert item.reviewed_by is None and item.reviewed_at is None
    assert Submission.objects.filter(status=Status.APPROVED).count() == 0
    assert TaskReport.objects.filter(status=Status.APPROVED).count() == 0


@pytest.mark.usefixtures("jingyang_signed_in")
def test_a_sheet_save_with_status_unit_and_reviewer_sets_none_of_them(client, plan, jingyang, office_user):
    figure, report = indicator(plan, "1.1").pk, task(plan, "二(一)2").pk
    response = client.post(
        reverse("reports:sheet", args=["jingyang", "2023Q4"]),
        {
            f"f{figure}-value": "61",
            f"f{figure}-version": "0",
            **crafted(f"f{figure}", office_user),
            f"t{report}-progress": "in_progress",
            f"t{report}-progress_text": "已部署",
            f"t{report}-version": "0",
            **crafted(f"t{report}", office_user),
            "action": "save",
        },
    )
    assert response.status_code == 302
    saved = Submission.objects.get()
    assert saved.value == Decimal("61")
    assert_set_by_the_server(saved, jingyang)
    assert_set_by_the_server(TaskReport.objects.get(), jingyang)


@pytest.mark.usefixtures("jingyang_signed_in")
def test_an_upload_on_the_item_page_with_status_unit_and_reviewer_sets_none_of_them(
    client, plan, jingyang, office_user
):
    url = reverse("reports:item_detail", args=["jingyang", "2023Q4", "figure", indicator(plan, "1.1").pk])
    client.post(
        url,
        {"action": "upload", "file": SimpleUploadedFile("a.pdf", b"%PDF-1.4 x"), **crafted("x", office_user)},
    )
    assert_set_by_the_server(Submission.objects.get(), jingyang)


def test_an_excel_upload_marked_approved_stays_a_draft(plan, jingyang):
    q4 = period(plan, "2023Q4")
    book = openpyxl.load_workbook(io.BytesIO(sheet_template_xlsx(unit=jingyang.unit, period=q4)))
    sheet = book[SHEET_FIGURES]
    headers = [cell.value for cell in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[headers.index("编号")].value == "1.1")
    row[headers.index("数值")].value = 61
    row[headers.index("状态")].value = "已审核"
    out = io.BytesIO()
    book.save(out)
    sheet_import(user=jingyang, unit=jingyang.unit, period=q4, content=out.getvalue(), dry_run=False)
    saved = Submission.objects.get()
    assert saved.value == Decimal("61")
    assert_set_by_the_server(saved, jingyang)
