"""Data quality over many figures at once: the checks submission makes of one figure (services._submit_errors: the
office's rules, and `figure_outliers` against the unit's earlier quarters and the other units of its level), made of
every figure of a quarter (manage.py data_quality) or of the figures an Excel import writes (its preview). The
verdicts come from the same functions (`rule_check` through rules.py, `figure_outliers`); only the reading of the
values around the figures is batched here: a few queries for a whole quarter instead of two per figure."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from reports.models import Submission
from reports.workflow.outliers import HISTORY_QUARTERS, Outlier, figure_outliers
from reports.workflow.rules import Figure, sheet_violations
from targets.display import decimal_text
from targets.models import Period, WorkPlan
from units.models import Unit


@dataclass(frozen=True)
class FigureOutlier:
    """An outlier found on one figure of the quarter."""

    figure: Figure
    outlier: Outlier
    indicator_code: str
    uom: str

    @property
    def method_name(self) -> str:
        if self.outlier.method == "history":
            return _("异常值：与本单位往期数值相比")
        return _("异常值：与同级单位同季度数值相比")

    @property
    def expected(self) -> str:
        """The range the figure is expected in: "63.11 – 166.89"."""
        return f"{decimal_text(self.outlier.low)} – {decimal_text(self.outlier.high)}"

    @property
    def message(self) -> str:
        return self.outlier.message(self.uom)


@dataclass(frozen=True)
class Notice:
    """What submission will say of a figure, shown before it is submitted: `is_error` when it cannot be submitted."""

    text: str
    is_error: bool


def period_outliers(*, plan: WorkPlan, period: Period) -> list[FigureOutlier]:
    """Every figure of one quarter with a value (draft to approved, as typed) checked for outliers as submission
    checks it: against the unit's figures of the plan's earlier quarters and the other units' of the quarter at its
    level. In the plan's order of indicators and units. Two queries."""
    return _outliers(plan_id=plan.pk, period=period)


def _outliers(
    *, plan_id: int, period: Period, unit: Unit | None = None, indicator_ids=None
) -> list[FigureOutlier]:
    """period_outliers of the whole quarter, or only of `unit`'s figures (of `indicator_ids`). Two queries."""
    quarter = Submission.objects.filter(period=period, value__isnull=False)
    earlier = Submission.objects.filter(period__plan_id=plan_id, value__isnull=False).filter(
        Q(period__year__lt=period.year) | Q(period__year=period.year, period__quarter__lt=period.quarter)
    )
    if unit is not None:
        earlier = earlier.filter(unit=unit)
    if indicator_ids is not None:
        quarter, earlier = (
            quarter.filter(indicator_id__in=indicator_ids),
            earlier.filter(indicator_id__in=indicator_ids),
        )
    rows = quarter.order_by("indicator__position", "indicator_id", "unit__position", "unit_id").values_list(
        "pk", "indicator_id", "unit_id", "value", "unit__kind", "indicator__code", "indicator__uom"
    )
    # Peers as quarter_peers reads them: the indicator's other figures of the quarter, counties and zones with each
    # other, city-level units with each other.
    peers: dict[tuple[int, bool], list[tuple[int, Decimal]]] = defaultdict(list)
    figures: list[tuple[Figure, str, str]] = []
    for pk, indicator_id, unit_id, value, kind, code, uom in rows:
        local = kind in Unit.LOCAL_KINDS
        peers[(indicator_id, local)].append((unit_id, value))
        if unit is None or unit_id == unit.pk:
            figures.append((Figure(indicator_id, unit_id, period.pk, value, local, pk), code, uom))
    # The unit's history as unit_history reads it: its figures of the earlier quarters, oldest first, the last
    # HISTORY_QUARTERS with a value.
    history: dict[tuple[int, int], list[Decimal]] = defaultdict(list)
    for indicator_id, unit_id, value in earlier.order_by("period__year", "period__quarter").values_list(
        "indicator_id", "unit_id", "value"
    ):
        history[(indicator_id, unit_id)].append(value)
    found = []
    for figure, code, uom in figures:
        others = [v for u, v in peers[(figure.indicator_id, figure.local)] if u != figure.unit_id]
        earlier_values = history[(figure.indicator_id, figure.unit_id)][-HISTORY_QUARTERS:]
        for outlier in figure_outliers(figure.value, history=earlier_values, peers=others):
            found.append(FigureOutlier(figure=figure, outlier=outlier, indicator_code=code, uom=uom))
    return found


def sheet_notices(*, unit: Unit, period: Period, notes: dict[int, str]) -> dict[int, list[Notice]]:
    """What submission will say of the unit's figures of the quarter, of the indicators in `notes` (indicator id →
    the figure's 说明), as they now stand: a broken error rule refuses the figure; a broken warning rule or an outlier
    needs the reason in 说明. By indicator id, figures without a notice left out. A fixed number of queries (seven at
    most), however many figures."""
    if not notes:
        return {}
    ids = list(notes)
    found: dict[int, list[Notice]] = defaultdict(list)
    flags: list[tuple[int, str]] = []
    for violation in sheet_violations(unit=unit, period=period, indicator_ids=ids):
        if violation.is_error:
            text = _("%(flag)s。按此数值不能提交，请核对修改") % {"flag": violation.message}
            found[violation.figure.indicator_id].append(Notice(text=text, is_error=True))
        else:
            flags.append((violation.figure.indicator_id, violation.message))
    flags += [
        (o.figure.indicator_id, o.message)
        for o in _outliers(plan_id=period.plan_id, period=period, unit=unit, indicator_ids=ids)
    ]
    for indicator_id, flag in flags:
        if (notes[indicator_id] or "").strip():
            text = _("%(flag)s。说明已填写，提交后审核人员将看到此提示和说明") % {"flag": flag}
        else:
            text = _("%(flag)s。提交时需在说明中写明原因") % {"flag": flag}
        found[indicator_id].append(Notice(text=text, is_error=False))
    return dict(found)
