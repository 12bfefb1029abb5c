"""The test suite: fast hashing, in-memory e-mail, same database choice as everywhere (DATABASE_URL or SQLite)."""

import os

from django.core.exceptions import ImproperlyConfigured

# With a real broker and pytest-xdist, each test process has a database of its own (test_<name>_gwN) and so needs a
# worker of its own: .ci/run starts one per process, each on its own Redis database, named by REDIS_URL_GW0, _GW1…
_xdist_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _xdist_worker and os.environ.get("REDIS_URL"):
    _own = os.environ.get(f"REDIS_URL_{_xdist_worker.upper()}")
    if not _own:
        raise ImproperlyConfigured(
            f"REDIS_URL with pytest -n: set REDIS_URL_{_xdist_worker.upper()} to a Redis database of its own, served "
            f"by a Celery worker on test database *_{_xdist_worker} (see .ci/run)"
        )
    os.environ["REDIS_URL"] = _own

from .base import *  # noqa: E402, F403

DEBUG = False
DEMO_MODE = True  # tests exercise the demo-account command; production.py keeps it off
SECRET_KEY = "test-only-key"  # noqa: S105
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# No collectstatic before the tests: WhiteNoise finds each static file in static/ (and the apps') when it is asked for.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Django's test client signs in without a request, which django-axes refuses; the lockout tests switch it on.
AXES_ENABLED = False
# The audit log refuses TRUNCATE on PostgreSQL (units/migrations/0006_audit_chain.py) unless the session allows it:
# the test suite's flush between committing tests empties every table with TRUNCATE, so its connections do.
if DATABASES["default"]["ENGINE"].endswith("postgresql"):  # noqa: F405
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c ipcity.audit_truncate=allow"  # noqa: F405
# The tests' fake group robot listens on the loopback address.
NOTIFY_WEBHOOK_HOSTS = [*NOTIFY_WEBHOOK_HOSTS, "127.0.0.1"]  # noqa: F405
