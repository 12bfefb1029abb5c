"""The jobs a service starts, queued to run once its transaction commits (a rolled-back change starts nothing).

Services sit below `reports.jobs` (which calls them), so they name the job here instead of importing it; each
function below is the one way to queue its job. Within one transaction a job is queued once per argument however
many changes ask for it: a sheet of forty submitted items refreshes its plan's alerts once, a batch approval
rebuilds each indicator's rollup once.
"""

from importlib import import_module

from django.db import transaction


def rollup_after_commit(indicator_id: int, period_id: int) -> None:
    """Rebuild an indicator's rollup of one quarter (an approval adds a figure to it, a reopen takes one out)."""
    _after_commit("rollup_indicator", indicator_id, period_id)


def alerts_refresh_after_commit(plan_id: int) -> None:
    """Refresh a plan's alerts now rather than at the next scheduled refresh (a sheet submitted, an instruction
    written or answered)."""
    _after_commit("alerts_refresh_plan", plan_id)


def document_after_commit(document_id: int) -> None:
    """Write a document the office asked for."""
    _after_commit("document_generate", document_id)


def _after_commit(job: str, *args: int) -> None:
    key = (job, args)
    pending = transaction.get_connection().run_on_commit
    if any(getattr(callback, "job", None) == key and not callback.sent for _, callback, _ in pending):
        return

    def send() -> None:
        send.sent = True
        getattr(import_module("reports.jobs"), job).delay(*args)

    send.job, send.sent = key, False
    transaction.on_commit(send)
