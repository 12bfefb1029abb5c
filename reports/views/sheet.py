"""The quarterly data-entry sheet of a unit: every obligation on one page, like a paper form."""

from collections import Counter
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from reports.instructions.forms import InstructionReplyForm
from reports.instructions.selectors import SheetInstruction, sheet_instructions
from reports.models import Status
from reports.views.scope import sheet_scope, sheet_url
from reports.views.sheet_widgets import SHEET_RENDERER
from reports.workflow.drafts import item_editable
from reports.workflow.forms import FigureForm, TaskReportForm, figure_initial, task_report_initial
from reports.workflow.selectors import SheetRow, periods_open, sheet_groups, sheet_items, unit_sheet_summaries
from reports.workflow.sheet import ReplyEntry, SheetEntry, sheet_save
from targets.models import WorkPlan
from targets.periods import portal_today
from tasks.plan_choice import plan_for, plans_for
from units.selectors import units_visible_to, user_can_report_for, user_can_unit_review, user_enters_for


def report_index(request: HttpRequest) -> HttpResponse:
    """Which sheets the user can open, for every plan being reported (the plan shown first, then the others):
    its own unit's quarters, or for the office every unit's."""
    shown = plan_for(request)
    units = units_visible_to(user=request.user)
    if not units.exists():
        raise PermissionDenied(_("您的角色不填报数据"))
    others = [p for p in plans_for(request) if p.status == WorkPlan.Status.ACTIVE and p != shown]
    groups = [
        (plan, unit_sheet_summaries(units=units, periods=periods_open(plan=plan)))
        for plan in [shown, *others]
    ]
    return render(request, "reports/report_index.html", {"groups": groups, "today": portal_today()})


@dataclass
class BoundRow:
    row: SheetRow
    form: FigureForm | TaskReportForm
    plan: WorkPlan  # its status decides which rows take input (reports.workflow.drafts.item_editable)
    version: int = 0  # what the page sends back as the version this person's edit is based on

    @property
    def editable(self) -> bool:
        return item_editable(plan=self.plan, item=self.row.item)


def _bind(rows: list[SheetRow], plan: WorkPlan, data=None) -> list[BoundRow]:
    bound = []
    for row in rows:
        if row.indicator:
            form = FigureForm(
                data,
                prefix=row.key,
                indicator=row.indicator,
                initial=figure_initial(row.item),
                renderer=SHEET_RENDERER,
            )
        else:
            form = TaskReportForm(
                data, prefix=row.key, initial=task_report_initial(row.item), renderer=SHEET_RENDERER
            )
        bound.append(BoundRow(row=row, form=form, version=row.version, plan=plan))
    return bound


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            form.add_error(None if field == "__all__" or field not in form.fields else field, messages_)
    else:
        form.add_error(None, error.messages)


@dataclass
class BoundReply:
    entry: SheetInstruction
    form: InstructionReplyForm | None  # None once answered on this sheet


def _bind_replies(instructions: list[SheetInstruction], data=None) -> list[BoundReply]:
    """A form for each instruction still awaiting the unit's answer, holding its draft answer when there is one."""
    return [
        BoundReply(
            entry=i,
            form=InstructionReplyForm(data, prefix=i.key, initial={"text": i.draft.text} if i.draft else None)
            if i.awaiting
            else None,
        )
        for i in instructions
    ]


def _rebind_replies(instructions: list[SheetInstruction], posted: list[BoundReply]) -> list[BoundReply]:
    """After a partly failed post: answers saved meanwhile show as answered, the others keep what was typed."""
    forms = {reply.entry.key: reply.form for reply in posted}
    return [BoundReply(entry=i, form=forms.get(i.key) if i.awaiting else None) for i in instructions]


