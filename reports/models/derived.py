"""Rows derived from approved figures and kept by reports.figures, never edited by hand: quarterly values
(Rollup), each indicator's standing per quarter (Standing), each unit's reporting record (ReportingTally)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from targets.models import Indicator, Period
from units.models import Unit


class Rollup(models.Model):
    """An indicator's value for one quarter: for the city (unit empty) by the aggregation rule, or one unit's
    approved figure. Rebuilt from approved submissions only; never edited by hand. A figure the office approved and
    then withdrew (reopened for correction) keeps counting with the values it approved until it is approved again:
    withdrawing a figure never makes a standing look better (`held`)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="rollups")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="rollups")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, null=True, blank=True, related_name="rollups")
    value = models.DecimalField(max_digits=18, decimal_places=4, null=True)
    numerator = models.DecimalField(max_digits=18, decimal_places=4, null=True)
    denominator = models.DecimalField(max_digits=18, decimal_places=4, null=True)
    achieved_on = models.DateField(null=True)
    reported = models.PositiveIntegerField(default=0)  # units with an approved figure
    expected = models.PositiveIntegerField(default=0)  # units that report the indicator
    held = models.PositiveIntegerField(
        default=0
    )  # figures counted at their withdrawn approval (unit row: 0 or 1)
    computed_at = models.DateTimeField(auto_now=True)
    # A city row's: what its quarter's unit rows and the aggregation rule were when it was computed
    # (reports.figures.rollup): a rebuild skips the quarters whose fingerprint has not changed. Empty on unit rows.
    fingerprint = models.CharField(max_length=32, blank=True, default="")

    class Meta:
        verbose_name = _("汇总值")
        verbose_name_plural = _("汇总值")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period"],
                condition=Q(unit__isnull=True),
                name="one_city_value_per_quarter",
            ),
            models.UniqueConstraint(
                fields=["indicator", "period", "unit"],
                condition=Q(unit__isnull=False),
                name="one_unit_value_per_quarter",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period} {self.unit or '全市'}: {self.value}"


class Standing(models.Model):
    """Where an indicator stands at the end of one quarter, as the progress engine (targets.engine) computes it
    from the city rollup rows and the indicator's target. Kept by the rollup in the transaction that writes those
    rows, and refreshed when the office edits a target in 管理后台 (reports.figures.standings), so that a dashboard does not
    run the engine over every indicator on each request. `inputs` fingerprints the target and thresholds it was
    computed with: a row whose indicator or plan has changed since is never shown, the standing is computed afresh."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="standings")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="standings")
    status = models.CharField(max_length=16)
    value = models.DecimalField(max_digits=30, decimal_places=10, null=True)
    expected = models.DecimalField(max_digits=30, decimal_places=10, null=True)
    target = models.DecimalField(max_digits=30, decimal_places=10, null=True)
    projected_end = models.DecimalField(max_digits=30, decimal_places=10, null=True)
    projected_met = models.DateField(null=True)
    formula = models.TextField(blank=True)
    reported = models.PositiveIntegerField(default=0)  # units with an approved figure this quarter
    expected_units = models.PositiveIntegerField(default=0)  # units that report it
    basis_end = models.DateField(null=True)  # end of the last quarter with approved data it rests on
    held = models.PositiveIntegerField(
        default=0
    )  # figures up to this quarter counted at a withdrawn approval
    inputs = models.CharField(max_length=32)

    class Meta:
        verbose_name = _("指标进展")
        verbose_name_plural = _("指标进展")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period"], name="one_standing_per_quarter"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period}: {self.status}"


class ReportingTally(models.Model):
    """One unit's reporting record in one quarter, counted as it happens (reports.figures.tallies, called by
    the workflow's submit and return): items (figures and task
    reports) first submitted by the end of the due day or after it, and returns by the office. The heatmap, the unit
    league and the home page read these few rows instead of counting over every figure. `due_date` is the due date
    the on-time count was measured against: rows of a quarter whose due date has changed since are recounted
    (reports.figures.tallies)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    due_date = models.DateField(null=True)
    on_time = models.PositiveIntegerField(default=0)
    late = models.PositiveIntegerField(default=0)
    returned = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("报送统计")
        verbose_name_plural = _("报送统计")
        constraints = [
            models.UniqueConstraint(fields=["unit", "period"], name="one_tally_per_unit_quarter"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.period}: {self.on_time}/{self.late}/{self.returned}"
