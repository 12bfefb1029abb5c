"""Handing a stored file (evidence, a generated document) to a user the calling view has already allowed to see it:
streamed from the portal's storage, whichever it is (local disk or the object store), or, on the object store with
S3_SIGNED_DOWNLOADS, a redirect to a signed URL that expires within a minute. Never a permanent or public link."""

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from storages.backends.s3 import S3Storage


def stored_file_response(file: FieldFile, *, filename: str, content_type: str = "") -> HttpResponse:
    """The download of `file` under `filename`. Raises Http404 when the storage no longer holds it."""
    if not file or not file.storage.exists(file.name):
        raise Http404(_("文件已不在存储中，请联系领导小组办公室"))
    if settings.S3_SIGNED_DOWNLOADS and isinstance(file.storage, S3Storage):
        parameters = {"ResponseContentDisposition": content_disposition_header(True, filename)}
        if content_type:
            parameters["ResponseContentType"] = content_type
        response = HttpResponseRedirect(file.storage.url(file.name, parameters=parameters))
    else:
        response = FileResponse(
            file.open("rb"), as_attachment=True, filename=filename, content_type=content_type or None
        )
    response["Cache-Control"] = (
        "private, no-store"  # neither a shared cache nor the browser keeps it for others
    )
    return response
