"""Where the portal keeps its files (evidence, generated documents, pending imports): the default storage of
settings.STORAGES. Local disk (MEDIA_ROOT) unless S3_BUCKET is set; then an S3-compatible object store (MinIO, a
government cloud's OSS) shared by every web node and worker, through django-storages' S3 backend.

Read by ipcity/settings/base.py at start-up: nothing here imports Django's storage or models."""

from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

LOCAL = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
S3_BACKEND = "storages.backends.s3.S3Storage"
S3_REQUIRED = ("S3_BUCKET", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY")
S3_OPTIONAL = ("S3_ENDPOINT_URL", "S3_REGION", "S3_ADDRESSING_STYLE")
# A signed URL the portal hands out (S3_SIGNED_DOWNLOADS) is good for this long: enough for the browser to follow
# the redirect at once, too short to pass around.
SIGNED_URL_SECONDS = 60


def s3_storage(
    *,
    bucket: str,
    access_key: str,
    secret_key: str,
    endpoint_url: str | None = None,
    region: str | None = None,
    addressing_style: str = "path",
) -> dict:
    """The STORAGES entry of a private bucket: objects get no ACL of their own (so the bucket's, private), every URL
    the storage makes is signed and short-lived, and a name already taken gets a suffix instead of being overwritten
    (two 2025年第二季度通报.docx both stay, as on disk)."""
    return {
        "BACKEND": S3_BACKEND,
        "OPTIONS": {
            "bucket_name": bucket,
            "access_key": access_key,
            "secret_key": secret_key,
            "endpoint_url": endpoint_url or None,
            "region_name": region or None,
            # MinIO and most S3-compatible stores answer on path-style URLs (endpoint/bucket/key); some clouds' OSS
            # only on virtual-hosted ones (bucket.endpoint/key): S3_ADDRESSING_STYLE=virtual.
            "addressing_style": addressing_style,
            "signature_version": "s3v4",
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": SIGNED_URL_SECONDS,
            "file_overwrite": False,
        },
    }


def default_storage_from(environ: Mapping[str, str]) -> dict:
    """The default storage the environment asks for: S3 when S3_BUCKET is set, else local disk. Raises
    ImproperlyConfigured, naming what to set, for an S3 setting that is incomplete or does not make sense."""
    given = {name: environ.get(name, "").strip() for name in (*S3_REQUIRED, *S3_OPTIONAL)}
    if not any(given.values()):
        return LOCAL
    missing = [name for name in S3_REQUIRED if not given[name]]
    if missing:
        raise ImproperlyConfigured(
            f"对象存储配置不完整：缺少 {', '.join(missing)}（S3_* 变量要么都不设，使用本机目录 MEDIA_ROOT；"
            f"要么同时设置 {', '.join(S3_REQUIRED)}，另可设 {', '.join(S3_OPTIONAL)}）"
        )
    style = given["S3_ADDRESSING_STYLE"] or "path"
    if style not in ("path", "virtual"):
        raise ImproperlyConfigured(f"S3_ADDRESSING_STYLE 只能是 path 或 virtual，现在是 {style!r}")
    endpoint = given["S3_ENDPOINT_URL"]
    if endpoint and not endpoint.startswith(("http://", "https://")):
        raise ImproperlyConfigured(f"S3_ENDPOINT_URL 应以 http:// 或 https:// 开头，现在是 {endpoint!r}")
    return s3_storage(
        bucket=given["S3_BUCKET"],
        access_key=given["S3_ACCESS_KEY_ID"],
        secret_key=given["S3_SECRET_ACCESS_KEY"],
        endpoint_url=endpoint,
        region=given["S3_REGION"],
        addressing_style=style,
    )
