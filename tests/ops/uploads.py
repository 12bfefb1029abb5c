"""Hostile Excel uploads through gunicorn (issue 14, item 3): files crafted to exhaust the server — a million rows, a
cell of hundreds of megabytes, a zip bomb — are refused with the portal's message, the workers' memory stays
bounded, and the portal keeps answering meanwhile.

    .venv/bin/python -m tests.ops.uploads [--peak-mb 400]      (.ci/run runs it)

A scratch database (ipcity_ops_uploads) gets the plan and a reporter of 旌阳区; gunicorn serves it with two workers.
The reporter uploads each file to his sheet while another session asks for the sign-in page every half second. It
fails (exit 1) on a 5xx, on a file not refused with the message naming its limit, on a sign-in page not answered
within 10 s during an upload, or when a worker's peak resident memory (VmHWM) passes --peak-mb.
"""

import argparse
import threading
import time
from pathlib import Path

from .harness import (
    PASSWORD,
    Browser,
    Page,
    accounts_create,
    django_setup,
    fail,
    gunicorn,
    ops_env,
    portal_prepare,
    run_main,
    say,
    scratch_database,
)

DATABASE = "ipcity_ops_uploads"
UNIT, PERIOD = "jingyang", "2023Q4"


def hostile_files() -> list[tuple[str, bytes, str]]:
    """(what, file, words its refusal must contain), built as tests/reports/test_excel_limits.py builds them."""
    from reports.workflow.excel.limits import MAX_ROWS, MAX_UNPACKED_MB
    from tests.reports.test_excel_limits import _text_row, crafted

    million = (f'<row r="{n}"><c><v>{n}</v></c></row>' for n in range(2, 1_000_001))
    huge_cell = [_text_row(2, ["旌阳区人民政府", PERIOD, "1.1", "x" * (400 * 1024 * 1024)])]
    bomb = {"xl/padding.xml": b"<x>" + b" " * (200 * 1024 * 1024) + b"</x>"}
    return [
        ("a million rows", crafted(million), f"超过{MAX_ROWS}行"),
        ("a 400 MB cell", crafted(huge_cell), f"文件解压后超过{MAX_UNPACKED_MB}MB"),
        ("a zip bomb", crafted([], extra=bomb), "解压后"),
    ]


def peak_mb(pid: int) -> float:
    """A process's peak resident memory so far (Linux: VmHWM)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peak-mb", type=float, default=400, help="the most memory a worker may reach")
    args = parser.parse_args()
    with scratch_database(DATABASE) as url:
        django_setup(url)
        portal_prepare()
        from units.models import Unit, User

        [reporter] = accounts_create(
            prefix="upload", role=User.Role.REPORTER, units=[Unit.objects.get(code=UNIT)], count=1
        )
        files = hostile_files()
        say(f"== uploads: {len(files)} hostile files through gunicorn, PostgreSQL {DATABASE}")
        with gunicorn(ops_env(url), name="uploads", workers=2) as server:
            browser = Browser(server.url)
            browser.login(reporter, PASSWORD)
            sheet = f"/report/{UNIT}/{PERIOD}/"
            for what, content, words in files:
                csrf = Page.parse(browser.get(sheet).body, form_id=None).csrf
                slow: list[float] = []
                done = threading.Event()

                def watch(slow=slow, done=done) -> None:
                    other = Browser(server.url)
                    while not done.is_set():
                        response = other.get("/login/")
                        if response.status != 200:
                            slow.append(float("inf"))
                        slow.append(response.seconds)
                        time.sleep(0.5)

                watcher = threading.Thread(target=watch)
                watcher.start()
                try:
                    response = browser.upload(
                        sheet + "excel/upload/",
                        [("csrfmiddlewaretoken", csrf)],
                        ("file", "填报表.xlsx", content),
                    )
                finally:
                    done.set()
                    watcher.join()
                if response.status >= 500:
                    fail(f"{what}: HTTP {response.status}")
                body = response.body if response.status == 200 else browser.follow(response).body
                if words not in body:
                    fail(f"{what}: not refused with “{words}” (HTTP {response.status}): {body[:300]!r}")
                worst = max(slow or [0.0])
                if worst > 10:
                    fail(f"{what}: the sign-in page took {worst:.1f} s to answer meanwhile")
                say(
                    f"   {what} ({len(content) / 1024:.0f} KB): refused in {response.seconds:.1f} s; "
                    f"sign-in page answered within {worst:.2f} s"
                )
            peaks = {pid: peak_mb(pid) for pid in worker_pids(server.process.pid)}
        worst_peak = max(peaks.values() or [0.0])
        say(f"   workers' peak memory: {', '.join(f'{mb:.0f} MB' for mb in peaks.values())}")
        if worst_peak > args.peak_mb:
            fail(f"a worker reached {worst_peak:.0f} MB (limit {args.peak_mb:.0f} MB)")
    say("== uploads: OK")


if __name__ == "__main__":
    run_main(main)
