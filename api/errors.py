"""The refusals of the reporting services, as API answers (EXCEPTION_HANDLER): a ValidationError is 400 with its
messages by field (the service's own Chinese words; "__all__" becomes "non_field_errors"), a StaleEditError (someone
saved the item since the version the request is based on) 409, a PermissionDenied 403 and a Http404 404, each
{"detail": …}. Whatever was refused stored nothing: the services write in one transaction."""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler, set_rollback

from reports.workflow.drafts import StaleEditError


def messages_by_field(error: DjangoValidationError) -> dict[str, list[str]]:
    """A Django ValidationError as DRF writes field errors: field → messages, the item's own under non_field_errors."""
    if not hasattr(error, "error_dict"):
        return {api_settings.NON_FIELD_ERRORS_KEY: list(error.messages)}
    return {
        (api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field): list(messages)
        for field, messages in error.message_dict.items()
    }


def api_exception_handler(exc, context):
    if isinstance(exc, StaleEditError):
        set_rollback()
        return Response({"detail": "；".join(exc.messages)}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        set_rollback()
        return Response(messages_by_field(exc), status=status.HTTP_400_BAD_REQUEST)
    return exception_handler(exc, context)
