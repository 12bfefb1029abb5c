"""Settings the ops scripts (tests/ops) serve and check with: the test suite's (DEBUG off; demo mode on, so the
office accounts are not asked for a second factor; the database and broker from DATABASE_URL and REDIS_URL) with
the sign-in lockout switched back on, as production has it: reporters signing in together from one address must not
lock each other out. Passwords keep the suite's fast hasher: each simulated person signs in once, and the load
measures saving and submitting, not password hashing."""

from ipcity.settings.test import *  # noqa: F403

AXES_ENABLED = True