def sheet(request: HttpRequest, unit_code: str, period_code: str) -> HttpResponse:
    unit, period = sheet_scope(request, unit_code, period_code)
    can_edit = user_can_report_for(user=request.user, unit=unit) and period.start <= portal_today()
    groups = sheet_groups(unit=unit, period=period)
    instructions = sheet_instructions(unit=unit, period=period)
    if request.method != "POST":
        bound_groups = [(group, _bind(group.rows, period.plan)) for group in groups]
        context = _context(request, unit, period, bound_groups, can_edit, _bind_replies(instructions))
        return render(request, "reports/sheet.html", context)
    if not can_edit:
        raise PermissionDenied(_("您不能填报此表"))
    action = request.POST.get("action", "save")
    bound_groups = [(group, _bind(group.rows, period.plan, request.POST)) for group in groups]
    rows = [entry for _group, bound in bound_groups for entry in bound]
    bound_replies = _bind_replies(instructions, request.POST)
    replies = [reply for reply in bound_replies if reply.form is not None]
    result = sheet_save(
        user=request.user,
        unit=unit,
        period=period,
        entries=[_entry(bound, action) for bound in rows],
        replies=[
            ReplyEntry(
                instruction=reply.entry.instruction,
                text=reply.form.cleaned_data["text"] if reply.form.is_valid() else None,
            )
            for reply in replies
        ],
        proxy_reason=request.POST.get("proxy_reason", ""),
    )
    if result.refusal is not None:
        messages.error(
            request, _("%(why)s。您输入的内容都还在页面上。") % {"why": "；".join(result.refusal.messages)}
        )
        return render(
            request,
            "reports/sheet.html",
            _context(request, unit, period, bound_groups, can_edit, bound_replies),
        )
    for position, error in result.reply_errors.items():
        _add_errors(replies[position].form, error)
    for position, error in result.errors.items():
        entry = rows[position]
        if entry.editable:
            _add_errors(entry.form, error)
        else:  # the row now shows locked, without its inputs: what was typed is quoted back
            entry.form.add_error(
                None, [*error.messages, _("您填写的内容：%(typed)s") % {"typed": entry.form.typed()}]
            )
    if not result.failed:
        messages.success(request, result.done)
        return redirect(sheet_url(unit, period, query="saved=1"))
    _refresh_items(unit, period, bound_groups)
    messages.error(
        request,
        _("有%(failed)d项需要修改（见标红处），其余内容已处理：%(done)s。您输入的内容都还在页面上。")
        % {"failed": result.failed, "done": result.summary},
    )
    replies = _rebind_replies(sheet_instructions(unit=unit, period=period), bound_replies)
    return render(
        request, "reports/sheet.html", _context(request, unit, period, bound_groups, can_edit, replies)
    )


def _wants_submit(data: dict, action: str) -> bool:
    return action == "submit_all" or (action == "submit_selected" and bool(data.get("submit")))


def _entry(bound: BoundRow, action: str) -> SheetEntry:
    form = bound.form
    changed = form.changed_content()
    data = form.cleaned_data if form.is_valid() else None
    return SheetEntry(
        row=bound.row,
        data=data,
        changed=changed,
        editable=bound.editable,
        submit=data is not None and _wants_submit(data, action),
    )


def _refresh_items(unit, period, bound_groups) -> None:
    """After a partly failed post the page is shown again with what was typed; rows saved meanwhile show their
    new status and carry their new version, so the next save is not mistaken for someone else's older edit."""
    figures, reports = sheet_items(unit=unit, period=period)
    for _group, bound in bound_groups:
        for entry in bound:
            row = entry.row
            row.item = figures.get(row.indicator.pk) if row.indicator else reports.get(row.task.pk)
            entry.version = row.version
            if not entry.form.errors:  # stored, or left alone: shown as it now stands, not as it was posted
                entry.form = _bind([row], period.plan)[0].form


def _counts(rows: list[BoundRow]) -> dict[str, int]:
    """How many rows are in each state, as the sheet's head lists them (a reopened item apart from the returned)."""
    labels = [str(_("未填")), *(str(status.label) for status in Status)]
    counted = Counter(str(e.row.item.status_label) if e.row.item else labels[0] for e in rows)
    reopened = str(_("已重新打开"))
    if counted[reopened]:
        labels.insert(labels.index(str(Status.RETURNED.label)) + 1, reopened)
    if not counted[str(Status.PENDING.label)]:  # only where the unit has its own review
        labels.remove(str(Status.PENDING.label))
    return {label: counted[label] for label in labels}


def _context(request, unit, period, bound_groups, can_edit, replies) -> dict:
    rows = [entry for _group, bound in bound_groups for entry in bound]
    awaiting = [reply.entry.instruction for reply in replies if reply.entry.awaiting]
    return {
        "unit": unit,
        "period": period,
        "groups": bound_groups,
        "replies": replies,
        "instructed": {f"f{i.indicator_id}" if i.indicator_id else f"t{i.task_id}" for i in awaiting},
        "can_edit": can_edit,
        # 代填: the office entering for this unit gives its reason with every post (kept as typed after a refusal).
        "proxy": can_edit and user_enters_for(user=request.user, unit=unit),
        # 单位审核: what this person submits goes to the unit's reviewer first (not the reviewer's own, not a 代填).
        "unit_review": unit.reviewing_unit_id is not None
        and not user_can_unit_review(user=request.user, unit=unit)
        and not user_enters_for(user=request.user, unit=unit),
        "proxy_reason": request.POST.get("proxy_reason", "") if request.method == "POST" else "",
        "counts": _counts(rows),
        "total": len(rows),
        # A long sheet mostly done: the few items still to send are listed at the top, each a link to its row.
        "outstanding": [e.row for e in rows if e.row.outstanding] if can_edit else [],
        "storage_key": f"sheet:{request.user.pk}:{unit.code}:{period.code}",
        "saved": request.GET.get("saved") == "1",
    }
