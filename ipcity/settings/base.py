"""Settings shared by every environment. Everything that differs between machines comes from the environment."""

import datetime
import os
import re
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from ipcity.storage import default_storage_from

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"  # git-ignored: SQLite file, uploads, collected static
VAR_DIR.mkdir(exist_ok=True)

# ------------------------------------------------------------------------------
# Core
# ------------------------------------------------------------------------------
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if h]
# The reporting calendar's "today" (YYYY-MM-DD); empty = the real date. Tests and the demo stand anywhere in the plan.
PORTAL_TODAY = os.environ.get("PORTAL_TODAY", "")
# Demo mode creates the demo accounts (password Demo@2025) and demo data. Never on in production.
DEMO_MODE = False

INSTALLED_APPS = [
    "ipcity.apps.PortalAdminConfig",  # django.contrib.admin with the portal's site (ipcity.admin_site)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tables2",
    "django_filters",
    "import_export",
    "simple_history",
    "axes",
    "csp",
    "django_otp",  # the second factor (units.second_factor)
    "django_otp.plugins.otp_totp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # the API documentation page's assets, served as static files
    "health_check",  # /readyz's checks (ipcity.health) and `manage.py health_check readyz`
    "django_prometheus",  # /metrics (ipcity.metrics): request latency, database queries
    "units",
    "targets",
    "tasks",
    "reports",
    "api",
    "public",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files (STORAGES below), before anything else runs: each under its hashed name, gzipped for browsers that
    # ask, cached for good. The same in `make run` and in production (where nginx may serve var/staticfiles/ instead).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Every request the portal serves counted and timed from here to PrometheusAfterMiddleware (the last) for /metrics.
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "ipcity.requestid.RequestIdMiddleware",  # the request's id, on its log lines, its response and the jobs it queues
    # /healthz, /readyz and /metrics answered here, before sessions, sign-in and the audit log (ipcity.health).
    "ipcity.health.ProbeMiddleware",
    # Pages compressed for browsers that ask (a dashboard's HTML shrinks ~8×); Django's BREACH mitigation pads each
    # response. Above the middleware that write the body, so it compresses what they produce.
    "django.middleware.gzip.GZipMiddleware",
    "csp.middleware.CSPMiddleware",  # Content-Security-Policy on every response (CONTENT_SECURITY_POLICY below)
    "units.middleware.NulByteMiddleware",  # a NUL byte anywhere in the request: 400 before anything reads it
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): a second factor given in this session
    "units.middleware.AuditMiddleware",  # refused requests and downloads into the audit log
    "django.contrib.messages.middleware.MessageMiddleware",
    "units.middleware.SigninThrottleMiddleware",  # one username's many failures, from any address: its next try waits
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "units.middleware.SessionLimitsMiddleware",  # 30 minutes idle, 8 hours in all
    "units.middleware.SecondFactorMiddleware",  # office, sysadmin, auditor: the code from their authenticator first
    "units.middleware.PasswordExpiryMiddleware",  # an expired password is changed before anything else
    "django.contrib.auth.middleware.LoginRequiredMiddleware",  # anonymous users see only the login page
    "units.middleware.DutySeparationMiddleware",  # 三员分立: sysadmin and auditor reach only their own pages
    "axes.middleware.AxesMiddleware",  # the locked-out page
    "django_prometheus.middleware.PrometheusAfterMiddleware",  # latency and responses by view, for /metrics
]

# Where a request comes from (units.audit.client_ip, for the audit log and for axes alike): the peer's address,
# unless the peer is the nearest of TRUSTED_PROXY_COUNT reverse proxies (at one of TRUSTED_PROXY_ADDRESSES, addresses
# or networks); then the X-Forwarded-For entry the outermost of them appended (the last one behind a single nginx).
# Whatever else the header holds is what the client said, and is ignored. 0 (development, tests): the header never
# counts. Production behind one nginx on this machine: TRUSTED_PROXY_COUNT=1 (README › Security).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
TRUSTED_PROXY_ADDRESSES = [
    a.strip() for a in os.environ.get("TRUSTED_PROXY_ADDRESSES", "127.0.0.1,::1").split(",") if a.strip()
]

