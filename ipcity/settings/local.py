"""Development and the demo (`make run`): SQLite unless DATABASE_URL, eager jobs unless REDIS_URL, demo accounts."""

import os

from .base import *  # noqa: F403
from .base import ALLOWED_HOSTS, INSTALLED_APPS, LOGGING

# `make run` looks like the product: the portal's own error pages and static files as production serves them
# (WhiteNoise, after collectstatic). DJANGO_DEBUG=1: Django's debug pages, static files read from static/ as edited.
DEBUG = os.environ.get("DJANGO_DEBUG", "") == "1"
# Static files through WhiteNoise in `runserver` too, with DEBUG on as well (never runserver's own handler).
INSTALLED_APPS = ["whitenoise.runserver_nostatic", *INSTALLED_APPS]
DEMO_MODE = True
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "insecure-local-development-key-do-not-use-in-production")
ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]"]
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# The demo stands on 2026-04-15: the pilot plan ended (all its history), the next plan (reports.demo.next_plan) in
# its third quarter, just after that quarter's due date, so every dashboard state shows (演示数据).
PORTAL_TODAY = os.environ.get("PORTAL_TODAY", "2026-04-15")
LOGGING = {**LOGGING, "loggers": {"celery.app.trace": {"level": "WARNING"}}}  # eager jobs: no line per job
