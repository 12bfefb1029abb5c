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

from django.db.models import Count, Max, Q
from django.utils.translation import gettext as _

from reports.figures.selectors import plan_standings
from reports.models import Rollup
from targets.display import figure_display
from targets.engine import FLOW_KINDS, ProgressStatus
from targets.models import Indicator, Period, WorkPlan
from tasks.selectors import plan_order, plan_structure

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


def published_periods(*, publication: Publication) -> list[Period]:
    """The quarters whose approved data the page may show, in order."""
    return list(Period.objects.filter(_through_q(publication.through)).order_by("year", "quarter"))


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
    """indicator id → the latest of `periods` with an approved city value."""
    by_pk = {p.pk: p for p in periods}
    position = {p.pk: i for i, p in enumerate(periods)}
    latest: dict[int, Period] = {}
    for indicator_id, period_id in Rollup.objects.filter(
        indicator_id__in=indicator_ids, unit__isnull=True, period_id__in=list(by_pk), value__isnull=False
    ).values_list("indicator_id", "period_id"):
        held = latest.get(indicator_id)
        if held is None or position[period_id] > position[held.pk]:
            latest[indicator_id] = by_pk[period_id]
    return latest


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
    (reports.figures.selectors.plan_standings): what the dashboards show for that quarter."""
    plan = publication.plan
    indicators = list(
        Indicator.objects.filter(pk__in=publication.indicators.values("pk"))
        .select_related("area")
        .order_by("position", "id")
    )
    rows = {i.pk: PublicRow(indicator=i) for i in indicators}
    periods = list(plan.periods.all())
    shown = {p.pk for p in published_periods(publication=publication)}
    latest = _latest_periods(indicator_ids=list(rows), periods=[p for p in periods if p.pk in shown])
    at: dict[Period, list[int]] = defaultdict(list)
    for indicator_id, period in latest.items():
        at[period].append(indicator_id)
    for period, ids in at.items():
        for standing in plan_standings(
            plan=plan, period=period, indicators=Indicator.objects.filter(pk__in=ids), periods=periods
        ):
            row = rows[standing.indicator.pk]
            row.period, row.status = period, standing.progress.status
            row.value = figure_display(standing.progress.value, row.indicator)
            row.partial = standing.reported < standing.expected
    if publication.show_units:
        _unit_figures(rows=rows)
    return list(rows.values())


def public_page_data(*, publication: Publication) -> dict:
    """What the plan's public page shows: the plan, the goal areas with their published indicators (those written in
    a task under their own heading), and the plan's text as the plan page shows it (sections, tasks and safeguards
    with their responsible units; an indicator written in a task shows only when published, in the table)."""
    structure = plan_structure(plan=publication.plan)
    rows = public_rows(publication=publication)
    by_area: dict[int | None, list[PublicRow]] = defaultdict(list)
    for row in rows:
        by_area[row.indicator.area_id].append(row)
    areas = [
        PublicArea(
            number=area.number,
            name=area.name,
            headline=area.headline,
            responsibilities=list(area.responsibilities.all()),
            rows=by_area.get(area.pk, []),
        )
        for area in structure["areas"]
    ]
    return {
        "plan": publication.plan,
        "through": publication.through,
        "show_units": publication.show_units,
        "areas": areas,
        "task_rows": by_area.get(None, []),
        "sections": [
            (
                section,
                [(task.code, task.title, list(task.responsibilities.all())) for task in section.tasks.all()],
            )
            for section in structure["sections"]
        ],
        "safeguards": [
            (item.code, item.title, list(item.responsibilities.all())) for item in structure["safeguards"]
        ],
        "published_count": len(rows),
        "reported_count": sum(1 for row in rows if row.period is not None),
    }
