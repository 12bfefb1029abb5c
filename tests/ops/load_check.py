"""What tests.ops.load checks and prints after its run: the database against every save and submission the server
accepted, and the run's counts and latencies."""

from collections import Counter, defaultdict

from .harness import percentile, say
from .load import SAVE_ACTIONS, SUBMIT_ACTIONS, Outcome


def check_database(outcome: Outcome) -> list[str]:
    """Every accepted save present exactly once, the last one's value kept, history and audit in step."""
    from django.db.models import Count

    from reports.models import Submission
    from targets.models import Period
    from units.models import AuditEvent, Unit

    unit_ids = dict(Unit.objects.values_list("code", "pk"))
    period_ids = {p.code: p.pk for p in Period.objects.all()}
    history = defaultdict(list)
    for pk, version, value, done in Submission.history.model.objects.values_list(
        "id", "version", "value", "action"
    ):
        history[pk].append((version, value, done))
    audits = Counter()
    for object_id, action, n in (
        AuditEvent.objects.filter(object_type="reports.Submission")
        .values_list("object_id", "action")
        .annotate(n=Count("id"))
    ):
        audits[(int(object_id), action)] += n
    figures = {
        (s.unit_id, s.indicator_id, s.period_id): s
        for s in Submission.objects.all().only("pk", "unit", "indicator", "period", "value", "status")
    }
    problems = []
    wanted_keys = set()
    for (unit, indicator, period), saves in outcome.saves.items():
        key = (unit_ids[unit], indicator, period_ids[period])
        wanted_keys.add(key)
        label = f"{unit} {period} indicator {indicator}"
        figure = figures.get(key)
        if figure is None:
            problems.append(f"{label}: {len(saves)} accepted saves, no figure in the database")
            continue
        expected = {based_on + 1: value for based_on, value in saves}
        if len(expected) != len(saves):
            problems.append(f"{label}: two accepted saves were based on the same version (a lost update)")
        stored = [(v, value) for v, value, done in history[figure.pk] if done in SAVE_ACTIONS]
        versions = Counter(v for v, _ in stored)
        for version, value in expected.items():
            found = [stored_value for v, stored_value in stored if v == version]
            if len(found) != 1 or found[0] != value:
                problems.append(
                    f"{label}: accepted save {value} (version {version}) is in its history {found}"
                )
        extra = sorted(v for v in versions if v not in expected)
        if extra:
            problems.append(f"{label}: history has saves the client was told failed (versions {extra})")
        last = expected[max(expected)]
        if figure.value != last:
            problems.append(f"{label}: holds {figure.value}, the last accepted save was {last}")
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
    strays = set(figures) - wanted_keys
    if strays:
        problems.append(f"{len(strays)} figures are stored that no accepted save created")
    return problems


def report(outcome: Outcome, elapsed: float) -> None:
    c = outcome.counts
    everything = [s for values in outcome.latencies.values() for s in values]
    say(
        f"   requests {c['requests']} in {elapsed:.0f} s ({c['requests'] / max(elapsed, 1):.1f}/s); "
        f"5xx {c['5xx']}, no answer {c['no_answer']}, other refusals "
        f"{sum(n for k, n in c.items() if k.startswith('http_'))}"
    )
    say(
        f"   saves {c['saves']}: accepted {c['saves_accepted']}, refused as edits of an old version "
        f"{c['save_conflicts']} (the portal's message), on an item submitted meanwhile "
        f"{c['save_on_locked']}"
    )
    say(
        f"   submissions {c['submits']}: accepted {c['submits_accepted']}, refused as based on an old version "
        f"{c['submit_conflicts']}, on an item submitted meanwhile {c['submit_on_locked']}, already submitted by "
        f"a colleague {c['submits_already']}; rows of colleagues refused along with a post {c['collateral']}"
    )
    if c["public"]:
        say(
            f"   public page {c['public']}: each a 200 listing the published indicators and none of the others"
        )
    for kind in ("all", "save", "submit", "sheet", "sign-in", "public"):
        values = everything if kind == "all" else outcome.latencies.get(kind, [])
        if values:
            say(
                f"   latency {kind:8} n={len(values):5}  p50 {percentile(values, 50) * 1000:6.0f} ms  "
                f"p95 {percentile(values, 95) * 1000:6.0f} ms  max {max(values) * 1000:6.0f} ms"
            )
