"""The quarterly bulletin as a Word document the office can still edit: narrative, summary, charts (plotly drawn
to PNG by kaleido through the server's chromium; left out, with a note, where there is none), indicator tables per
goal area, the unit ranking, and the lists of missing, returned and delayed items."""

import logging
import os
import shutil
import warnings
from collections.abc import Callable

import plotly.graph_objects as go
from django.conf import settings

from reports.dashboards.charts import AMBER, FONT, GREEN, GREY, RED
from reports.documents import word
from reports.documents.bulletin import COLOUR_LABELS, COLOUR_ORDER, Bulletin
from targets.display import figure_display, percent_text
from targets.periods import portal_today

logger = logging.getLogger(__name__)
CHART_COLOURS = {"green": GREEN, "amber": AMBER, "red": RED, "grey": GREY}
NO_CHARTS = "（本次生成时服务器上没有可用的浏览器，图表未生成；表格内容完整。）"


def chart_figures(bulletin: Bulletin) -> list[tuple[str, go.Figure]]:
    """The bulletin's charts: indicator status per goal area, and each unit's on-time rate this quarter."""
    areas = [block.name for block in bulletin.areas]
    status = go.Figure()
    for colour in COLOUR_ORDER:
        status.add_trace(
            go.Bar(
                name=COLOUR_LABELS[colour],
                x=areas,
                y=[
                    sum(1 for s in block.standings if s.progress.colour == colour) for block in bulletin.areas
                ],
                marker={"color": CHART_COLOURS[colour]},
            )
        )
    status.update_layout(
        barmode="stack", yaxis={"title": "指标数", "dtick": 1}, legend={"traceorder": "normal"}
    )
    units = [row for row in bulletin.league if row.rates.owed]
    timeliness = go.Figure(
        go.Bar(
            x=[(row.rates.timeliness or 0) * 100 for row in units],
            y=[row.unit.name for row in units],
            orientation="h",
            marker={"color": [GREEN if (row.rates.timeliness or 0) >= 0.9 else AMBER for row in units]},
        )
    )
    timeliness.update_layout(
        xaxis={"title": "全周期按时报送率（%）", "range": [0, 100]}, yaxis={"autorange": "reversed"}
    )
    for figure in (status, timeliness):
        figure.update_layout(
            font={"family": FONT, "size": 15},
            margin={"l": 60, "r": 20, "t": 20, "b": 40},
            legend={"orientation": "h", "y": -0.15},
            plot_bgcolor="white",
        )
    return [("图1 各目标领域指标状态", status), ("图2 各单位按时报送率", timeliness)]


def _quiet() -> None:
    """kaleido's browser driver gives its loggers their own levels and narrates every step; keep its problems only."""
    for name in list(logging.root.manager.loggerDict):
        if name.split(".")[0] in ("kaleido", "choreographer", "logistro"):
            logging.getLogger(name).setLevel(logging.WARNING)


def charts_png(figures: list[tuple[str, go.Figure]]) -> list[tuple[str, bytes]] | None:
    """The figures as PNG, or None when no browser can draw them (the document then says so)."""
    browser = getattr(settings, "CHART_BROWSER", "")
    if not browser or not shutil.which(browser):
        return None
    os.environ.setdefault("BROWSER_PATH", browser)
    try:
        import kaleido

        _quiet()
        kaleido.start_sync_server(silence_warnings=True)
        _quiet()
        warnings.filterwarnings("ignore", message="The kopts argument is ignored if using a server")
        try:
            heights = (
                {0: 420, 1: max(320, 26 * len(figures[1][1].data[0].y) + 80)} if len(figures) > 1 else {}
            )
            return [
                (caption, figure.to_image(format="png", width=900, height=heights.get(i, 420), scale=2))
                for i, (caption, figure) in enumerate(figures)
            ]
        finally:
            kaleido.stop_sync_server(silence_warnings=True)
    except Exception:  # a broken browser must not cost the office its bulletin: the tables still go out
        logger.exception("bulletin charts could not be drawn")
        return None


