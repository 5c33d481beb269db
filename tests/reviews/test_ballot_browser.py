"""A phone casting a mass-evaluation ballot from a printed code, in a real headless Chromium."""

from __future__ import annotations

from playwright.sync_api import expect

from accounts.models import OrgUnit, User
from reviews.evaluation_services import ballot_codes_create
from reviews.models import BallotCode, Vote
from tests.conftest import BROWSER_TESTS, SCREENSHOTS
from tests.reviews.access_evaluations import make_campaign

pytestmark = BROWSER_TESTS


def test_a_phone_casts_a_ballot_from_its_code(demo_server, browser):
    personas = {"office": User.objects.get(username="office")}
    units = {code: OrgUnit.objects.get(code=code) for code in ("LS", "LS0101")}
    campaign = make_campaign(personas, units)
    [code] = ballot_codes_create(campaign=campaign, count=1)
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True, has_touch=True
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    # What the QR code on the printed sheet opens: no login asked for.
    page.goto(f"{demo_server.url}/vote/{campaign.public_token}/?code={code.code}")
    expect(page.get_by_label("评议码")).to_have_value(code.code)
    first = page.locator("fieldset").first
    first.get_by_label("满意", exact=True).check()
    first.get_by_label("意见建议").fill("希望多组织志愿服务")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "ballot-phone.png"), full_page=True)
    # Nothing wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name="提交评议票").click()
    expect(page.locator("#ballot-done")).to_contain_text("谢谢")
    assert Vote.objects.filter(subject__campaign=campaign, opinion="希望多组织志愿服务").count() == 1
    assert BallotCode.objects.get(pk=code.pk).used_on is not None

    # The same code again: refused, in Chinese.
    page.goto(f"{demo_server.url}/vote/{campaign.public_token}/?code={code.code}")
    page.locator("fieldset").first.get_by_label("不满意", exact=True).check()
    page.get_by_role("button", name="提交评议票").click()
    expect(page.locator("#ballot-errors")).to_contain_text("该评议码已经使用过")
    assert Vote.objects.filter(subject__campaign=campaign).count() == 1
    assert not [e for e in errors if "Content Security Policy" in e]
    context.close()
