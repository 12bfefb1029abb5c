"""The synthetic province: units, one plan of 40 quarters with indicators of every kind, tasks, a figure for most
obligations, task reports, history rows; plus a plan of its own for the Excel import (one unit owing thousands of
figures in one quarter). Built from the real models; the bulk of the rows goes in with COPY on PostgreSQL
(bulk_create in batches on SQLite). Every plan's title starts with 基准测试: it is synthetic, never demo data.

At SCALE=1: 200 units, 400 indicators, 40 quarters, about 1.1 million figures, a 10,000-row import file.
"""

import csv
import datetime
import io
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from reports.figures.rollup import rollup_rebuild_plan
from reports.figures.tallies import tally_rebuild
from reports.models import Status, Submission, TaskReport
from targets.models import GoalArea, Indicator, Period, WorkPlan
from targets.periods import quarter_bounds, quarters_between
from tasks.models import Section, Task, TaskResponsibility
from units.models import Unit, UnitGroup, User

TITLE = "基准测试：省级知识产权强省建设工作方案（合成数据）"
IMPORT_TITLE = "基准测试：Excel导入用方案（合成数据）"
OFFICE = "bench_office"
IMPORTER = "bench_importer"
KINDS = ("level", "cumulative", "increment", "rate", "relative", "milestone")
PROGRESS = ("in_progress", "in_progress", "in_progress", "done", "delayed", "not_started")


@dataclass
class Sizes:
    units: int
    indicators: int
    quarters: int
    tasks: int
    import_rows: int

    @classmethod
    def of(cls, scale: float) -> "Sizes":
        return cls(
            units=max(6, round(200 * scale)),
            indicators=max(12, round(400 * scale)),
            quarters=40,
            tasks=max(6, round(60 * scale)),
            import_rows=max(200, round(10_000 * scale)),
        )


def _aware(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(day.year, day.month, day.day, hour))


def _copy(model, columns: list[str], rows) -> int:
    """Stream rows into the model's table: COPY on PostgreSQL, batched INSERTs elsewhere. Returns rows written."""
    table = model._meta.db_table
    if connection.vendor == "postgresql":
        written = 0
        with connection.cursor() as cursor:
            buffer, writer, pending = io.StringIO(), None, 0
            writer = csv.writer(buffer)
            sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
            for row in rows:
                writer.writerow(["\\N" if v is None else v for v in row])
                pending += 1
                if pending == 100_000:
                    buffer.seek(0)
                    cursor.cursor.copy_expert(sql, buffer)
                    written += pending
                    buffer, pending = io.StringIO(), 0
                    writer = csv.writer(buffer)
            if pending:
                buffer.seek(0)
                cursor.cursor.copy_expert(sql, buffer)
                written += pending
        return written
    written = 0
    placeholders = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"
    batch = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append([_sqlite(v) for v in row])
            if len(batch) == 5000:
                cursor.executemany(sql, batch)
                written += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            written += len(batch)
    return written


