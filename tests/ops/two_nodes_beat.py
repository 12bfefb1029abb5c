"""The two beats of tests/ops/two_nodes.py: started as the Makefile's beat target starts beat, each with a schedule
file of its own and the schedule of tests/ops/two_nodes_settings.py (one entry due every TICK seconds); what they
sent, read from their logs; and the check that only one of them sent it at a time."""

import datetime
import re
import subprocess
import time

from .harness import BIN, LOGS, ROOT, fail, log_tail, say

BEATS, BEAT_SETTINGS = ("two-nodes-beat-a", "two-nodes-beat-b"), "tests.ops.two_nodes_settings"
TICK = 2.0  # seconds between the entry's sends
# A standby beat asks for the lock every 15 s (ipcity.beat: LOCK_TTL / 3), then sends what is due.
TAKEOVER = 15.0 + 2 * TICK + 5
SENT = re.compile(r"^\[([\d-]+ [\d:]+,\d+): INFO/\w+\] Scheduler: Sending due task two-nodes-tick")


def beat_start(env: dict[str, str], *, name: str) -> subprocess.Popen:
    """`celery beat` as the Makefile's beat target starts it, with a fresh schedule file of its own in var/ops/."""
    for stale in LOGS.glob(f"{name}-schedule*"):
        stale.unlink()
    schedule = f"--schedule={LOGS / name}-schedule"
    command = [str(BIN / "celery"), "-A", "ipcity", "beat", "--loglevel=INFO", schedule]
    with open(LOGS / f"{name}.log", "w") as out:
        return subprocess.Popen(
            command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, cwd=ROOT
        )


def beat_sends(name: str, *, at_least: int = 0, seconds: float = 0) -> list[datetime.datetime]:
    """When the beat `name` sent the entry, by its log; waits up to `seconds` for `at_least` sends."""
    deadline = time.monotonic() + seconds
    while True:
        lines = (LOGS / f"{name}.log").read_text(errors="replace").splitlines()
        sends = [
            datetime.datetime.strptime(m[1], "%Y-%m-%d %H:%M:%S,%f") for m in map(SENT.match, lines) if m
        ]
        if len(sends) >= at_least or time.monotonic() > deadline:
            return sends
        time.sleep(0.5)


def beat_holder() -> str:
    """The beat that sends (the first to), once one has: the other stands by."""
    deadline = time.monotonic() + 2 * TICK + 5
    while not (sent := [name for name in BEATS if beat_sends(name)]) and time.monotonic() < deadline:
        time.sleep(0.5)
    return sent[0] if sent else fail(f"no beat sent the entry:\n{log_tail(LOGS / f'{BEATS[0]}.log')}")


def beat_problem(holder: list[float], other: list[float], *, tick: float, takeover: float) -> str:
    """What is wrong with two beats' sends of an entry due every `tick` seconds (times in seconds), the first holding
    the lock until it stopped, the other standing by to take over within `takeover` seconds; "" when nothing.

    One beat sends at least `tick` apart; two both sending, at whatever phase, leave some sends at most tick/2 apart,
    and on average half as far apart as due."""
    times = sorted(holder + other)
    gaps = [later - earlier for earlier, later in zip(times, times[1:], strict=False)]
    if len(holder) < 3 or not other:
        return f"too few sends to tell: {len(holder)} by the holder (3 needed), {len(other)} by the other after it"
    steady = sorted(gaps)[:-1]  # without the longest: the handover
    if min(gaps) < tick / 2 or sum(steady) / len(steady) < 0.9 * tick:
        return (
            f"sent twice: {len(holder)} and {len(other)} sends, some {min(gaps):.2f} s apart, on average "
            f"{sum(steady) / len(steady):.2f} s apart (due every {tick:g} s)"
        )
    if max(gaps) > takeover:
        return f"the schedule stalled: {max(gaps):.0f} s without a send (the standby takes over within {takeover:g} s)"
    return ""


def beat_once(holder: str) -> None:
    """Part 3: the sends in both beats' logs, the standby's after the holder stopped (waited for)."""
    other = BEATS[1 - BEATS.index(holder)]
    sends = {holder: beat_sends(holder), other: beat_sends(other, at_least=1, seconds=TAKEOVER)}
    seconds = {name: [t.timestamp() for t in times] for name, times in sends.items()}
    problem = beat_problem(seconds[holder], seconds[other], tick=TICK, takeover=TAKEOVER)
    if problem:
        fail(f"beat on both nodes: {problem}:\n{log_tail(LOGS / f'{other}.log', 8)}")
    times = sorted(seconds[holder] + seconds[other])
    gaps = [later - earlier for earlier, later in zip(times, times[1:], strict=False)]
    say(
        f"   beat on both: {len(times)} sends of an entry due every {TICK:g} s, never twice: {len(seconds[holder])} by "
        f"the one holding the lock, then {len(seconds[other])} by the other once it took over (gaps "
        f"{min(gaps):.1f}–{max(gaps):.1f} s)"
    )
