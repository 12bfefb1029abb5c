"""The office's choice of what is published (公开设置): only the office makes it, through one service that refuses what
cannot be published, keeps each change in the publication's history and the audit log, and writes nothing when
nothing changed."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from public.models import Publication
from public.services import publication_update
from targets.models import Indicator, WorkPlan
from tasks.lifecycle import plan_open
from tasks.services import plan_import, plan_reporting_defaults
from tests.reports.factories import indicator, period
from tests.tasks.test_services import another_plan
from units.models import AuditEvent, User


def choose(user, plan, codes=("1.1", "1.2"), through="2023Q4", **changes) -> Publication:
    return publication_update(
        user=user,
        plan=plan,
        **{
            "published": True,
            "indicators": Indicator.objects.filter(plan=plan, code__in=codes),
            "through": period(plan, through) if through else None,
            "show_units": False,
            **changes,
        },
    )


def test_the_office_publishes_and_the_change_is_audited_and_kept(plan, office_user):
    publication = choose(office_user, plan)
    assert publication.published and publication.through == period(plan, "2023Q4")
    assert set(publication.indicators.values_list("code", flat=True)) == {"1.1", "1.2"}
    [event] = AuditEvent.objects.filter(action="publication_change")
    assert event.username == office_user.username and event.object_id == str(plan.pk)
    assert event.detail == "公开；公开指标：1.1、1.2；公开截至：2023年第四季度；各单位数据：不公开"

    choose(office_user, plan, codes=("1.1",), show_units=True)
    assert AuditEvent.objects.filter(action="publication_change").count() == 2
    assert publication.history.count() >= 2
    latest = Publication.objects.get(plan=plan).history.first()
    assert latest.show_units and latest.updated_by == office_user


def test_saving_the_same_choice_again_changes_nothing(plan, office_user):
    first = choose(office_user, plan)
    again = choose(office_user, plan)
    assert again.revision == first.revision  # the cached page stays
    assert AuditEvent.objects.filter(action="publication_change").count() == 1


@pytest.mark.parametrize("role", [User.Role.LEADER, User.Role.REPORTER, User.Role.SYSADMIN])
def test_only_the_office_chooses_what_is_published(plan, make_user, role):
    user = make_user(f"x-{role}", role, "jingyang" if role == User.Role.REPORTER else None)
    with pytest.raises(PermissionDenied):
        choose(user, plan)
    assert not Publication.objects.exists()


def test_what_cannot_be_published_is_refused_with_what_to_do(plan, office_user):
    other = plan_import(data=another_plan(), status=WorkPlan.Status.DRAFT)
    cases = [
        ({"indicators": []}, "请至少勾选一项要公开的指标"),
        ({"through": None}, "请选择公开截至哪个季度"),
        ({"indicators": Indicator.objects.filter(plan=other)[:1]}, "只能公开本方案的指标"),
        ({"through": other.periods.first()}, "公开截至的季度不是本方案的季度"),
    ]
    for changes, message in cases:
        with pytest.raises(ValidationError, match=message):
            publication_update(
                user=office_user,
                plan=plan,
                **{
                    "published": True,
                    "indicators": [indicator(plan, "1.1")],
                    "through": period(plan, "2023Q4"),
                    "show_units": False,
                    **changes,
                },
            )
    with pytest.raises(ValidationError, match="草稿方案不能公开"):
        publication_update(
            user=office_user, plan=other, published=True, indicators=[], through=None, show_units=False
        )
    assert not Publication.objects.exists()
    # Switched off, nothing needs choosing (the office may withdraw everything at once).
    assert not choose(office_user, plan, codes=(), through=None, published=False).published


def test_a_plan_edited_in_the_admin_renews_the_pages_cache(plan, office_user, client):
    from targets.signals import plan_edited

    before = choose(office_user, plan).revision
    plan_edited.send(sender=WorkPlan, plan=plan, due_dates_changed=False)
    assert Publication.objects.get(plan=plan).revision != before
    # Not a change of the publication: nothing more in the audit log.
    assert AuditEvent.objects.filter(action="publication_change").count() == 1


def test_the_office_page_saves_the_choice(client, plan, office_user):
    client.force_login(office_user)
    url = reverse("public:publication")
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="indicators"' in page.content.decode()
    one, two = indicator(plan, "1.1"), indicator(plan, "5.4")
    response = client.post(
        url,
        {
            "plan": plan.pk,
            "published": "on",
            "indicators": [one.pk, two.pk],
            "through": period(plan, "2024Q1").pk,
        },
    )
    assert response.status_code == 302
    publication = Publication.objects.get(plan=plan)
    assert set(publication.indicators.all()) == {one, two}
    assert publication.through == period(plan, "2024Q1") and not publication.show_units
    page = client.get(response.url).content.decode()
    assert "公开设置已保存" in page
    assert f'value="{one.pk}" checked' in page and f'value="{indicator(plan, "1.2").pk}" checked' not in page


def test_the_office_page_keeps_what_was_ticked_when_it_refuses(client, plan, office_user):
    client.force_login(office_user)
    one = indicator(plan, "1.1")
    response = client.post(
        reverse("public:publication"), {"plan": plan.pk, "published": "on", "indicators": [one.pk]}
    )
    page = response.content.decode()
    assert response.status_code == 200 and "请选择公开截至哪个季度" in page
    assert f'value="{one.pk}" checked' in page
    assert not Publication.objects.exists()


def test_the_office_page_is_the_offices(client, plan, make_user):
    for role in (User.Role.LEADER, User.Role.REPORTER):
        client.force_login(make_user(f"y-{role}", role, "jingyang" if role == User.Role.REPORTER else None))
        assert client.get(reverse("public:publication")).status_code == 403
        assert (
            client.post(reverse("public:publication"), {"plan": plan.pk, "published": "on"}).status_code
            == 403
        )
    assert not Publication.objects.exists()


def test_a_second_open_plan_has_its_own_publication(client, plan, office_user, settings):
    settings.PORTAL_TODAY = "2025-11-01"
    second = plan_import(data=another_plan(), status=WorkPlan.Status.DRAFT)
    plan_reporting_defaults(user=office_user, plan=second)
    plan_open(user=office_user, plan=second, acknowledged=True)
    second.refresh_from_db()
    choose(office_user, plan)
    publication_update(
        user=office_user,
        plan=second,
        published=True,
        indicators=second.indicators.all()[:2],
        through=second.periods.first(),
        show_units=False,
    )
    index = client.get(reverse("public:index")).content.decode()
    assert 'data-testid="public-plans"' in index  # both listed, each its own page
    assert second.title in index and plan.title in index
    assert client.get(reverse("public:plan", args=[plan.pk])).status_code == 200
    assert client.get(reverse("public:plan", args=[second.pk])).status_code == 200
