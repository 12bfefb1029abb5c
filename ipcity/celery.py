"""The Celery app. Jobs live in each app's ``jobs.py`` (not ``tasks.py``: ``tasks`` is the work-plan app)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipcity.settings.local")

# DjangoTask adds delay_on_commit: a job queued inside a transaction runs only once it commits.
app = Celery("ipcity", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(related_name="jobs")
