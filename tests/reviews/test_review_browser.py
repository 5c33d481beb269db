"""A leader fills and signs a review sheet in a real headless Chromium, on a phone and a desktop."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import OrgUnit, User
from inspections.models import Rectification
from reviews.models import Review, ReviewRound, ReviewStatus
from reviews.services import round_open
from tests.conftest import BROWSER_TESTS, DEMO_PASSWORD, SCREENSHOTS
from tests.reviews.access_reviews import next_period

pytestmark = BROWSER_TESTS


@pytest.mark.parametrize(
    ("device", "viewport"),
    [("desktop", {"width": 1280, "height": 800}), ("phone", {"width": 390, "height": 844})],
)
def test_leader_fills_and_signs_a_branch_sheet(demo_server, browser, device, viewport):
    township = OrgUnit.objects.get(code="LS")
    period = next_period()  # the demo's round of this half-year has its sheet of LS0101 signed already
    review_round = ReviewRound.objects.filter(township=township, period=period.code).first() or round_open(
        actor=User.objects.get(username="office"), township=township, period=period.code, ends_on=period.end
    )
    Review.objects.filter(round=review_round, kind="branch", unit__code="LS0101").delete()
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{demo_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("leader")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{demo_server.url}/")

    page.goto(f"{demo_server.url}/reviews/{review_round.pk}/")
    row = page.locator('tr[data-unit="LS0101"]')
    row.get_by_role("link", name="填写").first.click()
    expect(page.get_by_role("heading", name="点评登记表 · 柳山村第一党支部")).to_be_visible()
    today = timezone.localdate()
    page.locator("#id_reviewed_on").fill(today.isoformat())
    page.locator("#id_method").select_option("on_site")
    page.locator("#id_aspect_1").fill("围绕中心工作开展活动")
    page.locator("#id_aspect_2").fill("承诺事项按期兑现")
    page.locator("#id_achievements").fill("活动扎实，成效明显")
    page.locator("#id_problems").fill("<b>台账</b>不够规范")
    page.locator("#id_direction").fill("进一步规范台账")
    page.locator("#id_demands-0-problem").fill("台账不规范")
    page.locator("#id_demands-0-demand").fill("一个月内规范台账")
    page.locator("#id_demands-0-deadline").fill((today + datetime.timedelta(days=30)).isoformat())
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"leader-review-form-{device}.png"), full_page=True)
    page.locator("#save-and-sign").click()
    expect(page.get_by_text("点评表已签署")).to_be_visible()
    expect(page.get_by_text("<b>台账</b>不够规范")).to_be_visible()  # markup shown as text
    page.screenshot(path=str(SCREENSHOTS / f"leader-review-{device}.png"), full_page=True)
    # The round's coverage now shows the branch's sheet as signed.
    page.goto(f"{demo_server.url}/reviews/{review_round.pk}/")
    expect(page.locator('tr[data-unit="LS0101"]').get_by_text("已签发").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(SCREENSHOTS / f"review-round-{device}.png"), full_page=True)
    context.close()

    review = Review.objects.get(round=review_round, kind="branch", unit__code="LS0101")
    assert review.status == ReviewStatus.SIGNED
    demand = review.demands.get()
    assert Rectification.objects.filter(pk=demand.rectification_id, source="reviews.review").exists()
