"""The Celery app. Jobs live in each app's ``jobs.py`` (not ``tasks.py``: ``tasks`` is the work-plan app)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipcity.settings.local")

app = Celery("ipcity")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(related_name="jobs")
