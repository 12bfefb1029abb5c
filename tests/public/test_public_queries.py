"""The public page drawn afresh (the first visitor after a change) reads in a fixed number of queries, whatever the
number of published indicators: a province publishes 400 of them. Test data: tests/public/conftest.py (figures)."""

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from targets.models import Indicator

from .test_public_page import publish

# The publications and the rollup stamp (the cache key); the areas, sections, tasks and both kinds of responsibilities
# (the plan's text); the indicators, their milestones, the quarters, each one's latest quarter with data, the stored
# standings (the rows); the units' figures (published here).
FRESH_QUERIES = 13


def fresh_page_queries(client, plan) -> int:
    cache.clear()  # drawn afresh, as after an approval
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("public:plan", args=[plan.pk]))
    assert response.status_code == 200
    return len(queries)


def test_a_fresh_page_costs_the_same_queries_for_two_indicators_as_for_all(
    client, plan, office_user, figures
):
    codes = list(Indicator.objects.filter(plan=plan).values_list("code", flat=True))
    assert len(codes) > 10  # the plan's own indicators and the test's: enough to show growth
    publish(office_user, plan, ["P1", "P2"], "2024Q2", show_units=True)
    few = fresh_page_queries(client, plan)
    publish(office_user, plan, codes, "2024Q2", show_units=True)
    every = fresh_page_queries(client, plan)
    assert (few, every) == (FRESH_QUERIES, FRESH_QUERIES)
