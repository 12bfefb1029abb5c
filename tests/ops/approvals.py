"""Parallel approvals: ten office users approve one submitted figure at the same instant, through gunicorn, on
PostgreSQL; the figure changes state once.

    .venv/bin/python -m tests.ops.approvals [--rounds 5] [--parallel 10]      (.ci/run runs it)

A scratch database (ipcity_ops_approvals) gets the plan, a reporter and ten office accounts. Each round the reporter
saves and submits a figure; ten office sessions (signed in through /login/) open the item's page, then all post
审核通过 at once, half from the item page and half from the review queue's batch form. Before the rounds, ten sessions
of the reporter likewise submit one draft at once.

It fails (exit 1) unless, for every round: all posts are answered without a 5xx; the figure is approved, its version
moved by exactly one; its history has one approval and the audit log one item_approve row; its checksum matches;
its rollup row holds its value; and of the item-page posts exactly the approver's was told 已审核通过 (the others
此项已经审核过). The same for the parallel submission: one transition, one history row, one audit row.
"""

import argparse
import threading
from decimal import Decimal

from .harness import (
    PASSWORD,
    Browser,
    Page,
    accounts_create,
    django_setup,
    fail,
    gunicorn,
    ops_env,
    portal_prepare,
    require_services,
    run_main,
    say,
    scratch_database,
)

DATABASE = "ipcity_ops_approvals"
UNIT, PERIOD = "jingyang", "2025Q2"


