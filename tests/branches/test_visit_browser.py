"""A leader records a liaison visit with a photo on a phone, and the branch's secretary confirms
it, in a real headless Chromium."""

from __future__ import annotations

import datetime

from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from branches.models import LiaisonVisit
from core.models import Attachment
from tests.conftest import BROWSER_TESTS, DEMO_PASSWORD, SCREENSHOTS

PHONE = {"width": 390, "height": 844}

pytestmark = BROWSER_TESTS


def _login(browser, server, username):
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{server.url}/")
    return context, page


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_leader_records_a_visit_with_a_photo_and_the_secretary_confirms_it(demo_server, browser, tmp_path):
    photo = tmp_path / "走访照片.jpg"
    Image.new("RGB", (1200, 900), (180, 40, 40)).save(photo, "JPEG")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    context, page = _login(browser, demo_server, "leader")
    page.locator("li", has_text="柳山村第一党支部").get_by_role("link", name="登记走访").click()
    expect(page.get_by_role("heading", name="登记联系点走访 · 柳山村第一党支部")).to_be_visible()
    page.locator("#id_kind").select_option("guidance")
    page.locator("#id_met").fill("支部书记张志强，党员代表3人")
    page.locator("#id_findings").fill("<b>承诺台账</b>填写不够规范")
    page.locator("#id_solved").fill("现场指导修改台账格式")
    page.locator("#id_follow_ups-0-text").fill("一周内整理好承诺践诺台账")
    due = timezone.localdate() + datetime.timedelta(days=7)
    page.locator("#id_follow_ups-0-deadline").fill(due.isoformat())
    page.locator("#id_files").set_input_files(str(photo))
    assert _fits(page)
    page.screenshot(path=str(SCREENSHOTS / "visit-form-phone.png"), full_page=True)
    page.get_by_role("button", name="登记走访").click()
    # Markup is refused with a message, the rest of what was typed stays.
    expect(page.get_by_text("不能包含 < 或 >")).to_be_visible()
    assert not LiaisonVisit.objects.filter(findings__contains="承诺台账").exists()
    expect(page.locator("#id_follow_ups-0-text")).to_have_value("一周内整理好承诺践诺台账")
    page.screenshot(path=str(SCREENSHOTS / "visit-form-refused-phone.png"), full_page=True)
    page.locator("#id_findings").fill("承诺台账填写不够规范")
    page.locator("#id_files").set_input_files(str(photo))
    page.get_by_role("button", name="登记走访").click()
    expect(page.get_by_text("走访已登记，已提请支部书记确认。")).to_be_visible()
    expect(page.locator("img.evidence-thumb")).to_be_visible()
    assert _fits(page)
    page.screenshot(path=str(SCREENSHOTS / "visit-detail-phone.png"), full_page=True)
    context.close()

    visit = LiaisonVisit.objects.filter(branch__code="LS0101").order_by("-pk").first()
    assert Attachment.objects.for_objects([visit]).get().mime_type == "image/jpeg"

    context, page = _login(browser, demo_server, "secretary")
    # The visit waits on the secretary's home as a to-do that opens it.
    page.get_by_role("link", name=f"确认{visit.leader}于{visit.visited_on}的联系点走访").click()
    expect(page.get_by_text("承诺台账填写不够规范")).to_be_visible()
    page.locator("#id_remark").fill("情况属实，台账已在整理")
    page.locator("#confirm-visit").click()
    expect(page.get_by_text("走访已确认。")).to_be_visible()
    expect(page.locator(".badge", has_text="已确认")).to_be_visible()
    assert _fits(page)
    page.screenshot(path=str(SCREENSHOTS / "visit-confirmed-phone.png"), full_page=True)
    context.close()

    visit.refresh_from_db()
    assert visit.confirmed_by.username == "secretary" and visit.remark == "情况属实，台账已在整理"
