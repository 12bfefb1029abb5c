"""The people of the load run (bench.load): reporters on their sheets, office users on the dashboards."""

import random
import threading
import time

from tests.ops.harness import PASSWORD, Browser, Page
from tests.ops.load import Outcome, Reporter

# The portal's refusal of a submission whose level falls, or jumps by half, with no note saying why
# (reports.workflow.validation): the synthetic drafts carry no note, so submitting one as it stands is refused.
NOTE_ASKED = "请在说明中写明原因"
SIGN_IN = "sign-in"


class SheetReporter(Reporter):
    """tests.ops.load's reporter on the main plan's sheets: a quarter's code alone would open the second plan's, which
    has 2025's quarters too. A submission refused until a note says why a level fell or jumped is the portal's rule
    at work on the synthetic drafts, counted apart."""

    def __init__(self, *, plan: int, **kwargs) -> None:
        super().__init__(**kwargs)
        self.plan = plan

    @property
    def think(self) -> float:
        """The longest pause after a post (Reporter.run), never past the end of the run: a reporter still pausing
        then would hold the run open doing nothing."""
        return min(self._think, max(0.0, self.deadline - time.monotonic()))

    @think.setter
    def think(self, seconds: float) -> None:
        self._think = seconds

    def _path(self, period: str) -> str:
        return f"/report/{self.unit}/{period}/?plan={self.plan}"

    def _refused(self, what: str, errors: list[str]) -> None:
        if any(NOTE_ASKED in e for e in errors):
            self.outcome.counts[f"{what}_note_asked"] += 1
        else:
            super()._refused(what, errors)


class OfficeReader(threading.Thread):
    """An office user: signs in with password and authenticator code, then reads the dashboards in turn."""

    def __init__(
        self,
        *,
        username: str,
        device: dict,
        urls: dict[str, str],
        verify_path: str,
        base: str,
        start: threading.Event,
        deadline: float,
        think: float,
        seed: int,
    ) -> None:
        super().__init__(name=username, daemon=True)
        self.username, self.device, self.urls, self.verify_path = username, device, urls, verify_path
        self.browser = Browser(base)
        self.start_gate, self.deadline, self.think = start, deadline, think
        self.random = random.Random(seed)
        self.outcome = Outcome()

    def _code(self) -> str:
        from django_otp.oath import totp

        d = self.device
        return f"{totp(d['key'], step=d['step'], t0=d['t0'], digits=d['digits'], drift=d['drift']):0{d['digits']}d}"

    def _sign_in(self) -> None:
        self.browser.login(self.username, PASSWORD)
        page = Page.parse(self.browser.get(self.verify_path).body, form_id=None)
        data = [("csrfmiddlewaretoken", page.csrf), ("code", self._code()), ("next", "/")]
        answered = self.browser.post(self.verify_path, data)
        if answered.status != 302:
            raise RuntimeError(
                f"the code was refused: HTTP {answered.status} {' '.join(Page.parse(answered.body).messages)}"
            )

    def run(self) -> None:
        self.start_gate.wait()
        started = time.perf_counter()
        try:
            self._sign_in()
        except Exception as error:  # noqa: BLE001 — whatever it was, the run reports it
            self.outcome.problems.append(f"{self.username} could not sign in: {error}")
            return
        self.outcome.latencies[SIGN_IN].append(time.perf_counter() - started)
        names = list(self.urls)
        turn = self.random.randrange(len(names))
        while time.monotonic() < self.deadline:
            name = names[turn % len(names)]
            turn += 1
            self._read(name, self.urls[name])
            if self.think:
                time.sleep(
                    min(self.random.uniform(0, self.think), max(0.0, self.deadline - time.monotonic()))
                )

    def _read(self, name: str, path: str) -> None:
        self.outcome.counts["requests"] += 1
        try:
            response = self.browser.get(path)
        except OSError as error:
            self.outcome.counts["no_answer"] += 1
            self.outcome.problems.append(f"{self.username} GET {path}: no answer ({error!r})")
            return
        self.outcome.latencies[name].append(response.seconds)
        if response.status >= 500:
            self.outcome.counts["5xx"] += 1
        if response.status != 200:
            self.outcome.counts[f"http_{response.status}"] += 1
            self.outcome.problems.append(f"{self.username} GET {path}: HTTP {response.status}")


def merged(people: list) -> Outcome:
    total = Outcome()
    for person in people:
        o = person.outcome
        for kind, values in o.latencies.items():
            total.latencies[kind].extend(values)
        total.counts.update(o.counts)
        for key, saves in o.saves.items():
            total.saves[key].extend(saves)
        total.submits.update(o.submits)
        total.problems.extend(o.problems)
    return total
