"""The office scores a branch in a real headless Chromium, its self-check and the portal's
evidence beside each goal, on a desktop and on a phone."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import OrgUnit, User
from reviews.creation_services import assessment_start, creation_round_open, self_assessment_save
from reviews.models import CRITERIA, CreationAssessment, CreationBranch, CreationRound
from tests.conftest import BROWSER_TESTS, DEMO_PASSWORD, SCREENSHOTS
from tests.reviews.access_creation import dates_around, scores

pytestmark = BROWSER_TESTS


def _round_being_assessed() -> CreationRound:
    """A round of a year after the demo's, assessed now; 柳山村第二党支部 has checked itself."""
    township = OrgUnit.objects.get(code="LS")
    office = User.objects.get(username="office")
    year = max(CreationRound.objects.filter(township=township).values_list("year", flat=True)) + 1
    creation_round = creation_round_open(
        township=township, year=year, by=office, dates=dates_around(timezone.localdate())
    )
    entry = CreationBranch.objects.get(round=creation_round, unit__code="LS0102")
    self_assessment_save(entry=entry, scores=scores(8, note="三会一课记录齐全"), by=office)
    return assessment_start(round=creation_round, by=office)


@pytest.mark.parametrize(
    ("device", "viewport"),
    [("desktop", {"width": 1280, "height": 800}), ("phone", {"width": 390, "height": 844})],
)
def test_office_scores_a_branch_with_its_evidence_beside_it(demo_server, browser, device, viewport):
    creation_round = _round_being_assessed()
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{demo_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("office")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{demo_server.url}/")

    page.goto(f"{demo_server.url}/creation/{creation_round.pk}/")
    page.locator('tr[data-unit="LS0102"]').get_by_role("link", name="考核评分").click()
    expect(page.get_by_role("heading", name="统一考核 · 柳山村第二党支部")).to_be_visible()
    responsibility = page.locator('section[data-goal="responsibility"]')
    expect(responsibility.locator('[data-evidence="commitments"]')).to_contain_text("完成率")
    expect(responsibility.locator('[data-evidence="reports"]')).to_contain_text("√")
    expect(page.locator('section[data-goal="leadership"] .self-score').first).to_contain_text(
        "三会一课记录齐全"
    )
    for number, code in enumerate(CRITERIA):
        page.locator(f"#id_score_{code}").fill(str(7 + number % 3))
    page.locator("#id_note_role_bastion").fill("<b>整改</b>按期完成")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.locator("#save-scores").click()
    expect(page.get_by_text("评分未保存：请更正下面标出的项目。")).to_be_visible()
    expect(page.get_by_text("不能包含 < 或 >。")).to_be_visible()  # markup refused, and shown as text
    assert not CreationAssessment.objects.filter(entry__round=creation_round).exists()
    page.locator("#id_note_role_bastion").fill("整改按期完成")
    page.locator("#save-scores").click()
    expect(page.get_by_text("评分已保存。")).to_be_visible()
    expect(page.locator("#unified-total")).to_be_visible()
    expect(page.locator("#how-made")).to_contain_text("综合得分的计算")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"creation-assess-{device}.png"), full_page=True)
    page.get_by_label("拟命名为先进党支部（总支）").check()
    page.get_by_role("button", name="保存评价结论").click()
    expect(page.get_by_text("评价结论已保存。")).to_be_visible()

    page.goto(f"{demo_server.url}/creation/{creation_round.pk}/")
    row = page.locator('tr[data-unit="LS0102"]')
    expect(row).to_contain_text("拟命名为先进党支部（总支）")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(SCREENSHOTS / f"creation-round-{device}.png"), full_page=True)
    context.close()

    assessment = CreationAssessment.objects.get(entry__round=creation_round, entry__unit__code="LS0102")
    assert assessment.assessed_by.username == "office"
    assert assessment.scores["role_bastion"]["note"] == "整改按期完成"
