"""Shared file storage (issue 20, item 1): with S3_* set, evidence, generated documents and pending imports live in
a private bucket of an S3-compatible store (here moto's in-process S3: test data only), and every download still
goes through the portal's permission check, streamed or as a signed URL that expires within a minute."""

import datetime
import io
from urllib.parse import parse_qs, urlsplit

import boto3
import openpyxl
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from moto import mock_aws
from storages.backends.s3 import S3Storage

from ipcity.storage import LOCAL, default_storage_from
from reports.documents.services import document_request, document_write
from reports.models import Document, Evidence
from reports.workflow.evidence import evidence_delete
from reports.workflow.excel.pending import (
    pending_import_drop,
    pending_import_keep,
    pending_import_read,
    pending_imports_clean,
)
from tests.conftest import PASSWORD

from .factories import indicator

BUCKET = "ipcity-test-files"  # test data: a bucket of moto's in-process S3, gone with the test
S3_ENV = {"S3_BUCKET": BUCKET, "S3_ACCESS_KEY_ID": "test-key-id", "S3_SECRET_ACCESS_KEY": "test-secret"}
PDF = "%PDF-1.4\n测试用佐证材料（测试数据）\n%%EOF\n".encode()
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"


@pytest.fixture
def bucket(settings):
    """The portal's default storage is S3Storage on a private bucket, as S3_* in the environment make it."""
    with mock_aws():
        client = boto3.client(
            "s3",
            region_name="us-east-1",
            aws_access_key_id="test-key-id",
            aws_secret_access_key="test-secret",
        )
        client.create_bucket(Bucket=BUCKET)
        settings.STORAGES = {**settings.STORAGES, "default": default_storage_from(S3_ENV)}
        yield client


def stored(client, name: str) -> bytes:
    return client.get_object(Bucket=BUCKET, Key=name)["Body"].read()


def keys(client) -> list[str]:
    return sorted(entry["Key"] for entry in client.list_objects_v2(Bucket=BUCKET).get("Contents", ()))


# The storage the environment chooses.


def test_without_s3_settings_files_stay_on_local_disk():
    assert default_storage_from({}) == LOCAL


def test_incomplete_s3_settings_say_what_to_set():
    with pytest.raises(ImproperlyConfigured, match="缺少 S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY"):
        default_storage_from({"S3_BUCKET": BUCKET})
    with pytest.raises(ImproperlyConfigured, match="缺少 S3_BUCKET"):
        default_storage_from({**S3_ENV, "S3_BUCKET": ""})
    with pytest.raises(ImproperlyConfigured, match="S3_ENDPOINT_URL"):
        default_storage_from({**S3_ENV, "S3_ENDPOINT_URL": "minio:9000"})


def test_the_bucket_stays_private_and_names_are_never_overwritten():
    chosen = default_storage_from(
        {**S3_ENV, "S3_ENDPOINT_URL": "http://127.0.0.1:9000", "S3_REGION": "cn-southwest-2"}
    )
    options = chosen["OPTIONS"]
    assert chosen["BACKEND"] == "storages.backends.s3.S3Storage"
    assert (options["endpoint_url"], options["region_name"], options["bucket_name"]) == (
        "http://127.0.0.1:9000",
        "cn-southwest-2",
        BUCKET,
    )
    assert options["default_acl"] is None and options["querystring_auth"] is True
    assert options["querystring_expire"] == 60 and options["file_overwrite"] is False


# Evidence.


@pytest.fixture
def uploaded(bucket, client, plan, jingyang, in_2024q1) -> Evidence:
    """旌阳区's reporter uploads a PDF to its 1.1 figure of 2023Q4 through the item page."""
    assert client.login(username=jingyang.username, password=PASSWORD)
    url = reverse("reports:item_detail", args=["jingyang", "2023Q4", "figure", indicator(plan, "1.1").pk])
    client.post(url, {"action": "upload", "file": SimpleUploadedFile("批复文件（测试）.pdf", PDF)})
    return Evidence.objects.get()


def test_evidence_is_stored_in_the_bucket_and_downloaded_by_its_unit_and_the_office(
    uploaded, bucket, client, office_user
):
    assert isinstance(default_storage._wrapped, S3Storage)
    assert keys(bucket) == [uploaded.file.name] and uploaded.file.name.startswith("evidence/")
    assert stored(bucket, uploaded.file.name) == PDF
    for user in (uploaded.uploaded_by, office_user):
        client.force_login(user)
        response = client.get(reverse("reports:evidence_download", args=[uploaded.token]))
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
        assert (
            response["Content-Type"] == "application/pdf" and "attachment" in response["Content-Disposition"]
        )


