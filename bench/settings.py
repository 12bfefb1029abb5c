"""Settings for the benchmark's measuring processes: the shared base (same middleware and templates as production;
static files found where they are, as in the tests, since no collectstatic runs before a bench), a database of the bench's own (BENCH_DATABASE_URL), jobs eager in-process, and a fixed "today"
just after the synthetic plan's last quarter was due."""

import os

import dj_database_url

from ipcity.settings.base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "bench-only-key"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
DATABASES = {"default": dj_database_url.parse(os.environ["BENCH_DATABASE_URL"])}
PORTAL_TODAY = "2026-01-20"  # the synthetic plan runs 2016Q1 … 2025Q4; 2025Q4 was due 2026-01-10
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AXES_ENABLED = False  # the test client signs in with force_login
CELERY_BROKER_URL = "memory://"
CELERY_RESULT_BACKEND = "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = VAR_DIR / "bench-media"  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"handlers": [], "level": "WARNING"}}
# The API measure (bench.api) sends more requests a minute than a user may (REST_FRAMEWORK's 120): throttling still
# counts each one, as in production, but never refuses the bench.
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "20/minute", "user": "100000/minute"}}  # noqa: F405
