"""Plotly figures for the dashboards, as JSON-ready dicts the page draws with the vendored plotly.js."""

import plotly.graph_objects as go
from django.utils.translation import gettext as _

from reports.figures.selectors import IndicatorStanding

GREEN, AMBER, RED, GREY, BLUE = "#1e7b34", "#b45309", "#b42318", "#9aa5b1", "#0b5cad"
FONT = "PingFang SC, Microsoft YaHei, Noto Sans CJK SC, sans-serif"


def _number(value):
    return None if value is None else float(value)


def indicator_trend(*, standing: IndicatorStanding, quarter_labels: list[str]) -> dict:
    """Actual (what counts each quarter) against the expected path and the target line."""
    progress, indicator = standing.progress, standing.indicator
    labels = quarter_labels[: len(progress.series)]
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(
            x=labels,
            y=[_number(expected) for _end, _value, expected in progress.series],
            name=_("应达进度"),
            mode="lines",
            line={"color": GREY, "dash": "dash"},
        )
    )
    figure.add_trace(
        go.Scatter(
            x=labels,
            y=[_number(value) for _end, value, _expected in progress.series],
            name=_("实际"),
            mode="lines+markers",
            line={"color": BLUE, "width": 3},
        )
    )
    if progress.target is not None:
        figure.add_hline(
            y=float(progress.target),
            line={"color": GREEN, "width": 1},
            annotation_text=_("目标 %(target)s") % {"target": indicator.target_display},
            annotation_position="top left",
        )
    figure.update_layout(
        margin={"l": 50, "r": 20, "t": 30, "b": 40},
        height=340,
        font={"family": FONT},
        legend={"orientation": "h", "y": -0.2},
        yaxis={"title": indicator.uom, "rangemode": "tozero"},
        hovermode="x unified",
    )
    return figure.to_plotly_json()


def unit_breakdown(*, rows: list[tuple[str, float | None]], uom: str, period_label: str) -> dict:
    """One bar per reporting unit for the quarter."""
    figure = go.Figure(
        go.Bar(
            x=[name for name, _value in rows],
            y=[value for _name, value in rows],
            marker={"color": BLUE},
            hovertemplate="%{x}: %{y}<extra></extra>",
        )
    )
    figure.update_layout(
        margin={"l": 50, "r": 20, "t": 30, "b": 80},
        height=300,
        font={"family": FONT},
        title={"text": _("%(period)s各单位") % {"period": period_label}, "font": {"size": 14}},
        yaxis={"title": uom},
    )
    return figure.to_plotly_json()
