"""Reads for the public page (公开): which plans are published, and what their page shows — the goal areas, each
published indicator's latest approved value among the published quarters with its status, and the plan's text.

Nothing else reaches the page: an indicator the office did not publish is not read at all, a quarter after the
published one is not read at all, and units' figures are read only when the office publishes them. Values are the
rollup's (reports.figures): approved figures only — a figure withdrawn for correction counts at the value the office
approved until it is approved again, as on the dashboards.

The page is cached (public_cache_key): keyed by the plan, the publication's revision (renewed when the office changes
it or edits the plan in 管理后台) and a stamp of the published rollup rows (changed by every rollup that changes
them, after an approval or a reopen), so a cached page never outlives a change of what it shows; CACHE_SECONDS bounds
what neither covers (a task's title edited in 管理后台)."""

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, Max, Q
from django.utils.translation import gettext as _

from reports.figures.selectors import city_rows, indicator_progress, indicators_for_standings, standing_inputs
from reports.models import Rollup, Standing
from targets.display import figure_display
from targets.engine import FLOW_KINDS, ProgressStatus
from targets.models import AreaResponsibility, GoalArea, Indicator, Period, WorkPlan
from tasks.models import Section, Task, TaskResponsibility
from tasks.selectors import RESPONSIBLE, plan_order

from .models import Publication

# How long a rendered public page is kept at most (seconds). Approvals, reopenings and the office's changes show at
# once (they change the key); an edit the key does not see (a task's title in 管理后台) shows within this time.
CACHE_SECONDS = 300


@dataclass(slots=True)
class PublicRow:
    """A published indicator as the page shows it."""

    indicator: Indicator
    value: str = "—"  # the latest approved value among the published quarters, as staff read it
    # The quarter that value is of; None: nothing approved in the published quarters.
    period: Period | None = None
    status: str = ProgressStatus.NO_DATA
    partial: bool = False  # some of its reporting units' figures of that quarter are not approved yet
    units: list[tuple[str, str]] = field(default_factory=list)  # (unit, value) when the office publishes them
    # What the row's cells print, read once here: the table has a row per published indicator (400 in a province),
    # and each attribute the template looks up in a row costs as much as printing it.
    code: str = ""
    name: str = ""
    target: str = ""
    through: str = ""  # the quarter's label; empty without approved data
    uom: str = ""  # printed after the value: empty without approved data and for a milestone

    def __post_init__(self) -> None:
        self.code, self.name = self.indicator.code, self.indicator.name
        self.target = self.indicator.target_display

    @property
    def label(self) -> str:
        # 未报 (the engine's word for "no approved figure yet") would read to the public as a unit failing to report.
        return _("暂无数据") if self.status == ProgressStatus.NO_DATA else ProgressStatus.LABELS[self.status]

    @property
    def is_flow(self) -> bool:
        """A cumulative or increment indicator: its value is the sum of its quarters, each unit's figure one quarter's."""
        return self.indicator.kind in FLOW_KINDS

    @property
    def colour(self) -> str:
        return ProgressStatus.COLOURS[self.status]


@dataclass(slots=True)
class PublicArea:
    number: str
    name: str
    headline: str
    responsibilities: list
    rows: list[PublicRow]


def publications_listed() -> list[Publication]:
    """The published plans' publications, in the order the portal lists plans (open ones first, newest first). A
    draft plan is never published. One query."""
    listed = (
        Publication.objects.filter(published=True)
        .exclude(plan__status=WorkPlan.Status.DRAFT)
        .select_related("plan", "through")
    )
    return sorted(listed, key=lambda p: plan_order(p.plan))


def _through_q(through: Period | None, prefix: str = "") -> Q:
    """The plan's quarters up to and including `through` (none without it), as a filter on Period (or on a relation
    to it, `prefix`)."""
    if through is None:
        return Q(pk__in=[])
    return Q(**{f"{prefix}plan_id": through.plan_id}) & (
        Q(**{f"{prefix}year__lt": through.year})
        | Q(**{f"{prefix}year": through.year, f"{prefix}quarter__lte": through.quarter})
    )