def _sqlite(value):
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).replace(tzinfo=None).isoformat(" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _units(sizes: Sizes) -> list[Unit]:
    kinds = [Unit.Kind.COUNTY] * 3 + [Unit.Kind.CITY_DEPARTMENT] * 5 + [Unit.Kind.ZONE, Unit.Kind.JUDICIAL]
    units = Unit.objects.bulk_create(
        Unit(
            code=f"bench{i:04d}",
            name=f"基准单位{i:04d}",
            full_name=f"基准测试合成单位{i:04d}",
            kind=kinds[i % len(kinds)],
            position=i,
        )
        for i in range(sizes.units)
    )
    return list(Unit.objects.filter(code__startswith="bench").order_by("position")) or units


def _indicators(plan: WorkPlan, areas: list[GoalArea], sizes: Sizes, rng: random.Random) -> list[Indicator]:
    rows = []
    for i in range(sizes.indicators):
        kind = KINDS[i % len(KINDS)]
        aggregation = Indicator.Aggregation.SUM
        if kind == "rate":
            aggregation = Indicator.Aggregation.RATIO
        elif kind == "level" and i % 4 == 0:
            aggregation = Indicator.Aggregation.LEAD
        elif kind == "relative" and i % 4 == 2:
            aggregation = Indicator.Aggregation.LATEST
        ratio = kind == "rate" and i % 2 == 0
        rows.append(
            Indicator(
                plan=plan,
                area=areas[i % len(areas)],
                code=f"B{i + 1}",
                name=f"基准指标{i + 1}（{kind}）",
                uom="%" if kind == "rate" else "项",
                kind=kind,
                direction="decrease" if i % 17 == 5 else "increase",
                baseline_value=Decimal(1000 + i) if kind in ("relative", "level") else None,
                baseline_date=plan.start,
                factor=Decimal("1.5") if kind == "relative" else None,
                target_value=Decimal(95)
                if kind == "rate"
                else None
                if kind == "relative"
                else Decimal(1)
                if kind == "milestone"
                else Decimal(rng.randint(2_000, 90_000)),
                target_date=plan.end,
                aggregation=aggregation,
                numerator_label="达标数" if ratio else "",
                denominator_label="总数" if ratio else "",
                position=i,
            )
        )
    Indicator.objects.bulk_create(rows)
    return list(plan.indicators.order_by("position"))


def _reporters(index: int, indicator: Indicator, units: list[Unit], rng: random.Random) -> list[Unit]:
    """Half the indicators are reported by every unit (province-wide counts); the rest by a few."""
    if indicator.kind == "milestone":
        return rng.sample(units, min(len(units), 1 + index % 3))
    if indicator.aggregation in ("lead", "latest"):
        return rng.sample(units, min(len(units), 3 + index % 8))
    if index % 10 < 5:
        return units
    return rng.sample(units, min(len(units), 1 + (index * 7) % 25))


def _value(indicator: Indicator, unit_index: int, q: int, rng: random.Random) -> dict:
    kind = indicator.kind
    if kind == "milestone":
        done = q > 20 + unit_index % 15
        return {"achieved": done, "achieved_on": None}
    if kind == "rate":
        if indicator.has_ratio:
            denominator = rng.randint(50, 400)
            numerator = rng.randint(denominator * 7 // 10, denominator)
            value = (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.0001"))
            return {"value": value, "numerator": Decimal(numerator), "denominator": Decimal(denominator)}
        return {"value": Decimal(rng.randint(6000, 10000)) / 100}
    if kind in ("cumulative", "increment"):
        return {"value": Decimal(rng.randint(0, 40))}
    base = 100 + unit_index * 3
    return {"value": Decimal(base + q * rng.randint(1, 5))}


def _status(q: int, last: int, rng: random.Random) -> str | None:
    """Old quarters are approved; the last two are still being reported, reviewed and returned."""
    roll = rng.random()
    if q == last:
        return (
            Status.APPROVED
            if roll < 0.55
            else Status.SUBMITTED
            if roll < 0.75
            else Status.DRAFT
            if roll < 0.85
            else Status.RETURNED
            if roll < 0.88
            else None
        )
    if q == last - 1:
        return Status.APPROVED if roll < 0.9 else Status.SUBMITTED if roll < 0.95 else None
    return Status.APPROVED if roll < 0.995 else None


# The second plan (issue 16): open beside the main one, on the same units, from 2025 on; its first year reported.
SECOND_TITLE = "基准测试：接续方案（合成数据）"
SECOND_START, SECOND_END, SECOND_REPORTED = datetime.date(2025, 1, 1), datetime.date(2027, 12, 31), 4


@dataclass
class Made:
    """One synthetic plan's structure, as the row writers take it."""

    plan: WorkPlan
    periods: list[Period]
    indicators: list[Indicator]
    reporters: dict[int, list[Unit]]
    tasks: list[Task]
    task_units: dict[int, list[Unit]]


def _plan_made(
    *,
    title: str,
    start: datetime.date,
    end: datetime.date,
    sizes: Sizes,
    units: list[Unit],
    group: UnitGroup,
    rng: random.Random,
) -> Made:
    """A plan with its quarters, goal areas, indicators (and who reports them), sections and tasks (and who answers
    for them), on the units given."""
    plan = WorkPlan.objects.create(
        title=title, issuer="基准测试", start=start, end=end, status=WorkPlan.Status.ACTIVE
    )
    Period.objects.bulk_create(
        Period(plan=plan, year=y, quarter=q) for y, q in quarters_between(start, end)[: sizes.quarters]
    )
    periods = list(plan.periods.order_by("year", "quarter"))
    areas = GoalArea.objects.bulk_create(
        GoalArea(plan=plan, number=str(n), name=name, headline=f"基准目标{n}", text="合成", position=n)
        for n, name in enumerate(("创造", "运用", "保护", "管理", "服务"), 1)
    )
    indicators = _indicators(plan, areas, sizes, rng)
    through = Indicator.reporting_units.through
    reporters = {ind.pk: _reporters(i, ind, units, rng) for i, ind in enumerate(indicators)}
    through.objects.bulk_create(
        through(indicator_id=ind_id, unit_id=u.pk) for ind_id, us in reporters.items() for u in us
    )
    sections = Section.objects.bulk_create(
        Section(plan=plan, number=str(n), title=f"基准板块{n}", position=n) for n in range(1, 6)
    )
    tasks = Task.objects.bulk_create(
        Task(
            plan=plan,
            section=sections[n % len(sections)],
            number=str(n + 1),
            title=f"基准任务{n + 1}",
            text="合成",
            position=n,
        )
        for n in range(sizes.tasks)
    )
    responsibilities, task_units = [], {}
    for n, task in enumerate(tasks):
        chosen = rng.sample(units, min(len(units), 2 + n % 4))
        task_units[task.pk] = list(chosen)
        responsibilities += [
            TaskResponsibility(task=task, unit=u, role="lead" if i == 0 else "support", position=i)
            for i, u in enumerate(chosen)
        ]
        if n % 5 == 0:
            responsibilities.append(TaskResponsibility(task=task, group=group, position=len(chosen)))
            task_units[task.pk] += [u for u in group.members.all() if u not in chosen]
    TaskResponsibility.objects.bulk_create(responsibilities)
    return Made(plan, periods, indicators, reporters, list(tasks), task_units)


def _reported(made: Made, periods: list[Period], unit_index: dict, office: User, rng: random.Random) -> tuple:
    """Write the figures and task reports of `periods` (COPY), then count them into the reporting tallies, as a
    bulk load must (the rows went in past the services that keep them)."""
    figures = _copy(
        Submission,
        *_submission_rows(made.indicators, made.reporters, periods, unit_index, office, made.plan, rng),
    )
    reports = _copy(
        TaskReport, *_task_report_rows(made.tasks, made.task_units, periods, office, made.plan, rng)
    )
    return figures, reports


def generate(*, scale: float, seed: int = 8) -> dict:
    """Build the synthetic province into the current (empty, migrated) database: the main plan (every quarter
    reported), a second plan open beside it (SECOND_TITLE: a quarter of the size, its first year reported, its
    rollups built) and the Excel import's plan. Returns what was made."""
    rng = random.Random(seed)
    second_rng = random.Random(
        seed + 1
    )  # the main plan's data stays what it was before the second plan came in
    sizes = Sizes.of(scale)
    with transaction.atomic():
        office = User.objects.create_user(OFFICE, password="x", role=User.Role.OFFICE)
        units = _units(sizes)
        group = UnitGroup.objects.create(name="基准测试各县（合成）", position=1)
        group.members.set([u for u in units if u.kind == Unit.Kind.COUNTY])
        main = _plan_made(
            title=TITLE,
            start=datetime.date(2016, 1, 1),
            end=datetime.date(2025, 12, 31),
            sizes=sizes,
            units=units,
            group=group,
            rng=rng,
        )
        second_sizes = Sizes(
            units=sizes.units,
            indicators=max(12, sizes.indicators // 4),
            quarters=12,
            tasks=max(6, sizes.tasks // 4),
            import_rows=0,
        )
        second = _plan_made(
            title=SECOND_TITLE,
            start=SECOND_START,
            end=SECOND_END,
            sizes=second_sizes,
            units=units,
            group=group,
            rng=second_rng,
        )
    unit_index = {u.pk: i for i, u in enumerate(units)}
    figures, reports = _reported(main, main.periods, unit_index, office, rng)
    second_figures, second_reports = _reported(
        second, second.periods[:SECOND_REPORTED], unit_index, office, second_rng
    )
    history = _history()
    tally_rebuild(plan=main.plan)
    tally_rebuild(plan=second.plan)
    rollup_rebuild_plan(
        plan=second.plan
    )  # the main plan's rollups are built (and timed) by the rollup measures
    import_info = _import_plan(sizes)
    with connection.cursor() as cursor:
        # Statistics and the visibility map as autovacuum keeps them on a live database (index-only scans need it).
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return {
        "units": len(units),
        "indicators": len(main.indicators),
        "quarters": len(main.periods),
        "tasks": len(main.tasks),
        "figures": figures,
        "task_reports": reports,
        "history_rows": history,
        "second_plan": {
            "indicators": len(second.indicators),
            "figures": second_figures,
            "task_reports": second_reports,
        },
        **import_info,
    }


def _item_times(period: Period, due_days: int, status: str, late: bool, rng: random.Random) -> dict:
    due = period.end + datetime.timedelta(days=due_days)
    submitted = None
    if status != Status.DRAFT:
        submitted = _aware(due + datetime.timedelta(days=rng.randint(1, 9) if late else -rng.randint(0, 8)))
    reviewed = (
        submitted + datetime.timedelta(days=3) if status in (Status.APPROVED, Status.RETURNED) else None
    )
    return {"submitted": submitted, "reviewed": reviewed, "updated": reviewed or submitted or _aware(due)}


def _item_values(unit, period, status: str, times: dict, office, return_reason: str) -> dict:
    """The columns every reporting item (figure or task report) has, for one synthetic row."""
    return {
        "unit_id": unit.pk,
        "period_id": period.pk,
        "status": status,
        "reopened": False,
        "proxy_reason": "",
        "version": 3,
        "note": "",
        "return_reason": return_reason if status == Status.RETURNED else "",
        "submitted_by_id": office.pk if times["submitted"] else None,
        "submitted_at": times["submitted"],
        "first_submitted_at": times["submitted"],
        "reviewed_by_id": office.pk if times["reviewed"] else None,
        "reviewed_at": times["reviewed"],
        "updated_by_id": office.pk,
        "updated_at": times["updated"],
    }


def _submission_rows(indicators, reporters, periods, unit_index, office, plan, rng):
    fields = [f for f in Submission._meta.concrete_fields if f.column != "id"]
    columns = [f.column for f in fields]
    last = len(periods) - 1

    def rows():
        for indicator in indicators:
            for unit in reporters[indicator.pk]:
                late_unit = unit_index[unit.pk] % 13 == 0
                for q, period in enumerate(periods):
                    status = _status(q, last, rng)
                    if status is None:
                        continue
                    times = _item_times(period, plan.due_days, status, late_unit, rng)
                    data = _value(indicator, unit_index[unit.pk], q, rng)
                    if data.get("achieved"):
                        data["achieved_on"] = period.end - datetime.timedelta(days=rng.randint(0, 60))
                    values = {
                        **_item_values(unit, period, status, times, office, "基准测试：请核实"),
                        "indicator_id": indicator.pk,
                        "value": data.get("value"),
                        "numerator": data.get("numerator"),
                        "denominator": data.get("denominator"),
                        "achieved": data.get("achieved"),
                        "achieved_on": data.get("achieved_on"),
                        "checksum": "",
                        "quality_flags": "[]",
                    }
                    yield [values[f.attname] for f in fields]

    return columns, rows()


def _task_report_rows(tasks, task_units, periods, office, plan, rng):
    fields = [f for f in TaskReport._meta.concrete_fields if f.column != "id"]
    columns = [f.column for f in fields]
    last = len(periods) - 1

    def rows():
        for task in tasks:
            for unit in task_units[task.pk]:
                for q, period in enumerate(periods):
                    status = _status(q, last, rng)
                    if status is None:
                        continue
                    times = _item_times(period, plan.due_days, status, False, rng)
                    values = {
                        **_item_values(unit, period, status, times, office, "基准测试：请补充"),
                        "task_id": task.pk,
                        "progress": rng.choice(PROGRESS),
                        "progress_text": "基准测试：按计划推进",
                        "problems": "",
                        "next_steps": "",
                    }
                    yield [values[f.attname] for f in fields]

    return columns, rows()


def _history() -> int:
    """One history row per item (its last saved state, as approved, submitted or saved), and a 退回 row for every figure and report that was ever
    returned (the league counts them), written by INSERT … SELECT from the items themselves."""
    written = 0
    with connection.cursor() as cursor:
        for model in (Submission, TaskReport):
            history = model.history.model
            item_columns = [f.column for f in model._meta.concrete_fields]
            columns = ", ".join(item_columns)
            # An 'approve' row only for what is approved: the rollup counts a figure with an approval in its history
            # and another status now as withdrawn for correction (held at its approved values).
            last = "CASE status WHEN 'approved' THEN 'approve' WHEN 'submitted' THEN 'submit' ELSE 'save' END"
            for action, reason, condition in (
                (last, "''", "1 = 1"),
                ("'return'", "'基准测试'", "status = 'returned' OR id % 50 = 0"),
            ):
                cursor.execute(
                    f"INSERT INTO {history._meta.db_table} ({columns}, history_date, action, history_change_reason,"
                    f" history_type, history_user_id) SELECT {columns}, updated_at, {action}, {reason}, '~',"
                    f" updated_by_id FROM {model._meta.db_table} WHERE {condition}"
                )
                written += cursor.rowcount
    return written


def _import_plan(sizes: Sizes) -> dict:
    """A plan whose one unit owes `import_rows` figures in one quarter: the Excel import's file has that many
    rows. Open (an ended plan takes no new figures) and dated before the main plan; the dashboards name theirs."""
    with transaction.atomic():
        plan = WorkPlan.objects.create(
            title=IMPORT_TITLE,
            issuer="基准测试",
            start=datetime.date(2014, 1, 1),
            end=datetime.date(2015, 12, 31),
            status=WorkPlan.Status.ACTIVE,
        )
        period = Period.objects.create(plan=plan, year=2015, quarter=4)
        area = GoalArea.objects.create(plan=plan, number="1", name="创造", headline="基准导入", text="合成")
        unit = Unit.objects.create(
            code="benchimport", name="基准导入单位", full_name="基准测试合成导入单位", kind="city_department"
        )
        User.objects.create_user(IMPORTER, password="x", role=User.Role.REPORTER, unit=unit)
        Indicator.objects.bulk_create(
            Indicator(
                plan=plan,
                area=area,
                code=f"D{i + 1}",
                name=f"导入指标{i + 1}",
                uom="项",
                kind="level",
                target_value=Decimal(100),
                target_date=plan.end,
                position=i,
            )
            for i in range(sizes.import_rows)
        )
        through = Indicator.reporting_units.through
        through.objects.bulk_create(
            through(indicator_id=pk, unit_id=unit.pk) for pk in plan.indicators.values_list("pk", flat=True)
        )
    start, _ = quarter_bounds(period.year, period.quarter)
    return {"import_plan": plan.pk, "import_rows": sizes.import_rows, "import_period": start.isoformat()}
