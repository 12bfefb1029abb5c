"""In demo mode every page says its accounts and figures are 演示数据; a real portal says nothing of the kind."""

from django.urls import reverse

from units.models import User

BANNER = "演示环境：本平台中的账号和数据均为演示数据"


def test_every_page_of_the_demo_says_it_holds_demo_data(client, plan, office_user, settings):
    settings.DEMO_MODE = True
    assert BANNER in client.get(reverse("login")).content.decode()
    client.force_login(office_user)
    assert BANNER in client.get(reverse("reports:indicator_table")).content.decode()


def test_a_real_portal_shows_no_demo_banner(client, plan, make_user, settings):
    settings.DEMO_MODE = False
    client.force_login(make_user("leader-b", User.Role.LEADER))  # a leader: no second factor to pass first
    response = client.get(reverse("reports:indicator_table"))
    assert response.status_code == 200 and "指标进展" in response.content.decode()
    assert BANNER not in response.content.decode()
