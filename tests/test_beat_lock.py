"""One beat however many machines start it (issue 20 item 3, ipcity.beat): two schedulers on one Redis send each due
entry once; the standby takes over once the holder stops renewing its lock, and goes on from where the holder
stopped; without a Redis broker the scheduler is Celery's own.

Against a real Redis (REDIS_URL's, else TEST_REDIS_URL, default redis://127.0.0.1:6379/11), with keys and a queue of
this test's own, removed afterwards; skipped when none answers. The schedule's clock is the test's (a schedule's
`nowfun`), so "due" does not depend on how fast the machine is; only the lock's expiry takes real time (1 s here)."""

import datetime
import os
import time
import uuid
from zoneinfo import ZoneInfo

import pytest
import redis
from celery import Celery
from celery.schedules import schedule
from django.conf import settings

from ipcity.beat import SingleBeatScheduler
from ipcity.celery import app as portal_app
from tests.markers import own_broker_only

ZONE = ZoneInfo("Asia/Shanghai")
LOCK_TTL = 1.0  # seconds: the test waits this long for a stopped holder's lock to expire


class Clock:
    """The schedule's "now", moved by the test. Its time is the class's, not the instance's: the schedule file (a
    shelve) holds pickled copies of the schedule, and every copy must read the one clock."""

    now = datetime.datetime(2025, 7, 15, 7, 59, tzinfo=ZONE)

    def __call__(self) -> datetime.datetime:
        return Clock.now

    @classmethod
    def advance(cls, seconds: float) -> None:
        cls.now += datetime.timedelta(seconds=seconds)


@pytest.fixture
def redis_url() -> str:
    url = settings.REDIS_URL or os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/11")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.exceptions.RedisError:
        pytest.skip(f"needs a Redis to hold the lock; none answers at {url}")
    return url


@pytest.fixture
def beat(redis_url, tmp_path):
    """make(name) → a SingleBeatScheduler on a Celery app whose broker is that Redis, sending one entry due every
    minute of `clock` to a queue of this test's own; `sent()` counts what reached the queue."""
    key = f"test-beat-{uuid.uuid4().hex}"
    Clock.now = datetime.datetime(2025, 7, 15, 7, 59, tzinfo=ZONE)
    clock = Clock()
    app = Celery("beat-test", broker=redis_url, set_as_current=False)
    app.conf.update(
        task_default_queue=key,
        timezone="Asia/Shanghai",
        result_expires=None,
        beat_schedule={
            "every-minute": {
                "task": "tests.beat.every_minute",  # not registered: sent by name, never run
                "schedule": schedule(datetime.timedelta(minutes=1), nowfun=clock, app=app),
            }
        },
    )
    made: list[SingleBeatScheduler] = []

    def make(name: str) -> SingleBeatScheduler:
        scheduler = SingleBeatScheduler(
            app=app, schedule_filename=str(tmp_path / name), lock_key=key, lock_ttl=LOCK_TTL
        )
        made.append(scheduler)
        return scheduler

    client = redis.Redis.from_url(redis_url)

    class Beat:
        def __init__(self) -> None:
            self.make, self.clock = make, clock

        @staticmethod
        def sent() -> int:
            return client.llen(key)

    yield Beat()
    for scheduler in made:
        scheduler.close()
    client.delete(key, f"{key}:lock", f"{key}:sent")


@own_broker_only
def test_two_beats_send_each_due_entry_once(beat):
    first, second = beat.make("a"), beat.make("b")
    first.tick()  # takes the lock
    second.tick()  # stands by
    assert beat.sent() == 0  # nothing due yet
    for minute in (1, 2, 3):
        beat.clock.advance(60)
        for _ in range(3):
            first.tick()
            second.tick()
        assert beat.sent() == minute
    assert first.beat_lock.held and not second.beat_lock.held


@own_broker_only
def test_the_standby_takes_over_when_the_holder_stops_renewing_and_goes_on_from_there(beat):
    holder, standby = beat.make("a"), beat.make("b")
    holder.tick()
    standby.tick()
    beat.clock.advance(61)
    holder.tick()
    standby.tick()
    assert beat.sent() == 1
    # The holder dies (no more ticks, no clean stop): its lock expires, and the standby's next try takes it.
    time.sleep(LOCK_TTL + 0.2)
    standby.tick()
    assert standby.beat_lock.held
    # Its own schedule file still says "never sent" (its clock started at 07:59): it does not send the 08:00 run
    # again, as the holder's record says it went out.
    assert beat.sent() == 1
    beat.clock.advance(60)
    standby.tick()
    assert beat.sent() == 2
    # The old holder coming back finds the lock taken: it stands by and sends nothing.
    holder.tick()
    holder.tick()
    assert not holder.beat_lock.held and beat.sent() == 2


def test_a_beat_that_stops_cleanly_hands_over_at_once(beat):
    holder, standby = beat.make("a"), beat.make("b")
    holder.tick()
    standby.tick()
    holder.close()
    standby.tick()
    assert standby.beat_lock.held


@own_broker_only
def test_a_holder_that_lost_its_lock_stops_sending(beat):
    holder = beat.make("a")
    holder.tick()
    # Its lock expired while it was stalled, and another beat took it.
    time.sleep(LOCK_TTL + 0.2)
    other = beat.make("b")
    other.tick()
    beat.clock.advance(61)
    holder.tick()
    assert not holder.beat_lock.held
    other.tick()
    assert beat.sent() == 1


def test_the_holder_returns_before_its_lock_expires_however_far_the_next_entry(beat):
    holder = beat.make("a")
    assert holder.tick() <= LOCK_TTL / 3


def test_without_a_redis_broker_there_is_no_lock_and_beat_is_celerys_own(tmp_path):
    app = Celery("beat-test-memory", broker="memory://", set_as_current=False)
    app.conf.update(timezone="Asia/Shanghai", result_expires=None)
    scheduler = SingleBeatScheduler(app=app, schedule_filename=str(tmp_path / "schedule"))
    try:
        assert scheduler.beat_lock is None
        assert scheduler.tick() == scheduler.max_interval  # an empty schedule: Celery's answer, unchanged
    finally:
        scheduler.close()


def test_the_portal_runs_beat_with_the_lock():
    assert portal_app.conf.beat_scheduler == "ipcity.beat:SingleBeatScheduler"
