"""gunicorn does not name itself (pen test, issue 14 item 11): its `Server: gunicorn` header told a scanner which
server, and so which advisories, to try. gunicorn.conf.py, which gunicorn reads from the folder it starts in, drops it.
Checked on a real gunicorn serving the portal, started as the ops scripts start it (tests/ops/harness.py)."""

import os

from .harness import Browser, gunicorn


def test_gunicorn_sends_no_server_header(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ipcity.settings.test",
        # The sign-in page and a redirect read no table: an empty SQLite file is enough.
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
    }
    with gunicorn(env, name="server-header", workers=1) as server:
        browser = Browser(server.url)
        for path in ("/login/", "/", "/no-such-page/"):
            response = browser.get(path)
            assert response.status < 500, path
            headers = {name.lower(): value for name, value in response.headers.items()}
            assert "server" not in headers, f"{path}: Server: {headers.get('server')}"
            assert not any("gunicorn" in value.lower() for value in headers.values()), path