# Sign-in lockout (django-axes): 5 failures lock that username from that address for 30 minutes; keyed on both,
# so a colleague behind the same office address, or the same user from another address, can still sign in.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = 5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = datetime.timedelta(minutes=30)
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "units.audit.client_ip"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
# Across addresses (units.signin_throttle): after 10 failed sign-ins of one username within 24 hours, from wherever,
# and none successful since, its next try waits 1 minute after the latest failure, doubling with each further failure
# up to 15 minutes. A try made too soon is refused unchecked and does not count, so the real user always gets in after
# at most the ceiling, and a guesser gets ~100 tries a day instead of 5 per address.
SIGNIN_THROTTLE_FAILURES = 10
SIGNIN_THROTTLE_WINDOW = datetime.timedelta(hours=24)
SIGNIN_THROTTLE_FIRST_WAIT = datetime.timedelta(minutes=1)
SIGNIN_THROTTLE_MAX_WAIT = datetime.timedelta(minutes=15)

# The second factor (django-otp TOTP, units.second_factor): office, system administrator and auditor accounts give
# a 6-digit code after their password, outside demo mode. The issuer names the portal in the authenticator app;
# wrong codes make the next attempt wait 1, 2, 4, 8 … seconds (django-otp's throttling).
OTP_TOTP_ISSUER = "知识产权强市建设工作平台"
OTP_TOTP_THROTTLE_FACTOR = 1

# Content-Security-Policy (django-csp), the same in every environment so development and the tests meet a
# violation as soon as a template brings one: no inline script or event handler anywhere (behaviour lives in
# static/js/, figures reach charts.js as json_script data), nothing from another origin (everything is vendored).
# style-src allows 'unsafe-inline' because plotly.js inserts <style> elements for its own stylesheet (refused, the
# charts lose their layout), and the admin's import-export and history pages carry style attributes; styles run no
# code. img-src allows data: and blob: for the images plotly makes in the browser (its "Download plot as a PNG"
# draws the chart through a blob: image; data: URIs for image export and image traces).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
    },
}
# Frames: none at all (X-Frame-Options for older browsers, frame-ancestors above for the rest).
X_FRAME_OPTIONS = "DENY"

ROOT_URLCONF = "ipcity.urls"
# A form refused for its missing or stale CSRF token gets the portal's 403 page (ipcity.errors), saying what to do.
CSRF_FAILURE_VIEW = "ipcity.errors.csrf_failure"


def admin_url(path: str) -> str:
    """ADMIN_URL as ipcity/urls.py needs it: a relative path of plain segments, each ending in "/"."""
    if not re.fullmatch(r"([A-Za-z0-9._~-]+/)+", path):
        raise ValueError(f"ADMIN_URL must be a relative path ending in '/' (like 'admin/'), not {path!r}")
    return path


# 管理后台's path. Production: a path of its own (DJANGO_ADMIN_URL=…/), not where every scanner looks first; links
# reach it by name (admin:index), so nothing else changes.
ADMIN_URL = admin_url(os.environ.get("DJANGO_ADMIN_URL", "admin/"))

WSGI_APPLICATION = "ipcity.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "reports.context_processors.alerts",  # the bell's unread count: one query per page
                "reports.context_processors.plans",  # the plan bar: which plan the page shows, and the others
                "reports.context_processors.demo_mode",  # the 演示数据 banner in demo mode
                "reports.context_processors.portal_clock",  # the print header's date, on the portal's day
            ],
        },
    },
]

# ------------------------------------------------------------------------------
# Database: DATABASE_URL (postgres://…) or the embedded SQLite file under var/
# ------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ------------------------------------------------------------------------------
# Users and login
# ------------------------------------------------------------------------------
AUTH_USER_MODEL = "units.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "reports:home"
LOGOUT_REDIRECT_URL = "login"
# units.passwords.AccountNamesValidator and CommonVariantsValidator are Django's UserAttributeSimilarityValidator and
# CommonPasswordValidator, each also refusing what its original lets through: the unit's names, and Password123!.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "units.passwords.AccountNamesValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "units.passwords.CommonVariantsValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "units.passwords.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "units.passwords.PasswordHistoryValidator", "OPTIONS": {"count": 5}},
]
# A password older than this must be changed before anything else (0: never expires).
PASSWORD_EXPIRY_DAYS = int(os.environ.get("PASSWORD_EXPIRY_DAYS", "90"))
# Sessions end after 30 minutes without a request, and 8 hours after sign-in whatever happens.
SESSION_IDLE_SECONDS = 30 * 60
SESSION_ABSOLUTE_SECONDS = 8 * 60 * 60
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# ------------------------------------------------------------------------------
# Language and time: Chinese first, English selectable; Asia/Shanghai
# ------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# ------------------------------------------------------------------------------
# Static files: everything vendored under static/ (no CDN: users may have no internet)
# ------------------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"  # `manage.py collectstatic` (`make run` runs it) writes here
# Each file under a name with its content's hash (portal.3f2a9c1b.css), so browsers keep it until it changes, and a
# gzipped copy beside it. With DEBUG off, pages then need collectstatic's manifest (test.py does without).
STORAGES = {
    # Evidence, generated documents and pending imports: local disk (MEDIA_ROOT) unless S3_BUCKET is set, then an
    # S3-compatible object store every web node and worker shares (ipcity/storage.py; README › Running on PostgreSQL
    # and Redis). The bucket stays private: files reach users only through the portal's permission-checked views.
    "default": default_storage_from(os.environ),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Static files are for the portal's own pages: no Access-Control-Allow-Origin: * (WhiteNoise's default).
