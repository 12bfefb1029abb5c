"""The API's OpenAPI 3 schema is valid (drf-spectacular's validation, warnings counted as failures) and names every
endpoint; it is served to a program with a token; the documentation page is a page of the portal, whose scripts are
all this site's files (the Content-Security-Policy stays as strict as on every page)."""

import re

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from .test_api_scoping import KINDS

pytestmark = pytest.mark.usefixtures("in_2024q1")


def test_the_schema_is_valid_openapi_3_and_describes_every_endpoint(tmp_path, plan):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    schema = yaml.safe_load(out.read_text())
    assert schema["openapi"].startswith("3.")
    documented = {path: set(methods) for path, methods in schema["paths"].items()}
    assert documented["/api/v1/figures/"] >= {"get", "post"}
    assert documented["/api/v1/figures/{id}/"] >= {"get", "put"}
    assert documented["/api/v1/task-reports/{id}/submit/"] >= {"post"}
    assert set(documented) == {
        f"/api/v1/{path}"
        for path in (
            "plans/", "plans/{id}/", "quarters/", "areas/", "indicators/", "indicators/{id}/", "tasks/",
            "tasks/{id}/", "units/", "standings/", "figures/", "figures/{id}/", "figures/{id}/submit/",
            "task-reports/", "task-reports/{id}/", "task-reports/{id}/submit/",
        )
    }  # fmt: skip
    assert len(documented) == len(KINDS) - 2  # all but the schema and its documentation page
    assert schema["components"]["securitySchemes"]["tokenAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schema["components"]["securitySchemes"]["tokenAuth"]["description"],
    }
    assert "Authorization: Token" in schema["info"]["description"]


def test_a_program_reads_the_schema_with_its_token(jingyang, token_client):
    response = token_client(jingyang).get(reverse("api:schema"))
    assert response.status_code == 200 and b"openapi: 3.0.3" in response.content
    assert Client().get(reverse("api:schema")).status_code == 401


def test_the_documentation_page_runs_only_the_portals_own_script_files(client, jingyang):
    client.force_login(jingyang)
    response = client.get(reverse("api:docs"))
    assert response.status_code == 200
    policy = dict(
        (directive.split()[0], directive.split()[1:])
        for directive in response["Content-Security-Policy"].split(";")
        if directive.strip()
    )
    assert policy["script-src"] == ["'self'"]
    page = response.content.decode()
    scripts = re.findall(r"<script([^>]*)>", page)
    assert scripts and all('src="/' in attributes for attributes in scripts)  # nothing inline
    sources = re.findall(r'<script src="([^"]+)"', page)
    for source in sources:
        if source.startswith("/static/"):
            assert finders.find(source.removeprefix("/static/")), source  # the sidecar's file, served locally
    start = next(s for s in sources if not s.startswith("/static/"))
    script = client.get(start.replace("&amp;", "&"))
    assert script["Content-Type"].startswith("application/javascript")
    assert '"/api/schema/"' in script.content.decode()
