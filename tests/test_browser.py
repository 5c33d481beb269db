"""A real headless Chromium (Debian's package, no download) on a phone and a desktop."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.template.defaultfilters import date as date_filter
from django.utils import translation
from playwright.sync_api import expect

from accounts.models import OrgUnit
from commitments.models import Commitment
from tests.conftest import BROWSER_TESTS, DEMO_PASSWORD, SCREENSHOTS

pytestmark = BROWSER_TESTS


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
    expect(page.get_by_role("heading", name="您好，张志强")).to_be_visible()
    page.get_by_role("link", name="柳山村第一党支部").first.click()
    expect(page.get_by_role("heading", name="柳山村第一党支部")).to_be_visible()
    expect(page.get_by_text("直接责任人")).to_be_visible()
    # Bootstrap came from the portal's own static files: the navbar is styled and,
    # on a phone, collapsed behind its toggler.
    toggler = page.locator(".navbar-toggler")
    assert toggler.is_visible() == (device == "phone")
    no_horizontal_scroll = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert no_horizontal_scroll
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"secretary-branch-{device}.png"), full_page=True)
    # Another branch's page answers 404, in the browser too.
    other = OrgUnit.objects.get(code="LS0201")
    response = page.goto(f"{demo_server.url}/units/{other.pk}/")
    assert response.status == 404
    context.close()


def test_office_imports_a_roster_and_reads_the_errors(demo_server, browser, tmp_path):
    from tests.core.xlsx_files import xlsx

    roster = tmp_path / "党员名册.xlsx"
    roster.write_bytes(
        xlsx(
            [
                ["林小红", "女", "LS0101", "党员", "13900000001", "2020-07-01"],
                ["王四", "男", "XX99", "党员", "", "2020/13/01"],
            ]
        )
    )
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{demo_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("office")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name="党员").first.wait_for()
    page.goto(f"{demo_server.url}/imports/members/")
    page.get_by_label("Excel 文件（.xlsx）").set_input_files(str(roster))
    page.get_by_role("button", name="上传并检查").click()
    errors = page.locator("table.table-bordered tbody tr")
    expect(errors).to_have_count(2)
    assert "本组织内没有编码为“XX99”的组织。" in errors.nth(0).inner_text() + errors.nth(1).inner_text()
    expect(page.get_by_text("未保存任何数据")).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "office-import-errors.png"), full_page=True)
    context.close()


def test_secretary_files_fulfils_and_publishes_a_commitment(demo_server, browser, tmp_path):
    from django.utils import timezone

    from tests.commitments.conftest import jpeg_bytes

    today = timezone.localdate()
    photo = tmp_path / "便民桥.jpg"
    photo.write_bytes(jpeg_bytes())
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{demo_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("secretary")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(f"{demo_server.url}/commitments/new/")
    # The owner is the first question, and a long list: searched by typing part of a name.
    owner = page.get_by_role("combobox", name="承诺单位/承诺人")
    owner.fill("第一党支部")
    page.locator(".ts-dropdown .option", has_text="柳山村第一党支部").first.click()
    responsible = page.get_by_role("combobox", name="责任人")
    responsible.press_sequentially("周玉")
    matches = page.locator("#id_responsible-ts-dropdown .option")
    expect(matches).to_have_count(1)
    matches.first.click()
    page.get_by_label("承诺类别").select_option(label="实事承诺")
    page.get_by_label("承诺事项").fill("浏览器测试：修建村口便民桥")
    page.get_by_label("完成时限").fill(today.isoformat())
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("未开始").first).to_be_visible()
    assert Commitment.objects.get(content="浏览器测试：修建村口便民桥").responsible.name == "周玉兰"

    page.get_by_label("践诺情况").fill("桥墩浇筑完成")
    page.get_by_label("完成进度（%）").fill("60")
    page.get_by_label("佐证材料（照片、PDF、Office 文档）").set_input_files(str(photo))
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("进行中").first).to_be_visible()
    expect(page.locator("img.evidence-thumb")).to_have_count(1)
    # The photo is served through the scoped download view and decodes in the browser.
    # (wait_for_function would evaluate a string, which the portal's CSP rightly forbids)
    for _ in range(50):
        if page.evaluate("() => document.querySelector('img.evidence-thumb').naturalWidth") > 0:
            break
        page.wait_for_timeout(100)
    assert page.evaluate("() => document.querySelector('img.evidence-thumb').naturalWidth") > 0
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "secretary-commitment-phone.png"), full_page=True)

    page.get_by_role("link", name="公开承诺书").click()
    page.get_by_label("签订日期").fill(today.isoformat())
    page.get_by_label("公开日期").fill(today.isoformat())
    page.get_by_label("公开栏").check()
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("承诺书已保存。")).to_be_visible()
    context.close()

    public = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    board = public.new_page()
    board.goto(f"{demo_server.url}/board/LS0101/")
    row = board.get_by_role("row").filter(has_text="浏览器测试：修建村口便民桥")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("进行中")
    assert board.get_by_role("link", name="退出").count() == 0  # nobody is logged in
    board.screenshot(path=str(SCREENSHOTS / "public-board.png"), full_page=True)
    public.close()


def test_secretary_submits_a_report_and_the_office_adopts_it(demo_server, browser):
    from django.utils import timezone

    from reports.slots import slot_on_or_after

    slot = slot_on_or_after(timezone.localdate())
    secretary = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN").new_page()
    secretary.goto(f"{demo_server.url}/accounts/login/")
    secretary.get_by_label("用户名").fill("secretary")
    secretary.get_by_label("密码").fill(DEMO_PASSWORD)
    secretary.get_by_role("button", name="登录").click()
    secretary.goto(f"{demo_server.url}/reports/new/")
    secretary.get_by_label("标题").fill("浏览器测试：柳山村开展秋冬季环境整治")
    secretary.get_by_label("作者").fill("张志强")
    secretary.get_by_label("正文").fill("党员带头清理沟渠三公里。\n群众积极参与。")
    secretary.get_by_role("button", name="报送", exact=True).click()
    expect(secretary.get_by_text("信息已报送。")).to_be_visible()

    office = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    office.goto(f"{demo_server.url}/accounts/login/")
    office.get_by_label("用户名").fill("office")
    office.get_by_label("密码").fill(DEMO_PASSWORD)
    office.get_by_role("button", name="登录").click()
    office.goto(f"{demo_server.url}/reports/slots/")
    row = office.get_by_role("row").filter(has_text="柳山村第一党支部")
    with translation.override("zh-hans"):  # the column heading as the page formats it
        column = date_filter(slot, "MONTH_DAY_FORMAT")
    header = office.locator("table.slot-grid thead th")
    index = [header.nth(i).inner_text() for i in range(header.count())].index(column)
    expect(row.locator("td").nth(index)).to_have_text("√")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    office.screenshot(path=str(SCREENSHOTS / "office-report-grid.png"), full_page=True)
    office.goto(f"{demo_server.url}/reports/?q=浏览器测试")
    office.get_by_role("link", name="浏览器测试：柳山村开展秋冬季环境整治").click()
    office.get_by_label("采用情况（刊发何处）或退回原因").fill("镇创先争优简报第 12 期")
    office.get_by_role("button", name="采用").click()
    expect(office.get_by_text("信息已采用。")).to_be_visible()
    expect(office.get_by_text("镇创先争优简报第 12 期")).to_be_visible()


def _login(page, url: str, username: str) -> None:
    page.goto(f"{url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{url}/")


def test_phone_shows_lists_as_cards_and_the_board_folded(demo_server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    _login(page, demo_server.url, "office")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    page.goto(f"{demo_server.url}/members/")
    name = page.locator("table.table-cards tbody tr").first.locator("td").first
    # A card, not a column squeezed to one character: the name cell spans the phone's width.
    assert name.bounding_box()["width"] > 300
    assert page.locator("table.table-cards thead").is_hidden()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(SCREENSHOTS / "office-members-phone.png"), full_page=True)

    page.goto(f"{demo_server.url}/reminders/board/")
    branches = page.locator("details.board-branch")
    assert branches.count() > 8 and page.locator("details.board-branch[open]").count() == 0
    assert page.evaluate("document.documentElement.scrollHeight") < 3000
    branches.first.locator("summary").click()
    expect(branches.first.locator("li.board-item a").first).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "office-board-phone.png"), full_page=True)
    context.close()


def test_tree_indents_branches_under_their_general_branch(demo_server, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = context.new_page()
    _login(page, demo_server.url, "office")
    page.goto(f"{demo_server.url}/units/")

    def left(name: str) -> float:
        return page.get_by_role("link", name=name, exact=True).bounding_box()["x"]

    assert left("中共柳山镇委员会") < left("柳山村党总支") < left("柳山村第一党支部")
    assert left("柳山村第一党支部") < left("柳山村第一党支部第一党小组")
    assert left("柳山村第一党支部") == left("柳山村第二党支部")
    context.close()


def test_phone_grid_keeps_the_branch_column_and_prints_the_board_qr(demo_server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    _login(page, demo_server.url, "office")
    page.goto(f"{demo_server.url}/reports/slots/?start=2026-01&end=2026-06")
    branch = page.locator("table.slot-grid tbody tr").first.locator("td").first
    before = branch.bounding_box()["x"]
    page.locator(".table-responsive").evaluate("box => { box.scrollLeft = 400; }")
    assert page.locator(".table-responsive").evaluate("box => box.scrollLeft") > 0
    assert abs(branch.bounding_box()["x"] - before) <= 1  # not 400 px to the left
    page.screenshot(path=str(SCREENSHOTS / "office-report-grid-phone.png"))

    page.goto(f"{demo_server.url}/units/{OrgUnit.objects.get(code='LS0101').pk}/")
    page.get_by_role("link", name="公开栏二维码").click()
    qr = page.locator(".poster-qr svg")
    expect(qr).to_be_visible()
    assert qr.bounding_box()["width"] > 300
    page.screenshot(path=str(SCREENSHOTS / "board-qr-phone.png"), full_page=True)
    context.close()


AXE = Path(__file__).resolve().parents[1] / "node_modules" / "axe-core" / "axe.min.js"
# The pages each role opens from the navigation bar, with one object of each kind it sees.
SEEN_BY_ALL = [
    "/",
    "/units/",
    "{unit}",
    "/members/",
    "/commitments/",
    "{commitment}",
    "/reports/",
    "{report}",
]
INSPECTION_PAGES = [
    "/inspections/",
    "{inspection}",
    "/rectifications/",
    "{rectification}",
    "/circulars/",
    "{circular}",
]
A11Y_PAGES = {
    "office": [
        *SEEN_BY_ALL,
        "/commitments/letters/",
        "/reports/slots/",
        "/reports/circular/",
        "/inbox/",
        "/reminders/board/",
        "/reminders/settings/",
        "/accounts/users/",
        "/imports/members/",
        *INSPECTION_PAGES,
        "/inspections/coverage/",
        "/inspections/groups/",
        "/overview/",
        "{scorecard}",
    ],
    "leader": [*SEEN_BY_ALL, "/inbox/", "{circular}", "{scorecard}"],
    "secretary": [
        *SEEN_BY_ALL,
        "/commitments/letters/",
        "/reports/mine/",
        "/inbox/",
        *INSPECTION_PAGES,
        "{scorecard}",
    ],
    "inspector": [*SEEN_BY_ALL, "/inbox/", *INSPECTION_PAGES, "/inspections/coverage/", "/inspections/new/"],
    # A party member owns no commitment in the demo and sees no unit page or report.
    "member": ["/", "/members/", "/commitments/", "/commitments/letters/", "/inbox/", "/rectifications/"],
    None: ["/accounts/login/", "/board/LS/"],
}


AXE_RUN = """() => axe.run(document,
    {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}}).then(result => result.violations)"""


def _first_visible(user, path: str) -> str:
    from inspections.models import Circular, Inspection, Rectification
    from reports.models import Report

    model, prefix = {
        "{unit}": (OrgUnit, "units"),
        "{commitment}": (Commitment, "commitments"),
        "{report}": (Report, "reports"),
        "{inspection}": (Inspection, "inspections"),
        "{rectification}": (Rectification, "rectifications"),
        "{circular}": (Circular, "circulars"),
    }.get(path, (None, None))
    if path == "{scorecard}":
        branch = OrgUnit.objects.visible_to(user).filter(level="branch").order_by("path").first()
        return f"/units/{branch.pk}/scorecard/"
    if model is None:
        return path
    return f"/{prefix}/{model.objects.visible_to(user).order_by('pk').first().pk}/"


@pytest.mark.parametrize("role", list(A11Y_PAGES), ids=lambda role: role or "anonymous")
def test_main_pages_pass_axe_wcag2_aa(demo_server, browser, role):
    from accounts.models import User

    user = User.objects.get(username=role) if role else None
    # The portal's CSP rightly refuses an injected script; only this test lifts it.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", bypass_csp=True)
    page = context.new_page()
    if role:
        _login(page, demo_server.url, role)
    found = []
    for path in A11Y_PAGES[role]:
        path = _first_visible(user, path)
        assert page.goto(f"{demo_server.url}{path}").status == 200, path
        page.add_script_tag(path=str(AXE))
        for width in (1280, 390):  # the phone layout folds the navbar and stacks tables as cards
            page.set_viewport_size({"width": width, "height": 900})
            violations = page.evaluate(AXE_RUN)
            found += [
                f"{path} @{width}px {v['id']}: {node['target']} — {node['failureSummary']}"
                for v in violations
                for node in v["nodes"]
            ]
    context.close()
    assert not found, "\n".join(found)


def _zh(text: str) -> str:
    """The Chinese the page shows for an English message of the catalogue."""
    from django.utils.translation import gettext

    with translation.override("zh-hans"):
        return gettext(text)


def test_inspector_issues_a_notice_and_rechecks_the_secretarys_replies(
    demo_server, browser, tmp_path, monkeypatch
):
    """The rectification loop end to end: finding → notice → reply with a photo → sent back → passed."""
    from django.utils import timezone
    from PIL import Image

    from accounts.models import User
    from core import reminders

    # The notice reaches the inbox at once whatever the hour the suite runs at (between 21:00
    # and 08:00 it would wait until morning: tests/core/test_reminders.py covers that).
    monkeypatch.setattr(reminders, "release_time", lambda now: now)
    from inspections.models import Inspection, InspectionGroup, Rectification, RectificationStatus
    from inspections.services import inspection_save

    inspector = User.objects.get(username="inspector")
    inspection = inspection_save(
        actor=inspector,
        inspection=Inspection(
            group=InspectionGroup.objects.get(name="柳山镇督查组"),
            unit=OrgUnit.objects.get(code="LS0101"),
            date=timezone.localdate(),
            methods=["records"],
            summary="抽查该支部近三个月“三会一课”记录。",
        ),
    )
    office = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    _login(office, demo_server.url, "inspector")
    office.goto(f"{demo_server.url}/inspections/{inspection.pk}/")
    office.get_by_role("link", name=_zh("Add a finding")).click()
    office.get_by_label(_zh("Difficulties, contradictions and problems")).check()
    office.get_by_role("textbox", name=_zh("finding")).fill("浏览器测试：组织生活会记录缺少党员签到")
    office.get_by_label(_zh("needs rectification")).check()
    office.get_by_role("button", name=_zh("Save")).click()
    office.get_by_role("button", name=_zh("Finalise")).click()
    office.get_by_role("link", name=_zh("Issue the rectification notice")).click()
    office.get_by_label(_zh("Rectification demand")).fill("补齐签到表，建立会前签到制度")
    office.get_by_role("button", name=_zh("Issue the notice")).click()
    expect(office.get_by_text("整改通知书").first).to_be_visible()
    expect(office.get_by_text("柳督改〔").first).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    office.screenshot(path=str(SCREENSHOTS / "inspector-notice.png"), full_page=True)
    rectification = Rectification.objects.get(problem__startswith="浏览器测试")

    photo = tmp_path / "签到表.jpg"
    Image.new("RGB", (800, 600), (200, 180, 150)).save(photo)
    secretary = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN").new_page()
    _login(secretary, demo_server.url, "secretary")
    # The notice reached the secretary's inbox.
    secretary.goto(f"{demo_server.url}/inbox/")
    expect(secretary.get_by_text(re.compile("【整改通知】柳督改")).first).to_be_visible()
    secretary.goto(f"{demo_server.url}/rectifications/{rectification.pk}/")

    def reply(measures: str) -> None:
        secretary.get_by_label(_zh("Rectification measures")).fill(measures)
        secretary.get_by_label(_zh("Rectification result")).fill("已整改完毕")
        secretary.get_by_label(_zh("Photos and files")).set_input_files(str(photo))
        secretary.get_by_role("button", name=_zh("Send the reply")).click()
        expect(secretary.get_by_text(measures).first).to_be_visible()

    def recheck(decision: str, comment: str) -> None:
        office.goto(f"{demo_server.url}/rectifications/{rectification.pk}/")
        office.get_by_label(_zh(decision)).check()
        office.get_by_label(_zh("Comment")).fill(comment)
        office.get_by_role("button", name=_zh("Record the re-check")).click()
        expect(office.get_by_text(comment).first).to_be_visible()

    reply("补签了十月的签到表")
    recheck("Send back for more work", "九月的签到表仍未补齐")
    assert Rectification.objects.get(pk=rectification.pk).status == RectificationStatus.RETURNED
    secretary.reload()
    expect(secretary.get_by_text("九月的签到表仍未补齐").first).to_be_visible()
    reply("补签了九月和十月的签到表，建立会前签到制度")
    recheck("Re-check passed", "资料齐全，整改到位")
    rectification.refresh_from_db()
    assert rectification.status == RectificationStatus.PASSED
    assert list(rectification.replies.values_list("version", flat=True)) == [1, 2]
    secretary.reload()
    expect(secretary.get_by_text(_zh("Re-check passed")).first).to_be_visible()
    expect(secretary.locator("img[src*='/attachments/']").first).to_be_visible()
    secretary.screenshot(path=str(SCREENSHOTS / "secretary-rectification-phone.png"), full_page=True)


def test_office_sets_up_a_group_picking_its_units_by_typing(demo_server, browser):
    """A group's units are a long multiple choice: typed, picked as tags, and kept when edited."""
    from accounts.models import User
    from inspections.models import InspectionGroup

    page = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN").new_page()
    _login(page, demo_server.url, "office")
    page.goto(f"{demo_server.url}/inspections/groups/new/")
    page.get_by_role("textbox", name=re.compile("^名称")).fill("第二督查组")
    leader = User.objects.get(username="inspector2")
    page.get_by_label(_zh("group leader")).select_option(value=str(leader.pk))
    units = page.get_by_role("combobox", name=_zh("units covered"))
    for name in ("石桥村", "青龙村"):
        units.fill(name)
        page.get_by_role("option", name=re.compile(name)).click()
    page.get_by_role("button", name=_zh("Save")).click()
    group = InspectionGroup.objects.get(name="第二督查组")
    assert sorted(group.units.values_list("code", flat=True)) == ["LS06", "LS07"]
    # The demo's group covers the whole township: editing it keeps that choice.
    demo = InspectionGroup.objects.get(name="柳山镇督查组")
    page.goto(f"{demo_server.url}/inspections/groups/{demo.pk}/edit/")
    page.get_by_role("button", name=_zh("Save")).click()
    assert list(demo.units.values_list("code", flat=True)) == ["LS"]