WHITENOISE_ALLOW_ALL_ORIGINS = False
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or VAR_DIR / "media")  # the local storage's folder
MEDIA_URL = (
    "media/"  # never served directly: evidence is downloaded through a view that checks who may see it
)
# Downloads from the object store: streamed through the portal (default), or, with S3_SIGNED_DOWNLOADS=1, after the
# same permission check a redirect to a signed URL valid for 60 seconds (the users' browsers must then reach
# S3_ENDPOINT_URL). Local disk is always streamed.
S3_SIGNED_DOWNLOADS = os.environ.get("S3_SIGNED_DOWNLOADS", "") == "1"
EVIDENCE_MAX_BYTES = 20 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000  # a unit's sheet posts a few fields per obligation

# ------------------------------------------------------------------------------
# Celery: REDIS_URL → real broker and worker; none → jobs run eagerly in-process
# ------------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True  # a job killed half-way is redelivered; jobs are written to be safe twice
# acks_late alone acknowledges, as failed, a job whose pool process is killed (out of memory, kill -9): it would be
# lost. Handed back to the broker instead, it runs again (tests/ops/worker_kill.py kills one to see it).
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# When the whole worker dies, its job stays unacknowledged in Redis and is handed out again once it has been so for
# the visibility timeout: kombu's default is an hour. Ten minutes: far above our longest job (a bulletin with its
# charts), so a job still running is never given to a second worker, and a crashed worker's job runs again when a
# worker next starts, or at a running worker's next sweep (every ~100 s) after that.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "600"))
}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# The browser kaleido draws the bulletin's charts with (Debian's chromium). Without it bulletins go out without
# charts and say so.
CHART_BROWSER = os.environ.get("CHART_BROWSER", "/usr/bin/chromium")

# The beat schedule: each entry with its cron meaning. Filled as jobs land.
CELERY_BEAT_SCHEDULE = {
    # 08:00 and 13:00 every day: open and close every active plan's alerts, then e-mail the new ones.
    "alerts-refresh": {
        "task": "reports.jobs.alerts_refresh_all",
        "schedule": crontab(hour="8,13", minute=0),
    },
    # 08:30 every day: the office's digest of overdue units, returns left 3 days and red indicators.
    "office-digest-daily": {
        "task": "reports.jobs.office_digest_all",
        "schedule": crontab(hour=8, minute=30),
    },
    # 02:00 every day: rebuild every rollup from the approved figures (catches anything a queued job missed).
    "rollup-nightly": {
        "task": "reports.jobs.rollup_all",
        "schedule": crontab(hour=2, minute=0),
    },
    # 07:15 every day: end the plans whose last quarter is due and whose items are all approved (tasks.lifecycle).
    "plans-end-due-daily": {
        "task": "reports.jobs.plans_end_due_all",
        "schedule": crontab(hour=7, minute=15),
    },
    # 07:30 every day: e-mail the office what each active plan still lacks (baselines, units to confirm).
    "plan-check-daily": {
        "task": "reports.jobs.plan_check_all",
        "schedule": crontab(hour=7, minute=30),
    },
    # 03:00 every day: every approved figure against its checksum (reports.figures.integrity); mismatches are audited.
    "figures-check-nightly": {
        "task": "reports.jobs.figures_check",
        "schedule": crontab(hour=3, minute=0),
    },
    # 03:15 every day: seal the audit log's last rows and verify its hash chain; a break is itself audited.
    "audit-chain-check-nightly": {
        "task": "reports.jobs.audit_chain_check_all",
        "schedule": crontab(hour=3, minute=15),
    },
    # 03:30 every day: delete the Excel uploads previewed more than a day ago and never confirmed.
    "pending-imports-clean-nightly": {
        "task": "reports.jobs.pending_imports_clean_all",
        "schedule": crontab(hour=3, minute=30),
    },
    # 03:45 every day: every active plan's approved figures against its validation rules (数据质量).
    "quality-check-nightly": {
        "task": "reports.jobs.quality_check_all",
        "schedule": crontab(hour=3, minute=45),
    },
    # Every 2 minutes: send the new alerts to the group robots and by SMS, and retry the sends that failed.
    "notifications-send": {
        "task": "reports.jobs.notifications_send_all",
        "schedule": crontab(minute="*/2"),
    },
}
# The key approved figures are signed with (reports.figures.integrity); empty: SECRET_KEY. Rotating it needs
# `manage.py sign_figures` afterwards to re-sign what is approved.
FIGURE_CHECKSUM_KEY = os.environ.get("FIGURE_CHECKSUM_KEY", "")

