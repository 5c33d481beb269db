"""Liaison visits: a leader records them at its own liaison branches, the branch's secretary
confirms them, the office sees them all, their coverage per month, the dashboard's flag of a
liaison branch gone unvisited, and the follow-ups' reminders."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from branches.models import LiaisonPoint, LiaisonSetting, LiaisonVisit, VisitFollowUp
from branches.services import liaison_point_end
from branches.visit_selectors import visit_coverage, visit_gaps
from branches.visit_services import follow_up_done, visit_confirm
from core.models import Attachment, Notification
from core.reminders import open_deadlines, scan
from tests.branches.access_visits import make_visit, visit_data

pytestmark = pytest.mark.django_db


def _photo(name="走访.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def _create_url(units, code="LS0101") -> str:
    return reverse("branches:visit_create", args=[units[code].pk])


def _snapshot():
    return (
        LiaisonVisit.objects.count(),
        VisitFollowUp.objects.count(),
        Attachment.objects.count(),
        Notification.objects.filter(key__startswith="visit:").count(),
    )


class TestRecording:
    def test_leader_records_a_visit_with_a_follow_up_and_a_photo(self, client_for, units, personas):
        due = timezone.localdate() + datetime.timedelta(days=5)
        data = visit_data(**{"follow_ups-0-text": "补齐学习记录", "follow_ups-0-deadline": due.isoformat()})
        response = client_for("leader").post(_create_url(units), {**data, "files": [_photo()]})
        visit = LiaisonVisit.objects.filter(branch=units["LS0101"]).order_by("-pk").first()
        assert response.status_code == 302
        assert response["Location"] == reverse("branches:visit_detail", args=[visit.pk])
        assert visit.leader == personas["leader"] and visit.findings == "承诺台账需要细化"
        assert list(visit.follow_ups.values_list("text", "deadline")) == [("补齐学习记录", due)]
        photo = Attachment.objects.for_objects([visit]).get()
        assert photo.is_image and photo.original_name == "走访.png"
        # The branch's secretary is asked to confirm it.
        asked = Notification.objects.filter(key=f"visit:{visit.pk}:recorded", recipient=personas["secretary"])
        assert asked.exists()
        page = client_for("leader").get(response["Location"]).content.decode()
        assert "补齐学习记录" in page and reverse("core:attachment", args=[photo.pk]) in page

    def test_a_visit_dated_in_the_future_is_refused_and_nothing_saved(self, client_for, units):
        before = _snapshot()
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        response = client_for("leader").post(_create_url(units), visit_data(visited_on=tomorrow.isoformat()))
        assert response.status_code == 200
        assert "走访尚未发生，不能提前记录" in response.content.decode()
        assert _snapshot() == before

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("findings", "<script>alert(1)</script>", "不能包含 &lt; 或 &gt;"),
            ("met", "=HYPERLINK(1)", "不能以 =、+、-、@ 开头"),
            ("follow_ups-0-text", "@SUM(A1)", "不能以 =、+、-、@ 开头"),
        ],
    )
    def test_markup_and_formulas_are_refused(self, client_for, units, field, value, message):
        before = _snapshot()
        response = client_for("leader").post(_create_url(units), visit_data(**{field: value}))
        assert response.status_code == 200
        assert message in response.content.decode()
        assert _snapshot() == before

    def test_a_hostile_upload_is_refused_and_nothing_saved(self, client_for, units):
        before = _snapshot()
        fake = SimpleUploadedFile("photo.png", b"<html><script>alert(1)</script></html>", "image/png")
        response = client_for("leader").post(_create_url(units), {**visit_data(), "files": [fake]})
        assert response.status_code == 200
        assert "不是照片" in response.content.decode()
        assert _snapshot() == before

    def test_a_follow_up_due_before_the_visit_is_refused(self, client_for, units):
        before = _snapshot()
        today = timezone.localdate()
        data = visit_data(
            visited_on=(today - datetime.timedelta(days=5)).isoformat(),
            **{
                "follow_ups-0-text": "补课",
                "follow_ups-0-deadline": (today - datetime.timedelta(days=9)).isoformat(),
            },
        )
        response = client_for("leader").post(_create_url(units), data)
        assert response.status_code == 200
        assert "跟进事项的完成时限不能早于走访日期" in response.content.decode()
        assert _snapshot() == before

    def test_a_leader_cannot_record_a_visit_to_a_branch_it_does_not_liaise_with(self, client_for, units):
        before = _snapshot()
        assert client_for("leader").post(_create_url(units, "LS0102"), visit_data()).status_code == 404
        assert client_for("leader2").post(_create_url(units), visit_data()).status_code == 404
        assert client_for("office").get(_create_url(units)).status_code == 404
        assert _snapshot() == before

    def test_an_ended_liaison_point_takes_no_more_visits(self, client_for, units, personas):
        visit = make_visit(personas, units)
        point = LiaisonPoint.objects.get(leader=personas["leader"], branch=units["LS0101"])
        liaison_point_end(point=point)
        assert client_for("leader").get(_create_url(units)).status_code == 404
        assert not LiaisonVisit.objects.writable_by(personas["leader"]).filter(pk=visit.pk).exists()


class TestConfirmation:
    def test_the_branch_secretary_confirms_a_visit(self, client_for, units, personas):
        visit = make_visit(personas, units)
        url = reverse("branches:visit_confirm", args=[visit.pk])
        response = client_for("secretary").post(url, {"confirm": "1", "remark": "情况属实"})
        assert response.status_code == 302
        visit.refresh_from_db()
        assert visit.confirmed_by == personas["secretary"] and visit.confirmed_at
        assert visit.remark == "情况属实"
        page = client_for("office").get(reverse("branches:visit_detail", args=[visit.pk])).content.decode()
        assert "已确认" in page and "情况属实" in page and 'id="confirm-visit"' not in page

    def test_a_remark_alone_leaves_the_visit_unconfirmed(self, client_for, units, personas):
        visit = make_visit(personas, units)
        url = reverse("branches:visit_confirm", args=[visit.pk])
        client_for("secretary").post(url, {"remark_only": "1", "remark": "日期应为前一天"})
        visit.refresh_from_db()
        assert visit.remark == "日期应为前一天" and visit.confirmed_at is None

    def test_a_visit_is_confirmed_once(self, units, personas):
        visit = make_visit(personas, units)
        visit_confirm(actor=personas["secretary"], visit=visit, remark="", confirm=True)
        with pytest.raises(Exception, match="已经确认"):
            visit_confirm(actor=personas["secretary"], visit=visit, remark="", confirm=True)

    def test_another_branch_secretary_cannot_confirm(self, client_for, units, personas):
        visit = make_visit(personas, units)
        url = reverse("branches:visit_confirm", args=[visit.pk])
        assert client_for("secretary2").post(url, {"confirm": "1"}).status_code == 404
        assert client_for("leader").post(url, {"confirm": "1"}).status_code == 403  # its own visit
        visit.refresh_from_db()
        assert visit.confirmed_at is None

    def test_markup_in_the_remark_is_refused(self, client_for, units, personas):
        visit = make_visit(personas, units)
        url = reverse("branches:visit_confirm", args=[visit.pk])
        response = client_for("secretary").post(url, {"confirm": "1", "remark": "<b>好</b>"}, follow=True)
        assert "不能包含 &lt; 或 &gt;" in response.content.decode()
        visit.refresh_from_db()
        assert visit.confirmed_at is None and visit.remark == ""

    def test_the_secretary_sees_visits_to_confirm_on_its_dashboard(self, client_for, units, personas):
        visit = make_visit(personas, units)
        link = reverse("branches:visit_detail", args=[visit.pk])

        def to_confirm(role):
            home = client_for(role).get(reverse("dashboards:home")).context
            return [
                todo for todo, _state in home["todos"] if todo.link == link and todo.title.startswith("确认")
            ]

        (todo,) = to_confirm("secretary")
        assert todo.note == units["LS0101"].name
        assert not to_confirm("secretary2")


class TestScope:
    def test_the_office_sees_every_visit_of_its_township(self, client_for, units, personas):
        visit = make_visit(personas, units)
        school = make_visit(personas, units, code="LS03")
        page = client_for("office").get(reverse("branches:visit_list")).context["page"]
        assert {visit, school} <= set(page.object_list)

    def test_a_secretary_sees_only_its_branch_visits(self, client_for, units, personas):
        visit = make_visit(personas, units)
        listed = client_for("secretary2").get(reverse("branches:visit_list")).context["page"].object_list
        assert visit not in listed
        assert (
            client_for("secretary2").get(reverse("branches:visit_detail", args=[visit.pk])).status_code == 404
        )

    def test_the_list_does_not_grow_queries_with_visits(
        self, client_for, units, personas, django_assert_max_num_queries
    ):
        for days in range(1, 6):
            make_visit(personas, units, days_ago=days)
        client = client_for("office")
        client.get(reverse("branches:visit_list"))
        with django_assert_max_num_queries(12):
            client.get(reverse("branches:visit_list"))


class TestCoverage:
    def test_visits_per_leader_branch_and_month(self, units, personas):
        today = timezone.localdate()
        year = today.year - 1  # a year the demo has no visits in
        for day in (datetime.date(year, 3, 2), datetime.date(year, 3, 20), datetime.date(year, 7, 1)):
            make_visit(personas, units, days_ago=(today - day).days, follow_up_in=None)
        rows = {(row.leader, row.branch): row for row in visit_coverage(personas["office"], year)}
        first = rows["李建国", "柳山村第一党支部"]
        assert first.months[2] == 2 and first.months[6] == 1 and first.total == 3
        assert first.by_month == [(3, 2), (7, 1)]
        assert rows["李建国", "柳山镇中心学校党支部"].total == 0  # a liaison point without visits

    def test_a_secretary_sees_its_branch_coverage_only(self, client_for):
        rows = client_for("secretary2").get(reverse("branches:visit_coverage")).context["rows"]
        assert all(row.branch == "河东社区第一党支部" for row in rows)

    def test_the_coverage_page(self, client_for, django_assert_max_num_queries):
        client = client_for("office")
        client.get(reverse("branches:visit_coverage"))
        with django_assert_max_num_queries(10):
            response = client.get(reverse("branches:visit_coverage"), {"year": "abc"})
        page = response.content.decode()
        assert "3月" in page and "柳山村第一党支部" in page


class TestDashboardFlag:
    def test_the_demo_school_branch_is_flagged(self, client_for):
        home = client_for("office").get(reverse("dashboards:home"))
        (todo,) = [
            todo for todo, _state in home.context["todos"] if todo.link == reverse("branches:visit_coverage")
        ]
        assert todo.title == "1 个联系点长时间未走访"
        assert todo.note == "李建国 → 柳山镇中心学校党支部"
        assert "柳山镇中心学校党支部" in home.content.decode()

    def test_the_office_sets_the_number_of_days(self, client_for, units, personas):
        in_five_days = timezone.localdate() + datetime.timedelta(days=5)
        # The demo's last visit to LS0101 was three days ago: eight days then, within 90.
        assert {gap.point.branch.code for gap in visit_gaps(personas["office"], in_five_days)} == {"LS03"}
        response = client_for("office").post(
            reverse("branches:visit_setting"), {"township": units["LS"].pk, "visit_gap_days": "7"}
        )
        assert response.status_code == 302
        assert LiaisonSetting.objects.get(township=units["LS"]).visit_gap_days == 7
        flagged = {gap.point.branch.code for gap in visit_gaps(personas["office"], in_five_days)}
        assert flagged == {"LS0101", "LS03"}

    def test_a_visit_resets_the_flag(self, units, personas):
        today = timezone.localdate()
        make_visit(personas, units, code="LS03", days_ago=0)
        assert not visit_gaps(personas["office"], today)
        # And 91 days later, with no visit since, it is flagged again.
        later = today + datetime.timedelta(days=91)
        assert {gap.point.branch.code for gap in visit_gaps(personas["office"], later)} == {"LS0101", "LS03"}

    def test_a_new_liaison_point_is_not_flagged_before_its_gap_has_passed(self, units, personas):
        point = LiaisonPoint.objects.create(
            leader=personas["leader2"], branch=units["LS0102"], started_on=timezone.localdate()
        )
        later = timezone.localdate() + datetime.timedelta(days=91)
        assert point not in [gap.point for gap in visit_gaps(personas["office"], timezone.localdate())]
        assert point in [gap.point for gap in visit_gaps(personas["office"], later)]

    def test_out_of_range_days_are_refused(self, client_for, units):
        response = client_for("office").post(
            reverse("branches:visit_setting"), {"township": units["LS"].pk, "visit_gap_days": "3"}
        )
        assert response.status_code == 200
        assert "大于或等于7" in response.content.decode() and not LiaisonSetting.objects.exists()

    def test_only_offices_flag(self, client_for):
        assert "visit_gaps" not in client_for("leader").get(reverse("dashboards:home")).context


class TestFollowUpReminders:
    def test_an_open_follow_up_is_a_deadline_of_the_branch_with_the_leader(self, units, personas):
        visit = make_visit(personas, units, follow_up_in=2)
        follow_up = visit.follow_ups.get()
        deadlines = {d.key: d for d in open_deadlines(timezone.localdate())}
        deadline = deadlines[f"visit-follow-up:{follow_up.pk}"]
        assert deadline.unit_id == units["LS0101"].pk and deadline.owners == (personas["leader"].pk,)
        assert deadline.link == reverse("branches:visit_detail", args=[visit.pk])
        follow_up_done(follow_up=follow_up)
        assert f"visit-follow-up:{follow_up.pk}" not in {d.key for d in open_deadlines(timezone.localdate())}

    def test_the_scan_reminds_the_secretary_and_the_leader(self, units, personas):
        visit = make_visit(personas, units, follow_up_in=1)
        key = f"visit-follow-up:{visit.follow_ups.get().pk}"
        scan(timezone.now())  # in the quiet hours the messages are recorded and wait until 08:00
        told = Notification.objects.filter(key=key, channel="inbox").values_list(
            "recipient__username", flat=True
        )
        assert set(told) == {"leader", "secretary"}

    def test_follow_ups_without_a_deadline_are_not_reminded(self, units, personas):
        visit = make_visit(personas, units, follow_up_in=None)
        follow_up = VisitFollowUp.objects.create(visit=visit, text="长期关注")
        assert f"visit-follow-up:{follow_up.pk}" not in {d.key for d in open_deadlines(timezone.localdate())}

    def test_the_branch_secretary_marks_a_follow_up_done(self, client_for, units, personas):
        visit = make_visit(personas, units)
        follow_up = visit.follow_ups.get()
        url = reverse("branches:visit_follow_up_done", args=[visit.pk, follow_up.pk])
        assert client_for("secretary2").post(url).status_code == 404
        assert client_for("secretary").post(url).status_code == 302
        follow_up.refresh_from_db()
        assert follow_up.done_on == timezone.localdate()
