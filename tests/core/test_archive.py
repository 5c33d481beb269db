"""回档: one .zip per branch (or township) and period, with an index that matches it exactly."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from core.archive import INDEX_NAME, archive_unit, safe_name, write_archive
from core.models import Attachment, Job, JobStatus
from core.periods import Period
from inspections.services import rectification_reply
from reports.models import Report, ReportStatus
from reports.slots import slot_for
from tests.inspections.access_rectifications import make_group, make_inspection, make_rectification

FORBIDDEN = set('<>:"\\|?*') | {chr(n) for n in range(32)}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a/b\\c.txt", "a_b_c.txt"),
        ("..", "_"),
        ("../../etc/passwd", "_.._etc_passwd"),
        ("报告\x00\x1f\x7f.docx", "报告___.docx"),
        ("CON", "_CON"),
        ("nul.txt", "_nul.txt"),
        ("Com1.tar", "_Com1.tar"),
        ("console.txt", "console.txt"),
        ("结尾. . .", "结尾"),
        ("照片 .jpg ", "照片.jpg"),
        (".hidden", "hidden"),
        ('问<题>:"|?*', "问_题______"),
        ("", "_"),
    ],
)
def test_safe_name_makes_names_windows_accepts(name, expected):
    assert safe_name(name) == expected


def test_safe_name_shortens_by_utf8_bytes_without_splitting_a_character():
    name = safe_name("党" * 100 + ".docx", limit=150)
    assert name.endswith(".docx") and len(name.encode()) <= 150
    assert name == "党" * 48 + ".docx"  # 48 × 3 bytes + 5


def test_safe_name_numbers_duplicates_whatever_their_case():
    taken: set[str] = set()
    names = [safe_name(n, taken) for n in ["照片.jpg", "照片.jpg", "Photo.JPG", "photo.jpg", "照片.jpg"]]
    assert names == ["照片.jpg", "照片(2).jpg", "Photo.JPG", "photo(2).jpg", "照片(3).jpg"]


# ---------------------------------------------------------------------------------------
# Archives


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, "JPEG")
    return buffer.getvalue()


def _photo(owner, name="现场照片.jpg", content=None):
    content = content or _jpeg()
    attachment = Attachment(owner=owner, original_name=name, mime_type="image/jpeg", size=len(content))
    attachment.file.save("upload.jpg", ContentFile(content), save=False)
    attachment.save()
    return attachment


def _report(unit, title, author):
    now = timezone.now()
    report = Report.objects.create(
        unit=unit,
        title=title,
        authors="张志强",
        body="正文第一段。\n正文第二段。",
        status=ReportStatus.SUBMITTED,
        submitted_at=now,
        slot=slot_for(now),
        author=author,
    )
    _photo(report)
    return report


def _archive(user, code, period) -> zipfile.ZipFile:
    buffer = io.BytesIO()
    write_archive(user, archive_unit(user, code), period, buffer)
    return zipfile.ZipFile(io.BytesIO(buffer.getvalue()))


def _index(archive: zipfile.ZipFile) -> list[tuple]:
    sheet = openpyxl.load_workbook(io.BytesIO(archive.read(INDEX_NAME))).active
    return [row for row in sheet.iter_rows(min_row=3, values_only=True)]


@pytest.fixture
def records(personas, units):
    """In this half-year: a report and a replied rectification with evidence for 柳山村第一党支部
    (secretary's branch) and for 河东社区第一党支部 (secretary2's), with names that need care."""
    group = make_group(personas, units, covers=("LS0101", "LS0201"))
    made = {}
    for code, user in (("LS0101", personas["secretary"]), ("LS0201", personas["secretary2"])):
        report = _report(units[code], f"{code}/动态: CON?", user)
        inspection = make_inspection(personas, units, group, unit=code)
        _photo(inspection, "督查现场.jpg")
        rectification = make_rectification(personas, inspection, f"{code}记录不全")
        reply = rectification_reply(actor=user, rectification=rectification, measures="补齐", result="已补齐")
        _photo(reply, f"{code}整改佐证.jpg")
        made[code] = (report, rectification)
    return made


def test_the_index_lists_exactly_the_files_of_the_zip(personas, records):
    archive = _archive(personas["office"], "LS", Period.containing(timezone.localdate()))
    names = archive.namelist()
    listed = [row[3] for row in _index(archive)]
    assert sorted(listed) == sorted(n for n in names if n != INDEX_NAME)
    assert len(set(names)) == len(names) and names[-1] == INDEX_NAME  # the index is written last
    assert archive.testzip() is None
    for name in names:
        assert not FORBIDDEN & set(name) and ".." not in name.split("/")
        assert all(part == part.rstrip(". ") and len(part.encode()) <= 150 for part in name.split("/"))
    # One folder per branch; each branch's report, its photo, the rectification's evidence.
    assert any(
        n.startswith("柳山村第一党支部/02信息报送/") and n.endswith("LS0101_动态_ CON_.docx") for n in names
    )
    assert any(
        n.startswith("河东社区第一党支部/03督查整改/") and n.endswith("LS0201整改佐证.jpg") for n in names
    )
    assert any(n.endswith("现场照片.jpg") for n in names)
    assert any("整改台账" in n for n in names)


def test_a_secretarys_archive_holds_nothing_of_another_branch(personas, records):
    archive = _archive(personas["secretary"], "LS0101", Period.containing(timezone.localdate()))
    names = archive.namelist()
    content = b"".join(archive.read(n) for n in names)
    assert all(n.startswith("柳山村第一党支部/") for n in names if n != INDEX_NAME)
    assert any(n.endswith("LS0101整改佐证.jpg") for n in names)
    assert not any("LS0201" in n or "河东" in n for n in names)
    assert "LS0201记录不全".encode() not in content and "LS0101记录不全".encode("utf-8-sig")[3:] in content


def test_a_secretary_cannot_archive_another_branch(personas, records):
    with pytest.raises(Exception, match="LS0201"):
        archive_unit(personas["secretary"], "LS0201")
    with pytest.raises(Exception, match="LS"):
        archive_unit(personas["leader"], "LS")  # reads the township, keeps nothing


def test_an_empty_period_gives_an_index_saying_so(personas):
    archive = _archive(personas["office"], "LS", Period(2001, 1))
    assert archive.namelist() == [INDEX_NAME]
    rows = _index(archive)
    assert len(rows) == 1 and "没有可归档的材料" in rows[0][3]


# ---------------------------------------------------------------------------------------
# The command


def test_the_command_writes_the_archive(tmp_path, records):
    target = tmp_path / "回档.zip"
    call_command(
        "archive", period=Period.containing(timezone.localdate()).code, unit="ls0101", output=str(target)
    )
    with zipfile.ZipFile(target) as archive:
        assert INDEX_NAME in archive.namelist() and len(archive.namelist()) > 1


@pytest.mark.parametrize(
    ("options", "message"),
    [({"period": "2026H3"}, "不是"), ({"period": "2026H2", "unit": "NOPE"}, "NOPE")],
)
def test_the_command_refuses_bad_input_in_chinese(tmp_path, db, options, message):
    target = tmp_path / "out.zip"
    with pytest.raises(CommandError, match=message):
        call_command("archive", output=str(target), **options)
    assert not target.exists()


# ---------------------------------------------------------------------------------------
# The job, from the unit page


def test_the_unit_page_offers_the_archive_to_its_office_and_secretary(client_for, units):
    url = reverse("branches:unit_detail", args=[units["LS0101"].pk])
    action = reverse("core:archive", args=[units["LS0101"].pk])
    assert action in client_for("secretary").get(url).content.decode()
    assert action in client_for("office").get(url).content.decode()
    assert action not in client_for("leader").get(url).content.decode()


def test_the_archive_runs_as_a_job_with_a_download(
    client_for, units, records, eager_tasks, django_capture_on_commit_callbacks
):
    client = client_for("secretary")
    period = Period.containing(timezone.localdate())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("core:archive", args=[units["LS0101"].pk]), {"period": period.code})
    job = Job.objects.latest("pk")
    assert response["Location"] == reverse("core:job_detail", args=[job.pk])
    assert job.kind == "archive" and job.status == JobStatus.DONE and job.progress == 100
    assert job.result_name == f"柳山村第一党支部回档（{period.wording}）.zip"
    download = client.get(reverse("core:job_download", args=[job.pk]))
    assert download["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert INDEX_NAME in archive.namelist() and not any("河东" in n for n in archive.namelist())


def test_a_bad_period_on_the_page_says_so_and_starts_nothing(client_for, units):
    before = Job.objects.count()
    url = reverse("core:archive", args=[units["LS0101"].pk])
    response = client_for("secretary").post(url, {"period": "2026H9"}, follow=True)
    assert "不是" in response.content.decode() and Job.objects.count() == before
