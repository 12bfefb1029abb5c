"""The stored files in a backup set (ipcity/files_backup.py, run by make backup and make restore): every file of a
local folder or a bucket (moto's in-process S3) goes into the set with its sha256 and comes back under the same
name with the same content; a set altered after the backup is refused before anything is written. Test data only."""

import hashlib
import json
import tarfile

import boto3
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from moto import mock_aws
from storages.backends.s3 import S3Storage

from ipcity.files_backup import ARCHIVE, MANIFEST, BackupSetError, files_dump, files_load, stored_names
from ipcity.storage import default_storage_from

FILES = {  # test data, named as the portal names its files
    "evidence/2025/07/3f2a9c1b": b"%PDF-1.4 test evidence",
    "evidence/2025/08/77aa01ce": b"\x89PNG\r\n\x1a\n test image",
    "documents/2025/2025年第二季度通报.docx": b"PK\x03\x04 test bulletin",
    "imports/7-jingyang-2023Q4-abc123.xlsx": b"PK\x03\x04 test workbook",
}


def contents(storage) -> dict[str, str]:
    """Every stored file's name and sha256, read back through the storage."""
    out = {}
    for name in stored_names(storage):
        with storage.open(name, "rb") as file:
            out[name] = hashlib.sha256(file.read()).hexdigest()
    return out


def filled(storage):
    for name, data in FILES.items():
        storage.save(name, ContentFile(data))
    return storage


@pytest.fixture
def buckets():
    """Two private buckets of moto's S3, each the portal's storage as S3_* would make it."""
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        made = []
        for bucket in ("ipcity-test-source", "ipcity-test-restored"):
            client.create_bucket(Bucket=bucket)
            options = default_storage_from(
                {"S3_BUCKET": bucket, "S3_ACCESS_KEY_ID": "test", "S3_SECRET_ACCESS_KEY": "test"}
            )["OPTIONS"]
            made.append(S3Storage(**options))
        yield made


def test_a_bucket_is_backed_up_and_restored_file_for_file(buckets, tmp_path):
    source, target = filled(buckets[0]), buckets[1]
    manifest = files_dump(storage=source, folder=tmp_path)
    expected = {name: hashlib.sha256(data).hexdigest() for name, data in FILES.items()}
    assert {entry["name"]: entry["sha256"] for entry in manifest["files"]} == expected
    assert manifest["storage"].startswith("s3://ipcity-test-source")
    assert files_load(storage=target, folder=tmp_path) == (len(FILES), 0)
    assert contents(target) == contents(source) == expected


def test_a_local_folder_is_backed_up_and_restored_file_for_file(tmp_path):
    source = filled(FileSystemStorage(location=tmp_path / "media"))
    target = FileSystemStorage(location=tmp_path / "restored")
    (tmp_path / "set").mkdir()
    files_dump(storage=source, folder=tmp_path / "set")
    assert files_load(storage=target, folder=tmp_path / "set") == (len(FILES), 0)
    assert contents(target) == contents(source) and len(contents(source)) == len(FILES)


def test_an_empty_storage_makes_an_empty_set(tmp_path):
    manifest = files_dump(storage=FileSystemStorage(location=tmp_path / "never-written"), folder=tmp_path)
    assert manifest["files"] == [] and manifest["database"] is None


def test_restoring_replaces_a_file_of_the_same_name_and_leaves_others(buckets, tmp_path):
    source, target = filled(buckets[0]), buckets[1]
    files_dump(storage=source, folder=tmp_path)
    name = "evidence/2025/07/3f2a9c1b"
    target.save(name, ContentFile(b"changed after the backup (test data)"))
    target.save("evidence/2026/01/newer", ContentFile(b"uploaded after the backup (test data)"))
    assert files_load(storage=target, folder=tmp_path) == (len(FILES), 1)
    with target.open(name, "rb") as file:
        assert file.read() == FILES[name]
    assert set(stored_names(target)) == {*FILES, "evidence/2026/01/newer"}  # no 3f2a9c1b_x7Yz beside it


def test_a_set_altered_after_the_backup_is_refused_before_anything_is_written(tmp_path):
    source = filled(FileSystemStorage(location=tmp_path / "media"))
    target = FileSystemStorage(location=tmp_path / "restored")
    (tmp_path / "set").mkdir()
    files_dump(storage=source, folder=tmp_path / "set")
    archive = tmp_path / "set" / ARCHIVE
    data = bytearray(archive.read_bytes())
    data[600] ^= 0xFF  # one byte of the archive
    archive.write_bytes(bytes(data))
    with pytest.raises(BackupSetError, match="files.tar is not the file the backup wrote"):
        files_load(storage=target, folder=tmp_path / "set")
    assert stored_names(target) == []


def test_a_file_that_differs_from_its_manifest_entry_is_refused(tmp_path):
    source = filled(FileSystemStorage(location=tmp_path / "media"))
    folder = tmp_path / "set"
    folder.mkdir()
    manifest = files_dump(storage=source, folder=folder)
    # Someone rewrote the archive and its sha256, but not the file's own: the file is refused.
    with tarfile.open(folder / ARCHIVE) as archive:
        first = archive.getmembers()[0].name
    manifest["files"] = [
        {**entry, "sha256": "0" * 64} if entry["name"] == first else entry for entry in manifest["files"]
    ]
    (folder / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(BackupSetError, match=f"{first} in files.tar differs from its sha256"):
        files_load(storage=FileSystemStorage(location=tmp_path / "restored"), folder=folder)
