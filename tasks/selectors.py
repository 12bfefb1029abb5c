"""Reads of the plan's structure: the export form, and what a unit answers for."""

import datetime
import json
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from targets.models import AreaResponsibility, GoalArea, Indicator, WorkPlan
from targets.periods import portal_today
from units.models import Unit, UnitGroup, User

from .models import Section, Task, TaskIndicator, TaskResponsibility


def plan_current() -> WorkPlan | None:
    """The plan commands work on when none is named: the newest active one, else the newest of any status."""
    return (
        WorkPlan.objects.filter(status=WorkPlan.Status.ACTIVE).order_by("-start", "-id").first()
        or WorkPlan.objects.order_by("-start", "-id").first()
    )


def plans_listed() -> list[WorkPlan]:
    """The plans the portal's pages show and the header switches between: those being reported first, then ended and
    archived ones, each newest first. Drafts are the office's working copies, reached from the plan page."""
    return sorted(WorkPlan.objects.exclude(status=WorkPlan.Status.DRAFT), key=plan_order)


def plan_order(plan: WorkPlan) -> tuple:
    """The order in which plans are listed everywhere: those being reported first, then the others, newest first."""
    return (plan.status != WorkPlan.Status.ACTIVE, -plan.start.toordinal(), -plan.pk)


def plan_default_for(*, user: User, plans: list[WorkPlan], today: datetime.date) -> WorkPlan | None:
    """Which of `plans` (plans_listed) a user's pages open on. A unit's staff: the open plan with the unit's nearest
    due date from today on (the old plan while its last quarter is still due, then the new one). Everyone else, and
    a unit with nothing upcoming: the newest open plan. None open: the newest ended one."""
    open_plans = [p for p in plans if p.status == WorkPlan.Status.ACTIVE]
    if user.unit_id and user.role in User.UNIT_ROLES and len(open_plans) > 1:
        owing = set(
            Indicator.reporting_units.through.objects.filter(
                unit_id=user.unit_id, indicator__plan__in=open_plans
            ).values_list("indicator__plan_id", flat=True)
        )
        owing |= set(
            TaskResponsibility.objects.filter(_answers_for(user.unit), task__plan__in=open_plans).values_list(
                "task__plan_id", flat=True
            )
        )
        upcoming = [
            (period.due_date, -period.plan.start.toordinal(), period.plan)
            for plan in open_plans
            if plan.pk in owing
            for period in plan.periods.all()
            if period.due_date >= today
        ]
        if upcoming:
            return min(upcoming, key=lambda row: row[:2])[2]
    return open_plans[0] if open_plans else (plans[0] if plans else None)


def _json_number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _indicator_json(
    indicator: Indicator, *, code: str | None = None, name: str | None = None, ref: str | None = None
) -> dict:
    return {
        "code": code or indicator.code,
        "name": name or indicator.name,
        "uom": indicator.uom,
        "kind": indicator.kind,
        "direction": indicator.direction,
        "comparison": indicator.comparison,
        "target": _json_number(indicator.target_value),
        "factor": _json_number(indicator.factor),
        "baseline_date": indicator.baseline_date.isoformat() if indicator.baseline_date else None,
        "target_date": indicator.target_date.isoformat(),
        "ref": ref,
        # What a plan's indicator table adds, only when given (plans written as prose have neither).
        **({"nature": indicator.nature} if indicator.nature else {}),
        **(
            {"baseline_value": _json_number(indicator.baseline_value)}
            if indicator.baseline_value is not None
            else {}
        ),
    }


def _task_indicator_json(link: TaskIndicator) -> dict:
    if link.is_reference:
        return _indicator_json(link.indicator, code=link.code, name=link.wording, ref=link.indicator.code)
    return _indicator_json(link.indicator)


RESPONSIBLE = ("unit", "group")


def _responsible_json(row) -> str | dict:
    """The name, or {"name", "role"} when the plan says 牵头 or 配合 (the shape plan_import reads back)."""
    return {"name": row.name, "role": row.role} if row.role else row.name