# ------------------------------------------------------------------------------
# Logging: to the console; the process manager keeps it
# ------------------------------------------------------------------------------
# LOG_FORMAT=text (the default, `make run`): each line as written. LOG_FORMAT=json (deploy/ipcity.env.example): one JSON
# object a line, for the log collector: time (UTC), level, logger, message, request_id (ipcity.requestid: the request
# being served, or the one that queued the job), and exc_info when there is one. Workers and beat log the same way
# (ipcity/celery.py reads LOG_FORMAT too).
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text").strip().lower()
if LOG_FORMAT not in ("text", "json"):
    raise ValueError(f"LOG_FORMAT must be text or json, not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "ipcity.requestid.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "{levelname}{name}{message}{request_id}",
            "style": "{",
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "time",
            "json_ensure_ascii": False,
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": LOG_FORMAT}
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
# AUDIT_SYSLOG_ADDRESS=host:port (UDP) or a socket path (/dev/log): the audit chain's seals (units.audit_chain) also go
# to syslog, off this machine, where whoever controls the database cannot rewrite them.
if os.environ.get("AUDIT_SYSLOG_ADDRESS"):
    _address = os.environ["AUDIT_SYSLOG_ADDRESS"]
    _host, _, _port = _address.rpartition(":")
    LOGGING["handlers"]["audit_syslog"] = {
        "class": "logging.handlers.SysLogHandler",
        "address": (_host, int(_port)) if _port.isdigit() else _address,
        "facility": "auth",
    }
    LOGGING["loggers"] = {
        "ipcity.audit": {"handlers": ["console", "audit_syslog"], "level": "INFO", "propagate": False}
    }


# The REST API (api/): REST_FRAMEWORK and SPECTACULAR_SETTINGS.
from .api import *  # noqa: E402, F403

# Notification channels: PORTAL_BASE_URL and NOTIFY_* (ipcity/settings/notifications.py).
from .notifications import *  # noqa: E402, F403

# ------------------------------------------------------------------------------
# Cache: the public page (公开, public.selectors) keeps its rendered page here. With REDIS_URL one cache shared by every
# web process (the key prefix keeps it apart from Celery's keys in the same database; never call cache.clear(), which
# empties that whole database); without, each process's memory.
# ------------------------------------------------------------------------------
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "ipcity",
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# ------------------------------------------------------------------------------
# Operations: health, metrics, one beat (README › Running on several machines)
# ------------------------------------------------------------------------------
# /readyz (ipcity.health) counts a Celery worker as there when one wrote its heartbeat (every 30 s) within this many
# seconds; 0: not asked (a load balancer that should keep a web node in service while the workers are down).
READYZ_WORKER_WITHIN_SECONDS = int(os.environ.get("READYZ_WORKER_WITHIN_SECONDS", "180"))
# Who may read /metrics (ipcity.metrics): addresses or networks, comma-separated; others get 403. Default: this
# machine only. Behind nginx also set TRUSTED_PROXY_COUNT, else every request arrives from nginx and is refused.
METRICS_ALLOWED_IPS = [
    a.strip() for a in os.environ.get("METRICS_ALLOWED_IPS", "127.0.0.1,::1").split(",") if a.strip()
]
# PostgreSQL's queries counted and timed for /metrics: django-prometheus's wrapper of the same backend. The embedded
# SQLite (one machine, `make run`) keeps Django's own: pytest-django knows SQLite by that engine's name.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["ENGINE"] = "django_prometheus.db.backends.postgresql"
# `celery beat` may run on every worker machine: one of them sends the schedule, the others wait to take over
# (ipcity.beat: a lock in the broker's Redis). Without REDIS_URL there is no beat to run (jobs run in-process).
CELERY_BEAT_SCHEDULER = "ipcity.beat:SingleBeatScheduler"
