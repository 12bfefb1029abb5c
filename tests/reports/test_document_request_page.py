"""The 通报 page of the office carries what shows a request's progress at once (the script, each form's busy text,
the hidden progress line); a reader's page, without requests, carries none of it unless a document is being
written."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.usefixtures("after_the_plan")


def test_the_office_page_says_a_bulletin_is_being_generated_as_soon_as_it_is_asked_for(
    client, plan, office_user
):
    client.force_login(office_user)
    page = client.get(reverse("reports:document_list")).content.decode()
    assert "js/documents.js" in page
    assert 'data-busy="正在生成通报，约需10秒…"' in page
    assert 'data-testid="document-busy"' in page


def test_a_reader_page_has_no_request_and_no_script_when_nothing_is_being_written(client, plan, jingyang):
    client.force_login(jingyang)
    page = client.get(reverse("reports:document_list")).content.decode()
    assert "data-busy" not in page and "js/documents.js" not in page
