"""The second factor in a real browser: the office binds an authenticator from the page's secret, then signs in
with a code, as it would with the app on its phone."""

import base64
import time

from django_otp.oath import TOTP
from playwright.sync_api import expect


def app_code(secret: str, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for the secret typed into it (`steps_ahead` × 30 s later)."""
    totp = TOTP(base64.b32decode(secret.replace(" ", "")), step=30, t0=0, digits=6)
    totp.time = time.time() + steps_ahead * 30
    return f"{totp.token():06d}"


def test_the_office_binds_an_authenticator_and_signs_in_with_its_code(
    demo, live_server, page, login, settings
):
    settings.DEMO_MODE = False  # the second factor is asked outside demo mode
    login("office")
    expect(page.get_by_role("heading", name="绑定验证器")).to_be_visible()
    expect(page.get_by_role("img", name="验证器二维码")).to_be_visible()
    secret = page.get_by_test_id("second-factor-secret").inner_text()
    page.get_by_label("验证码").fill("000000")
    page.get_by_role("button", name="确认绑定").click()
    expect(page.get_by_text("验证码不正确或已过期")).to_be_visible()
    page.wait_for_timeout(1100)  # the throttle's wait after one wrong code
    page.get_by_label("验证码").fill(app_code(secret))
    page.get_by_role("button", name="确认绑定").click()
    expect(page.get_by_text("验证器已绑定")).to_be_visible()
    expect(
        page.get_by_role("link", name="审核", exact=True)
    ).to_be_visible()  # the office's own navigation: signed in
    page.get_by_role("button", name="退出").click()

    login("office")
    expect(page.get_by_role("heading", name="输入验证码")).to_be_visible()
    expect(page.get_by_role("link", name="审核", exact=True)).to_have_count(0)  # nothing else before the code
    page.get_by_label("验证码").fill(app_code(secret, steps_ahead=1))  # a code not used yet
    page.get_by_role("button", name="验证").click()
    expect(page.get_by_role("link", name="审核", exact=True)).to_be_visible()
    assert page.url.rstrip("/") == live_server.url