def test_another_unit_cannot_download_evidence_from_the_bucket(uploaded, client, guanghan_user, settings):
    client.force_login(guanghan_user)
    assert client.get(reverse("reports:evidence_download", args=[uploaded.token])).status_code == 404
    settings.S3_SIGNED_DOWNLOADS = True  # nor get a signed URL for it
    response = client.get(reverse("reports:evidence_download", args=[uploaded.token]))
    assert response.status_code == 404 and "Location" not in response


def test_signed_downloads_redirect_to_a_url_that_expires_within_a_minute(uploaded, bucket, client, settings):
    settings.S3_SIGNED_DOWNLOADS = True
    response = client.get(reverse("reports:evidence_download", args=[uploaded.token]))
    assert response.status_code == 302 and response["Cache-Control"] == "private, no-store"
    location = urlsplit(response["Location"])
    query = parse_qs(location.query)
    assert location.path == f"/{BUCKET}/{uploaded.file.name}"  # path-style, as MinIO answers
    assert query["X-Amz-Expires"] == ["60"] and query["X-Amz-Signature"]
    assert "attachment" in query["response-content-disposition"][0]
    assert query["response-content-type"] == ["application/pdf"]
    grants = bucket.get_object_acl(Bucket=BUCKET, Key=uploaded.file.name)["Grants"]
    assert all(grant["Grantee"].get("URI") != ALL_USERS for grant in grants)


def test_evidence_gone_from_the_bucket_is_a_404_not_a_server_error(uploaded, bucket, client):
    bucket.delete_object(Bucket=BUCKET, Key=uploaded.file.name)
    response = client.get(reverse("reports:evidence_download", args=[uploaded.token]))
    assert response.status_code == 404


def test_deleting_evidence_removes_it_from_the_bucket(
    uploaded, bucket, client, plan, django_capture_on_commit_callbacks
):
    url = reverse("reports:evidence_delete", args=[uploaded.token])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    assert not Evidence.objects.exists() and keys(bucket) == []


def test_a_deletion_rolled_back_keeps_the_file_of_the_evidence_it_keeps(uploaded, bucket, jingyang):
    """The file goes only once the deletion commits: a failure after it (here, raised on purpose) leaves the
    evidence's row and its file, never a row whose file is gone."""
    pk, name = uploaded.pk, uploaded.file.name
    with pytest.raises(RuntimeError), transaction.atomic():
        evidence_delete(user=jingyang, evidence=uploaded)
        raise RuntimeError("test: something after the deletion fails")
    assert Evidence.objects.filter(pk=pk).exists()
    assert keys(bucket) == [name]


# Generated documents.


def test_a_generated_evaluation_is_stored_in_the_bucket_and_downloaded_by_the_office(
    bucket, client, plan, office_user, jingyang, after_the_plan
):
    documents = []
    for _ in range(2):  # asked twice, the same file name: the second does not overwrite the first
        document = document_request(user=office_user, plan=plan, kind=Document.Kind.EVALUATION_XLSX)
        document_write(document_id=document.pk)  # what the job runs
        document.refresh_from_db()
        assert document.state == Document.State.DONE
        documents.append(document)
    assert documents[0].file.name != documents[1].file.name
    assert keys(bucket) == sorted(d.file.name for d in documents)
    client.force_login(office_user)
    for document in documents:
        response = client.get(reverse("reports:document_download", args=[document.pk]))
        assert response.status_code == 200
        content = b"".join(response.streaming_content)
        assert content == stored(bucket, document.file.name)
        assert openpyxl.load_workbook(io.BytesIO(content))
    client.force_login(jingyang)  # a reporter sees no evaluation (documents_visible_to)
    assert client.get(reverse("reports:document_download", args=[documents[0].pk])).status_code == 404


# Pending imports.


def test_a_pending_import_is_kept_read_and_dropped_in_the_bucket(bucket):
    workbook = b"PK\x03\x04 test workbook (test data)"
    token = pending_import_keep(user_id=7, unit_code="jingyang", period_code="2023Q4", content=workbook)
    assert keys(bucket) == [f"imports/7-jingyang-2023Q4-{token}.xlsx"]
    assert pending_import_read(user_id=7, unit_code="jingyang", period_code="2023Q4", token=token) == workbook
    assert pending_import_read(user_id=8, unit_code="jingyang", period_code="2023Q4", token=token) is None
    pending_import_drop(user_id=7, unit_code="jingyang", period_code="2023Q4", token=token)
    assert pending_import_read(user_id=7, unit_code="jingyang", period_code="2023Q4", token=token) is None
    assert keys(bucket) == []


def test_pending_imports_left_a_day_are_cleaned_from_the_bucket(bucket):
    token = pending_import_keep(user_id=7, unit_code="jingyang", period_code="2023Q4", content=b"PK test")
    assert pending_imports_clean() == 0
    assert pending_imports_clean(now=timezone.now() + datetime.timedelta(hours=25)) == 1
    assert pending_import_read(user_id=7, unit_code="jingyang", period_code="2023Q4", token=token) is None
