"""Each request has an id (issue 20 item 4): taken from a valid X-Request-ID or made, sent back on the response, on
every log line written while the request is served, and carried into the jobs it queues, whose log lines carry it
too. With LOG_FORMAT=json each line is a JSON object with that id."""

import json
import logging
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import RequestFactory

from ipcity.requestid import RequestIdFilter, RequestIdMiddleware, request_id_current
from tests.celery_embedded import embedded_worker, throwaway_app
from tests.markers import own_broker_only


class Lines(logging.Handler):
    """The records a logger wrote, with the request id the portal's filter gave each."""

    def __init__(self) -> None:
        super().__init__()
        self.addFilter(RequestIdFilter())
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def lines():
    handler = Lines()
    logger = logging.getLogger("tests.request_id")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield handler
    logger.removeHandler(handler)


def serve(view, **headers) -> HttpResponse:
    return RequestIdMiddleware(view)(RequestFactory().get("/", **headers))


def test_a_valid_incoming_request_id_is_kept_and_sent_back():
    response = serve(lambda request: HttpResponse(request_id_current()), HTTP_X_REQUEST_ID="nginx-0123abcd")
    assert response["X-Request-ID"] == "nginx-0123abcd"
    assert response.content == b"nginx-0123abcd"


@pytest.mark.parametrize(
    "given",
    ["", "two words", "forged\nline", "x" * 101, "-leading-dash", "引号\"'"],
    ids=["empty", "space", "newline", "too-long", "leading-dash", "quotes"],
)
def test_an_invalid_request_id_is_replaced_by_a_new_one(given):
    response = serve(lambda request: HttpResponse(request_id_current()), HTTP_X_REQUEST_ID=given)
    made = response["X-Request-ID"]
    assert made != given and len(made) == 32 and int(made, 16) >= 0
    assert response.content.decode() == made


def test_without_a_header_each_request_gets_an_id_of_its_own(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/login/")["X-Request-ID"]
    assert len(first) == len(second) == 32 and first != second


def test_log_lines_written_while_serving_carry_the_request_id_and_none_after(lines):
    def view(request):
        logging.getLogger("tests.request_id").info("测试数据：处理请求")
        return HttpResponse()

    serve(view, HTTP_X_REQUEST_ID="req-during")
    logging.getLogger("tests.request_id").info("测试数据：请求之后")
    assert [(r.getMessage(), r.request_id) for r in lines.records] == [
        ("测试数据：处理请求", "req-during"),
        ("测试数据：请求之后", None),
    ]


@own_broker_only
def test_a_job_queued_by_a_request_logs_with_that_requests_id_on_the_worker(lines):
    """Queued through a broker to a worker (in a thread here), as on a worker machine: the id travels in the job's
    message headers and is back in place when the job runs there."""
    app = throwaway_app("request-id-test")

    @app.task(name="tests.request_id.job", bind=True)
    def job(self, label: str) -> list:
        logging.getLogger("tests.request_id").info("测试数据：任务%s", label)
        return [request_id_current(), self.request.is_eager]

    queued = []

    def view(request):
        queued.append(job.delay("甲"))
        return HttpResponse()

    with embedded_worker(app):
        serve(view, HTTP_X_REQUEST_ID="req-queued-the-job")
        assert queued[0].get(timeout=20) == [
            "req-queued-the-job",
            False,
        ]  # run by the worker, not in the request
        # A job nobody's request queued (beat's) runs without one, even on the thread that ran the last.
        assert job.delay("乙").get(timeout=20) == [None, False]
    assert [(r.getMessage(), r.request_id) for r in lines.records] == [
        ("测试数据：任务甲", "req-queued-the-job"),
        ("测试数据：任务乙", None),
    ]


def test_with_log_format_json_each_line_is_a_json_object_with_the_request_id():
    """The settings as a process started with LOG_FORMAT=json has them (settings.LOGGING is read at start)."""
    script = (
        "import django, logging\n"
        "django.setup()\n"
        "from django.http import HttpResponse\n"
        "from django.test import RequestFactory\n"
        "from ipcity.requestid import RequestIdMiddleware\n"
        "def view(request):\n"
        "    logging.getLogger('tests.request_id').warning('测试数据：%s条', 3)\n"
        "    return HttpResponse()\n"
        "RequestIdMiddleware(view)(RequestFactory().get('/', HTTP_X_REQUEST_ID='req-json-1'))\n"
        "logging.getLogger('tests.request_id').error('测试数据：请求之外')\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env |= {"DJANGO_SETTINGS_MODULE": "ipcity.settings.test", "LOG_FORMAT": "json"}
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines()]
    assert [(line["level"], line["logger"], line["message"], line["request_id"]) for line in lines] == [
        ("WARNING", "tests.request_id", "测试数据：3条", "req-json-1"),
        ("ERROR", "tests.request_id", "测试数据：请求之外", None),
    ]
    assert all(line["time"].endswith("+00:00") for line in lines)


def test_make_run_logs_plain_text_lines():
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "LOG_FORMAT"}}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, logging; django.setup(); logging.getLogger('t').warning('测试数据：文本')",
        ],
        cwd=settings.BASE_DIR,
        env={**env, "DJANGO_SETTINGS_MODULE": "ipcity.settings.local"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == "测试数据：文本\n"
