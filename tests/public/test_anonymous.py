"""Anonymous visitors open the public pages and the sign-in page, nothing else: every other URL pattern of the portal
(the API's and the admin's included) sends them to sign in or refuses them, by GET and by POST, and stores nothing."""

import uuid

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter, UUIDConverter
from django.urls.resolvers import RoutePattern

from public.services import publication_update
from reports.models import Submission
from targets.models import Indicator
from tests.reports.factories import period
from units.models import AuditEvent, User

# What an anonymous visitor may open, and why.
OPEN = {
    "public:index": "the public page (公开)",
    "public:plan": "a published plan's public page",
    "login": "the sign-in page",
    "set_language": "one's own language (kept in the session or a cookie)",
    "healthz": "the load balancer's liveness probe: reads nothing (ipcity.health)",
    "readyz": "the load balancer's readiness probe: which services answer, no data (ipcity.health)",
    "metrics": "Prometheus's, from METRICS_ALLOWED_IPS only (the test client's loopback): counts (ipcity.metrics)",
}
# Answers that keep the page closed: off to sign in, refused, or a method the page does not take.
CLOSED = {401, 403, 405}


def walk(resolvers=None, namespace=""):
    """(view name, URL) of every pattern outside the admin, its arguments filled with values of their type."""
    for entry in resolvers if resolvers is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue  # checked below: the admin keeps its own sign-in form
            yield from walk(entry.url_patterns, f"{entry.namespace}:" if entry.namespace else namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield namespace + entry.name, reverse(namespace + entry.name, kwargs=_arguments(entry))


def _arguments(entry: URLPattern) -> dict:
    if isinstance(entry.pattern, RoutePattern):
        values = {}
        for name, converter in entry.pattern.converters.items():
            if isinstance(converter, IntConverter):
                values[name] = 1
            elif isinstance(converter, UUIDConverter):
                values[name] = uuid.uuid4()
            else:
                values[name] = "x1"
        return values
    return {name: "json" if name == "format" else "1" for name in entry.pattern.regex.groupindex}


def _to_sign_in(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(f"{reverse('login')}?next=")


def test_anonymous_visitors_open_only_the_public_pages_and_the_sign_in_page(client, plan, make_user):
    office = make_user("office-anon", User.Role.OFFICE, "ldxzbgs")
    publication_update(
        user=office,
        plan=plan,
        published=True,
        indicators=Indicator.objects.filter(plan=plan, code="1.1"),
        through=period(plan, "2023Q4"),
        show_units=False,
    )
    before = (
        Submission.objects.count(),
        User.objects.count(),
        AuditEvent.objects.exclude(action="denied").count(),
    )
    opened, names = set(), set()
    for name, url in walk():
        url = url.replace("/1/", f"/{plan.pk}/") if name == "public:plan" else url
        names.add(name)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            if _to_sign_in(response) or response.status_code in CLOSED:
                continue
            opened.add(name)
            assert name in OPEN, f"anonymous {method.upper()} {url} ({name}) → {response.status_code}"
    assert {"public:index", "public:plan", "login"} <= opened
    assert {"reports:home", "reports:sheet", "reports:review", "public:publication", "public:help"} <= names
    assert client.get(reverse("public:index")).status_code == 200
    assert client.get(reverse("public:plan", args=[plan.pk])).status_code == 200
    admin = client.get(reverse("admin:index"))
    assert admin.status_code == 302 and admin["Location"].startswith(reverse("admin:login"))
    assert (
        Submission.objects.count(),
        User.objects.count(),
        AuditEvent.objects.exclude(action="denied").count(),
    ) == before


def test_an_unpublished_plan_is_not_found_by_anyone(client, plan):
    assert client.get(reverse("public:plan", args=[plan.pk])).status_code == 404
    page = client.get(reverse("public:index"))
    assert page.status_code == 200 and 'data-testid="public-empty"' in page.content.decode()
