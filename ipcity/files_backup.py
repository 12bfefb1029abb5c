"""The portal's stored files in a backup set, beside the database (`make backup`, `make restore`; README › Security).

A backup set is one folder, ipcity-<database>-<UTC time>/, holding
    database.dump   the database (pg_dump, custom format), written by make backup before the files
    files.tar       every file of the portal's storage (local MEDIA_ROOT or the S3 bucket) under its stored name
    manifest.json   when, from which storage, and the size and sha256 of the two files above and of every stored file

Everything goes through Django's storage API, so the same code copies a local folder and a bucket. Run as

    python -m ipcity.files_backup dump FOLDER     (after pg_dump has written FOLDER/database.dump)
    python -m ipcity.files_backup verify FOLDER   (the set is whole: every sha256 as the manifest says)
    python -m ipcity.files_backup load FOLDER     (every file of the set into the storage, under its own name)

with the settings of the portal whose storage it is (DJANGO_SETTINGS_MODULE, S3_*, MEDIA_ROOT).
"""

import datetime
import hashlib
import io
import json
import os
import sys
import tarfile
from pathlib import Path

from botocore.exceptions import BotoCoreError, ClientError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage

DATABASE, ARCHIVE, MANIFEST = "database.dump", "files.tar", "manifest.json"
FORMAT = 1


class BackupSetError(Exception):
    """A backup set that is incomplete, altered, or cannot be written back: the message says what."""


def storage_label(storage: Storage) -> str:
    """Which storage this is, for what make backup and make restore print and the manifest records."""
    bucket = getattr(storage, "bucket_name", None)
    if bucket:
        return f"s3://{bucket} at {storage.endpoint_url or 'Amazon S3'}"
    if isinstance(storage, FileSystemStorage):
        return f"folder {storage.location}"
    return type(storage).__name__


def stored_names(storage: Storage) -> list[str]:
    """Every file the storage holds, by its stored name (evidence/2025/07/…, documents/2025/…, imports/…)."""
    names: list[str] = []
    folders = [""]
    while folders:
        folder = folders.pop()
        try:
            subfolders, files = storage.listdir(folder)
        except FileNotFoundError:  # a local storage nothing was ever written to has no folder yet
            continue
        prefix = f"{folder}/" if folder else ""
        folders.extend(prefix + name for name in subfolders)
        names.extend(prefix + name for name in files)
    return sorted(names)


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _described(path: Path) -> dict:
    return {"file": path.name, "bytes": path.stat().st_size, "sha256": _sha256_file(path)}


def files_dump(*, storage: Storage, folder: Path) -> dict:
    """Write files.tar and manifest.json into `folder` (which holds database.dump unless only files are backed up):
    every stored file with its size and sha256. A file deleted while the backup runs is left out (its record went
    with it, or goes with the next backup). Returns the manifest."""
    entries = []
    with tarfile.open(folder / ARCHIVE, "w", format=tarfile.PAX_FORMAT) as archive:
        for name in stored_names(storage):
            try:
                with storage.open(name, "rb") as file:
                    data = file.read()
            except Exception:
                if storage.exists(name):
                    raise
                continue
            member = tarfile.TarInfo(name)
            member.size, member.mtime, member.mode = (
                len(data),
                int(datetime.datetime.now().timestamp()),
                0o600,
            )
            archive.addfile(member, io.BytesIO(data))
            entries.append({"name": name, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()})
    manifest = {
        "format": FORMAT,
        "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "storage": storage_label(storage),
        "database": _described(folder / DATABASE) if (folder / DATABASE).exists() else None,
        "archive": _described(folder / ARCHIVE),
        "files": entries,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


def set_verify(*, folder: Path) -> dict:
    """The manifest of a whole, unaltered backup set. Raises BackupSetError saying what is missing or altered."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupSetError(f"{folder} is not a backup set: it has no {MANIFEST}") from None
    except ValueError as error:
        raise BackupSetError(f"{folder / MANIFEST} is damaged: {error}") from None
    if manifest.get("format") != FORMAT:
        raise BackupSetError(f"{folder / MANIFEST}: unknown format {manifest.get('format')!r}")
    for described in (manifest["database"], manifest["archive"]):
        if described is None:
            continue
        path = folder / described["file"]
        if not path.exists():
            raise BackupSetError(f"{path} is missing from the backup set")
        if path.stat().st_size != described["bytes"] or _sha256_file(path) != described["sha256"]:
            raise BackupSetError(f"{path} is not the file the backup wrote: its size or sha256 differs")
    return manifest


def files_load(*, storage: Storage, folder: Path) -> tuple[int, int]:
    """Write every file of a verified set into the storage under its own name, replacing a file of that name.
    Files the storage holds that are not in the set are left where they are. Returns (files written, files left).
    Raises BackupSetError when the set is not whole or a file cannot be written back under its name."""
    manifest = set_verify(folder=folder)
    expected = {entry["name"]: entry for entry in manifest["files"]}
    written = set()
    with tarfile.open(folder / ARCHIVE, "r") as archive:
        for member in archive:
            entry = expected.get(member.name)
            if entry is None or not member.isfile():
                raise BackupSetError(f"{ARCHIVE} holds {member.name!r}, which its manifest does not list")
            data = archive.extractfile(member).read()
            if hashlib.sha256(data).hexdigest() != entry["sha256"]:
                raise BackupSetError(f"{member.name} in {ARCHIVE} differs from its sha256 in the manifest")
            if storage.exists(member.name):
                storage.delete(member.name)
            saved = storage.save(member.name, ContentFile(data))
            if saved != member.name:
                raise BackupSetError(f"{member.name} was stored as {saved}: the database would not find it")
            written.add(member.name)
    if set(expected) - written:
        raise BackupSetError(f"{ARCHIVE} lacks {len(set(expected) - written)} files its manifest lists")
    left = len(set(stored_names(storage)) - written)
    return len(written), left


def _megabytes(entries: list[dict]) -> str:
    return f"{sum(entry['bytes'] for entry in entries) / 1e6:.1f} MB"


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("dump", "verify", "load"):
        sys.stderr.write("usage: python -m ipcity.files_backup dump|verify|load FOLDER\n")
        return 2
    action, folder = argv[0], Path(argv[1])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipcity.settings.local")
    import django

    django.setup()
    from django.core.files.storage import default_storage

    try:
        if action == "dump":
            manifest = files_dump(storage=default_storage, folder=folder)
            files = manifest["files"]
            sys.stdout.write(f"{len(files)} files ({_megabytes(files)}) from {manifest['storage']}\n")
        elif action == "verify":
            manifest = set_verify(folder=folder)
            files = manifest["files"]
            sys.stdout.write(
                f"{len(files)} files ({_megabytes(files)}), backed up {manifest['created']} from "
                f"{manifest['storage']}, to be written into {storage_label(default_storage)}\n"
            )
        else:
            written, left = files_load(storage=default_storage, folder=folder)
            sys.stdout.write(f"{written} files written into {storage_label(default_storage)}")
            sys.stdout.write(
                f"; {left} files it held that are not in the backup left in place\n" if left else "\n"
            )
    except (BackupSetError, OSError, BotoCoreError, ClientError) as error:
        sys.stderr.write(f"files_backup {action}: {error}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