def plan_structure(*, plan: WorkPlan) -> dict:
    """The plan's areas, sections, tasks and safeguards with everything they show, in a fixed number of queries."""
    areas = list(
        GoalArea.objects.filter(plan=plan).prefetch_related(
            Prefetch("responsibilities", AreaResponsibility.objects.select_related(*RESPONSIBLE)),
            Prefetch("indicators", Indicator.objects.order_by("position", "id")),
        )
    )
    task_prefetch = (
        Prefetch("responsibilities", TaskResponsibility.objects.select_related(*RESPONSIBLE)),
        Prefetch("task_indicators", TaskIndicator.objects.select_related("indicator")),
    )
    sections = list(
        Section.objects.filter(plan=plan).prefetch_related(
            Prefetch("tasks", Task.objects.select_related("section").prefetch_related(*task_prefetch))
        )
    )
    safeguards = list(
        Task.objects.filter(plan=plan, kind=Task.Kind.SAFEGUARD).prefetch_related(*task_prefetch)
    )
    return {"plan": plan, "areas": areas, "sections": sections, "safeguards": safeguards}


def plan_export(*, plan: WorkPlan) -> dict:
    """The plan in the shape `export_plan` prints (read by other tools: keep it exactly)."""
    structure = plan_structure(plan=plan)
    units = Unit.objects.all()
    groups = UnitGroup.objects.prefetch_related("members")
    return {
        "plan": {"title": plan.title, "start": plan.start.isoformat(), "end": plan.end.isoformat()},
        "units": [{"name": u.name, "full_name": u.full_name, "kind": u.kind} for u in units],
        "groups": [{"name": g.name, "members": [m.name for m in g.members.all()]} for g in groups],
        "areas": [
            {
                "number": area.number,
                "name": area.name,
                "headline": area.headline,
                "responsible": [_responsible_json(r) for r in area.responsibilities.all()],
                "indicators": [_indicator_json(i) for i in area.indicators.all()],
            }
            for area in structure["areas"]
        ],
        "sections": [
            {
                "number": section.number,
                "title": section.title,
                "tasks": [
                    {
                        "number": task.number,
                        "title": task.title,
                        "responsible": [_responsible_json(r) for r in task.responsibilities.all()],
                        "indicators": [_task_indicator_json(link) for link in task.task_indicators.all()],
                    }
                    for task in section.tasks.all()
                ],
            }
            for section in structure["sections"]
        ],
        "safeguards": [
            {
                "number": item.number,
                "title": item.title,
                "responsible": [_responsible_json(r) for r in item.responsibilities.all()],
            }
            for item in structure["safeguards"]
        ],
    }


def plan_export_shape(data: dict) -> dict:
    """A plan's full structured form (the fixture, or what the parser reads from a text) cut to what `export_plan`
    prints: without the texts, unit codes and aliases, group notes, aggregation and loader settings."""
    data = json.loads(json.dumps(data))
    data["plan"] = {key: data["plan"][key] for key in ("title", "start", "end")}
    data["units"] = [{key: u[key] for key in ("name", "full_name", "kind")} for u in data["units"]]
    data["groups"] = [{key: g[key] for key in ("name", "members")} for g in data["groups"]]
    for item in data["areas"] + [t for s in data["sections"] for t in s["tasks"]] + data["safeguards"]:
        item.pop("text", None)
        item.pop("code", None)
        for indicator in item.get("indicators", []):
            indicator.pop("aggregation", None)
            indicator.pop("source_text", None)
    return data


def _answers_for(unit: Unit) -> Q:
    """Responsibility rows that name this unit directly or through a group it belongs to."""
    return Q(unit=unit) | Q(group__members=unit)


