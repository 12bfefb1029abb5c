import os
import re
import secrets
import subprocess
import sys

from django.conf import settings
from django.urls import reverse

from ipcity.celery import app


def run_check(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL"} and not k.startswith("DJANGO_")
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_portal_speaks_chinese_first_on_shanghai_time():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert [code for code, _ in settings.LANGUAGES] == ["zh-hans", "en"]
    assert settings.TIME_ZONE == "Asia/Shanghai"


def test_jobs_run_eagerly_exactly_when_no_redis_is_configured():
    assert app.conf.task_always_eager == (not settings.REDIS_URL)


def test_without_database_url_the_embedded_sqlite_file_is_used():
    result = run_check(
        {"DJANGO_SETTINGS_MODULE": "ipcity.settings.local"},
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'], settings.DATABASES['default']['NAME'])",
    )
    assert result.returncode == 0, result.stderr
    assert "sqlite3" in result.stdout and "var/db.sqlite3" in result.stdout


def test_database_url_selects_postgresql():
    result = run_check(
        {
            "DJANGO_SETTINGS_MODULE": "ipcity.settings.local",
            "DATABASE_URL": "postgres://u@db.example:5432/ipcity",
        },
        "shell",
        "-c",
        "from django.conf import settings; d = settings.DATABASES['default']; print(d['ENGINE'], d['HOST'], d['NAME'])",
    )
    assert result.returncode == 0, result.stderr
    assert "postgresql db.example ipcity" in result.stdout


def test_production_settings_turn_demo_mode_off_and_need_their_secrets():
    missing = run_check({"DJANGO_SETTINGS_MODULE": "ipcity.settings.production"}, "check")
    assert missing.returncode != 0 and "DJANGO_SECRET_KEY" in missing.stderr
    ok = run_check(
        {
            "DJANGO_SETTINGS_MODULE": "ipcity.settings.production",
            "DJANGO_SECRET_KEY": "k" * 60,
            "DJANGO_ALLOWED_HOSTS": "ipcity.example.cn",
        },
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DEMO_MODE, settings.DEBUG, settings.SESSION_COOKIE_SECURE)",
    )
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.split()[-3:] == ["False", "False", "True"]


def test_production_settings_pass_the_deployment_checklist(tmp_path):
    result = run_check(
        {
            "DJANGO_SETTINGS_MODULE": "ipcity.settings.production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
            "DJANGO_ALLOWED_HOSTS": "ipcity.example.cn",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        },
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def local_settings(env: dict[str, str], expression: str) -> str:
    result = run_check(
        {"DJANGO_SETTINGS_MODULE": "ipcity.settings.local", **env},
        "shell",
        "-c",
        f"from django.conf import settings; print({expression})",
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_make_run_looks_like_the_product_with_debug_off_unless_django_debug_is_1():
    """`make run` shows the portal's own error pages, not Django's debug pages listing every URL (issue 15, item 8)."""
    assert local_settings({}, "settings.DEBUG, settings.ALLOWED_HOSTS") == (
        "False ['127.0.0.1', 'localhost', '[::1]']"
    )
    assert local_settings({"DJANGO_DEBUG": "0"}, "settings.DEBUG") == "False"
    assert local_settings({"DJANGO_DEBUG": "1"}, "settings.DEBUG") == "True"


WHITENOISE = "whitenoise.middleware.WhiteNoiseMiddleware"
HASHED = "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_static_files_are_served_by_whitenoise_with_hashed_compressed_names_in_run_and_production():
    expression = "settings.MIDDLEWARE[:2], settings.STORAGES['staticfiles']['BACKEND']"
    expected = f"['django.middleware.security.SecurityMiddleware', '{WHITENOISE}'] {HASHED}"
    assert local_settings({}, expression) == expected
    production = run_check(
        {
            "DJANGO_SETTINGS_MODULE": "ipcity.settings.production",
            "DJANGO_SECRET_KEY": "k" * 60,
            "DJANGO_ALLOWED_HOSTS": "ipcity.example.cn",
        },
        "shell",
        "-c",
        f"from django.conf import settings; print({expression})",
    )
    assert production.returncode == 0, production.stderr
    assert production.stdout.strip().splitlines()[-1] == expected


def test_the_test_suite_needs_no_collectstatic():
    assert (
        settings.STORAGES["staticfiles"]["BACKEND"] == "django.contrib.staticfiles.storage.StaticFilesStorage"
    )
    assert settings.WHITENOISE_USE_FINDERS and settings.WHITENOISE_AUTOREFRESH


def test_after_collectstatic_pages_link_hashed_files_that_whitenoise_serves_compressed(
    settings, tmp_path, db
):
    """`make run` and production (DEBUG off, collectstatic run): the login page links portal.<hash>.css, and the
    portal itself serves that file, gzipped to a browser that asks, to be kept for good. On the pages' own
    stylesheets and scripts only, to keep this test quick (collecting plotly and the admin takes seconds)."""
    import shutil

    from django.core.management import call_command
    from django.test import Client

    source = tmp_path / "static"
    for folder in ("css", "js"):
        shutil.copytree(settings.BASE_DIR / "static" / folder, source / folder)
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    settings.STATICFILES_DIRS = [source]
    settings.STATIC_ROOT = tmp_path / "collected"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": HASHED}}
    settings.WHITENOISE_USE_FINDERS = settings.WHITENOISE_AUTOREFRESH = False
    call_command("collectstatic", "--noinput", verbosity=0)

    page = Client().get(reverse("login")).content.decode()
    stylesheet = re.search(r'href="(/static/css/portal\.[0-9a-f]{12}\.css)"', page)
    assert stylesheet, page
    served = Client().get(stylesheet[1], HTTP_ACCEPT_ENCODING="gzip")
    assert served.status_code == 200
    assert served["Content-Encoding"] == "gzip" and served["Content-Type"].startswith("text/css")
    assert "immutable" in served["Cache-Control"]
    assert "Access-Control-Allow-Origin" not in served  # for the portal's own pages only
