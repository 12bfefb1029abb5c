"""One beat however many machines start it: `celery beat` runs on every worker machine (deploy/systemd), and only the
one holding a lock in the broker's Redis sends the schedule (settings.CELERY_BEAT_SCHEDULE); the others stand by.

The lock is a key set only if absent, with a time to live (LOCK_TTL, 45 s), renewed every LOCK_TTL/3 while held. A
beat that stops cleanly gives it up, and a standby, asking as often, takes over within 15 s; one that dies
(kill -9, a machine lost) keeps it until it expires: the standby takes over within a minute. A holder that could not
renew in time (the lock expired, someone else took it) stops sending at once.

When each entry was last sent is kept beside the lock, so the one taking over goes on from there: it neither sends
again what the other sent (its own schedule file, on its own disk, was left behind meanwhile) nor skips what fell
due while nobody held the lock. A job sent just before its sender died may be sent once more by the next holder:
every job is safe to run twice (README › Architecture).

Without a Redis broker (no REDIS_URL: jobs run in-process, no beat) there is no lock: Celery's PersistentScheduler."""

import datetime
import logging

import redis
from celery.beat import PersistentScheduler, ScheduleEntry
from celery.utils.time import maybe_make_aware

logger = logging.getLogger(__name__)

# The lock at LOCK_KEY + ":lock", when each entry was last sent at LOCK_KEY + ":sent", in the broker's Redis.
LOCK_KEY = "ipcity:beat"
LOCK_TTL = 45.0  # seconds


class BeatLock:
    """The lock itself (SET NX with a time to live, renewed by its holder) and the schedule's shared record."""

    def __init__(self, *, url: str, key: str, ttl: float) -> None:
        self.client = redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=5)
        self.ttl = ttl
        self.sent_key = f"{key}:sent"
        self.lock = self.client.lock(f"{key}:lock", timeout=ttl, blocking=False, thread_local=False)
        self.held = False

    def hold(self) -> bool:
        """Take the lock if free, or renew it if held; whether it is held now. A Redis that does not answer means
        not held: without Redis nothing could be sent anyway."""
        try:
            if self.held:
                try:
                    self.lock.reacquire()
                except redis.exceptions.LockError:
                    self.held = False
                    logger.warning("beat：锁已被其他节点取得，本节点转为备用")
            if not self.held:
                self.held = bool(self.lock.acquire(blocking=False))
        except redis.exceptions.RedisError:
            if self.held:
                logger.warning("beat：无法续期锁（Redis 无响应），暂停发送", exc_info=True)
            self.held = False
        return self.held

    def release(self) -> None:
        """Give the lock up (a clean stop), so a standby takes over at its next try."""
        if not self.held:
            return
        self.held = False
        try:
            self.lock.release()
        except redis.exceptions.RedisError:  # already expired or unreachable: it expires by itself
            logger.info("beat：释放锁时锁已失效", exc_info=True)

    def sent_record(self, *, name: str, at: datetime.datetime) -> None:
        self.client.hset(self.sent_key, name, maybe_make_aware(at).timestamp())

    def sent_times(self) -> dict[str, float]:
        return {name.decode(): float(value) for name, value in self.client.hgetall(self.sent_key).items()}


class SingleBeatScheduler(PersistentScheduler):
    """PersistentScheduler that sends only while it holds the BeatLock (module docstring). Configured by
    settings.CELERY_BEAT_SCHEDULER; `lock_key` and `lock_ttl` are for tests."""

    def __init__(self, *args, lock_key: str = LOCK_KEY, lock_ttl: float = LOCK_TTL, **kwargs) -> None:
        app = kwargs["app"] if "app" in kwargs else args[0]
        url = app.conf.broker_url or ""
        self.beat_lock = (
            BeatLock(url=url, key=lock_key, ttl=lock_ttl)
            if url.startswith(("redis://", "rediss://", "unix://"))
            else None
        )
        if self.beat_lock is None:
            logger.info("beat：代理不是 Redis（%s），不加锁：只应启动一个 beat", url.partition(":")[0] or "-")
        super().__init__(*args, **kwargs)

    @property
    def renew_every(self) -> float:
        return self.beat_lock.ttl / 3

    def tick(self, *args, **kwargs) -> float:
        if self.beat_lock is None:
            return super().tick(*args, **kwargs)
        was_held = self.beat_lock.held
        if not self.beat_lock.hold():
            return self.renew_every  # standby: ask again
        if not was_held:
            logger.info("beat：本节点取得锁，开始发送定时任务")
            self._continue_from_record()
        # Back before the lock expires, however far off the next entry is.
        return min(super().tick(*args, **kwargs), self.renew_every)

    def apply_entry(self, entry: ScheduleEntry, producer=None) -> None:
        super().apply_entry(entry, producer=producer)
        if self.beat_lock is not None:
            # After sending, so a holder that dies between the two makes the next one send again (safe), never skip.
            try:
                self.beat_lock.sent_record(name=entry.name, at=self.schedule[entry.name].last_run_at)
            except redis.exceptions.RedisError:
                logger.warning("beat：无法记录 %s 的发送时间", entry.name, exc_info=True)

    def _continue_from_record(self) -> None:
        """Move each entry's last run forward to when the previous holder last sent it."""
        try:
            sent = self.beat_lock.sent_times()
        except redis.exceptions.RedisError:
            logger.warning("beat：读不到上一个节点的发送记录，按本节点记录继续", exc_info=True)
            return
        zone = self.app.timezone
        for name, entry in self.schedule.items():
            if name not in sent:
                continue
            at = datetime.datetime.fromtimestamp(sent[name], tz=datetime.UTC).astimezone(zone)
            if entry.last_run_at is None or at > maybe_make_aware(entry.last_run_at):
                entry.last_run_at = at
        self._heap = None  # rebuilt from the entries at the next tick

    def close(self) -> None:
        try:
            super().close()
        finally:
            if self.beat_lock is not None:
                self.beat_lock.release()

    @property
    def info(self) -> str:
        lock = (
            f"    . lock -> {self.beat_lock.lock.name} (ttl {self.beat_lock.ttl:.0f}s)"
            if self.beat_lock
            else "    . lock -> none"
        )
        return f"{super().info}\n{lock}"
