"""A real headless Chromium (Debian's package, no download) on a phone and a desktop."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from branches.models import OrgUnit
from tests.conftest import DEMO_PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[1] / "test-results"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium package"),
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
        ],
    }


@pytest.fixture
def demo_server(transactional_db, live_server):
    call_command("seed_demo", force=True, stdout=io.StringIO())
    return live_server


@pytest.mark.parametrize(
    ("device", "viewport"),
    [("desktop", {"width": 1280, "height": 800}), ("phone", {"width": 390, "height": 844})],
)
def test_secretary_logs_in_and_sees_its_branch(demo_server, browser, device, viewport):
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{demo_server.url}/")
    assert "/accounts/login/" in page.url
    page.get_by_label("用户名").fill("secretary")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{demo_server.url}/")
    assert page.get_by_role("heading", name="您好，张志强").is_visible()
    page.get_by_role("link", name="柳山村第一党支部").first.click()
    assert page.get_by_role("heading", name="柳山村第一党支部").is_visible()
    assert page.get_by_text("直接责任人").is_visible()
    # Bootstrap came from the portal's own static files: the navbar is styled and,
    # on a phone, collapsed behind its toggler.
    toggler = page.locator(".navbar-toggler")
    assert toggler.is_visible() == (device == "phone")
    no_horizontal_scroll = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert no_horizontal_scroll
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"secretary-branch-{device}.png"), full_page=True)
    # Another branch's page answers 404, in the browser too.
    other = OrgUnit.objects.get(code="LS0201")
    response = page.goto(f"{demo_server.url}/units/{other.pk}/")
    assert response.status == 404
    context.close()
