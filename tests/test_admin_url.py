"""管理后台 lives where ADMIN_URL says (pen test, issue 14 item 11), so production can move it off /admin/, where
every scanner looks first. Links reach it by name (reverse("admin:…"), {% url 'admin:…' %}), never by path."""

import importlib

import pytest
from django.conf import settings as django_settings
from django.urls import clear_url_caches, reverse

import ipcity.urls


@pytest.fixture
def admin_elsewhere(settings):
    """The root URLconf read again with ADMIN_URL = "backoffice-7f3k/", and again as it was afterwards."""
    before = django_settings.ADMIN_URL
    settings.ADMIN_URL = "backoffice-7f3k/"
    importlib.reload(ipcity.urls)
    clear_url_caches()
    yield "/backoffice-7f3k/"
    settings.ADMIN_URL = before
    importlib.reload(ipcity.urls)
    clear_url_caches()


def test_the_admin_is_at_admin_by_default():
    assert django_settings.ADMIN_URL == "admin/"
    assert reverse("admin:index") == "/admin/"


def test_the_admin_moves_with_the_setting(client, admin_elsewhere, make_user):
    sysadmin = make_user("x-sysadmin", "sysadmin")
    assert reverse("admin:index") == admin_elsewhere
    assert reverse("admin:units_user_changelist") == f"{admin_elsewhere}units/user/"
    client.force_login(sysadmin)
    assert client.get(admin_elsewhere).status_code == 200
    assert client.get("/admin/").status_code == 404
    page = client.get(reverse("units:account_list")).content.decode()
    assert f'href="{admin_elsewhere}units/user/"' in page  # the link in the portal follows it


@pytest.mark.parametrize("path", ["/admin", "admin", "", "back office/"])
def test_a_malformed_admin_path_is_refused_at_start(path, monkeypatch):
    from ipcity.settings.base import admin_url

    with pytest.raises(ValueError, match="ADMIN_URL"):
        admin_url(path)
