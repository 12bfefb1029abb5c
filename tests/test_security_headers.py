"""Production's security settings put HTTPS-only cookies, HSTS, frame denial and the Content-Security-Policy on
every page. The settings are read from ipcity/settings/production.py itself and applied to the test server."""

import runpy

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD

POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "form-action": ["'self'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
    "frame-ancestors": ["'none'"],
}

SECURITY_SETTINGS = (
    "SECURE_",
    "SESSION_COOKIE_",
    "CSRF_COOKIE_",
    "X_FRAME_OPTIONS",
    "CONTENT_SECURITY_POLICY",
    "MIDDLEWARE",
)


@pytest.fixture
def production(settings, monkeypatch):
    """The security settings production.py sets (HTTPS, HSTS, cookies, headers, CSP), in force for the test."""
    monkeypatch.setenv("DJANGO_SECRET_KEY", "p" * 64)
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", "testserver")
    monkeypatch.delenv("DJANGO_SECURE_SSL_REDIRECT", raising=False)
    values = runpy.run_module("ipcity.settings.production")
    for name, value in values.items():
        if name.startswith(SECURITY_SETTINGS):
            setattr(settings, name, value)
    return settings


def policy_of(response) -> dict[str, list[str]]:
    directives = [part.split() for part in response["Content-Security-Policy"].split(";") if part.strip()]
    return {name: sources for name, *sources in directives}


def test_a_production_page_carries_the_security_headers(production, client, plan):
    response = client.get(reverse("login"), secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert policy_of(response) == POLICY


def test_production_cookies_are_https_only_and_the_session_is_out_of_scripts_reach(
    production, client, guanghan_user
):
    client.get(reverse("login"), secure=True)
    credentials = {"username": guanghan_user.username, "password": PASSWORD}
    response = client.post(reverse("login"), credentials, secure=True)
    assert response.status_code == 302
    session, csrf = response.cookies["sessionid"], client.cookies["csrftoken"]
    assert session["secure"] and session["httponly"]
    assert csrf["secure"]


def test_production_sends_plain_http_to_https(production, client, plan):
    response = client.get(reverse("login"))
    assert response.status_code == 301 and response.url == "https://testserver/login/"


def test_every_environment_sends_the_same_policy(client, plan):
    response = client.get(reverse("login"))
    assert policy_of(response) == POLICY
    assert response["X-Frame-Options"] == "DENY"
