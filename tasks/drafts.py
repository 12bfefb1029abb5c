"""Importing a plan from its official text: read (tasks.plantext), checked and corrected by the office on the draft's
page, confirmed into a plan (tasks.services.plan_import) as a draft, or discarded."""

from dataclasses import asdict
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from targets.models import WorkPlan
from targets.periods import portal_now
from tasks.documents import plan_text_read
from tasks.models import PlanDraft
from tasks.plantext import ParseResult, plan_parse
from tasks.services import check_office, plan_import
from units.audit import audit
from units.models import User
from units.selectors import unit_registry_data


def plan_read(*, name: str, content: bytes, completions: dict | None = None) -> tuple[str, ParseResult]:
    """The text of an uploaded plan file and what the parser reads from it; without completions its unit names are
    matched against the portal's units. Raises ValidationError for a file that is not a plan."""
    text = plan_text_read(name=name, content=content)
    result = plan_parse(text, completions=completions if completions is not None else unit_registry_data())
    if not result.plan["areas"] and not result.plan["sections"]:
        raise ValidationError(
            _("没有识别出目标和任务：请确认上传的是工作方案正文（含“主要目标”“主要工作”等部分）")
        )
    return text, result


def _plan_in_portal(meta: dict) -> WorkPlan | None:
    """The plan already in the portal that a draft's title and period would repeat (plan_import refuses those): the
    same title and start, or only the same title while the text gives no period."""
    plans = WorkPlan.objects.filter(title=meta.get("title", ""))
    if meta.get("start"):
        plans = plans.filter(start=meta["start"])
    return plans.order_by("start").first()


@transaction.atomic
def plan_draft_create(*, user: User, name: str, content: bytes, completions: dict | None = None) -> PlanDraft:
    """Read an uploaded plan into a draft for the office to check. Raises ValidationError for a bad file, or for a
    plan already in the portal (said at once, not when the office confirms the checked draft)."""
    check_office(user)
    text, result = plan_read(name=name, content=content, completions=completions)
    existing = _plan_in_portal(result.plan["plan"])
    if existing is not None:
        raise ValidationError(
            _(
                "方案《%(title)s》（%(start)s起）已存在，不能重复导入。要修改它，请在“工作方案”中打开；"
                "如果这是新一期方案，请核对原文的标题和工作期。"
            )
            % {"title": existing.title, "start": existing.start}
        )
    return PlanDraft.objects.create(
        file_name=PurePath(name).name[:200],
        source_text=text,
        data=result.plan,
        warnings=[asdict(w) for w in result.warnings],
        skipped=[asdict(s) for s in result.skipped],
        uploaded_by=user,
        uploaded_at=portal_now(),
    )


def _draft_locked(draft: PlanDraft, expected_version: int | None) -> PlanDraft:
    locked = PlanDraft.objects.select_for_update().get(pk=draft.pk)
    if locked.status != PlanDraft.Status.PENDING:
        raise ValidationError(_("此识别稿%(status)s，不能再修改") % {"status": locked.get_status_display()})
    if expected_version is not None and locked.version != expected_version:
        raise ValidationError(_("别人刚刚修改过此识别稿，您的修改未保存。请刷新页面，在最新内容上重新修改"))
    return locked


def _rename_responsible(data: dict, old: str, new: str) -> None:
    items = data["areas"] + [t for s in data["sections"] for t in s["tasks"]] + data["safeguards"]
    for item in items:
        item["responsible"] = [
            (new if entry == old else entry)
            if isinstance(entry, str)
            else ({**entry, "name": new} if entry["name"] == old else entry)
            for entry in item["responsible"]
        ]


def draft_indicators(data: dict) -> list[dict]:
    """The indicators of a draft that carry their own target (a task's reference to a goal indicator does not)."""
    tasks = [t for s in data["sections"] for t in s["tasks"]]
    return [i for a in data["areas"] for i in a["indicators"]] + [
        i for t in tasks for i in t["indicators"] if not i.get("ref")
    ]


@transaction.atomic
def plan_draft_update(
    *, user: User, draft: PlanDraft, changes: dict, expected_version: int | None
) -> PlanDraft:
    """Apply the office's corrections: {"plan": {title, start, end}, "units": {code: {"existing": name} or
    {"name", "full_name", "kind"}}, "indicators": {index: {name, kind, comparison, target, uom}}}. A new unit mapped
    to an existing one disappears and its name is replaced wherever the plan names it; a renamed one is renamed
    everywhere. Refuses an edit based on an older version, and a title and period of a plan already in the portal
    (a ValidationError on "title")."""
    check_office(user)
    draft = _draft_locked(draft, expected_version)
    data = draft.data
    data["plan"].update(changes.get("plan", {}))
    existing = _plan_in_portal(data["plan"])
    if existing is not None:
        raise ValidationError(
            {
                "title": _("方案《%(title)s》（%(start)s起）已存在，请改用新标题，或核对工作期")
                % {"title": existing.title, "start": existing.start}
            }
        )
    settled: set[str] = set()  # names mapped to an existing unit: their warnings are answered
    for code, change in changes.get("units", {}).items():
        unit = next((u for u in data["units"] if u["code"] == code and u.get("needs_review")), None)
        if unit is None:
            continue
        if change.get("existing"):
            data["units"].remove(unit)
            _rename_responsible(data, unit["name"], change["existing"])
            settled.add(unit["name"])
            continue
        if change.get("name") and change["name"] != unit["name"]:
            _rename_responsible(data, unit["name"], change["name"])
        unit.update({key: value for key, value in change.items() if key in ("name", "full_name", "kind")})
    indicators = draft_indicators(data)
    for index, change in changes.get("indicators", {}).items():
        indicators[int(index)].update(change)
    settled |= {f"uom:{i['code']}" for i in indicators if i["uom"]}
    draft.warnings = [w for w in draft.warnings if not _settled(w, settled)]
    draft.data, draft.version = data, draft.version + 1
    draft.save(update_fields=["data", "warnings", "version"])
    return draft


def _settled(warning: dict, settled: set[str]) -> bool:
    """A warning the office's corrections answer: about a name now mapped to a unit, or a unit of measure filled."""
    if warning.get("subject"):
        return warning["subject"] in settled
    return any(f"“{name}”" in warning["message"] for name in settled)


@transaction.atomic
def plan_draft_confirm(*, user: User, draft: PlanDraft, expected_version: int | None = None) -> WorkPlan:
    """Create the plan (in draft: not yet open for reporting) from the checked structure. All or nothing."""
    check_office(user)
    draft = _draft_locked(draft, expected_version)
    plan = plan_import(data=draft.data, source_text=draft.source_text, status=WorkPlan.Status.DRAFT)
    draft.status, draft.plan = PlanDraft.Status.CONFIRMED, plan
    draft.save(update_fields=["status", "plan"])
    audit(action="import", user=user, obj=plan, detail=f"从原文导入方案（识别稿 {draft.file_name}）")
    return plan


@transaction.atomic
def plan_draft_discard(*, user: User, draft: PlanDraft) -> None:
    check_office(user)
    draft = _draft_locked(draft, None)
    draft.status = PlanDraft.Status.DISCARDED
    draft.save(update_fields=["status"])
    audit(action="plan_draft_discard", user=user, obj=draft, detail=f"放弃导入：{draft.file_name}")