def published_periods(*, publication: Publication, periods: list[Period] | None = None) -> list[Period]:
    """The quarters whose approved data the page may show, in order: picked from `periods` (the plan's, in order)
    when the caller holds them, else read (one query)."""
    through = publication.through
    if periods is None:
        return list(Period.objects.filter(_through_q(through)).order_by("year", "quarter"))
    if through is None:
        return []
    return [
        p
        for p in periods
        if p.plan_id == through.plan_id and (p.year, p.quarter) <= (through.year, through.quarter)
    ]


def public_cache_key(*, publication: Publication, language: str) -> str:
    """The cache key of the plan's rendered page: its plan, the publication's revision, the language, and a stamp of
    the rollup rows it reads (when the last changed, how many there are). One query."""
    rows = Rollup.objects.filter(
        _through_q(publication.through, "period__"),
        indicator_id__in=Publication.indicators.through.objects.filter(publication=publication).values(
            "indicator_id"
        ),
    )
    if not publication.show_units:
        rows = rows.filter(unit__isnull=True)
    stamp = rows.aggregate(changed=Max("computed_at"), rows=Count("id"))
    changed = stamp["changed"].isoformat() if stamp["changed"] else "-"
    digest = hashlib.sha256(f"{publication.revision}|{changed}|{stamp['rows']}".encode()).hexdigest()[:24]
    return f"public:{publication.plan_id}:{language}:{digest}"


def _latest_periods(*, indicator_ids: list[int], periods: list[Period]) -> dict[int, Period]:
    """indicator id → the latest of `periods` with an approved city value. One query, one row per indicator: the
    latest quarter is found by the database (a province's plan has tens of thousands of city rows)."""
    by_quarter = {(p.year, p.quarter): p for p in periods}
    last = Max(F("period__year") * 10 + F("period__quarter"))
    return {
        indicator_id: by_quarter[divmod(key, 10)]
        for indicator_id, key in Rollup.objects.filter(
            indicator_id__in=indicator_ids,
            unit__isnull=True,
            period_id__in=[p.pk for p in periods],
            value__isnull=False,
        )
        .order_by()
        .values("indicator_id")
        .annotate(key=last)
        .values_list("indicator_id", "key")
    }


def _standings_at(
    *, plan: WorkPlan, indicators: list[Indicator], at: dict[int, Period], periods: list[Period]
) -> dict[int, tuple[str, object, int, int]]:
    """indicator id → (status, value, reported, expected) at its own quarter `at[id]`, as plan_standings gives them:
    the rollup's stored standing where its inputs are unchanged, else computed from the city rows. One query for
    every quarter at once (plan_standings takes one quarter, and the latest quarters differ between indicators),
    one more only when a stored standing is out of date. `indicators` as indicators_for_standings reads them."""
    wanted = {i.pk: i for i in indicators if i.pk in at}
    stored = {
        (indicator_id, period_id): rest
        for indicator_id, period_id, *rest in Standing.objects.filter(
            indicator_id__in=list(wanted), period_id__in={p.pk for p in at.values()}
        ).values_list("indicator_id", "period_id", "status", "value", "reported", "expected_units", "inputs")
    }
    standings, live = {}, []
    for indicator in wanted.values():
        row = stored.get((indicator.pk, at[indicator.pk].pk))
        if row is None or row[-1] != standing_inputs(indicator=indicator, plan=plan):
            live.append(indicator)
        else:
            standings[indicator.pk] = tuple(row[:-1])
    if live:
        position = {p.pk: i for i, p in enumerate(periods)}
        last = max(position[at[i.pk].pk] for i in live)
        rows = city_rows(indicators=live, periods=periods[: last + 1])
        for indicator in live:
            standing = indicator_progress(
                indicator=indicator,
                plan=plan,
                periods=periods,
                rows=rows.get(indicator.pk, {}),
                index=position[at[indicator.pk].pk],
                series=False,
            )
            progress = standing.progress
            standings[indicator.pk] = (progress.status, progress.value, standing.reported, standing.expected)
    return standings


def _unit_figures(*, rows: dict[int, PublicRow]) -> None:
    """Each row's units' approved figures of its quarter (units of the first level: a town's figure is detail of its
    county's, which the county reports itself), in the portal's unit order."""
    wanted = Q(pk__in=[])
    for row in rows.values():
        if row.period is not None:
            wanted |= Q(indicator_id=row.indicator.pk, period_id=row.period.pk)
    for indicator_id, name, value in (
        Rollup.objects.filter(wanted, unit__isnull=False, unit__parent__isnull=True)
        .order_by("unit__position", "unit_id")
        .values_list("indicator_id", "unit__name", "value")
    ):
        row = rows[indicator_id]
        row.units.append((name, figure_display(value, row.indicator)))


