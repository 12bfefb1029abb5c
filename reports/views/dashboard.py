"""The office's and leaders' dashboards. Thin: pick plan and quarter, call the selectors, render or export."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django_tables2 import RequestConfig

from targets.models import Indicator, Period, WorkPlan
from targets.periods import parse_period_code
from tasks.selectors import plan_current, plan_problems
from units.models import User
from units.selectors import user_sees_all_units

from ..charts import indicator_trend, unit_breakdown
from ..dashboard import (
    CELL_LABELS,
    area_cards,
    heatmap_view,
    office_todo,
    period_current,
    quarter_rates,
    reporting_heatmap,
    task_board,
    unit_league,
)
from ..exports import heatmap_xlsx, league_xlsx, table_xlsx, task_board_xlsx, xlsx_response
from ..models import Rollup, Submission
from ..progress import plan_standings
from ..tables import IndicatorFilter, StandingTable

INDICATORS_PER_PAGE = 50


def _scope(request: HttpRequest) -> tuple[WorkPlan, Period, list[Period]]:
    """The plan, the quarter a dashboard shows (?period=2025Q2, default the quarter being reported) and all the
    plan's quarters in order (read once here; the selectors take them rather than read them again)."""
    if not user_sees_all_units(user=request.user):
        raise PermissionDenied("只有领导小组办公室和领导可以查看统计看板")
    plan = plan_current()
    if plan is None:
        raise Http404("还没有工作方案")
    periods = list(plan.periods.all())
    for period in periods:
        period.plan = plan  # due dates need the plan's due days
    code = request.GET.get("period")
    if not code:
        return plan, period_current(plan=plan, periods=periods), periods
    try:
        year, quarter = parse_period_code(code)
    except ValueError:
        raise Http404("季度编号无效") from None
    chosen = next((p for p in periods if (p.year, p.quarter) == (year, quarter)), None)
    if chosen is None:
        raise Http404("本方案没有这个季度")
    return plan, chosen, periods


def dashboard(request: HttpRequest) -> HttpResponse:
    """Office and leader home: the five goal areas, this quarter's reporting, what needs attention."""
    plan, period, periods = _scope(request)
    standings = plan_standings(plan=plan, period=period, periods=periods)
    lagging = [s for s in standings if s.progress.colour == "red"]
    return render(
        request,
        "reports/dashboard.html",
        {
            "plan": plan,
            "period": period,
            "periods": periods,
            "cards": area_cards(plan=plan, standings=standings),
            "quarter_rates": quarter_rates(plan=plan, period=period),
            "lagging": lagging,
            "problems": plan_problems(plan=plan) if request.user.role == User.Role.OFFICE else [],
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
    # Pages of 50 (a province's 400 indicators are unreadable as one page); the .xlsx has every row the filter keeps.
    RequestConfig(request, paginate={"per_page": INDICATORS_PER_PAGE}).configure(table)
    if request.GET.get("export") == "xlsx":
        return table_xlsx(
            table=table, filename=f"指标进展-{period.code}.xlsx", title=f"指标进展{period.code}"
        )
    return render(
        request,
        "reports/indicator_table.html",
        {"plan": plan, "period": period, "periods": periods, "filter": filterset, "table": table},
    )


def indicator_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """One indicator: actual against the expected path and the target, per-unit figures, the formula."""
    plan, period, periods = _scope(request)
    indicator = get_object_or_404(Indicator, pk=pk, plan=plan)
    standing = plan_standings(
        plan=plan, period=period, indicators=Indicator.objects.filter(pk=pk), periods=periods, series=True
    )[0]
    labels = [p.code for p in periods]
    grid: dict[
        int, dict[int, object]
    ] = {}  # unit id → {period id: value}, as plain values (thousands of them)
    for unit_id, period_id, value in Rollup.objects.filter(
        indicator=indicator, unit__isnull=False, period__in=periods
    ).values_list("unit_id", "period_id", "value"):
        grid.setdefault(unit_id, {})[period_id] = value
    reporters = list(indicator.reporting_units.all())
    history = [(unit, [grid.get(unit.pk, {}).get(p.pk) for p in periods]) for unit in reporters]
    breakdown = [
        (unit.name, float(grid[unit.pk][period.pk]) if period.pk in grid.get(unit.pk, {}) else None)
        for unit in reporters
    ]
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            filename=f"{indicator.code}-各单位数据.xlsx",
            title=indicator.code,
            headers=["单位", *labels],
            rows=[[unit.name, *values] for unit, values in history],
        )
    pending = Submission.objects.filter(indicator=indicator, period=period).exclude(status="approved").count()
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
            "breakdown": unit_breakdown(rows=breakdown, uom=indicator.uom, period_label=period.label)
            if len(reporters) > 1
            else None,
            "history": history,
            "pending": pending,
        },
    )


def heatmap(request: HttpRequest) -> HttpResponse:
    """Units × quarters: on time, late, missing or not yet due, with completeness and timeliness rates."""
    plan, period, periods = _scope(request)
    if request.GET.get("export") == "xlsx":
        return heatmap_xlsx(data=reporting_heatmap(plan=plan, periods=periods))
    view = heatmap_view(plan=plan, periods=periods, period=period, page=request.GET.get("page"))
    return render(
        request,
        "reports/heatmap.html",
        {"plan": plan, "period": period, "data": view, "legend": CELL_LABELS},
    )


def tasks_board(request: HttpRequest) -> HttpResponse:
    plan, period, _ = _scope(request)
    units, rows = task_board(plan=plan)
    if request.GET.get("export") == "xlsx":
        return task_board_xlsx(units=units, rows=rows)
    return render(
        request, "reports/task_board.html", {"plan": plan, "period": period, "units": units, "rows": rows}
    )


def league(request: HttpRequest) -> HttpResponse:
    plan, period, periods = _scope(request)
    rows = unit_league(
        plan=plan,
        heatmap=reporting_heatmap(plan=plan, periods=periods, cells=False),
        standings=plan_standings(plan=plan, period=period, periods=periods),
    )
    if request.GET.get("export") == "xlsx":
        return league_xlsx(rows=rows, period=period)
    return render(request, "reports/league.html", {"plan": plan, "period": period, "rows": rows})
