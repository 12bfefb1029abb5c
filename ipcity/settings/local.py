"""Development and the demo (`make run`): SQLite unless DATABASE_URL, eager jobs unless REDIS_URL, demo accounts."""

import os

from .base import *  # noqa: F403
from .base import ALLOWED_HOSTS, LOGGING

DEBUG = True
DEMO_MODE = True
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "insecure-local-development-key-do-not-use-in-production")
ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]"]
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# The demo stands just after the last quarter's due date, so every dashboard state shows (演示数据).
PORTAL_TODAY = os.environ.get("PORTAL_TODAY", "2025-07-15")
LOGGING = {**LOGGING, "loggers": {"celery.app.trace": {"level": "WARNING"}}}  # eager jobs: no line per job
