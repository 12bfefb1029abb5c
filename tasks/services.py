"""Writes for the plan's structure: loading a whole plan from its structured form."""

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from targets.models import AreaResponsibility, GoalArea, Indicator, WorkPlan
from targets.services import indicator_set_reporting, periods_ensure
from units.models import Responsibility, Unit
from units.selectors import group_by_name, unit_by_name
from units.services import group_upsert, unit_upsert

from .models import Section, Task, TaskIndicator, TaskResponsibility

INDICATOR_FIELDS = ("code", "name", "uom", "kind", "direction", "comparison")


def _number(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _responsibilities(names: list[str]) -> list[dict]:
    """Each name the plan writes becomes a unit or a group; a name that is neither is an error to fix first."""
    rows = []
    for position, name in enumerate(names):
        group = group_by_name(name=name)
        unit = None if group else unit_by_name(name=name)
        if not (group or unit):
            raise ValidationError(f"责任单位“{name}”不是已知的单位或单位组，请先在单位表中添加")
        rows.append(
            {"unit": unit, "group": group, "position": position, "role": Responsibility.Role.UNSPECIFIED}
        )
    return rows


def _indicator(*, plan: WorkPlan, area: GoalArea | None, data: dict, position: int) -> Indicator:
    indicator = Indicator(
        plan=plan,
        area=area,
        position=position,
        baseline_date=data.get("baseline_date") and datetime.date.fromisoformat(data["baseline_date"]),
        target_date=datetime.date.fromisoformat(data["target_date"]),
        target_value=_number(data.get("target")),
        factor=_number(data.get("factor")),
        aggregation=data.get("aggregation", Indicator.Aggregation.SUM),
        source_text=data.get("source_text", ""),
        **{field: data[field] for field in INDICATOR_FIELDS},
    )
    indicator.full_clean(exclude=["plan", "area"])
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
        raise ValidationError(f"方案《{meta['title']}》（{start}起）已存在")

    for position, unit in enumerate(data.get("units", [])):
        unit_upsert(
            code=unit["code"],
            name=unit["name"],
            full_name=unit["full_name"],
            kind=unit["kind"],
            aliases=unit.get("aliases", []),
            position=position,
        )
    for position, group in enumerate(data.get("groups", [])):
        members = [unit_by_name(name=name) for name in group["members"]]
        if None in members:
            missing = [n for n, m in zip(group["members"], members, strict=True) if m is None]
            raise ValidationError(f"单位组“{group['name']}”的成员不存在：{'、'.join(missing)}")
        group_upsert(name=group["name"], members=members, note=group.get("note", ""), position=position)

    plan = WorkPlan(
        title=meta["title"],
        issuer=meta.get("issuer", ""),
        start=start,
        end=end,
        due_days=meta.get("due_days", 10),
        status=status,
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
            raise ValidationError(f"报送单位“{name}”不是已知的单位或单位组")
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
            raise ValidationError(f"补充信息中的指标 {code} 不在方案中")
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
                raise ValidationError(f"任务{task.code}引用的指标{ind_data['ref']}不存在")
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
