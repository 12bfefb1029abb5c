"""Backup drill: `make backup`, then the latest backup restored with `make restore` into a scratch database and
compared with its source: the same tables, the same rows in each, the same sequences, every approved figure's
checksum still right (`manage.py check_figures` on the restored database), the audit log still append-only.

    .venv/bin/python -m tests.ops.backup_drill                      (make drill; .ci/run runs it)
    .venv/bin/python -m tests.ops.backup_drill --source-url URL     (drill a database of your own, read only)

By default the source is a scratch database (ipcity_ops_drill_src) filled as `make run` fills the demo: the plan,
the demo accounts and two years of reporting (figures, task reports, approvals, history, audit log, alerts,
instructions). With --source-url the source is that database instead (it is only read; its backup goes to
var/backups like any other, and the counts compare exactly only if nothing writes to it meanwhile). The restore
target is always the scratch database ipcity_ops_drill. The drill also checks that `make restore` refuses without a
file or without confirmation, and that check_figures, on the restored copy, does report a figure changed in the
database behind the application's back (so its "all consistent" means something). It prints the time each step
took and fails (exit 1) with what differs.
"""

import argparse
import os
import subprocess
import time
from pathlib import Path

from .harness import (
    BIN,
    ROOT,
    db_url,
    fail,
    ops_env,
    require_services,
    run_main,
    say,
    scratch_database,
    sql,
)

SOURCE, TARGET = "ipcity_ops_drill_src", "ipcity_ops_drill"
DRILL_BACKUPS = ROOT / "var" / "ops" / "drill-backups"


def run(
    command: list[str], env: dict[str, str], *, check: bool = True, what: str = ""
) -> subprocess.CompletedProcess:
    done = subprocess.run(
        command, env=env, cwd=ROOT, capture_output=True, text=True, stdin=subprocess.DEVNULL
    )
    if check and done.returncode != 0:
        fail(
            f"{what or ' '.join(command)} exited {done.returncode}:\n{done.stdout[-2000:]}{done.stderr[-2000:]}"
        )
    return done


