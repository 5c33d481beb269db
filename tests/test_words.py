"""Words on the pages: one meaning per label, people by name, one date convention."""

from __future__ import annotations

import datetime
import io
import re
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from branches.models import Gender, Member
from commitments.models import Commitment, CommitmentLetter
from core.models import Notification
from tests.core.xlsx_files import upload, xlsx

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def _page(client, name, *args, **query) -> str:
    response = client.get(reverse(name, args=args), query)
    assert response.status_code == 200
    return response.content.decode()


# Labels --------------------------------------------------------------------------------------


def test_report_list_calls_the_category_information_category(client_for):
    page = _page(client_for("office"), "reports:list")
    assert "<th>信息类别</th>" in page
    assert re.search(r'<label[^>]*for="id_category"[^>]*>\s*信息类别', page)
    assert "承诺类别" not in page


def test_commitment_list_keeps_the_commitment_category(client_for):
    assert "<th>承诺类别</th>" in _page(client_for("office"), "commitments:list")


def test_notification_log_names_the_recipient_column(client_for):
    page = _page(client_for("office"), "core:notification_log")
    assert "<th>接收人</th>" in page
    assert "<th>止</th>" not in page


def test_member_form_labels_the_name_as_a_persons_name(client_for):
    page = _page(client_for("office"), "branches:member_create")
    assert re.search(r'<label[^>]*for="id_name"[^>]*>\s*姓名', page)
    assert "名称" not in page


def test_unit_form_keeps_the_name_of_a_unit(client_for):
    page = _page(client_for("office"), "branches:unit_create")
    assert re.search(r'<label[^>]*for="id_name"[^>]*>\s*名称', page)


def test_tree_names_its_name_column(client_for):
    page = _page(client_for("office"), "branches:tree")
    assert "<th>组织名称</th>" in page
    assert "<th>所在组织</th>" not in page


def test_ledger_export_button_says_export(client_for):
    page = _page(client_for("office"), "commitments:export")
    assert re.search(r'<button[^>]*type="submit"[^>]*>导出</button>', page)
    assert "保存</button>" not in page
    # The other forms on the same template still save.
    assert "保存</button>" in _page(client_for("office"), "branches:member_create")


# People by name -------------------------------------------------------------------------------


def test_dashboard_names_a_leader_without_login_name(client_for):
    page = _page(client_for("office"), "dashboards:home")
    assert "赵海燕" in page  # leader2 has no liaison point
    assert "(leader2)" not in page
    assert "(office)" not in page  # the menu's own name


def test_liaison_page_names_leaders_without_login_name(client_for):
    page = _page(client_for("office"), "branches:liaison_list")
    assert "李建国" in page
    assert "(leader)" not in page


def test_history_names_who_changed_a_member_without_login_name(client_for, personas, units):
    member = Member.objects.filter(unit=units["LS0101"]).first()
    Member.history.filter(id=member.pk).update(history_user=personas["office"])
    page = _page(client_for("office"), "branches:member_history", member.pk)
    assert "王晓燕" in page
    assert "(office)" not in page


def test_notification_log_names_the_recipient_and_the_time(client_for, personas, units):
    sent = datetime.datetime(2026, 11, 23, 9, 30, tzinfo=SHANGHAI)
    Notification.objects.create(
        key="words",
        stage="manual",
        channel="inbox",
        target=f"user:{personas['leader'].pk}",
        recipient=personas["leader"],
        unit=units["LS0101"],
        title="提醒",
        scheduled_for=datetime.datetime(2099, 1, 1, tzinfo=SHANGHAI),  # first in the log
        sent_at=sent,
        status="sent",
    )
    page = _page(client_for("office"), "core:notification_log")
    assert 'data-label="接收人">李建国</td>' in page
    assert "(leader)" not in page
    assert "11月23日 09:30" in page


def test_account_page_shows_the_login_name(client_for, personas):
    page = _page(client_for("office"), "accounts:user_detail", personas["leader"].pk)
    assert "李建国 (leader)" in page


# Dates -----------------------------------------------------------------------------------------


def test_tables_show_dates_as_year_month_day(client_for, units):
    member = Member.objects.filter(unit=units["LS0101"]).order_by("pk").first()
    Member.objects.filter(pk=member.pk).update(joined_on=datetime.date(2026, 11, 23))
    page = _page(client_for("office"), "branches:member_list", q=member.name)
    assert '<td class="d-none d-md-table-cell">2026-11-23</td>' in page


