"""The request id: one id per request, on every log line written while it is served and on every line of the jobs it
queues, so an operator follows one user's click from nginx through the web node into the worker.

The id comes from the request's X-Request-ID header when it is a plain token (nginx sets it to its own $request_id,
deploy/nginx/ipcity.conf), else it is made here; the response carries it back. A job queued while serving the request
takes it along in its message headers (`request_id_publish`, Celery's before_task_publish) and the worker puts it back
in place before the job runs (`request_id_prerun`, task_prerun). Logs show it through `RequestIdFilter`
(settings.LOGGING; LOG_FORMAT=json writes each line as JSON with a `request_id` field)."""

import contextvars
import logging
import re
import uuid

from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
# What an incoming id may be: letters, digits and . _ : - (nginx's 32 hex digits, a UUID, a load balancer's token),
# at most 100 characters. Anything else (a newline meant to forge a log line, a megabyte of text) is replaced.
VALID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,99}")
MESSAGE_HEADER = "request_id"  # the job message's header that carries it

_current: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)


def request_id_current() -> str | None:
    """The id of the request being served, or of the request that queued the running job; None outside both."""
    return _current.get()


def request_id_make() -> str:
    return uuid.uuid4().hex


def request_id_accept(value: str | None) -> str:
    """The incoming id if it is a plain token (VALID), else a new one."""
    if value and VALID.fullmatch(value):
        return value
    return request_id_make()


class RequestIdMiddleware:
    """Binds the request's id (the valid X-Request-ID it came with, or a new one) while it is served, and sends it
    back on the response."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_accept(request.headers.get(HEADER))
        request.request_id = request_id
        token = _current.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Puts the current request id on each log record as `request_id` (None outside a request or job)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _current.get()
        return True


def request_id_publish(headers: dict | None = None, **kwargs) -> None:
    """Celery's before_task_publish: a job queued while serving a request (or running a job) carries its id."""
    request_id = _current.get()
    if request_id and headers is not None:
        headers[MESSAGE_HEADER] = request_id


def request_id_prerun(task=None, **kwargs) -> None:
    """Celery's task_prerun, in the worker: the job's log lines carry the id of the request that queued it (none for a
    job beat queued). A job run eagerly runs inside the request itself and keeps that request's id."""
    request = getattr(task, "request", None)
    if request is None or getattr(request, "is_eager", False):
        return
    value = getattr(request, MESSAGE_HEADER, None)
    _current.set(value if isinstance(value, str) and VALID.fullmatch(value) else None)
