"""Filing, fulfilment with evidence, status, publication, locks and the public board."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from commitments.models import Category, Commitment, CommitmentLetter, PeriodLock, Status
from core.models import Attachment
from tests.commitments.conftest import jpeg_bytes


def test_secretary_files_a_branch_commitment(client_for, units, period):
    response = client_for("secretary").post(
        reverse("commitments:create"),
        {
            "owner": f"u{units['LS0101'].pk}",
            "period": period.code,
            "category": Category.PRACTICAL,
            "content": "新建村级文化广场",
            "measures": "争取项目、党员投工",
            "target": "广场面积 800 平方米",
            "deadline": period.end.isoformat(),
        },
    )
    assert response.status_code == 302
    commitment = Commitment.objects.with_status().get(content="新建村级文化广场")
    assert commitment.letter.unit == units["LS0101"] and commitment.letter.member is None
    assert commitment.status == Status.NOT_STARTED


def test_deadline_outside_the_period_is_refused(client_for, units, period):
    count = Commitment.objects.count()
    response = client_for("secretary").post(
        reverse("commitments:create"),
        {
            "owner": f"u{units['LS0101'].pk}",
            "period": period.code,
            "category": Category.SERVICE,
            "content": "超期承诺",
            "deadline": (period.end + datetime.timedelta(days=1)).isoformat(),
        },
    )
    assert "完成时限应在" in str(response.context["form"].errors)
    assert Commitment.objects.count() == count


def test_a_member_files_its_own_plan_but_only_service_or_practical(client_for, personas, period):
    from branches.models import Member

    me = Member.objects.get(user=personas["member"])
    client = client_for("member")
    data = {
        "owner": f"m{me.pk}",
        "period": period.code,
        "content": "每月为群众办实事一件",
        "deadline": period.end.isoformat(),
    }
    refused = client.post(reverse("commitments:create"), {**data, "category": Category.GOAL})
    assert "category" in refused.context["form"].errors
    accepted = client.post(reverse("commitments:create"), {**data, "category": Category.PRACTICAL})
    assert accepted.status_code == 302
    assert Commitment.objects.get(content="每月为群众办实事一件").letter.member == me


def test_progress_with_a_photo_moves_the_status(client_for, units, make_commitment, today):
    commitment = make_commitment(units["LS0101"], content="修建便民桥")
    client = client_for("secretary")
    url = reverse("commitments:progress", args=[commitment.pk])
    start = commitment.letter.period_obj.start
    client.post(
        url,
        {
            "date": start.isoformat(),
            "text": "完成设计",
            "percent": 40,
            "evidence": [SimpleUploadedFile("设计图.jpg", jpeg_bytes(exif_gps=True))],
        },
    )
    commitment = Commitment.objects.with_status().get(pk=commitment.pk)
    assert commitment.status == Status.IN_PROGRESS and commitment.percent == 40
    photo = Attachment.objects.order_by("-pk").first()
    with photo.file.open("rb") as stored:
        image = Image.open(io.BytesIO(stored.read()))
        assert image.format == "JPEG" and not image.getexif()  # GPS and camera data dropped
    client.post(url, {"date": today.isoformat(), "text": "桥已通行", "percent": 100})
    commitment = Commitment.objects.with_status().get(pk=commitment.pk)
    assert commitment.status == Status.DONE and commitment.completed_on == today
    page = client.get(reverse("commitments:detail", args=[commitment.pk])).content.decode()
    assert "已完成" in page and "桥已通行" in page and reverse("core:attachment", args=[photo.pk]) in page


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("照片.png", b"<html><script>alert(1)</script></html>", "不是照片"),
        ("伪装.jpg", b"\x89PNG\r\n\x1a\n" + b"<script>alert(1)</script>" * 20, "不是照片"),
        ("宏.docx", None, "含有宏"),
    ],
)
def test_disguised_or_dangerous_evidence_is_refused(
    client_for, units, make_commitment, name, content, message
):
    if content is None:
        import zipfile

        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("word/document.xml", "<w:document/>")
            archive.writestr("word/vbaProject.bin", b"\0")
        content = buffer.getvalue()
    commitment = make_commitment(units["LS0101"])
    attachments = Attachment.objects.count()
    response = client_for("secretary").post(
        reverse("commitments:progress", args=[commitment.pk]),
        {
            "date": commitment.letter.period_obj.start.isoformat(),
            "text": "证明",
            "percent": 10,
            "evidence": [SimpleUploadedFile(name, content)],
        },
        follow=True,
    )
    assert message in response.content.decode()
    assert Attachment.objects.count() == attachments
    assert not commitment.progress_entries.exists()


def test_oversized_evidence_is_refused(client_for, units, make_commitment, settings):
    settings.ATTACHMENT_MAX_BYTES = 100
    commitment = make_commitment(units["LS0101"])
    response = client_for("secretary").post(
        reverse("commitments:progress", args=[commitment.pk]),
        {
            "date": commitment.letter.period_obj.start.isoformat(),
            "text": "证明",
            "percent": 10,
            "evidence": [SimpleUploadedFile("大.jpg", jpeg_bytes())],
        },
        follow=True,
    )
    assert "超过" in response.content.decode()
    assert not commitment.progress_entries.exists()


def test_overdue_and_not_completed(client_for, units, make_commitment, today):
    overdue = make_commitment(
        units["LS0101"], deadline=max(today - datetime.timedelta(days=1), today.replace(day=1))
    )
    if overdue.deadline >= today:
        pytest.skip("today is the first day of a period")
    assert Commitment.objects.with_status().get(pk=overdue.pk).status == Status.OVERDUE
    # Marking not completed waits for the period's end.
    client_for("office").post(reverse("commitments:incomplete", args=[overdue.pk]), {"reason": "资金未到位"})
    assert Commitment.objects.get(pk=overdue.pk).incomplete_reason == ""


def test_office_marks_a_past_commitment_not_completed(client_for, units, period):
    from core.periods import Period

    past = Period(period.year - 1, 2)
    letter = CommitmentLetter.objects.create(unit=units["LS0101"], period=past.code)
    commitment = Commitment.objects.create(
        letter=letter, category=Category.SERVICE, content="往期承诺", deadline=past.end
    )
    client_for("office").post(
        reverse("commitments:incomplete", args=[commitment.pk]), {"reason": "资金未到位"}
    )
    commitment = Commitment.objects.with_status().get(pk=commitment.pk)
    assert commitment.status == Status.INCOMPLETE and commitment.incomplete_reason == "资金未到位"


def test_after_the_lock_a_branch_change_is_an_amendment_the_office_sees(
    client_for, units, make_commitment, period
):
    commitment = make_commitment(units["LS0101"], content="锁定前的承诺")
    client_for("office").post(reverse("commitments:locks"), {"unit": units["LS"].pk, "period": period.code})
    assert PeriodLock.objects.filter(unit=units["LS"], period=period.code).exists()
    client_for("secretary").post(
        reverse("commitments:edit", args=[commitment.pk]),
        {"category": Category.SERVICE, "content": "锁定后改过的承诺", "deadline": period.end.isoformat()},
    )
    record = Commitment.history.filter(id=commitment.pk).latest("history_date")
    assert record.history_change_reason == "amendment" and record.content == "锁定后改过的承诺"
    page = client_for("office").get(reverse("commitments:locks")).content.decode()
    assert "锁定后改过的承诺" in page and "张志强" in page


def test_publishing_needs_a_channel_and_shows_on_the_public_board(
    client_for, client, units, make_commitment, today
):
    commitment = make_commitment(units["LS0101"], content="公示测试：修建老年活动室")
    letter = commitment.letter
    letter.signed_on = letter.published_on = None
    letter.save()
    board = reverse("commitments:board", args=["LS"])
    assert "公示测试：修建老年活动室" not in client.get(board).content.decode()
    secretary = client_for("secretary")
    url = reverse("commitments:letter", args=[letter.pk])
    refused = secretary.post(url, {"signed_on": today.isoformat(), "published_on": today.isoformat()})
    assert "请选择公开方式" in refused.content.decode()
    secretary.post(
        url,
        {"signed_on": today.isoformat(), "published_on": today.isoformat(), "channels": ["board", "network"]},
    )
    page = client.get(board).content.decode()  # anonymous
    assert "公示测试：修建老年活动室" in page
    phones = [m.phone for m in units["LS0101"].members.all() if m.phone]
    assert not any(phone in page for phone in phones)
    assert client.get(reverse("commitments:board", args=["LS0101"])).status_code == 200
    assert client.get(reverse("commitments:board", args=["NOPE"])).status_code == 404


def test_letter_word_file_uses_official_fonts(client_for, units, make_commitment):
    from docx import Document
    from docx.oxml.ns import qn

    commitment = make_commitment(units["LS0101"], content="承诺书里的承诺")
    response = client_for("secretary").get(reverse("commitments:letter_word", args=[commitment.letter_id]))
    document = Document(io.BytesIO(response.content))
    title = document.paragraphs[0].runs[0]
    assert document.paragraphs[0].text == "党支部公开承诺书"
    assert title.bold and title.font.size.pt == 22
    assert title._element.rPr.rFonts.get(qn("w:eastAsia")) == "宋体"
    body = [p for p in document.paragraphs if "承诺书里的承诺" in p.text][0].runs[0]
    assert body._element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋"


@pytest.mark.parametrize("url_name", ["commitments:list", "commitments:board"])
def test_list_and_board_use_constant_queries(
    client_for, units, make_commitment, url_name, django_assert_max_num_queries, period
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def fill(count):
        letter = make_commitment(units["LS0102"], content="基准").letter
        letter.published_on = letter.signed_on = period.start
        letter.channels = ["board"]
        letter.save()
        Commitment.objects.bulk_create(
            Commitment(letter=letter, category=Category.SERVICE, content=f"承诺{index}", deadline=period.end)
            for index in range(count)
        )

    client = client_for("office")
    url = reverse(url_name, kwargs={"code": "LS"} if url_name.endswith("board") else {})
    fill(10)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    fill(2000)
    with django_assert_max_num_queries(len(small)):
        client.get(url)
    assert len(small) <= 12