def public_rows(*, publication: Publication) -> list[PublicRow]:
    """Every published indicator (in the plan's order) with its latest approved value among the published quarters
    and its status at that quarter, as the progress engine gives it from that quarter's and earlier quarters' data
    (as reports.figures.selectors.plan_standings does): what the dashboards show for that quarter. A fixed number of
    queries, whatever the number of indicators and quarters."""
    plan = publication.plan
    indicators = indicators_for_standings(
        Indicator.objects.filter(pk__in=publication.indicators.values("pk"))
    )
    rows = {i.pk: PublicRow(indicator=i) for i in indicators}
    periods = list(plan.periods.all())
    latest = _latest_periods(
        indicator_ids=list(rows), periods=published_periods(publication=publication, periods=periods)
    )
    standings = _standings_at(plan=plan, indicators=indicators, at=latest, periods=periods)
    for indicator_id, (status, value, reported, expected) in standings.items():
        row = rows[indicator_id]
        row.period, row.status = latest[indicator_id], status
        row.through = row.period.label
        row.uom = "" if row.indicator.kind == Indicator.Kind.MILESTONE else row.indicator.uom
        row.value = figure_display(value, row.indicator)
        row.partial = reported < expected
    if publication.show_units:
        _unit_figures(rows=rows)
    return list(rows.values())


def _plan_text(*, plan: WorkPlan) -> dict:
    """The plan's goal areas, sections with their tasks, and safeguards, each with its responsibilities, as
    tasks.selectors.plan_structure reads them (the same rows, in the same order) but without what the public page
    does not show (the areas' indicators, the tasks' indicator links): five queries."""
    areas = list(GoalArea.objects.filter(plan=plan))
    sections = list(Section.objects.filter(plan=plan))
    tasks = list(
        Task.objects.filter(Q(section__plan=plan) | Q(plan=plan, kind=Task.Kind.SAFEGUARD)).select_related(
            "section"
        )
    )
    area_duties, task_duties = defaultdict(list), defaultdict(list)
    for duty in AreaResponsibility.objects.filter(area__plan=plan).select_related(*RESPONSIBLE):
        area_duties[duty.area_id].append(duty)
    for duty in TaskResponsibility.objects.filter(task_id__in=[t.pk for t in tasks]).select_related(
        *RESPONSIBLE
    ):
        task_duties[duty.task_id].append(duty)
    by_section = defaultdict(list)
    for task in tasks:
        if task.section_id is not None:
            by_section[task.section_id].append((task.code, task.title, task_duties[task.pk]))
    return {
        "areas": [(area, area_duties[area.pk]) for area in areas],
        "sections": [(section, by_section[section.pk]) for section in sections],
        "safeguards": [
            (task.code, task.title, task_duties[task.pk])
            for task in tasks
            if task.plan_id == plan.pk and task.kind == Task.Kind.SAFEGUARD
        ],
    }


def public_page_data(*, publication: Publication) -> dict:
    """What the plan's public page shows: the plan, the goal areas with their published indicators (those written in
    a task under their own heading), and the plan's text as the plan page shows it (sections, tasks and safeguards
    with their responsible units; an indicator written in a task shows only when published, in the table). A fixed
    number of queries, whatever the plan's size."""
    text = _plan_text(plan=publication.plan)
    rows = public_rows(publication=publication)
    by_area: dict[int | None, list[PublicRow]] = defaultdict(list)
    for row in rows:
        by_area[row.indicator.area_id].append(row)
    areas = [
        PublicArea(
            number=area.number,
            name=area.name,
            headline=area.headline,
            responsibilities=responsibilities,
            rows=by_area.get(area.pk, []),
        )
        for area, responsibilities in text["areas"]
    ]
    return {
        "plan": publication.plan,
        "through": publication.through,
        "show_units": publication.show_units,
        "areas": areas,
        "task_rows": by_area.get(None, []),
        "sections": text["sections"],
        "safeguards": text["safeguards"],
        "published_count": len(rows),
        "reported_count": sum(1 for row in rows if row.period is not None),
    }
