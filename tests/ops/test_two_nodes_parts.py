"""The beat check of tests/ops/two_nodes.py (two_nodes_beat.beat_problem): one beat sending, then its standby, passes; two beats
both sending fail it whatever their phase; a schedule that stops sending fails it. Times are invented test data."""

import pytest

from tests.ops.two_nodes_beat import beat_problem

TICK, TAKEOVER = 2.0, 26.0


def every_tick(start: float, count: int) -> list[float]:
    return [start + TICK * n for n in range(count)]


def test_one_beat_then_its_standby_is_right():
    assert beat_problem(every_tick(0, 6), every_tick(22, 3), tick=TICK, takeover=TAKEOVER) == ""


def test_a_send_logged_late_on_a_busy_machine_is_still_right():
    holder = [0.0, 2.0, 4.7, 6.0, 8.0]  # the third logged 0.7 s late, the next on time
    assert beat_problem(holder, every_tick(20, 2), tick=TICK, takeover=TAKEOVER) == ""


@pytest.mark.parametrize("phase", [0.0, 0.05, 0.4, 0.99, 1.0, 1.01, 1.6, 1.95])
def test_two_beats_both_sending_are_caught_at_any_phase(phase):
    problem = beat_problem(every_tick(0, 6), every_tick(phase, 6), tick=TICK, takeover=TAKEOVER)
    assert problem.startswith("sent twice")


def test_a_schedule_that_stalls_is_caught():
    problem = beat_problem(every_tick(0, 4), [60.0], tick=TICK, takeover=TAKEOVER)
    assert problem.startswith("the schedule stalled")


def test_a_standby_that_never_takes_over_is_caught():
    problem = beat_problem(every_tick(0, 6), [], tick=TICK, takeover=TAKEOVER)
    assert problem.startswith("too few sends") and "0 by the other" in problem
