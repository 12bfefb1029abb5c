"""Settings the ops scripts (tests/ops) serve and check with: the test suite's (DEBUG off; demo mode on, so the
office accounts are not asked for a second factor; the database and broker from DATABASE_URL and REDIS_URL) with
the sign-in lockout switched back on, as production has it: reporters signing in together from one address must not
lock each other out. Passwords keep the suite's fast hasher: each simulated person signs in once, and the load
measures saving and submitting, not password hashing.

Files go where the environment says, as in production (the test suite's settings keep them on local disk): to the
object store when S3_BUCKET and the other S3_* are set (tests/ops/two_nodes.py, whose nodes share a bucket), else to
MEDIA_ROOT."""

import os

from ipcity.settings.test import *  # noqa: F403
from ipcity.storage import default_storage_from

AXES_ENABLED = True
STORAGES = {**STORAGES, "default": default_storage_from(os.environ)}  # noqa: F405
