"""The office's overview in a real headless Chromium: the charts draw from the portal's own
ECharts, with no console error and no content-security-policy violation, at desktop and phone
width; a number of a chart's table opens the records it counts."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import BROWSER_TESTS, DEMO_PASSWORD, SCREENSHOTS

pytestmark = BROWSER_TESTS


@pytest.mark.parametrize(
    ("device", "viewport"),
    [("desktop", {"width": 1280, "height": 900}), ("phone", {"width": 390, "height": 844})],
)
def test_office_overview_draws_its_charts(demo_server, browser, device, viewport):
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    errors = []
    page.on(
        "console",
        lambda message: (
            message.type == "error"
            and "favicon" not in message.location.get("url", "")
            and errors.append(message.text)
        ),
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.add_init_script(
        "window.__csp = []; document.addEventListener('securitypolicyviolation',"
        " (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    page.goto(f"{demo_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("office")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{demo_server.url}/")
    expect(page.get_by_role("heading", name="待办事项")).to_be_visible()
    expect(page.locator("#overview-title")).to_contain_text("柳山镇创先争优工作总览")
    for chart in ("completion", "statuses", "reports", "rectifications"):
        expect(page.locator(f"#chart-{chart} canvas")).to_have_count(1)
    page.wait_for_timeout(300)  # the last chart's first frame
    assert page.evaluate("window.__csp") == []
    assert errors == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"office-overview-{device}.png"), full_page=True)
    # The numbers behind a chart, and the records behind a number.
    card = page.locator(".card", has=page.locator("#chart-completion"))
    card.get_by_text("查看数据表").click()
    card.locator("table a").first.click()
    page.wait_for_url("**/commitments/?**")
    expect(page.get_by_role("heading", name="公开承诺")).to_be_visible()
    context.close()


def test_secretary_reads_its_to_dos_and_scorecard_on_a_phone(demo_server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{demo_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("secretary")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{demo_server.url}/")
    todos = page.locator("#todos")
    expect(todos.locator(".badge", has_text="逾期").first).to_be_visible()
    assert page.locator("#overview").count() == 0  # a secretary has its scorecard, not the township's
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "secretary-home-phone.png"), full_page=True)
    page.get_by_role("link", name="工作记分卡").click()
    expect(page.get_by_role("heading", name="柳山村第一党支部工作记分卡")).to_be_visible()
    expect(page.locator("#chart-median canvas")).to_have_count(1)
    expect(page.locator("#chart-trend canvas")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert errors == []
    page.screenshot(path=str(SCREENSHOTS / "secretary-scorecard-phone.png"), full_page=True)
    context.close()