def manage(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return run(
        [str(BIN / "python"), "manage.py", *args], env, check=check, what=f"manage.py {' '.join(args)}"
    )


def make(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return run(["make", "-s", *args], env, check=check, what=f"make {' '.join(args)}")


def tables(url: str) -> dict[str, int]:
    """Every table of the public schema with its exact row count."""
    names = [n for (n,) in sql(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")]
    return {name: sql(url, f'SELECT count(*) FROM "{name}"')[0][0] for name in names}


def sequences(url: str) -> dict[str, int | None]:
    return dict(sql(url, "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"))


def checksums(url: str) -> list[tuple]:
    return sql(
        url, "SELECT id, value, checksum FROM reports_submission WHERE status = 'approved' ORDER BY id"
    )


def build_source(url: str) -> None:
    env = ops_env(url)
    for args in (
        ("migrate", "--noinput"),
        ("load_plan",),
        ("create_demo_users",),
        ("demo_data",),
        ("rollup",),
        ("check_figures",),
    ):
        manage(env, *args)


def refusals(env: dict[str, str], backup: Path, target: str) -> None:
    """`make restore` refuses without a file, and without confirmation when nobody can be asked."""
    done = make(env, "restore", f"DATABASE_URL={target}", check=False)
    if done.returncode == 0 or "FILE=" not in done.stderr:
        fail(f"make restore without FILE did not refuse: {done.returncode} {done.stdout}{done.stderr}")
    done = make(env, "restore", f"FILE={backup}", f"DATABASE_URL={target}", check=False)
    if done.returncode == 0 or "nothing restored" not in done.stderr or "REPLACES" not in done.stdout:
        fail(f"make restore without CONFIRM did not refuse: {done.returncode} {done.stdout}{done.stderr}")
    if tables(target):
        fail("make restore refused, yet the target database has tables")


def compare(source: str, target: str) -> tuple[int, int]:
    held, restored = tables(source), tables(target)
    if set(held) != set(restored):
        fail(
            f"tables differ: missing {sorted(set(held) - set(restored))}, extra {sorted(set(restored) - set(held))}"
        )
    wrong = {name: (held[name], restored[name]) for name in held if held[name] != restored[name]}
    if wrong:
        fail(f"row counts differ (source, restored): {wrong}")
    if sequences(source) != sequences(target):
        fail("sequences differ: new rows in the restored database would collide with restored ones")
    if not held.get("reports_submission") or not held.get("units_auditevent"):
        fail("the source has no figures or no audit log: the drill would compare nothing")
    return len(held), sum(held.values())


def integrity(env: dict[str, str], source: str, target: str) -> int:
    approved = checksums(target)
    if not approved:
        fail("no approved figure in the restored database: the checksums check nothing")
    if approved != checksums(source):
        fail("approved figures or their checksums differ between source and restored database")
    done = manage(env, "check_figures", check=False)
    if done.returncode != 0:
        said = (done.stdout + done.stderr).strip().splitlines()
        fail(f"check_figures on the restored database failed ({len(said)} lines; the last): {said[-3:]}")
    return len(approved)


def self_test(env: dict[str, str], target: str) -> None:
    """On the restored copy only: a figure changed in the database is reported, and audit rows cannot change."""
    (pk,) = sql(
        target, "SELECT min(id) FROM reports_submission WHERE status = 'approved' AND value IS NOT NULL"
    )[0]
    sql(target, "UPDATE reports_submission SET value = value + 1 WHERE id = %s", (pk,))
    done = manage(env, "check_figures", check=False)
    if done.returncode == 0 or f"编号 {pk}" not in done.stdout:
        fail(
            f"check_figures did not report figure {pk}, changed behind the application's back: {done.stdout}"
        )
    for statement in ("UPDATE units_auditevent SET detail = 'x'", "DELETE FROM units_auditevent"):
        try:
            sql(target, statement + " WHERE id = (SELECT min(id) FROM units_auditevent)")
        except Exception:  # noqa: BLE001, S110 — refused by the trigger, as it must be
            continue
        fail(f"the restored audit log accepted “{statement}”: its append-only triggers were not restored")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source-url", help="drill this database instead of building one (only read)")
    parser.add_argument(
        "--keep", action="store_true", help="keep the scratch databases and the drill's backup"
    )
    args = parser.parse_args()
    require_services()
    started = time.monotonic()
    if args.source_url:
        say(f"== backup drill: source {args.source_url.rsplit('/', 1)[-1]} (given), restored into {TARGET}")
        drill(args.source_url, backups=ROOT / "var" / "backups", env=dict(os.environ), keep=args.keep)
    else:
        with scratch_database(SOURCE, keep=args.keep) as source:
            say(
                f"== backup drill: source {SOURCE} (plan, demo accounts, demo reporting), restored into {TARGET}"
            )
            built = time.monotonic()
            build_source(source)
            say(f"   source built in {time.monotonic() - built:.0f} s")
            drill(source, backups=DRILL_BACKUPS, env=ops_env(source), keep=args.keep)
    say(f"== backup drill: OK ({time.monotonic() - started:.0f} s in all)")


def drill(source: str, *, backups: Path, env: dict[str, str], keep: bool) -> None:
    target = db_url(TARGET)
    env = {**env, "BACKUP_DIR": str(backups)}
    env.pop("MAKEFLAGS", None)
    t0 = time.monotonic()
    make(env, "backup", f"DATABASE_URL={source}")
    backup_seconds = time.monotonic() - t0
    latest = max(backups.glob("*.dump"), key=lambda p: p.stat().st_mtime)
    if latest.stat().st_mtime < time.time() - backup_seconds - 5:
        fail(f"the newest backup in {backups} ({latest.name}) is not the one make backup just wrote")
    say(
        f"   make backup: {latest.relative_to(ROOT) if latest.is_relative_to(ROOT) else latest} "
        f"({latest.stat().st_size / 1e6:.1f} MB) in {backup_seconds:.1f} s"
    )
    with scratch_database(TARGET, keep=keep):
        refusals(env, latest, target)
        t1 = time.monotonic()
        make(env, "restore", f"FILE={latest}", f"DATABASE_URL={target}", f"CONFIRM={TARGET}")
        restore_seconds = time.monotonic() - t1
        say(
            f"   make restore into {TARGET}: {restore_seconds:.1f} s (refused first without FILE and without CONFIRM)"
        )
        t2 = time.monotonic()
        count, rows = compare(source, target)
        target_env = {**env, "DATABASE_URL": target}
        approved = integrity(target_env, source, target)
        check_seconds = time.monotonic() - t2
        say(
            f"   compared: {count} tables, {rows} rows, every table's count and every sequence equal; "
            f"{approved} approved figures' checksums equal and check_figures passes ({check_seconds:.1f} s)"
        )
        self_test(target_env, target)
        say(
            "   on the restored copy, check_figures reports a figure changed in the database, and audit rows refuse "
            "UPDATE and DELETE"
        )
    if not keep and backups == DRILL_BACKUPS:
        latest.unlink()
    say(f"   backup + restore + checks: {backup_seconds + restore_seconds + check_seconds:.1f} s")


if __name__ == "__main__":
    run_main(main)
