"""The office's and leaders' dashboards. Thin: pick plan and quarter, call the selectors, render or export."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig

from reports.dashboards.charts import indicator_trend, unit_breakdown
from reports.dashboards.exports import (
    HEATMAP_TABLES,
    export_format,
    export_response,
    heatmap_export,
    indicator_units_export,
    league_export,
    table_export,
    task_board_export,
)
from reports.dashboards.heatmap import CELL_LABELS, heatmap_view, reporting_heatmap
from reports.dashboards.home import area_cards, office_todo, quarter_rates
from reports.dashboards.indicator_page import indicator_unit_figures
from reports.dashboards.league import unit_ranking
from reports.dashboards.tables import IndicatorFilter, StandingTable
from reports.dashboards.task_board import task_board
from reports.figures.selectors import plan_standings
from reports.instructions.selectors import instruction_thread
from reports.views.scope import period_or_404
from reports.workflow.selectors import period_current, unit_obligation_counts
from targets.models import Indicator, Period, WorkPlan
from tasks.plan_choice import plan_for, plan_show, plans_for
from tasks.selectors import plan_readiness
from units.models import User
from units.selectors import user_sees_all_units

INDICATORS_PER_PAGE = 50


def _scope(request: HttpRequest) -> tuple[WorkPlan, Period, list[Period]]:
    """The plan, the quarter a dashboard shows (?period=2025Q2, default the quarter being reported) and all the
    plan's quarters in order (read once here; the selectors take them rather than read them again)."""
    if not user_sees_all_units(user=request.user):
        raise PermissionDenied(_("只有领导小组办公室和领导可以查看统计看板"))
    plan = plan_for(request)
    periods = list(plan.periods.all())
    for period in periods:
        period.plan = plan  # due dates need the plan's due days
    code = request.GET.get("period")
    if not code:
        return plan, period_current(plan=plan, periods=periods), periods
    return plan, period_or_404(plan, code, periods), periods


# The home page lists this many lagging indicators, the rest are one click away (the indicator table, red only): a
# province's plan can have a hundred, which made the home page the slowest to draw.
LAGGING_SHOWN = 20


def dashboard(request: HttpRequest) -> HttpResponse:
    """Office and leader home: the five goal areas, this quarter's reporting, what needs attention."""
    plan, period, periods = _scope(request)
    standings = plan_standings(plan=plan, period=period, periods=periods)
    lagging = [s for s in standings if s.progress.colour == "red"]
    owed = unit_obligation_counts(units=None, plan=plan)  # read once for the rates and the readiness
    return render(
        request,
        "reports/dashboard.html",
        {
            "plan": plan,
            "period": period,
            "periods": periods,
            "cards": area_cards(plan=plan, standings=standings),
            "quarter_rates": quarter_rates(plan=plan, period=period, owed=owed),
            "lagging": lagging[:LAGGING_SHOWN],
            "lagging_count": len(lagging),
            "problems": (
                plan_readiness(
                    plan=plan, owing={pk for pk, n in owed.items() if n}, has_periods=bool(periods)
                ).problems
                if request.user.role == User.Role.OFFICE
                else []
            ),
            "todo": office_todo(user=request.user, plan=plan),
        },
    )


def indicator_table(request: HttpRequest) -> HttpResponse:
    plan, period, periods = _scope(request)
    filterset = IndicatorFilter(request.GET, queryset=Indicator.objects.filter(plan=plan))
    standings = plan_standings(plan=plan, period=period, indicators=filterset.qs.distinct(), periods=periods)
    status = filterset.form.cleaned_data.get("status") if filterset.is_valid() else None
    if status:
        standings = [s for s in standings if s.progress.colour == status]
    table = StandingTable(standings)
    # Pages of 50 (a province's 400 indicators are unreadable as one page); a download has every row the filter keeps.
    # The size is the page's, not the address's (?per_page= is not read); a page number that is none, or past either
    # end, shows the first or the last page.
    RequestConfig(request, paginate=False).configure(table)
    table.paginate(per_page=INDICATORS_PER_PAGE)
    table.page = table.paginator.get_page(request.GET.get("page"))
    if export_format(request.GET):
        export = table_export(
            table=table,
            filename=_("指标进展-%(period)s") % {"period": period.label},
            title=_("指标进展%(period)s") % {"period": period.label},
        )
        return export_response(export, params=request.GET)
    return render(
        request,
        "reports/indicator_table.html",
        {"plan": plan, "period": period, "periods": periods, "filter": filterset, "table": table},
    )


def indicator_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """One indicator: actual against the expected path and the target, per-unit figures, the formula."""
    indicator = get_object_or_404(Indicator, pk=pk, plan__in=plans_for(request))
    plan_show(request, indicator.plan)  # the indicator's plan, whichever the user looked at before
    plan, period, periods = _scope(request)
    standing = plan_standings(
        plan=plan, period=period, indicators=Indicator.objects.filter(pk=pk), periods=periods, series=True
    )[0]
    labels = [p.label for p in periods]
    figures = indicator_unit_figures(indicator=indicator, period=period, periods=periods)
    if export_format(request.GET):
        export = indicator_units_export(indicator=indicator, periods=periods, history=figures.history)
        return export_response(export, params=request.GET)
    return render(
        request,
        "reports/indicator_progress.html",
        {
            "plan": plan,
            "period": period,
            "periods": periods,
            "indicator": indicator,
            "standing": standing,
            "trend": indicator_trend(standing=standing, quarter_labels=labels),
            "breakdown": unit_breakdown(rows=figures.breakdown, uom=indicator.uom, period_label=period.label)
            if len(figures.history) > 1
            else None,
            "history": figures.history,
            "pending": figures.pending,
            **instruction_thread(user=request.user, indicator=indicator),
        },
    )


def heatmap(request: HttpRequest) -> HttpResponse:
    """Units × quarters: on time, late, missing or not yet due, with completeness and timeliness rates."""
    plan, period, periods = _scope(request)
    if export_format(request.GET):
        return export_response(
            heatmap_export(data=reporting_heatmap(plan=plan, periods=periods)), params=request.GET
        )
    view = heatmap_view(plan=plan, periods=periods, period=period, page=request.GET.get("page"))
    return render(
        request,
        "reports/heatmap.html",
        {
            "plan": plan,
            "period": period,
            "data": view,
            "legend": CELL_LABELS,
            "download_tables": HEATMAP_TABLES,
        },
    )


def tasks_board(request: HttpRequest) -> HttpResponse:
    plan, period, _periods = _scope(request)
    units, rows = task_board(plan=plan)
    if export_format(request.GET):
        return export_response(task_board_export(units=units, rows=rows), params=request.GET)
    return render(
        request, "reports/task_board.html", {"plan": plan, "period": period, "units": units, "rows": rows}
    )


def league(request: HttpRequest) -> HttpResponse:
    plan, period, periods = _scope(request)
    rows = unit_ranking(
        plan=plan,
        heatmap=reporting_heatmap(plan=plan, periods=periods, cells=False),
        standings=plan_standings(plan=plan, period=period, periods=periods),
    )
    if export_format(request.GET):
        return export_response(league_export(rows=rows, period=period), params=request.GET)
    return render(
        request, "reports/league.html", {"plan": plan, "period": period, "periods": periods, "rows": rows}
    )
