"""Setting up where alerts go: the office's channels in 管理后台 (webhook and 钉钉 secret stored encrypted, only http(s)
addresses), the failed sends the system administrator reads there, and each user's own choice of e-mail and SMS."""

import pytest
from cryptography.fernet import Fernet
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from reports.alerts.channels import preference_for, preference_save, seal, unseal
from reports.alerts.delivery import notifications_send
from reports.alerts.mail import alerts_send_email
from reports.models import Alert, NotificationChannel, NotificationDelivery
from units.models import Unit, User

from .test_notifications import MESSAGE, FakeRobot, channel, open_alert

WEBHOOK = "https://oapi.dingtalk.com/robot/send?access_token=abcdef0123456789secretpart9f3e"
SECRET = "SEC3f9a0c1b2d4e6f8a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3"


@pytest.fixture
def robot():
    server = FakeRobot()
    yield server
    server.close()


def test_the_webhook_and_the_secret_are_stored_encrypted(plan):
    made = channel(NotificationChannel.Kind.DINGTALK, WEBHOOK, secret=SECRET)
    stored = NotificationChannel.objects.filter(pk=made.pk).values("webhook_token", "secret_token").get()
    assert "access_token" not in stored["webhook_token"] and "abcdef0123" not in stored["webhook_token"]
    assert SECRET not in stored["secret_token"]
    assert unseal(stored["webhook_token"]) == WEBHOOK and unseal(stored["secret_token"]) == SECRET


def test_a_webhook_sealed_under_another_key_says_to_type_it_again(settings):
    token = seal(WEBHOOK)
    settings.NOTIFY_ENCRYPTION_KEY = Fernet.generate_key().decode()  # not the one derived from SECRET_KEY
    with pytest.raises(ValueError, match="请重新填写"):
        unseal(token)


def test_a_new_key_put_first_still_opens_what_the_old_one_sealed(settings):
    old = Fernet.generate_key().decode()
    settings.NOTIFY_ENCRYPTION_KEY = old
    token = seal(WEBHOOK)
    settings.NOTIFY_ENCRYPTION_KEY = f"{Fernet.generate_key().decode()},{old}"
    assert unseal(token) == WEBHOOK


@pytest.mark.parametrize(
    "address", ["file:///etc/passwd", "ftp://example.cn/robot", "oapi.dingtalk.com/robot"]
)
def test_only_an_http_address_is_accepted_as_a_webhook(plan, address):
    with pytest.raises(ValidationError) as refused:
        channel(NotificationChannel.Kind.WECOM, address)
    assert "https://" in str(refused.value.message_dict["webhook"])
    assert not NotificationChannel.objects.exists()


def test_a_robot_needs_a_webhook_and_an_sms_list_valid_numbers(plan):
    with pytest.raises(ValidationError) as refused:
        channel(NotificationChannel.Kind.WECOM)
    assert "webhook" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        channel(NotificationChannel.Kind.SMS, phone_numbers="13800000001\n1380000")
    assert "1380000" in str(refused.value.message_dict["phone_numbers"])


def channel_form(**fields) -> dict:
    return {
        "name": "旌阳区工作群（测试数据）",
        "kind": NotificationChannel.Kind.DINGTALK,
        "unit": Unit.objects.get(code="jingyang").pk,
        "alert_kinds": [Alert.Kind.OVERDUE, Alert.Kind.ESCALATED],
        "active": "on",
        "webhook": WEBHOOK,
        "secret": SECRET,
        "phone_numbers": "",
    } | fields


def test_the_office_sets_up_a_robot_in_the_admin_and_never_sees_its_secret_again(client, plan, office_user):
    client.force_login(office_user)
    response = client.post(reverse("admin:reports_notificationchannel_add"), channel_form())
    assert response.status_code == 302, response.content.decode()[:2000]
    made = NotificationChannel.objects.get()
    assert made.alert_kinds == [Alert.Kind.OVERDUE, Alert.Kind.ESCALATED]
    assert unseal(made.webhook_token) == WEBHOOK and unseal(made.secret_token) == SECRET

    change = reverse("admin:reports_notificationchannel_change", args=[made.pk])
    page = client.get(change).content.decode()
    assert "abcdef0123456789" not in page and SECRET not in page
    assert "https://oapi.dingtalk.com/…9f3e" in page  # the hint: host and the key's last 4 characters
    listing = client.get(reverse("admin:reports_notificationchannel_changelist")).content.decode()
    assert "abcdef0123456789" not in listing and "https://oapi.dingtalk.com/…9f3e" in listing

    # Changed without typing them again: both kept.
    response = client.post(change, channel_form(webhook="", secret="", name="旌阳区工作群（改名，测试数据）"))
    assert response.status_code == 302
    made.refresh_from_db()
    assert unseal(made.webhook_token) == WEBHOOK and unseal(made.secret_token) == SECRET


