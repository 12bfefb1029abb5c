"""Backup drill: `make backup`, then the latest backup set restored with `make restore` into a scratch database and
a scratch storage, and compared with its source: the same tables, the same rows in each, the same sequences, every
approved figure's checksum still right (`manage.py check_figures` on the restored database), the audit log still
append-only; and the same stored files, each by name and sha256, every file the restored database names among them.

    .venv/bin/python -m tests.ops.backup_drill                      (make drill; .ci/run runs it)
    .venv/bin/python -m tests.ops.backup_drill --s3                 (the files in buckets of a local S3 server, moto)
    .venv/bin/python -m tests.ops.backup_drill --source-url URL     (drill a database of your own, read only)

By default the source is a scratch database (ipcity_ops_drill_src) with a scratch storage (var/ops/drill-media-src),
filled as `make run` fills the demo: the plan, the demo accounts and two years of reporting (figures with their
supporting files, task reports, approvals, history, audit log, alerts, instructions). With --s3 the storages are two
buckets of a moto S3 server the drill starts on a loopback port (9100-9199) and stops. With --source-url the source
is that database and the storage its environment names (S3_* or MEDIA_ROOT; both are only read; its backup goes to
var/backups like any other, and the counts compare exactly only if nothing writes meanwhile). The restore target is
always the scratch database ipcity_ops_drill and a scratch storage. The drill also checks that `make restore` refuses
without a file, without confirmation and with a set altered after the backup, and that check_figures, on the
restored copy, does report a figure changed in the database behind the application's back (so its "all consistent"
means something). It prints the time each step took and fails (exit 1) with what differs.
"""

