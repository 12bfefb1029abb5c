"""The test suite: fast hashing, in-memory e-mail, same database choice as everywhere (DATABASE_URL or SQLite)."""

from .base import *  # noqa: F403

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
