"""Two people on one unit's sheet: what each sends is what each changed on the page they loaded. A row one left alone
is never saved back over the other's newer figure; a row both changed is refused with the other's value; a row the
other submitted meanwhile quotes back what was typed; a submission is of what the submitter saw."""

from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from reports.models import Status, Submission
from reports.workflow.drafts import figure_save
from reports.workflow.services import item_submit
from tests.units.factories import UserFactory
from units.models import User

from .factories import indicator, period

pytestmark = pytest.mark.usefixtures("in_2024q1")


class SheetForm(HTMLParser):
    """The fields of the page's #sheet-form as a browser sends them: inputs, textareas, selected options."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, str] = {}
        self._in_form = False
        self._textarea = self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._in_form = attrs.get("id") == "sheet-form"
        if not self._in_form or "name" not in attrs and tag != "option":
            return
        if tag == "input" and attrs.get("type") not in ("checkbox", "submit", "file"):
            self.data[attrs["name"]] = attrs.get("value", "")
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self.data[self._textarea] = ""
        elif tag == "select":
            self._select = attrs["name"]
            self.data.setdefault(self._select, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data.removeprefix("\n") if not self.data[self._textarea] else data


def loaded(client, url) -> dict[str, str]:
    parser = SheetForm()
    parser.feed(client.get(url).content.decode())
    # What a browser sends for the textareas' line breaks.
    return {k: v.replace("\n", "\r\n") if "\n" in v else v for k, v in parser.data.items()}


@pytest.fixture
def two_colleagues(jingyang, jingyang_signed_in):
    """Two reporters of 旌阳区, the first signed in on `client`."""
    return jingyang, UserFactory(role=User.Role.REPORTER, unit_code="jingyang")


URL = reverse("reports:sheet", args=["jingyang", "2023Q4"])


def save(user, plan, code, value, version):
    return figure_save(
        user=user,
        unit=user.unit,
        period=period(plan, "2023Q4"),
        indicator=indicator(plan, code),
        data={"value": Decimal(value)},
        expected_version=version,
    )


def test_a_row_left_alone_is_not_saved_back_over_a_colleagues_newer_figure(client, plan, two_colleagues):
    first, second = two_colleagues
    save(first, plan, "1.1", "61", None)
    page = loaded(client, URL)
    save(second, plan, "1.1", "70", 1)  # meanwhile, on the colleague's screen
    mine = indicator(plan, "1.4").pk
    response = client.post(URL, {**page, f"f{mine}-value": "10000", "action": "save"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Submission.objects.get(indicator=indicator(plan, "1.1")).value == Decimal("70")
    assert Submission.objects.get(indicator__pk=mine).value == Decimal("10000")


def test_a_row_both_changed_is_refused_with_the_colleagues_value_and_keeps_what_was_typed(
    client, plan, two_colleagues
):
    first, second = two_colleagues
    save(first, plan, "1.1", "61", None)
    page = loaded(client, URL)
    save(second, plan, "1.1", "70", 1)
    ind = indicator(plan, "1.1").pk
    response = client.post(URL, {**page, f"f{ind}-value": "65", "action": "save"})
    body = response.content.decode()
    assert response.status_code == 200 and "当前内容：70" in body and 'value="65"' in body
    assert Submission.objects.get(indicator__pk=ind).value == Decimal("70")


def test_a_figure_a_colleague_submitted_meanwhile_quotes_back_what_was_typed(client, plan, two_colleagues):
    first, second = two_colleagues
    figure = save(first, plan, "1.1", "61", None)
    page = loaded(client, URL)
    item_submit(user=second, item=figure)
    ind = indicator(plan, "1.1").pk
    response = client.post(URL, {**page, f"f{ind}-value": "65", "action": "save"})
    body = response.content.decode()
    assert response.status_code == 200 and "有1项需要修改" in body
    assert "您的修改未保存" in body and "您填写的内容：季末数：65" in body
    figure.refresh_from_db()
    assert (figure.status, figure.value) == (Status.SUBMITTED, Decimal("61"))


def test_submitting_a_row_a_colleague_changed_since_the_page_loaded_is_refused(client, plan, two_colleagues):
    first, second = two_colleagues
    save(first, plan, "1.1", "61", None)
    page = loaded(client, URL)
    save(second, plan, "1.1", "70", 1)
    ind = indicator(plan, "1.1").pk
    response = client.post(URL, {**page, f"f{ind}-submit": "on", "action": "submit_selected"})
    body = response.content.decode()
    assert response.status_code == 200 and "当前内容：70" in body and "此项未提交" in body
    assert Submission.objects.get(indicator__pk=ind).status == Status.DRAFT


def test_a_note_of_several_lines_posted_again_unchanged_is_no_new_version(client, plan, two_colleagues):
    first, _ = two_colleagues
    ind = indicator(plan, "1.1").pk
    client.post(URL, {**loaded(client, URL), f"f{ind}-value": "61", f"f{ind}-note": "第一行\r\n第二行"})
    figure = Submission.objects.get(indicator__pk=ind)
    assert (figure.note, figure.version) == ("第一行\n第二行", 1)
    page = loaded(client, URL)
    assert page[f"f{ind}-note"] == "第一行\r\n第二行"
    client.post(URL, {**page, "action": "save"})
    client.post(URL, {f"f{ind}-value": "61", f"f{ind}-note": "第一行\r\n第二行", f"f{ind}-version": "1"})
    figure.refresh_from_db()
    assert figure.version == 1


def test_the_review_queue_counts_only_what_this_request_approved(client, plan, two_colleagues, make_user):
    first, _ = two_colleagues
    figures = [save(first, plan, code, "61", None) for code in ("1.1", "1.2")]
    for figure in figures:
        item_submit(user=first, item=figure)
    office, colleague = (
        make_user("office-a", User.Role.OFFICE, "ldxzbgs"),
        make_user("office-b", User.Role.OFFICE),
    )
    client.force_login(colleague)
    client.post(reverse("reports:review_act"), {"figure": [figures[0].pk], "action": "approve"})
    client.force_login(office)
    response = client.post(
        reverse("reports:review_act"),
        {"figure": [f.pk for f in figures], "action": "approve", "confirmed": "1"},
        follow=True,
    )
    assert "已审核通过1项。另有1项此前已审核通过。" in response.content.decode()
