"""Writes for the plan's structure: loading a whole plan from its structured form, who reports what by default.
Opening, ending and archiving a plan are in tasks.lifecycle; importing a plan from its text is in tasks.drafts."""

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from targets.models import AreaResponsibility, GoalArea, Indicator, WorkPlan
from targets.periods import portal_now
from targets.services import indicator_set_reporting, periods_ensure
from units.models import Responsibility, Unit, User
from units.selectors import group_by_name, unit_by_name
from units.services import group_upsert, unit_upsert

from .models import Section, Task, TaskIndicator, TaskResponsibility

INDICATOR_FIELDS = ("code", "name", "uom", "kind", "direction", "comparison")


def _number(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _responsibilities(entries: list[str | dict]) -> list[dict]:
    """Each name the plan writes becomes a unit or a group; a name that is neither is an error to fix first.
    An entry is the name, or {"name": …, "role": "lead" | "support"} where the plan says 牵头 or 配合."""
    rows = []
    for position, entry in enumerate(entries):
        name, role = (entry, "") if isinstance(entry, str) else (entry["name"], entry.get("role", ""))
        group = group_by_name(name=name)
        unit = None if group else unit_by_name(name=name)
        if not (group or unit):
            raise ValidationError(
                _("责任单位“%(name)s”不是已知的单位或单位组，请先在单位表中添加") % {"name": name}
            )
        if role not in Responsibility.Role.values:
            raise ValidationError(
                _("责任单位“%(name)s”的责任方式“%(role)s”无效") % {"name": name, "role": role}
            )
        rows.append({"unit": unit, "group": group, "position": position, "role": role})
    return rows


def _unit_new(unit: dict, *, position: int) -> None:
    """A unit the parser did not know: kept for the office to confirm (needs_review). One of the same name from an
    earlier import is reused; the provisional code (new-1) moves on to a free one."""
    if unit_by_name(name=unit["name"]):
        return
    code, n = unit["code"], 1
    while Unit.objects.filter(code=code).exists():
        n += 1
        code = f"new-{n}"
    unit_upsert(
        code=code,
        name=unit["name"],
        full_name=unit.get("full_name") or unit["name"],
        kind=unit["kind"],
        aliases=unit.get("aliases", []),
        position=position,
        needs_review=True,
    )


def _labelled(error: ValidationError) -> list[str]:
    """A model's validation messages, each with the label of its field ("计量单位：此字段不能为空。")."""
    return [
        message
        if field == NON_FIELD_ERRORS
        else f"{Indicator._meta.get_field(field).verbose_name}：{message}"
        for field, messages in error.message_dict.items()
        for message in messages
    ]


def _indicator(*, plan: WorkPlan, area: GoalArea | None, data: dict, position: int) -> Indicator:
    indicator = Indicator(
        plan=plan,
        area=area,
        position=position,
        baseline_date=data.get("baseline_date") and datetime.date.fromisoformat(data["baseline_date"]),
        target_date=datetime.date.fromisoformat(data["target_date"]),
        target_value=_number(data.get("target")),
        factor=_number(data.get("factor")),
        nature=data.get("nature", ""),
        baseline_value=_number(data.get("baseline_value")),
        aggregation=data.get("aggregation", Indicator.Aggregation.SUM),
        source_text=data.get("source_text", ""),
        **{field: data[field] for field in INDICATOR_FIELDS},
    )
    try:
        indicator.full_clean(exclude=["plan", "area"])
    except ValidationError as error:
        raise ValidationError(
            [_("指标 %(code)s：%(text)s") % {"code": data["code"], "text": text} for text in _labelled(error)]
        ) from error
    indicator.save()
    return indicator


@transaction.atomic
def plan_import(*, data: dict, source_text: str = "", status: str = WorkPlan.Status.ACTIVE) -> WorkPlan:
    """Create a whole plan (units, groups, areas, indicators, sections, tasks, safeguards) from its structured form.

    The form is `export_plan`'s, plus the texts. All or nothing. Raises ValidationError when a plan of the
    same title and start already exists, or when any part is invalid.
    """
    meta = data["plan"]
    start, end = datetime.date.fromisoformat(meta["start"]), datetime.date.fromisoformat(meta["end"])
    if WorkPlan.objects.filter(title=meta["title"], start=start).exists():
        raise ValidationError(
            _("方案《%(title)s》（%(start)s起）已存在") % {"title": meta["title"], "start": start}
        )

    for position, unit in enumerate(data.get("units", [])):
        if unit.get("needs_review"):
            _unit_new(unit, position=position)
            continue
        unit_upsert(
            code=unit["code"],
            name=unit["name"],
            full_name=unit["full_name"],
            kind=unit["kind"],
            aliases=unit.get("aliases", []),
            position=position,
            needs_review=unit.get("needs_review", False),
        )
    for position, group in enumerate(data.get("groups", [])):
        members = [unit_by_name(name=name) for name in group["members"]]
        if None in members:
            missing = [n for n, m in zip(group["members"], members, strict=True) if m is None]
            raise ValidationError(
                _("单位组“%(group)s”的成员不存在：%(missing)s")
                % {"group": group["name"], "missing": "、".join(missing)}
            )
        group_upsert(name=group["name"], members=members, note=group.get("note", ""), position=position)

    plan = WorkPlan(
        title=meta["title"],
        issuer=meta.get("issuer", ""),
        start=start,
        end=end,
        due_days=meta.get("due_days", 10),
        status=status,
        opened_at=portal_now() if status == WorkPlan.Status.ACTIVE else None,  # load_plan opens it at once
        source_text=source_text,
    )
    plan.full_clean()
    plan.save()

    for position, area_data in enumerate(data["areas"]):
        area = GoalArea.objects.create(
            plan=plan,
            number=area_data["number"],
            name=area_data["name"],
            headline=area_data["headline"],
            text=area_data.get("text", ""),
            position=position,
        )
        AreaResponsibility.objects.bulk_create(
            AreaResponsibility(area=area, **row) for row in _responsibilities(area_data["responsible"])
        )
        for ind_position, ind_data in enumerate(area_data["indicators"]):
            _indicator(plan=plan, area=area, data=ind_data, position=position * 100 + ind_position)

    task_position = 0
    for position, section_data in enumerate(data["sections"]):
        section = Section.objects.create(
            plan=plan, number=section_data["number"], title=section_data["title"], position=position
        )
        for task_data in section_data["tasks"]:
            task_position += 1
            _task(plan=plan, section=section, kind=Task.Kind.TASK, data=task_data, position=task_position)
    for position, item in enumerate(data.get("safeguards", [])):
        _task(plan=plan, section=None, kind=Task.Kind.SAFEGUARD, data=item, position=position)
    periods_ensure(plan=plan)
    return plan


def _expand(names: list[str]) -> list[Unit]:
    """Unit and group names → the units they stand for, in order, each once."""
    units: dict[int, Unit] = {}
    for name in names:
        group = group_by_name(name=name)
        found = list(group.members.all()) if group else [unit_by_name(name=name)]
        if None in found:
            raise ValidationError(_("报送单位“%(name)s”不是已知的单位或单位组") % {"name": name})
        units.update((unit.pk, unit) for unit in found)
    return list(units.values())


@transaction.atomic
def plan_apply_completions(*, plan: WorkPlan, data: dict) -> None:
    """Apply what the text does not say: who reports each indicator, and the numerator/denominator of rates.

    Raises ValidationError for an unknown indicator code or unit name; nothing is applied then.
    """
    for code, reporting in data.get("reporting", {}).items():
        indicator = Indicator.objects.filter(plan=plan, code=code).first()
        if indicator is None:
            raise ValidationError(_("补充信息中的指标 %(code)s 不在方案中") % {"code": code})
        indicator_set_reporting(
            indicator=indicator,
            units=_expand(reporting["units"]),
            numerator_label=reporting.get("numerator", ""),
            denominator_label=reporting.get("denominator", ""),
        )


def _task(*, plan: WorkPlan, section: Section | None, kind: str, data: dict, position: int) -> Task:
    task = Task(
        plan=plan,
        section=section,
        kind=kind,
        number=data["number"],
        outline_code=data.get("code", ""),
        title=data["title"],
        text=data.get("text", ""),
        position=position,
    )
    task.full_clean()
    task.save()
    TaskResponsibility.objects.bulk_create(
        TaskResponsibility(task=task, **row) for row in _responsibilities(data["responsible"])
    )
    for ind_position, ind_data in enumerate(data.get("indicators", [])):
        if ind_data.get("ref"):
            referenced = Indicator.objects.filter(plan=plan, code=ind_data["ref"]).first()
            if referenced is None:
                raise ValidationError(
                    _("任务%(task)s引用的指标%(ref)s不存在") % {"task": task.code, "ref": ind_data["ref"]}
                )
            TaskIndicator.objects.create(
                task=task,
                indicator=referenced,
                code=ind_data["code"],
                wording=ind_data["name"],
                position=ind_position,
            )
        else:
            indicator = _indicator(
                plan=plan, area=None, data=ind_data, position=10_000 + position * 10 + ind_position
            )
            TaskIndicator.objects.create(task=task, indicator=indicator, position=ind_position)
    return task


# Plans read from their text (tasks.plantext): upload, correct, confirm, open for reporting.


def check_office(user: User) -> None:
    if not (user.is_authenticated and user.role == User.Role.OFFICE):
        raise PermissionDenied(_("只有领导小组办公室可以导入、开放、结束和归档工作方案"))


def _units_named(rows) -> tuple[list[Unit], list[Unit]]:
    """The units responsibility rows name (groups expanded), in order, and those of them the plan says lead."""
    units: dict[int, Unit] = {}
    leads: dict[int, Unit] = {}
    for row in rows:
        named = list(row.group.members.all()) if row.group_id else [row.unit]
        units.update((u.pk, u) for u in named)
        if row.role == Responsibility.Role.LEAD:
            leads.update((u.pk, u) for u in named)
    return list(units.values()), list(leads.values())


@transaction.atomic
def plan_reporting_defaults(*, user: User, plan: WorkPlan) -> int:
    """Who reports each indicator no one reports yet, from the units the plan makes responsible for it (its goal
    area's or its task's): a figure the city sums comes from each county and zone among them (all of them when
    there are none); any other comes from the lead unit (the first city-level one when no lead is named). The
    office adjusts the result in 管理后台 › 指标. Returns how many indicators were set."""
    check_office(user)
    done = 0
    indicators = Indicator.objects.filter(plan=plan, reporting_units__isnull=True).select_related("area")
    for indicator in indicators:
        if indicator.area_id:
            rows = indicator.area.responsibilities.select_related("unit", "group")
        else:
            link = TaskIndicator.objects.filter(indicator=indicator).select_related("task").first()
            if link is None:
                continue
            rows = link.task.responsibilities.select_related("unit", "group")
        units, leads = _units_named(rows.order_by("position"))
        if not units:
            continue
        local = [u for u in units if u.kind in Unit.LOCAL_KINDS]
        if indicator.aggregation == Indicator.Aggregation.SUM:
            chosen = local or units
        else:
            chosen = leads or [next((u for u in units if u.kind not in Unit.LOCAL_KINDS), units[0])]
        indicator_set_reporting(
            indicator=indicator,
            units=chosen,
            numerator_label=indicator.numerator_label,
            denominator_label=indicator.denominator_label,
        )
        done += 1
    return done
