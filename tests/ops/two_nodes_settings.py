"""The settings of the two beats tests/ops/two_nodes.py starts: the ops settings with a schedule of one cheap entry due
every TWO_NODES_TICK_SECONDS (default 2) and nothing else, so the check counts sends in seconds, not hours, and no
real job (rollups, e-mails, notifications) runs meanwhile. The one lock (ipcity.beat) is the production one."""

import os

from tests.ops.settings import *  # noqa: F403

CELERY_BEAT_SCHEDULE = {
    # Every few seconds: Celery's own result clean-up, which does nothing with a Redis result backend.
    "two-nodes-tick": {
        "task": "celery.backend_cleanup",
        "schedule": float(os.environ.get("TWO_NODES_TICK_SECONDS", "2")),
    },
}