def test_the_admin_refuses_a_webhook_that_is_not_http_and_keeps_what_was_typed(client, plan, office_user):
    client.force_login(office_user)
    response = client.post(
        reverse("admin:reports_notificationchannel_add"), channel_form(webhook="javascript:alert(1)")
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Webhook地址须以 https:// 或 http:// 开头" in page
    assert "旌阳区工作群（测试数据）" in page
    assert not NotificationChannel.objects.exists()


def test_a_webhook_to_a_host_not_allowed_is_refused_when_typed_and_when_sending(
    client, plan, office_user, settings, robot
):
    """The office types webhooks, the server posts to them: only the robots' hosts (NOTIFY_WEBHOOK_HOSTS), so a
    channel cannot make the portal post to a machine inside the government network."""
    client.force_login(office_user)
    response = client.post(
        reverse("admin:reports_notificationchannel_add"),
        channel_form(webhook="http://10.0.0.8:8080/internal/api?access_token=x"),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Webhook地址只能是群机器人的地址" in page and "qyapi.weixin.qq.com" in page
    assert "旌阳区工作群（测试数据）" in page
    assert not NotificationChannel.objects.exists()

    # A channel saved while the host was allowed is not sent to once the setting no longer allows it.
    made = channel(webhook=robot.url)
    settings.NOTIFY_WEBHOOK_HOSTS = ["qyapi.weixin.qq.com"]
    open_alert(plan)
    notifications_send()
    assert robot.received == []
    delivery = NotificationDelivery.objects.get(channel=made)
    assert "不在允许的群机器人地址中" in delivery.last_error


def test_only_the_office_sets_up_channels(client, plan, jingyang, make_user):
    add = reverse("admin:reports_notificationchannel_add")
    for user in (jingyang, make_user("x-sysadmin", User.Role.SYSADMIN)):
        client.force_login(user)
        assert client.get(add).status_code in (302, 403)
        client.post(add, channel_form())
    assert not NotificationChannel.objects.exists()


def test_the_system_administrator_reads_the_failed_sends_and_changes_nothing(
    client, plan, robot, settings, make_user
):
    settings.NOTIFY_MAX_ATTEMPTS = 1
    channel(NotificationChannel.Kind.WECOM, robot.url)
    open_alert(plan)
    robot.fail_next(1)
    assert notifications_send()["failed"] == 1
    failed = NotificationDelivery.objects.get()

    client.force_login(make_user("x-sysadmin", User.Role.SYSADMIN))
    listing = client.get(reverse("admin:reports_notificationdelivery_changelist") + "?state__exact=failed")
    assert listing.status_code == 200
    page = listing.content.decode()
    assert "发送失败" in page and "群机器人返回HTTP 500" in page and "旌阳区人民政府" in page
    change = reverse("admin:reports_notificationdelivery_change", args=[failed.pk])
    assert client.get(change).status_code == 200
    assert client.post(change, {"state": "sent"}).status_code == 403
    assert (
        client.post(reverse("admin:reports_notificationdelivery_delete", args=[failed.pk])).status_code == 403
    )
    failed.refresh_from_db()
    assert failed.state == NotificationDelivery.State.FAILED


def test_the_office_is_told_on_its_alerts_page_how_many_sends_failed(client, plan, office_user):
    alert = open_alert(plan)
    sent_to = channel(NotificationChannel.Kind.SMS, phone_numbers="13800000001")
    NotificationDelivery.objects.create(
        alert=alert, channel=sent_to, opened_at=alert.opened_at, state=NotificationDelivery.State.FAILED
    )
    client.force_login(office_user)
    page = client.get(reverse("reports:alert_list")).content.decode()
    assert "1 条通知发送失败" in page


def test_a_user_chooses_email_and_sms_per_kind_on_their_page(client, plan, jingyang):
    client.force_login(jingyang)
    page = reverse("reports:alert_preferences")
    assert client.get(page).status_code == 200
    response = client.post(
        page,
        {"email_kinds": [Alert.Kind.OVERDUE], "sms_kinds": [Alert.Kind.ESCALATED], "mobile": "13900000003"},
    )
    assert response.status_code == 302
    saved = preference_for(user=jingyang)
    assert (saved.email_kinds, saved.sms_kinds, saved.mobile) == (
        [Alert.Kind.OVERDUE],
        [Alert.Kind.ESCALATED],
        "13900000003",
    )
    assert saved.sms_from is not None


def test_sms_without_a_valid_number_is_refused_and_the_choices_stay_on_the_page(client, plan, jingyang):
    client.force_login(jingyang)
    response = client.post(
        reverse("reports:alert_preferences"), {"sms_kinds": [Alert.Kind.OVERDUE], "mobile": "1390000"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "手机号码应为11位数字" in page and 'value="1390000"' in page
    assert 'name="sms_kinds" value="overdue" id="id_sms_kinds_2" checked' in page
    assert preference_for(user=jingyang).pk is None


def test_a_user_who_turned_email_off_for_a_kind_is_not_emailed_it(plan, jingyang, make_user):
    colleague = make_user("jy-colleague", User.Role.REPORTER, "jingyang")
    for user, address in ((jingyang, "jy@example.cn"), (colleague, "jy2@example.cn")):
        user.email = address
        user.save(update_fields=["email"])
    preference_save(user=jingyang, email_kinds=[Alert.Kind.REMINDER_3], sms_kinds=[], mobile="")
    open_alert(plan)  # overdue
    assert alerts_send_email(plan=plan) == 1
    (message,) = mail.outbox
    assert message.to == ["jy2@example.cn"] and MESSAGE in message.body
    preference_save(user=colleague, email_kinds=[], sms_kinds=[], mobile="")
    open_alert(plan, kind=Alert.Kind.OVERDUE, quarter="2024Q3")
    assert alerts_send_email(plan=plan) == 0 and len(mail.outbox) == 1


def test_a_user_who_made_no_choice_is_emailed_every_kind_and_texted_none(plan, jingyang):
    default = preference_for(user=jingyang)
    assert default.email_kinds == list(Alert.Kind.values) and default.sms_kinds == []
    assert default.pk is None  # not stored until the user saves a choice


def test_a_channel_is_for_one_unit_one_group_or_the_office_not_two(client, plan, office_user):
    client.force_login(office_user)
    response = client.post(reverse("admin:reports_notificationchannel_add"), channel_form(for_office="on"))
    assert response.status_code == 200
    assert "请在“单位”“单位组”“领导小组办公室”中选择且只选择一项" in response.content.decode()
    assert not NotificationChannel.objects.exists()
