"""The API's documentation page in a real browser: signed in, Swagger UI draws every operation from the portal's own
files (no CDN: no request leaves the test server), under the portal's Content-Security-Policy, and Try it out reads
the plans with the signed-in session."""

from urllib.parse import urlsplit

from playwright.sync_api import expect

from .test_csp import REPORT_VIOLATIONS


def test_the_api_documentation_page_draws_its_operations_from_local_files(demo, live_server, page, login):
    violations, hosts = [], set()
    page.expose_function("reportCspViolation", lambda report: violations.append(report))
    page.add_init_script(REPORT_VIOLATIONS)
    page.on(
        "request", lambda request: hosts.add(urlsplit(request.url).hostname or urlsplit(request.url).scheme)
    )

    login("jingyang")
    page.goto(f"{live_server.url}/api/docs/")
    # the portal's heading; Swagger UI draws its own h1 (the API's title) once the schema has loaded
    expect(page.get_by_role("heading", level=1, name="接口文档（API）", exact=True)).to_be_visible()
    operations = page.locator(".opblock")
    expect(operations.first).to_be_visible()
    expect(page.get_by_text("指标数据列表")).to_be_visible()
    assert operations.count() >= 20  # 16 paths, 20 operations (GET, POST, PUT and the submissions)

    plans = page.locator(".opblock", has_text="工作方案列表").first
    plans.locator(".opblock-summary").click()
    plans.get_by_role("button", name="Try it out").click()
    plans.get_by_role("button", name="Execute").click()
    answer = plans.locator(".live-responses-table tr.response .response-col_status").first
    expect(answer).to_have_text("200")
    expect(plans.locator(".live-responses-table")).to_contain_text(
        "德阳市推进国家知识产权强市建设试点城市工作方案"
    )

    page.evaluate("0")  # lets the violations the page reported reach this thread
    assert violations == []
    assert hosts <= {urlsplit(live_server.url).hostname, "data", "blob"}, hosts
