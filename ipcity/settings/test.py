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
# Django's test client signs in without a request, which django-axes refuses; the lockout tests switch it on.
AXES_ENABLED = False
