"""The quarterly data-entry sheet of a unit: every obligation on one page, like a paper form."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from targets.models import Period
from targets.periods import parse_period_code, portal_today
from tasks.selectors import plan_current
from units.models import Unit
from units.selectors import units_visible_to

from ..forms import FigureForm, InstructionReplyForm, TaskReportForm, figure_initial, task_report_initial
from ..instructions import SheetInstruction, sheet_instructions
from ..jobs import alerts_refresh_plan
from ..models import Evidence, Status, Submission, TaskReport
from ..selectors import SheetRow, periods_open, sheet_groups, unit_sheet_summaries, user_can_report_for
from ..services import figure_save, instruction_reply, item_submit, task_report_save


def sheet_scope(request: HttpRequest, unit_code: str, period_code: str) -> tuple[Unit, Period]:
    """The unit and quarter of a sheet URL, or 404 when the user may not see that unit or the quarter is unknown."""
    unit = get_object_or_404(units_visible_to(user=request.user), code=unit_code)
    plan = plan_current()
    try:
        year, quarter = parse_period_code(period_code)
    except ValueError:
        raise Http404("季度编号无效") from None
    period = get_object_or_404(Period.objects.select_related("plan"), plan=plan, year=year, quarter=quarter)
    return unit, period


def report_index(request: HttpRequest) -> HttpResponse:
    """Which sheets the user can open: its own unit's quarters, or for the office every unit's current quarter."""
    plan = plan_current()
    if plan is None:
        raise Http404("还没有工作方案")
    periods = periods_open(plan=plan)
    units = units_visible_to(user=request.user)
    if not units.exists():
        raise PermissionDenied("您的角色不填报数据")
    return render(
        request,
        "reports/report_index.html",
        {
            "plan": plan,
            "summaries": unit_sheet_summaries(units=units, periods=periods),
            "today": portal_today(),
        },
    )


@dataclass
class BoundRow:
    row: SheetRow
    form: FigureForm | TaskReportForm
    version: int = 0  # what the page sends back as the version this person's edit is based on

    @property
    def editable(self) -> bool:
        return self.row.item is None or self.row.item.is_editable


def _bind(rows: list[SheetRow], data=None) -> list[BoundRow]:
    bound = []
    for row in rows:
        if row.indicator:
            form = FigureForm(data, prefix=row.key, indicator=row.indicator, initial=figure_initial(row.item))
        else:
            form = TaskReportForm(data, prefix=row.key, initial=task_report_initial(row.item))
        bound.append(BoundRow(row=row, form=form, version=row.version))
    return bound


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            form.add_error(None if field == "__all__" or field not in form.fields else field, messages_)
    else:
        form.add_error(None, error.messages)


def sheet(request: HttpRequest, unit_code: str, period_code: str) -> HttpResponse:
    unit, period = sheet_scope(request, unit_code, period_code)
    can_edit = user_can_report_for(user=request.user, unit=unit) and period.start <= portal_today()
    groups = sheet_groups(unit=unit, period=period)
    instructions = sheet_instructions(unit=unit, period=period)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("您不能填报此表")
        action = request.POST.get("action", "save")
        replies = _bind_replies(instructions, request.POST)
        failed, answered = _save_replies(request, unit, period, replies)
        saved = submitted = 0
        bound_groups = []
        for group in groups:
            bound = _bind(group.rows, request.POST)
            bound_groups.append((group, bound))
            for entry in bound:
                form, row = entry.form, entry.row
                changed = form.changed_content()
                if not entry.editable and not changed:
                    continue  # locked when the page was drawn, or left alone since a colleague submitted it
                if not form.is_valid():
                    failed += 1
                    continue
                item, submit = row.item, _wants_submit(form, action) and entry.editable
                try:
                    if changed:
                        item = _save_row(request, unit, period, row, form)
                        saved += 1
                    if submit and item is None:
                        form.add_error(None, "此项尚未填写，不能提交")
                        failed += 1
                    elif submit:
                        # What is submitted must be what this person saw: a colleague's later save is refused.
                        based_on = None if changed else form.cleaned_data.get("version")
                        submitted += item_submit(user=request.user, item=item, expected_version=based_on)
                except ValidationError as error:
                    if entry.editable:
                        _add_errors(form, error)
                    else:  # the row now shows locked, without its inputs: what was typed is quoted back
                        form.add_error(None, [*error.messages, f"您填写的内容：{form.typed()}"])
                    failed += 1
        if submitted:
            # The unit's reminder or overdue alert goes away now, not at the next scheduled refresh.
            alerts_refresh_plan.delay_on_commit(period.plan_id)
        done = (
            [f"保存{saved}项"]
            + [f"提交{submitted}项"] * bool(submitted)
            + [f"答复批示{answered}条"] * bool(answered)
        )
        if failed:
            _refresh_items(unit, period, bound_groups)
            replies = _rebind_replies(sheet_instructions(unit=unit, period=period), replies)
            messages.error(
                request,
                f"有{failed}项需要修改（见标红处），其余内容已处理：{'，'.join(done)}。您输入的内容都还在页面上。",
            )
            return render(
                request,
                "reports/sheet.html",
                _context(request, unit, period, bound_groups, can_edit, replies),
            )
        messages.success(request, "已" + "，已".join(done) + "。")
        return redirect(reverse("sheet", args=[unit.code, period.code]) + "?saved=1")
    bound_groups = [(group, _bind(group.rows)) for group in groups]
    replies = _bind_replies(instructions)
    return render(
        request, "reports/sheet.html", _context(request, unit, period, bound_groups, can_edit, replies)
    )


@dataclass
class BoundReply:
    entry: SheetInstruction
    form: InstructionReplyForm | None  # None once answered on this sheet


def _bind_replies(instructions: list[SheetInstruction], data=None) -> list[BoundReply]:
    return [
        BoundReply(entry=i, form=InstructionReplyForm(data, prefix=i.key) if i.awaiting else None)
        for i in instructions
    ]


def _rebind_replies(instructions: list[SheetInstruction], posted: list[BoundReply]) -> list[BoundReply]:
    """After a partly failed post: answers saved meanwhile show as answered, the others keep what was typed."""
    forms = {reply.entry.key: reply.form for reply in posted}
    return [BoundReply(entry=i, form=forms.get(i.key) if i.awaiting else None) for i in instructions]


def _save_replies(request, unit: Unit, period: Period, replies: list[BoundReply]) -> tuple[int, int]:
    """Store the answers typed on the sheet; blank ones wait for a later report. Returns (failed, answered)."""
    failed = answered = 0
    for reply in replies:
        form = reply.form
        if form is None:
            continue
        if not form.is_valid():
            failed += 1
            continue
        if not form.cleaned_data["text"].strip():
            continue
        try:
            instruction_reply(
                user=request.user,
                instruction=reply.entry.instruction,
                unit=unit,
                period=period,
                text=form.cleaned_data["text"],
            )
            answered += 1
        except ValidationError as error:
            _add_errors(form, error)
            failed += 1
    return failed, answered


def _refresh_items(unit: Unit, period: Period, bound_groups) -> None:
    """After a partly failed post the page is shown again with what was typed; rows saved meanwhile show their
    new status and carry their new version, so the next save is not mistaken for someone else's older edit."""
    evidence = Prefetch("evidence", Evidence.objects.order_by("uploaded_at"))
    figures = {
        s.indicator_id: s
        for s in Submission.objects.filter(unit=unit, period=period).prefetch_related(evidence)
    }
    reports = {
        r.task_id: r for r in TaskReport.objects.filter(unit=unit, period=period).prefetch_related(evidence)
    }
    for _, bound in bound_groups:
        for entry in bound:
            row = entry.row
            row.item = figures.get(row.indicator.pk) if row.indicator else reports.get(row.task.pk)
            entry.version = row.version
            if not entry.form.errors:  # stored, or left alone: shown as it now stands, not as it was posted
                entry.form = _bind([row])[0].form


