"""The load run's database check (bench.load): what the server says it stored, it stored exactly once."""

from collections import Counter, defaultdict

from tests.ops.load import SAVE_ACTIONS, SUBMIT_ACTIONS, Outcome


def marks() -> dict:
    """The last ids of figures, their history and the audit log: the run's rows are those after them."""
    from django.db.models import Max

    from reports.models import Submission
    from units.models import AuditEvent

    return {
        "figure": Submission.objects.aggregate(m=Max("pk"))["m"] or 0,
        "history": Submission.history.model.objects.aggregate(m=Max("history_id"))["m"] or 0,
        "audit": AuditEvent.objects.aggregate(m=Max("pk"))["m"] or 0,
    }


def saves_check(outcome: Outcome, *, plan, since: dict) -> list[str]:
    """tests.ops.load.check_database on the rows the run wrote (after `since`), on a database that held a million
    figures before it: every accepted save once in history and audit log, the last one's value kept, every accepted
    submission once, and no save, submission or figure the client was not told of."""
    from django.db.models import Count

    from reports.models import Submission
    from units.models import AuditEvent, Unit

    unit_ids = dict(Unit.objects.values_list("code", "pk"))
    period_ids = {p.code: p.pk for p in plan.periods.all()}
    history = defaultdict(list)
    for pk, version, value, done in Submission.history.model.objects.filter(
        history_id__gt=since["history"]
    ).values_list("id", "version", "value", "action"):
        history[pk].append((version, value, done))
    audits = Counter()
    for object_id, action, n in (
        AuditEvent.objects.filter(pk__gt=since["audit"], object_type="reports.Submission")
        .values_list("object_id", "action")
        .annotate(n=Count("id"))
    ):
        audits[(int(object_id), action)] += n
    told = {
        (unit_ids[unit], indicator, period_ids[period]): (unit, indicator, period)
        for unit, indicator, period in {*outcome.saves, *outcome.submits}
    }
    figures = {
        (s.unit_id, s.indicator_id, s.period_id): s
        for s in Submission.objects.filter(
            unit_id__in={k[0] for k in told}, period_id__in={k[2] for k in told}
        ).only("pk", "unit", "indicator", "period", "value")
        if (s.unit_id, s.indicator_id, s.period_id) in told
    }
    problems = []
    for key, (unit, indicator, period) in told.items():
        label, saves = (
            f"{unit} {period} indicator {indicator}",
            outcome.saves.get((unit, indicator, period), []),
        )
        figure = figures.get(key)
        if figure is None:
            problems.append(f"{label}: {len(saves)} accepted saves, no figure in the database")
            continue
        expected = {based_on + 1: value for based_on, value in saves}
        if len(expected) != len(saves):
            problems.append(f"{label}: two accepted saves were based on the same version (a lost update)")
        stored = [(v, value) for v, value, done in history[figure.pk] if done in SAVE_ACTIONS]
        for version, value in expected.items():
            found = [stored_value for v, stored_value in stored if v == version]
            if len(found) != 1 or found[0] != value:
                problems.append(
                    f"{label}: accepted save {value} (version {version}) is in its history {found}"
                )
        extra = sorted(v for v, _ in stored if v not in expected)
        if extra:
            problems.append(f"{label}: history has saves the client was told failed (versions {extra})")
        if expected and figure.value != expected[max(expected)]:
            problems.append(
                f"{label}: holds {figure.value}, the last accepted save was {expected[max(expected)]}"
            )
        audited = audits[(figure.pk, "item_create")] + audits[(figure.pk, "item_change")]
        if audited != len(saves):
            problems.append(f"{label}: {len(saves)} accepted saves, {audited} audit rows")
        submitted = outcome.submits.get((unit, indicator, period), 0)
        in_history = sum(1 for _, _, done in history[figure.pk] if done in SUBMIT_ACTIONS)
        if in_history != submitted or audits[(figure.pk, "item_submit")] != submitted:
            problems.append(
                f"{label}: {submitted} accepted submissions, {in_history} in its history, "
                f"{audits[(figure.pk, 'item_submit')]} audit rows"
            )
    known = {figures[k].pk for k in told if k in figures}
    created = Submission.objects.filter(pk__gt=since["figure"]).values_list("pk", flat=True)
    strays = (set(history) | set(created)) - known
    if strays:
        problems.append(f"{len(strays)} figures were written that no accepted save or submission names")
    return problems
