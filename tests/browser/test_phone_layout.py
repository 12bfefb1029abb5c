"""On a phone (375 × 812 CSS pixels) the header, the sheet and 我的任务 stay usable (issue 15, item 13): no label
broken mid-word, no task name squeezed to a character or two a line, nothing pushing the page sideways (a wide table
scrolls inside its own container)."""

from pathlib import Path

import pytest

pytestmark = pytest.mark.usefixtures("in_2024q1")

PHONE = {"width": 375, "height": 812}
SHOTS = Path("/tmp/shots")


@pytest.fixture
def phone(browser):
    context = browser.new_context(locale="zh-CN", viewport=PHONE, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def sign_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("Demo@2025")
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def shoot(page, name: str, *, full_page: bool = True) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=full_page)


def page_scroll_width(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth")


# How many lines an element's visible text takes: the boxes of its text, told apart by where their line ends.
LINE_COUNT = """el => {
  const bottoms = [];
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) if (r.width > 1) bottoms.push(r.bottom);
  }
  bottoms.sort((a, b) => a - b);
  const half = parseFloat(getComputedStyle(el).fontSize) / 2;
  return bottoms.filter((bottom, i) => i === 0 || bottom - bottoms[i - 1] > half).length;
}"""


def lines(page, selector: str) -> list[dict]:
    """Each element's text, how many lines it takes and how many it would need at eight characters a line. An
    element inside a container that scrolls sideways is left out: it keeps its width and the container scrolls."""
    return page.evaluate(
        f"""(selector) => [...document.querySelectorAll(selector)].filter(el => {{
             for (let box = el.parentElement; box; box = box.parentElement) {{
               if (getComputedStyle(box).overflowX === "auto" && box.scrollWidth > box.clientWidth) return false;
             }}
             return true;
           }}).map(el => {{
             const text = el.innerText.trim();
             return {{text, lines: ({LINE_COUNT})(el), allowed: Math.max(1, Math.ceil(text.length / 8))}};
           }})""",
        selector,
    )


def squeezed(page, selector: str) -> list[str]:
    found = lines(page, selector)
    assert found, f"nothing matches {selector}"
    return [f"{item['text']}: {item['lines']} lines" for item in found if item["lines"] > item["allowed"]]


def test_the_header_keeps_each_label_on_one_line(demo, live_server, phone):
    sign_in(phone, live_server, "jingyang")
    shoot(phone, "phone-header.png", full_page=False)
    bell = phone.get_by_test_id("alert-bell")
    height = bell.evaluate("el => el.getBoundingClientRect().height")
    line = bell.evaluate("el => parseFloat(getComputedStyle(el).lineHeight)")
    assert height < 1.5 * line, f"提醒 is {height}px high, one line is {line}px"
    items = phone.locator(".mainnav a, .tools a, .tools button, .brand")
    broken = [
        text
        for text, n in zip(
            items.all_inner_texts(), items.evaluate_all(f"els => els.map({LINE_COUNT})"), strict=True
        )
        if n > 1
    ]
    assert broken == []
    assert page_scroll_width(phone) <= PHONE["width"]


def test_my_tasks_shows_whole_task_names_on_a_phone(demo, live_server, phone):
    sign_in(phone, live_server, "jingyang")
    phone.get_by_role("link", name="我的任务").click()
    phone.get_by_test_id("unit-tasks").wait_for()
    shoot(phone, "phone-my-tasks.png")
    assert squeezed(phone, "[data-testid=unit-tasks] td a") == []
    assert squeezed(phone, "main table td:nth-child(2)") == []
    assert page_scroll_width(phone) <= PHONE["width"]


def test_the_sheet_shows_whole_names_on_a_phone(demo, live_server, phone):
    sign_in(phone, live_server, "jingyang")
    phone.goto(f"{live_server.url}/report/jingyang/2023Q4/")
    phone.locator("#sheet-form").wait_for()
    shoot(phone, "phone-sheet.png")
    assert squeezed(phone, ".sheet-row .row-head strong") == []
    assert page_scroll_width(phone) <= PHONE["width"]
    # The save buttons stay on screen while one scrolls; they must leave most of it to the form.
    bar = phone.locator(".sheet-actions").evaluate("el => el.getBoundingClientRect().height")
    assert bar <= 0.12 * PHONE["height"], f"the save bar takes {bar}px of {PHONE['height']}"