def tasks_for_unit(*, unit: Unit, plan: WorkPlan) -> QuerySet[Task]:
    """The plan's tasks and safeguard items this unit answers for, directly or through a group."""
    task_ids = TaskResponsibility.objects.filter(_answers_for(unit), task__plan=plan).values("task_id")
    return (
        Task.objects.filter(pk__in=task_ids)
        .select_related("section")
        .prefetch_related(
            Prefetch("responsibilities", TaskResponsibility.objects.select_related(*RESPONSIBLE))
        )
    )


def units_by_task(*, plan: WorkPlan) -> dict[int, set[int]]:
    """Task id → the ids of the units it names, directly or through a group (expanded to its members), for every
    task and safeguard of the plan. Two queries."""
    members: dict[int, list[int]] = defaultdict(list)
    for group_id, unit_id in UnitGroup.members.through.objects.values_list("unitgroup_id", "unit_id"):
        members[group_id].append(unit_id)
    units: dict[int, set[int]] = defaultdict(set)
    for task_id, unit_id, group_id in TaskResponsibility.objects.filter(task__plan=plan).values_list(
        "task_id", "unit_id", "group_id"
    ):
        units[task_id].update([unit_id] if unit_id else members[group_id])
    return dict(units)


def indicators_for_unit(*, unit: Unit, plan: WorkPlan) -> QuerySet[Indicator]:
    """Indicators of the goal areas and tasks this unit answers for, directly or through a group."""
    area_ids = AreaResponsibility.objects.filter(_answers_for(unit), area__plan=plan).values("area_id")
    task_ids = TaskResponsibility.objects.filter(_answers_for(unit), task__plan=plan).values("task_id")
    return (
        Indicator.objects.filter(plan=plan)
        .filter(Q(area_id__in=area_ids) | Q(task_links__task_id__in=task_ids))
        .select_related("area")
        .distinct()
        .order_by("position", "id")
    )


def unit_task_routes(*, unit: Unit, plan: WorkPlan) -> list[dict]:
    """Each task this unit answers for, with the group name it comes through ("" when named directly)."""
    group_names = dict(unit.groups.values_list("id", "name"))
    routes = []
    for task in tasks_for_unit(unit=unit, plan=plan):
        rows = task.responsibilities.all()
        direct = any(row.unit_id == unit.pk for row in rows)
        via = "" if direct else next(group_names[row.group_id] for row in rows if row.group_id in group_names)
        routes.append({"task": task, "via": via})
    return routes


@dataclass(frozen=True)
class Readiness:
    """What a plan lacks before it can be measured. `blocking` refuses 开放填报 (an indicator nobody reports would
    never be measured); `missing` is listed for the office to confirm (it can be completed while the plan runs)."""

    blocking: list[str]
    missing: list[str]

    @property
    def problems(self) -> list[str]:
        return [*self.blocking, *self.missing]