def bulletin_docx(
    bulletin: Bulletin, *, step: Callable[[int, str], None] = lambda _p, _s: None
) -> tuple[bytes, bool]:
    """The bulletin as .docx bytes, and whether its charts are in it. `step(percent, what)` reports progress."""
    document = word.document_new()
    issuer = "德阳市国家知识产权强市建设试点城市工作领导小组办公室"
    demo = "\n（演示数据）" if getattr(settings, "DEMO_MODE", False) else ""
    today = portal_today()
    word.title(document, bulletin.title, f"{issuer}　{today.year}年{today.month}月{today.day}日{demo}")

    word.heading(document, "一、总体情况")
    for text in bulletin.narrative:
        word.paragraph(document, text)
    previous = bulletin.previous.label if bulletin.previous else "上季度"
    rows = [
        (
            COLOUR_LABELS[c],
            bulletin.colours[c],
            bulletin.previous_colours[c] if bulletin.previous_colours else "—",
        )
        for c in COLOUR_ORDER
    ]
    rates, before = bulletin.rates, bulletin.previous_rates
    rows += [
        (
            "报送完成率",
            percent_text(rates.completeness),
            percent_text(before.completeness) if before else "—",
        ),
        ("按时报送率", percent_text(rates.timeliness), percent_text(before.timeliness) if before else "—"),
    ]
    word.table(
        document, ["项目", bulletin.period.label, previous], rows, widths_cm=[6, 4.5, 4.5], numeric=(1, 2)
    )
    step(30, "正在绘制图表")

    pictures = charts_png(chart_figures(bulletin))
    if pictures:
        for caption, png in pictures:
            word.picture(document, png)
            word.caption(document, caption)
    else:
        word.paragraph(document, NO_CHARTS, small=True)
    step(70, "正在编排表格")

    word.heading(document, "二、指标进展")
    for block in bulletin.areas:
        word.heading(document, block.title, level=2)
        word.table(
            document,
            ["编号", "指标", "目标", "本季度值", "应达进度", "状态", "报送"],
            [
                (
                    s.indicator.code,
                    s.indicator.name,
                    s.indicator.target_display,
                    figure_display(s.progress.value, s.indicator),
                    figure_display(s.progress.expected, s.indicator),
                    (s.progress.label, s.progress.colour),
                    s.completeness,
                )
                for s in block.standings
            ],
            widths_cm=[1.4, 5.2, 2.6, 2.0, 2.0, 1.4, 1.4],
            numeric=(3, 4),
        )
        for s in block.standings:
            if s.caveat:  # the standing does not simply rest on this quarter's approved data: say so
                word.paragraph(
                    document, f"注：{s.indicator.code} {s.indicator.name}——{s.caveat}。", small=True
                )

    word.heading(document, "三、各单位报送情况")
    word.paragraph(
        document, "按全周期按时报送率、报送完成率排序；退回次数、滞后任务、滞后指标越少越好。", small=True
    )
    word.table(
        document,
        ["排名", "单位", "完成率", "按时率", "退回", "滞后任务", "滞后指标"],
        [
            (
                n,
                row.unit.name,
                percent_text(row.rates.completeness),
                percent_text(row.rates.timeliness),
                row.returned,
                row.delayed_tasks,
                row.red_indicators,
            )
            for n, row in enumerate(bulletin.league, 1)
        ],  # fmt: skip
        widths_cm=[1.2, 5.6, 2, 2, 1.4, 1.6, 1.6],
        numeric=(2, 3, 4, 5, 6),
    )

    word.heading(document, f"四、{bulletin.period.label}逾期未报事项")
    if bulletin.missing:
        word.table(
            document,
            ["单位", "未报事项"],
            [(m.unit.name, "；".join(m.items)) for m in bulletin.missing],
            widths_cm=[4, 12],
        )
    else:
        word.paragraph(document, "无。")
    word.heading(document, "五、被退回尚未重新提交的事项")
    if bulletin.returned:
        word.table(
            document,
            ["单位", "事项", "退回原因"],
            [(r.unit.name, r.subject, r.reason) for r in bulletin.returned],
            widths_cm=[4.5, 6, 5.5],
        )
    else:
        word.paragraph(document, "无。")
    word.heading(document, "六、进展滞后的任务")
    if bulletin.delayed:
        word.table(
            document,
            ["任务", "单位", "存在问题"],
            [(f"{d.task.code} {d.task.title}", d.unit.name, d.problems) for d in bulletin.delayed],
            widths_cm=[5.5, 4, 6.5],
        )
    else:
        word.paragraph(document, "无。")
    word.paragraph(
        document,
        f"说明：指标数值为审核通过的数据汇总，截至{today.year}年{today.month}月{today.day}日；"
        "状态按工作期内应达进度判断。本通报由平台生成初稿，领导小组办公室可修改后印发。",
        small=True,
    )
    step(95, "正在保存文件")
    return word.to_bytes(document), bool(pictures)