def _wants_submit(form, action: str) -> bool:
    return action == "submit_all" or (action == "submit_selected" and form.cleaned_data.get("submit"))


def _save_row(request: HttpRequest, unit: Unit, period: Period, row: SheetRow, form):
    data = form.cleaned_data
    if row.indicator:
        return figure_save(
            user=request.user,
            unit=unit,
            period=period,
            indicator=row.indicator,
            data=data,
            expected_version=data.get("version"),
        )
    return task_report_save(
        user=request.user,
        unit=unit,
        period=period,
        task=row.task,
        data=data,
        expected_version=data.get("version"),
    )


def _context(request, unit, period, bound_groups, can_edit, replies) -> dict:
    rows = [entry for _, bound in bound_groups for entry in bound]
    awaiting = [reply.entry.instruction for reply in replies if reply.entry.awaiting]
    return {
        "unit": unit,
        "period": period,
        "groups": bound_groups,
        "replies": replies,
        "instructed": {f"f{i.indicator_id}" if i.indicator_id else f"t{i.task_id}" for i in awaiting},
        "can_edit": can_edit,
        "counts": {
            "未填": sum(1 for e in rows if not e.row.status),
            **{status.label: sum(1 for e in rows if e.row.status == status) for status in Status},
        },
        "total": len(rows),
        # A long sheet mostly done: the few items still to send are listed at the top, each a link to its row.
        "outstanding": [e.row for e in rows if e.row.outstanding] if can_edit else [],
        "storage_key": f"sheet:{request.user.pk}:{unit.code}:{period.code}",
        "saved": request.GET.get("saved") == "1",
    }
