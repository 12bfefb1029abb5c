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