def _fire(sessions: list[Browser], posts: list[tuple[str, list[tuple[str, str]]]]) -> list:
    """Post each session's form at the same instant (a barrier releases them together); the responses in order."""
    barrier = threading.Barrier(len(sessions))
    responses: list = [None] * len(sessions)

    def post(n: int) -> None:
        path, data = posts[n]
        barrier.wait()
        try:
            responses[n] = sessions[n].post(path, data)
        except OSError as error:
            responses[n] = error

    threads = [threading.Thread(target=post, args=(n,)) for n in range(len(sessions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return responses


def _answered(responses: list) -> None:
    bad = [r if isinstance(r, Exception) else f"HTTP {r.status}" for r in responses if not _ok(r)]
    if bad:
        fail(f"{len(bad)} of {len(responses)} parallel posts went wrong: {bad[:5]}")


def _ok(response) -> bool:
    return response is not None and not isinstance(response, Exception) and response.status == 302


def _one_transition(*, figure_pk: int, before: int, change: str, action: str, what: str) -> None:
    from reports.models import Submission
    from units.models import AuditEvent

    figure = Submission.objects.get(pk=figure_pk)
    history = Submission.history.model.objects.filter(id=figure_pk, action=change)
    audited = AuditEvent.objects.filter(
        object_type="reports.Submission", object_id=str(figure_pk), action=action
    )
    if figure.version != before + 1:
        fail(f"{what}: version went from {before} to {figure.version}: more than one transition")
    if history.count() != 1:
        fail(f"{what}: {history.count()} “{change}” rows in the figure's history, expected 1")
    if audited.count() != 1:
        fail(f"{what}: {audited.count()} {action} rows in the audit log, expected 1")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--rounds", type=int, default=5, help="figures approved in parallel, one after another"
    )
    parser.add_argument("--parallel", type=int, default=10, help="office sessions posting at once")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    require_services()
    with scratch_database(DATABASE, keep=args.keep) as database:
        django_setup(database)  # no broker: the approval's rollup runs in the request, after it commits
        portal_prepare()
        from reports.figures.integrity import figures_tampered
        from reports.models import Rollup, Status, Submission
        from reports.workflow.drafts import figure_save
        from reports.workflow.services import item_submit
        from targets.models import Indicator, Period
        from units.models import Unit, User

        unit = Unit.objects.get(code=UNIT)
        period = Period.objects.get(year=int(PERIOD[:4]), quarter=int(PERIOD[-1]))
        accounts_create(prefix="reporter", role=User.Role.REPORTER, units=[unit], count=1)
        offices = accounts_create(prefix="office", role=User.Role.OFFICE, units=[], count=args.parallel)
        reporter = User.objects.get(username="reporter01")
        indicators = [
            i
            for i in Indicator.objects.filter(reporting_units=unit).order_by("position", "id")
            if i.kind != Indicator.Kind.MILESTONE and not i.has_ratio
        ][: args.rounds + 1]
        if len(indicators) < args.rounds + 1:
            fail(f"{UNIT} reports only {len(indicators)} single-value figures; ask for fewer rounds")
        say(
            f"== parallel approvals: {args.rounds} figures × {args.parallel} office sessions at once, "
            f"gunicorn {args.parallel} workers, PostgreSQL {DATABASE}"
        )
        env = ops_env(database)
        with gunicorn(env, name="approvals", workers=args.parallel) as server:
            # The reporter's double-click storm first: one draft, ten sessions of its reporter submitting it.
            draft = figure_save(
                user=reporter,
                unit=unit,
                period=period,
                indicator=indicators[0],
                data={"value": Decimal("42"), "note": "并发提交测试"},
                expected_version=None,
            )
            item = f"/report/{UNIT}/{PERIOD}/figure/{indicators[0].pk}/"
            reporters = [Browser(server.url) for _ in range(args.parallel)]
            for session in reporters:
                session.login("reporter01", PASSWORD)
            forms = [Page.parse(s.get(item).body, form_id=None).csrf for s in reporters]
            responses = _fire(
                reporters, [(item, [("csrfmiddlewaretoken", t), ("action", "submit")]) for t in forms]
            )
            _answered(responses)
            _one_transition(
                figure_pk=draft.pk,
                before=draft.version,
                change="submit",
                action="item_submit",
                what="submission",
            )
            say(
                f"   {args.parallel} parallel submissions of one draft: one transition, one history row, one audit row"
            )

            sessions = [Browser(server.url) for _ in offices]
            for session, name in zip(sessions, offices, strict=True):
                session.login(name, PASSWORD)
            queue = "/review/act/"
            for round_, indicator in enumerate(indicators[1:], 1):
                figure = figure_save(
                    user=reporter,
                    unit=unit,
                    period=period,
                    indicator=indicator,
                    data={"value": Decimal(100 + round_), "note": "并发审核测试"},
                    expected_version=None,
                )
                item_submit(user=reporter, item=figure)
                figure.refresh_from_db()
                item = f"/report/{UNIT}/{PERIOD}/figure/{indicator.pk}/"
                posts = []
                for n, session in enumerate(sessions):
                    if n % 2 == 0:  # from the item page's 审核通过 button
                        token = Page.parse(session.get(item).body, form_id=None).csrf
                        posts.append((item, [("csrfmiddlewaretoken", token), ("action", "approve")]))
                    else:  # from the review queue, the figure ticked
                        token = Page.parse(session.get("/review/").body, form_id=None).csrf
                        posts.append(
                            (
                                queue,
                                [
                                    ("csrfmiddlewaretoken", token),
                                    ("next", "/review/"),
                                    ("figure", str(figure.pk)),
                                    ("action", "approve"),
                                ],
                            )
                        )
                responses = _fire(sessions, posts)
                _answered(responses)
                what = f"round {round_} (figure {figure.pk})"
                approved = Submission.objects.select_related("reviewed_by").get(pk=figure.pk)
                if approved.status != Status.APPROVED:
                    fail(f"{what}: the figure is {approved.status} after {args.parallel} approvals")
                _one_transition(
                    figure_pk=figure.pk,
                    before=figure.version,
                    change="approve",
                    action="item_approve",
                    what=what,
                )
                if figures_tampered(figures=Submission.objects.filter(pk=figure.pk)):
                    fail(f"{what}: the approved figure's checksum does not match")
                rollup = Rollup.objects.filter(indicator=indicator, period=period, unit=unit).first()
                if rollup is None or rollup.value != approved.value:
                    fail(f"{what}: its rollup row holds {rollup and rollup.value}, not {approved.value}")
                # What each item-page poster was told: the approver 已审核通过, everyone else 已经审核过.
                told = {}
                for n in range(0, len(sessions), 2):
                    shown = Page.parse(sessions[n].follow(responses[n]).body, form_id=None).messages
                    told[offices[n]] = " ".join(shown)
                winners = [name for name, message in told.items() if "已审核通过并锁定" in message]
                others = [name for name, message in told.items() if "此项已经审核过" in message]
                expected = [approved.reviewed_by.username] if approved.reviewed_by.username in told else []
                if winners != expected or len(winners) + len(others) != len(told):
                    fail(f"{what}: approved by {approved.reviewed_by.username}, the item pages said {told}")
                say(
                    f"   round {round_}: {args.parallel} parallel approvals → approved once by "
                    f"{approved.reviewed_by.username}, version {figure.version}→{approved.version}, "
                    f"1 history row, 1 audit row, checksum and rollup right"
                )
        say("== parallel approvals: OK")


if __name__ == "__main__":
    run_main(main)
