"""Production: every secret from the environment, demo mode off, HTTPS-only cookies and headers."""

import os

from .base import *  # noqa: F403

DEBUG = False
DEMO_MODE = False
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
ALLOWED_HOSTS = os.environ["DJANGO_ALLOWED_HOSTS"].split(",")

# A request is HTTPS when the proxy in front says so: nginx (deploy/nginx/ipcity.conf) sets X-Forwarded-Proto itself
# on every request, replacing whatever a client sent, and gunicorn listens on 127.0.0.1 only, so nobody else can.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = os.environ.get("DJANGO_SECURE_SSL_REDIRECT", "1") == "1"
# Probes may ask over plain HTTP (a load balancer's health check, curl on the node): answered, not redirected.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"
# The Content-Security-Policy (CONTENT_SECURITY_POLICY, frame-ancestors 'none') is base.py's, the same everywhere.
EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
