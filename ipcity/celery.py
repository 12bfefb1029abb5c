"""The Celery app. Jobs live in each app's ``jobs.py`` (not ``tasks.py``: ``tasks`` is the work-plan app).

Besides the jobs, what the operators see (README › Running on several machines): the request id travels with each
job queued while serving a request (ipcity.requestid), each worker reports every 30 seconds that it is alive (for
/readyz) and each job's last success is stamped (for /metrics), and with LOG_FORMAT=json the worker logs JSON lines
as the web nodes do."""

import os

from celery import Celery, bootsteps
from celery.signals import before_task_publish, setup_logging, task_prerun, task_success

from ipcity.requestid import request_id_prerun, request_id_publish

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipcity.settings.local")

# DjangoTask adds delay_on_commit: a job queued inside a transaction runs only once it commits.
app = Celery("ipcity", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(related_name="jobs")

before_task_publish.connect(request_id_publish, weak=False)
task_prerun.connect(request_id_prerun, weak=False)


class WorkerHeartbeat(bootsteps.StartStopStep):
    """Every HEARTBEAT_SECONDS, and once at start, the worker writes when it was last alive where every web node
    reads it (ipcity.health.worker_seen_record: the shared cache, Redis)."""

    requires = {"celery.worker.components:Timer"}
    HEARTBEAT_SECONDS = 30.0

    def __init__(self, worker, **kwargs) -> None:
        super().__init__(worker, **kwargs)
        self.timer_ref = None

    def start(self, worker) -> None:
        self.beat(worker)
        self.timer_ref = worker.timer.call_repeatedly(
            self.HEARTBEAT_SECONDS, self.beat, (worker,), priority=10
        )

    def stop(self, worker) -> None:
        if self.timer_ref is not None:
            self.timer_ref.cancel()
            self.timer_ref = None

    def beat(self, worker) -> None:
        from ipcity.health import worker_seen_record  # Django's cache: imported once Django is set up

        worker_seen_record(hostname=worker.hostname)


app.steps["worker"].add(WorkerHeartbeat)


@task_success.connect(weak=False)
def _job_success_stamp(sender=None, **kwargs) -> None:
    from ipcity.metrics import job_success_record

    job_success_record(name=getattr(sender, "name", ""))


# LOG_FORMAT=json (settings.LOGGING): the worker and beat keep Django's logging (JSON lines with the request id)
# instead of installing Celery's own handlers; any receiver of setup_logging tells Celery to leave logging alone.
# Read from the environment, as settings.py does: this module is imported while the settings are being loaded.
if os.environ.get("LOG_FORMAT", "text").strip().lower() == "json":

    @setup_logging.connect(weak=False)
    def _logging_from_settings(**kwargs) -> None:
        import logging.config

        from django.conf import settings

        logging.config.dictConfig(settings.LOGGING)
