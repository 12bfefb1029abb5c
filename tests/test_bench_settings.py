"""The bench's measuring processes render the portal's pages without a collectstatic run before them (CI's short
bench failed on every page: "Missing staticfiles manifest entry for 'css/portal.css'")."""

import importlib
import sys

from django.core.files.storage import storages
from django.test import override_settings


def test_the_bench_settings_render_static_urls_without_collectstatic(monkeypatch, tmp_path):
    monkeypatch.setenv("BENCH_DATABASE_URL", f"sqlite:///{tmp_path / 'bench.sqlite3'}")
    sys.modules.pop("bench.settings", None)
    bench_settings = importlib.import_module("bench.settings")
    with override_settings(STORAGES=bench_settings.STORAGES, STATIC_ROOT=tmp_path / "empty"):
        storages._storages.pop("staticfiles", None)  # built afresh from the settings above
        try:
            assert storages["staticfiles"].url("css/portal.css").startswith("/static/css/portal")
        finally:
            storages._storages.pop("staticfiles", None)
