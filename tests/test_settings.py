import os
import secrets
import subprocess
import sys

from django.conf import settings

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
