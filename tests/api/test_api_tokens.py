"""接口令牌: made and revoked by their user on a page of the portal, shown once, kept only as a hash; a revoked or
expired token, or one of an inactive account, is refused and the attempt audited."""

import datetime
import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from api.models import ApiToken
from api.services import api_token_create
from units.models import AuditEvent, User

pytestmark = pytest.mark.usefixtures("in_2024q1")


def create_on_the_page(client: Client, name: str = "测试数据：督查督办系统") -> str:
    response = client.post(reverse("api:tokens"), {"action": "create", "name": name})
    assert response.status_code == 200
    return response.context["created"]["key"]


def test_a_token_is_shown_once_and_only_its_hash_is_kept(client, jingyang):
    client.force_login(jingyang)
    response = client.post(reverse("api:tokens"), {"action": "create", "name": "测试数据：督查督办系统"})
    key = response.context["created"]["key"]
    assert key in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get()
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert token.prefix == key[:8] and key not in str(ApiToken.objects.values().get())
    again = client.get(reverse("api:tokens")).content.decode()
    assert key not in again and f"{key[:8]}…" in again
    [event] = AuditEvent.objects.filter(action="api_token_create")
    assert (event.username, event.detail) == (
        jingyang.username,
        f"创建接口令牌“测试数据：督查督办系统”（{key[:8]}…）",
    )


@pytest.mark.parametrize("keyword", ["Token", "Bearer"])
def test_a_program_reads_with_the_token_as_its_user(client, world, jingyang, keyword):
    client.force_login(jingyang)
    key = create_on_the_page(client)
    program = Client(HTTP_AUTHORIZATION=f"{keyword} {key}")
    answer = program.get(reverse("api:figure_list"))
    assert answer.status_code == 200 and [row["id"] for row in answer.json()["results"]] == [world.figure.pk]
    assert ApiToken.objects.get().last_used_at is not None
    assert "sessionid" not in answer.cookies  # a program's request opens no session


def test_a_revoked_token_is_refused_and_the_attempt_audited(client, jingyang):
    client.force_login(jingyang)
    key = create_on_the_page(client)
    token = ApiToken.objects.get()
    revoked = client.post(reverse("api:tokens"), {"action": "revoke", "token": token.pk}, follow=True)
    assert "已撤销“测试数据：督查督办系统”" in revoked.content.decode()
    assert AuditEvent.objects.filter(action="api_token_revoke", username=jingyang.username).count() == 1
    answer = Client(HTTP_AUTHORIZATION=f"Token {key}").get(reverse("api:plan_list"))
    assert answer.status_code == 401 and answer.json() == {"detail": "接口令牌无效、已撤销或已过期"}
    failed = AuditEvent.objects.get(action="login_failed")
    assert (failed.username, failed.result, failed.detail) == (
        jingyang.username,
        AuditEvent.Result.FAILURE,
        f"接口令牌已撤销（{key[:8]}…）",
    )


def test_an_expired_token_and_an_inactive_accounts_token_are_refused(jingyang, make_user):
    _token, expired = api_token_create(user=jingyang, name="测试数据")
    ApiToken.objects.update(expires_at=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC))
    leaver = make_user("jingyang-left", User.Role.REPORTER, "jingyang")
    _token, inactive = api_token_create(user=leaver, name="测试数据")
    User.objects.filter(pk=leaver.pk).update(is_active=False)
    for key in (expired, inactive, "", "not-a-token"):
        assert Client(HTTP_AUTHORIZATION=f"Token {key}").get(reverse("api:plan_list")).status_code == 401
    details = set(AuditEvent.objects.filter(action="login_failed").values_list("detail", flat=True))
    assert {
        f"接口令牌已过期（{expired[:8]}…）",
        f"账号已停用（{inactive[:8]}…）",
        "接口令牌无效（not-a-to…）",
    } <= details


def test_nobody_revokes_anothers_token(client, jingyang, guanghan_user):
    token, key = api_token_create(user=jingyang, name="测试数据")
    client.force_login(guanghan_user)
    assert client.post(reverse("api:tokens"), {"action": "revoke", "token": token.pk}).status_code == 404
    assert Client(HTTP_AUTHORIZATION=f"Token {key}").get(reverse("api:plan_list")).status_code == 200


def test_a_token_needs_its_use_written(client, jingyang):
    client.force_login(jingyang)
    response = client.post(reverse("api:tokens"), {"action": "create", "name": "  "})
    assert "请写明令牌的用途，如：督查督办系统" in response.content.decode()
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("role", [User.Role.SYSADMIN, User.Role.AUDITOR])
def test_the_system_administrator_and_the_auditor_have_no_tokens(client, make_user, role):
    user = make_user(f"x-{role}", role)
    with pytest.raises(PermissionDenied):
        api_token_create(user=user, name="测试数据")
    client.force_login(user)
    assert client.get(reverse("api:tokens")).status_code == 403
    page = client.get(reverse("units:password_change")).content.decode()
    assert reverse("api:tokens") not in page


def test_the_password_page_leads_to_the_tokens(client, jingyang):
    client.force_login(jingyang)
    page = client.get(reverse("units:password_change")).content.decode()
    assert f'href="{reverse("api:tokens")}"' in page


def test_ten_tokens_in_use_are_the_most_a_user_holds(jingyang):
    for n in range(10):
        api_token_create(user=jingyang, name=f"测试数据{n}")
    with pytest.raises(ValidationError, match="您已有10个有效的接口令牌，请先撤销不再使用的令牌"):
        api_token_create(user=jingyang, name="测试数据：第十一个")
    assert ApiToken.objects.filter(user=jingyang).count() == 10
