"""gunicorn's settings for the portal. gunicorn reads this file from the folder it starts in: start it in the
project's root (the ops scripts in tests/ops do). Options on the command line (bind, workers …) still apply.

What it sets: gunicorn does not name itself. It writes `Server: gunicorn` on every response, telling a scanner which
server, and so which advisories, to try, and has no setting to stop it (gunicorn 27.0): each response's default
header lines are filtered here to leave that one out (pen test, issue 14 item 11). The nginx in front sends its own
unless told not to: `server_tokens off;` (README › Security). HTTP/2 is not enabled; its responses would still
name the server."""

from gunicorn.http import wsgi

_default_headers = wsgi.Response.default_headers


def _default_headers_without_server(self) -> list[str]:
    return [line for line in _default_headers(self) if not line.lower().startswith("server:")]


if not getattr(_default_headers, "without_server", False):  # gunicorn reads this file again on HUP
    _default_headers_without_server.without_server = True
    wsgi.Response.default_headers = _default_headers_without_server


# What a worker would otherwise do on its first request: import every view (the URLconf), load each language's
# translations and compile the project's templates — 1.5–2.5 s of CPU on the 2-core development machine, paid by
# whoever sent a worker its first request, again after each --max-requests recycling, and by all five workers at once
# when a server starts under load (tests/ops/load.py: its first requests waited seconds for it). With --preload it is
# done once in the master, before the fork, and every worker starts with it; without, each worker does it before it
# takes its first request. Nothing here opens a database connection (one made in the master would be shared by the
# forked workers): the URLconf, translations and templates are read from files only.
def _portal_warm() -> None:
    from pathlib import Path

    from django.conf import settings
    from django.template import engines
    from django.urls import reverse
    from django.utils import translation

    # Reversing any name fills the URL resolver (every urls module and view imported), once per language.
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            reverse("set_language")
    engine = engines["django"].engine
    for folder in engine.dirs:
        for path in sorted(Path(folder).rglob("*.html")):
            engine.get_template(path.relative_to(folder).as_posix())


def _warm_or_say(log) -> None:
    """A warm-up that fails (a template that does not compile) leaves the work to the first requests, as before, and
    says why in the log: it must not keep the server from starting."""
    try:
        _portal_warm()
    except Exception:
        log.exception("warm-up before the first request failed; the workers load on their first requests")


def when_ready(server) -> None:
    if server.cfg.preload_app:
        _warm_or_say(server.log)


def post_worker_init(worker) -> None:
    if not worker.cfg.preload_app:
        _warm_or_say(worker.log)