def plan_readiness(
    *, plan: WorkPlan, owing: set[int] | None = None, has_periods: bool | None = None
) -> Readiness:
    """What the plan text leaves open and the office must complete: baselines, who reports each indicator, the
    units' reporters, the units and groups the text named, and quarters whose due date has already passed. A page
    that has already counted the units owing something (`owing`) or read the quarters (`has_periods`) passes them."""
    blocking, missing = [], []
    # One query for both indicator problems: a relative target without its baseline, no unit to report it.
    reporters = Indicator.reporting_units.through.objects.filter(indicator_id=OuterRef("pk"))
    incomplete = list(
        Indicator.objects.filter(plan=plan)
        .annotate(reported=Exists(reporters))
        .filter(Q(kind=Indicator.Kind.RELATIVE, baseline_value__isnull=True) | Q(reported=False))
    )
    for indicator in incomplete:
        if indicator.kind == Indicator.Kind.RELATIVE and indicator.baseline_value is None:
            when = indicator.baseline_date.isoformat() if indicator.baseline_date else _("日期未定")
            missing.append(
                _("指标 %(code)s %(name)s：目标相对基线，需填写基线值（%(when)s）")
                % {"code": indicator.code, "name": indicator.name, "when": when}
            )
    unreported = [i.code for i in incomplete if not i.reported]
    if unreported:
        blocking.append(
            _(
                "还有%(n)d项指标没有指定报送单位（%(codes)s），开放后无人填报。"
                "请先点击“按责任单位预设报送单位”或在管理后台指定"
            )
            % {"n": len(unreported), "codes": "、".join(unreported)}
        )
    if not (plan.periods.exists() if has_periods is None else has_periods):
        blocking.append(_("方案没有报送季度，请核对工作期"))
    for task in Task.objects.filter(plan=plan, responsibilities__isnull=True).select_related("section"):
        missing.append(_("%(code)s %(title)s：方案未写明责任单位") % {"code": task.code, "title": task.title})
    for group in UnitGroup.objects.filter(members__isnull=True):
        missing.append(_("单位组“%(name)s”没有成员") % {"name": group.name})
    for unit in Unit.objects.filter(needs_review=True):
        missing.append(_("单位“%(name)s”是从方案文本识别出的新单位，需确认") % {"name": unit.name})
    missing += _units_without_reporters(plan, owing)
    if plan.status == WorkPlan.Status.DRAFT:  # once open, past quarters are the alerts' business
        missing += _quarters_already_due(plan)
    return Readiness(blocking=blocking, missing=missing)


def _units_without_reporters(plan: WorkPlan, owing: set[int] | None) -> list[str]:
    """Units that owe figures or task reports in this plan (`owing`, else counted here) but have no active reporter
    account."""
    if owing is None:
        owing = set(
            Indicator.reporting_units.through.objects.filter(indicator__plan=plan).values_list(
                "unit_id", flat=True
            )
        )
        for unit_ids in units_by_task(plan=plan).values():
            owing |= unit_ids
    reporter = User.objects.filter(role=User.Role.REPORTER, is_active=True, unit_id=OuterRef("pk"))
    names = list(Unit.objects.filter(pk__in=owing).exclude(Exists(reporter)).values_list("name", flat=True))
    if not names:
        return []
    return [_("%(n)d个单位还没有填报员账号：%(names)s") % {"n": len(names), "names": "、".join(names)}]


def _quarters_already_due(plan: WorkPlan) -> list[str]:
    """Quarters whose due date is past: opened today, they are at once 逾期未报 for every unit."""
    today = portal_today()
    due = [p for p in plan.periods.select_related("plan") if p.due_date < today]
    if not due:
        return []
    return [
        _(
            "%(n)d个季度的报送截止日已过（%(first)s至%(last)s），开放后将立即显示为逾期未报，可在管理后台调整截止日"
        )
        % {"n": len(due), "first": due[0].label, "last": due[-1].label}
    ]


def draft_outline(*, draft) -> dict:
    """What the check page of a plan read from its text shows: the structure, the new units' names (highlighted
    wherever the plan names them), the warnings, the paragraphs not read (with why), and the source lines with the
    warned ones marked."""
    data = draft.data
    new_names = {u["name"] for u in data["units"] if u.get("needs_review")}
    warned = {w["line"] for w in draft.warnings}

    def names(item: dict) -> list[tuple[str, str, bool]]:
        entries = [
            (e, "") if isinstance(e, str) else (e["name"], e.get("role", "")) for e in item["responsible"]
        ]
        return [
            (name, {"lead": _("牵头"), "support": _("配合")}.get(role, ""), name in new_names)
            for name, role in entries
        ]

    return {
        "areas": [{**area, "names": names(area)} for area in data["areas"]],
        "sections": [
            {**section, "tasks": [{**task, "names": names(task)} for task in section["tasks"]]}
            for section in data["sections"]
        ],
        "safeguards": [{**item, "names": names(item)} for item in data["safeguards"]],
        "warnings": draft.warnings,
        "skipped": draft.skipped,
        "lines": [(n, line, n in warned) for n, line in enumerate(draft.source_text.splitlines(), 1)],
    }