def test_member_page_writes_the_long_date_without_zero_padding(client_for, units):
    member = Member.objects.filter(unit=units["LS0101"]).order_by("pk").first()
    Member.objects.filter(pk=member.pk).update(joined_on=datetime.date(2026, 9, 7))
    page = _page(client_for("office"), "branches:member_detail", member.pk)
    assert "2026年9月7日" in page


def test_typed_chinese_date_is_accepted_in_a_form(client_for, units):
    response = client_for("office").post(
        reverse("branches:member_create"),
        {
            "unit": units["LS0102"].pk,
            "name": "孟秀英",
            "gender": Gender.FEMALE,
            "position": "member",
            "phone": "13912345678",
            "joined_on": "2026年9月5日",
        },
    )
    assert response.status_code == 302, response.content.decode()
    assert Member.objects.get(name="孟秀英").joined_on == datetime.date(2026, 9, 5)


def test_commitment_letter_word_file_writes_long_dates(client_for, units):
    from docx import Document

    commitment = Commitment.objects.filter(letter__unit=units["LS0101"], letter__member=None).first()
    CommitmentLetter.objects.filter(pk=commitment.letter_id).update(signed_on=datetime.date(2026, 9, 7))
    Commitment.objects.filter(pk=commitment.pk).update(deadline=datetime.date(2026, 12, 1))
    response = client_for("secretary").get(reverse("commitments:letter_word", args=[commitment.letter_id]))
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "2026年9月7日" in text
    assert "完成时限：2026年12月1日" in text
    assert "2026年09月07日" not in text


def test_python_date_helpers_follow_the_formats():
    from core.dates import long_date, short_date, short_datetime

    assert short_date(datetime.date(2026, 11, 23)) == "2026-11-23"
    assert long_date(datetime.date(2026, 9, 7)) == "2026年9月7日"
    moment = datetime.datetime(2026, 11, 23, 1, 30, tzinfo=datetime.UTC)
    assert short_datetime(moment) == "11月23日 09:30"


# Phone numbers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "phone",
    [
        "13812345678",
        "+8613812345678",
        "+86 13812345678",
        "0731-84561234",
        "073184561234",
        "010-1234567",
        "0731-84561234-806",
    ],
)
def test_mobile_and_landline_numbers_are_accepted(units, phone):
    member = Member(unit=units["LS0101"], name="电话测试", phone=phone)
    member.full_clean(validate_constraints=False)


@pytest.mark.parametrize("phone", ["8456123", "1381234567", "23812345678", "0731-845", "138-1234-5678x"])
def test_other_numbers_are_refused_in_chinese(units, phone):
    member = Member(unit=units["LS0101"], name="电话测试", phone=phone)
    with pytest.raises(ValidationError) as caught:
        member.full_clean(validate_constraints=False)
    assert "手机号码" in caught.value.message_dict["phone"][0]


def test_import_names_the_row_with_a_seven_digit_number(client_for):
    rows = [
        ["林小红", "女", "LS0101", "党员", "13900000001", "2020-07-01"],
        ["王小明", "男", "LS0101", "党员", "8456123", ""],
        ["王小刚", "男", "LS0101", "党员", "0731-84561234", ""],
    ]
    before = Member.objects.count()
    client = client_for("office")
    response = client.post(
        reverse("core:import", args=["members"]), {"file": upload(xlsx(rows), "名册.xlsx")}
    )
    errors = [(e.row, e.column, e.message) for e in response.context["report"].errors]
    assert [(row, column) for row, column, _message in errors] == [(3, "联系电话")]
    assert "手机号码" in errors[0][2]
    assert Member.objects.count() == before


# Demo data -------------------------------------------------------------------------------------


def test_demo_member_zhou_yulan_is_a_woman_even_after_a_rerun(db):
    zhou = Member.objects.get(name="周玉兰")
    assert zhou.gender == Gender.FEMALE
    assert Member.objects.get(name="李建国").gender == Gender.MALE
    Member.objects.filter(pk=zhou.pk).update(gender=Gender.MALE)
    call_command("seed_demo", force=True, stdout=io.StringIO())
    assert Member.objects.get(pk=zhou.pk).gender == Gender.FEMALE


def test_circular_workbook_heads_reporting_days_as_month_and_day():
    import openpyxl

    from reports.exports import circular_xlsx

    first, last = datetime.date(2026, 11, 1), datetime.date(2026, 11, 30)
    content = circular_xlsx("柳山镇", first, last, [datetime.date(2026, 11, 15)], [])
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert "11月15日" in values
