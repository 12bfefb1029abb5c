"""Settings of the gunicorn and the Celery worker the load run (bench.load) starts: the bench's (DEBUG off, its
database and its today), with database connections kept open between requests as production keeps them
(deploy/ipcity.env.example: DB_CONN_MAX_AGE=60), errors written to the log, so that a 5xx in the run comes with its
traceback (bench.settings logs nothing), and jobs sent to the worker on BENCH_LOAD_BROKER when it is set (eager, as
in the other measures, when not)."""

import os

from bench.settings import *  # noqa: F403

DATABASES["default"]["CONN_MAX_AGE"] = 60  # noqa: F405
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "ERROR"},
}
if os.environ.get("BENCH_LOAD_BROKER"):
    CELERY_BROKER_URL = CELERY_RESULT_BACKEND = os.environ["BENCH_LOAD_BROKER"]
    CELERY_TASK_ALWAYS_EAGER = False