import argparse
import contextlib
import hashlib
import json
import logging
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .harness import (
    BIN,
    LOGS,
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
S3_VARIABLES = ("S3_BUCKET", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY", "S3_ENDPOINT_URL", "S3_REGION")
S3_PORTS = range(9100, 9200)


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


# ------------------------------------------------------------------------------
# The storages: read directly (a folder walked, a bucket listed), not through the code that backs them up
# ------------------------------------------------------------------------------
@dataclass
class Folder:
    """A scratch local storage: MEDIA_ROOT of the portal's commands."""

    path: Path

    @property
    def env(self) -> dict[str, str]:
        return {"MEDIA_ROOT": str(self.path)}

    def clear(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)

    def hashes(self) -> dict[str, str]:
        if not self.path.exists():
            return {}
        return {
            p.relative_to(self.path).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in self.path.rglob("*")
            if p.is_file()
        }

    def __str__(self) -> str:
        return str(self.path.relative_to(ROOT) if self.path.is_relative_to(ROOT) else self.path)


@dataclass
class Bucket:
    """A scratch bucket of the drill's S3 server: S3_* of the portal's commands."""

    endpoint: str
    name: str
    client: object = field(repr=False)

    @property
    def env(self) -> dict[str, str]:
        return {
            "S3_ENDPOINT_URL": self.endpoint,
            "S3_BUCKET": self.name,
            "S3_ACCESS_KEY_ID": "drill",
            "S3_SECRET_ACCESS_KEY": "drill-secret",  # moto checks no signature; a real store would
        }

    def clear(self) -> None:
        """An empty bucket of this name."""
        with contextlib.suppress(self.client.exceptions.BucketAlreadyOwnedByYou):
            self.client.create_bucket(Bucket=self.name)
        for key in self.hashes():
            self.client.delete_object(Bucket=self.name, Key=key)

    def hashes(self) -> dict[str, str]:
        found = {}
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.name):
            for entry in page.get("Contents", ()):
                body = self.client.get_object(Bucket=self.name, Key=entry["Key"])["Body"].read()
                found[entry["Key"]] = hashlib.sha256(body).hexdigest()
        return found

    def __str__(self) -> str:
        return f"s3://{self.name}"


def without_s3(env: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in env.items() if k not in S3_VARIABLES}


@contextlib.contextmanager
def s3_server() -> Iterator[tuple[str, object]]:
    """moto's S3 server on the first free loopback port of 9100-9199, stopped at the end; its URL and a client."""
    import boto3
    from moto.server import ThreadedMotoServer

    for port in S3_PORTS:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                break
    else:
        fail("no free loopback port in 9100-9199 for the S3 server")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # not a line per request
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        url = f"http://127.0.0.1:{port}"
        client = boto3.client(
            "s3",
            endpoint_url=url,
            region_name="us-east-1",
            aws_access_key_id="drill",
            aws_secret_access_key="drill-secret",
        )
        yield url, client
    finally:
        server.stop()


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


def build_source(env: dict[str, str]) -> None:
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


SAY_STORAGE = (
    "from django.core.files.storage import default_storage\n"
    "from ipcity.files_backup import storage_label\n"
    "print(storage_label(default_storage))"
)


def storage_check(env: dict[str, str], storage) -> None:
    """The portal's commands, with `env`, keep their files in `storage`: else the drill would compare others."""
    said = manage(env, "shell", "--no-imports", "-c", SAY_STORAGE).stdout.strip()
    expected = f"s3://{storage.name}" if isinstance(storage, Bucket) else f"folder {storage.path}"
    if not said.startswith(expected):
        fail(
            f"with the drill's environment the portal keeps its files in {said}, not in {storage}: do the settings "
            f"({env.get('DJANGO_SETTINGS_MODULE')}) take S3_* and MEDIA_ROOT from the environment?"
        )


def files_compare(source, target, manifest: dict, *, source_read: bool) -> tuple[int, float]:
    """The restored storage holds every file of the backup set, each with its sha256; so did the source when it was
    built by the drill; and every file the restored database names is there."""
    listed = {entry["name"]: entry["sha256"] for entry in manifest["files"]}
    if source_read:
        held = source.hashes()
        if held != listed:
            fail(
                f"the backup's files differ from the source storage's: missing {sorted(set(held) - set(listed))[:5]}, "
                f"differing {sorted(n for n in set(held) & set(listed) if held[n] != listed[n])[:5]}"
            )
    restored = target.hashes()
    if restored != listed:
        fail(
            f"the restored files differ from the backup's: missing {sorted(set(listed) - set(restored))[:5]}, "
            f"extra {sorted(set(restored) - set(listed))[:5]}, "
            f"differing {sorted(n for n in set(listed) & set(restored) if listed[n] != restored[n])[:5]}"
        )
    if not listed:
        fail("the source storage holds no file: the drill would compare nothing")
    return len(listed), sum(entry["bytes"] for entry in manifest["files"]) / 1e6


def files_named(url: str) -> set[str]:
    """Every stored file the database refers to: supporting files and generated documents."""
    rows = sql(
        url, "SELECT file FROM reports_evidence UNION SELECT file FROM reports_document WHERE file <> ''"
    )
    return {name for (name,) in rows}


def tampered_refused(env: dict[str, str], backup: Path, target: str, storage) -> None:
    """A copy of the set with one byte of its files changed: make restore refuses it before touching anything."""
    copy = backup.with_name(backup.name + "-altered")
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(backup, copy)
    try:
        archive = copy / "files.tar"
        data = bytearray(archive.read_bytes())
        data[len(data) // 2] ^= 0xFF
        archive.write_bytes(bytes(data))
        done = make(
            env, "restore", f"FILE={copy}", f"DATABASE_URL={target}", f"CONFIRM={TARGET}", check=False
        )
        if done.returncode == 0 or "not a whole backup set" not in done.stderr:
            fail(f"make restore accepted a backup set altered after the backup: {done.stdout}{done.stderr}")
    finally:
        shutil.rmtree(copy, ignore_errors=True)
    if tables(target) or storage.hashes():
        fail("make restore refused an altered set, yet the target database or storage is no longer empty")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source-url", help="drill this database instead of building one (only read)")
    parser.add_argument("--s3", action="store_true", help="files in buckets of a local S3 server (moto)")
    parser.add_argument(
        "--keep", action="store_true", help="keep the scratch databases, storages and the drill's backup"
    )
    args = parser.parse_args()
    require_services()
    started = time.monotonic()
    with contextlib.ExitStack() as stack:
        if args.s3:
            endpoint, client = stack.enter_context(s3_server())
            source_files = Bucket(endpoint, "ipcity-drill-src", client)
            target_files = Bucket(endpoint, "ipcity-drill", client)
        else:
            source_files, target_files = Folder(LOGS / "drill-media-src"), Folder(LOGS / "drill-media")
        if args.source_url:
            say(
                f"== backup drill: source {args.source_url.rsplit('/', 1)[-1]} (given) and the storage its "
                f"settings name, restored into {TARGET} and {target_files}"
            )
            env = dict(os.environ)
            drill(
                args.source_url, None, target_files, backups=ROOT / "var" / "backups", env=env, keep=args.keep
            )
        else:
            source = stack.enter_context(scratch_database(SOURCE, keep=args.keep))
            source_files.clear()
            if not args.keep:
                stack.callback(source_files.clear)
            say(
                f"== backup drill: source {SOURCE} and {source_files} (plan, demo accounts, demo reporting with its "
                f"supporting files), restored into {TARGET} and {target_files}"
            )
            env = {**without_s3(ops_env(source)), **source_files.env}
            storage_check(env, source_files)
            built = time.monotonic()
            build_source(env)
            say(f"   source built in {time.monotonic() - built:.0f} s")
            drill(source, source_files, target_files, backups=DRILL_BACKUPS, env=env, keep=args.keep)
    say(f"== backup drill: OK ({time.monotonic() - started:.0f} s in all)")


def drill(source: str, source_files, target_files, *, backups: Path, env: dict[str, str], keep: bool) -> None:
    """Back up `source` and its storage (`source_files`, None: whatever `env` names), restore both into the scratch
    database and `target_files`, compare."""
    target = db_url(TARGET)
    env = {**env, "BACKUP_DIR": str(backups)}
    env.pop("MAKEFLAGS", None)
    target_env = {**without_s3(env), **target_files.env, "DATABASE_URL": target}
    if source_files is None:
        # The settings are the operator's: make sure the restore writes into the scratch storage, not theirs.
        storage_check(target_env, target_files)
    t0 = time.monotonic()
    done = make(env, "backup", f"DATABASE_URL={source}")
    backup_seconds = time.monotonic() - t0
    sets = [p for p in backups.glob("ipcity-*") if p.is_dir() and not p.name.endswith(".partial")]
    latest = max(sets, key=lambda p: p.stat().st_mtime, default=None)
    if latest is None or latest.stat().st_mtime < time.time() - backup_seconds - 5:
        fail(f"make backup wrote no new backup set in {backups}: {done.stdout}{done.stderr}")
    manifest = json.loads((latest / "manifest.json").read_text(encoding="utf-8"))
    shown = latest.relative_to(ROOT) if latest.is_relative_to(ROOT) else latest
    size = sum(p.stat().st_size for p in latest.iterdir()) / 1e6
    say(
        f"   make backup: {shown}/ (database.dump, files.tar with {len(manifest['files'])} files, manifest.json; "
        f"{size:.1f} MB) in {backup_seconds:.1f} s"
    )
    target_files.clear()
    try:
        with scratch_database(TARGET, keep=keep):
            refusals(target_env, latest, target)
            tampered_refused(target_env, latest, target, target_files)
            t1 = time.monotonic()
            make(target_env, "restore", f"FILE={latest}", f"DATABASE_URL={target}", f"CONFIRM={TARGET}")
            restore_seconds = time.monotonic() - t1
            say(
                f"   make restore into {TARGET} and {target_files}: {restore_seconds:.1f} s (refused first without "
                "FILE, without CONFIRM and with a set altered after the backup)"
            )
            t2 = time.monotonic()
            count, rows = compare(source, target)
            approved = integrity(target_env, source, target)
            files, megabytes = files_compare(
                source_files, target_files, manifest, source_read=source_files is not None
            )
            unfound = files_named(target) - set(target_files.hashes())
            if unfound:
                fail(
                    f"{len(unfound)} files the restored database names are not restored: {sorted(unfound)[:5]}"
                )
            check_seconds = time.monotonic() - t2
            say(
                f"   compared: {count} tables, {rows} rows, every table's count and every sequence equal; "
                f"{approved} approved figures' checksums equal and check_figures passes; {files} stored files "
                f"({megabytes:.1f} MB) equal by name and sha256, every one the database names among them "
                f"({check_seconds:.1f} s)"
            )
            self_test(target_env, target)
            say(
                "   on the restored copy, check_figures reports a figure changed in the database, and audit rows "
                "refuse UPDATE and DELETE"
            )
    finally:
        if not keep:
            target_files.clear()
    if not keep and backups == DRILL_BACKUPS:
        shutil.rmtree(latest)
    say(f"   backup + restore + checks: {backup_seconds + restore_seconds + check_seconds:.1f} s")


if __name__ == "__main__":
    run_main(main)
