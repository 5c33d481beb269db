"""Every URL of the project × every demo role: a new page without a decision here fails.

Besides the demo personas, `twohat` is office of a second township (青石镇) and secretary of
柳山村第一党支部: the office role it holds elsewhere must open nothing here beyond what its
secretary role does. Every POST is sent with valid data: an allowed one must have done
what it is for (a redirect after a failed form is not "allowed"), a denied one must leave
the database as it was.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.models import RoleAssignment, User
from branches.models import LiaisonPoint, Member
from commitments.models import Commitment, Progress
from commitments.services import letter_get_or_create
from core.attachments import CheckedFile
from core.models import Job, Notification, Upload, Webhook
from core.periods import Period
from core.services import attachment_add
from reports.models import Report, ReportStatus
from reports.services import report_review, report_submit
from tests.branches import access_meetings, access_visits
from tests.core import access_archive
from tests.core.xlsx_files import xlsx
from tests.dashboards import access_dashboards
from tests.inspections import access_inspections, access_rectifications
from tests.reviews import access_creation, access_evaluations, access_nominations, access_reviews

ROLES = [
    "anonymous",
    "office",
    "leader",
    "leader2",
    "secretary",
    "secretary2",
    "inspector",
    "member",
    "twohat",
    "admin",
]

# url name: (method, statuses in the order of ROLES). Objects: the `member` persona's own
# record and account in 柳山村第一党支部 (secretary's branch, not secretary2's).
LOGIN = 302
EXPECTED = {
    "healthz": ("get", [200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    "accounts:login": ("get", [200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    "accounts:logout": ("post", [302, 302, 302, 302, 302, 302, 302, 302, 302, 302]),
    "accounts:password_change": ("get", [LOGIN, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    "accounts:password_change_done": ("get", [LOGIN, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    "accounts:user_list": ("get", [LOGIN, 200, 403, 403, 403, 403, 403, 403, 200, 200]),
    "accounts:user_create": ("get", [LOGIN, 200, 403, 403, 403, 403, 403, 403, 200, 200]),
    "accounts:user_detail": ("get", [LOGIN, 200, 403, 403, 403, 403, 403, 403, 404, 200]),
    "accounts:user_edit": ("get", [LOGIN, 200, 403, 403, 403, 403, 403, 403, 404, 200]),
    "accounts:user_set_password": ("get", [LOGIN, 200, 403, 403, 403, 403, 403, 403, 404, 200]),
    "accounts:role_delete": ("post", [LOGIN, 302, 403, 403, 403, 403, 403, 403, 404, 302]),
    "core:import": ("get", [LOGIN, 200, 404, 404, 200, 200, 404, 404, 200, 200]),
    "core:import_template": ("get", [LOGIN, 200, 404, 404, 200, 200, 404, 404, 200, 200]),
    # The upload belongs to `office`: nobody else, not even a superuser, may confirm it.
    "core:import_confirm": ("post", [LOGIN, 302, 404, 404, 404, 404, 404, 404, 404, 404]),
    "branches:tree": ("get", [LOGIN, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    # A page of matching units within the asker's own scope (the searchable unit selects).
    "branches:unit_search": ("get", [LOGIN, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    "branches:unit_create": ("get", [LOGIN, 200, 403, 403, 403, 403, 403, 403, 200, 200]),
    "branches:unit_detail": ("get", [LOGIN, 200, 200, 200, 200, 404, 200, 404, 200, 200]),
    "branches:unit_edit": ("get", [LOGIN, 200, 403, 403, 403, 404, 403, 404, 403, 200]),
    "branches:unit_responsibilities": ("get", [LOGIN, 200, 403, 403, 403, 404, 403, 404, 403, 200]),
    # A branch's secretary keeps its own branch's leading group.
    "branches:unit_leading_group": ("get", [LOGIN, 200, 403, 403, 200, 404, 403, 404, 200, 200]),
    "branches:unit_history": ("get", [LOGIN, 200, 403, 403, 403, 404, 403, 404, 403, 200]),
    "branches:member_list": ("get", [LOGIN, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    "branches:member_create": ("get", [LOGIN, 200, 403, 403, 200, 200, 403, 403, 200, 200]),
    "branches:member_detail": ("get", [LOGIN, 200, 200, 200, 200, 404, 200, 200, 200, 200]),
    "branches:member_edit": ("get", [LOGIN, 200, 403, 403, 200, 404, 403, 403, 200, 200]),
    "branches:member_history": ("get", [LOGIN, 200, 403, 403, 200, 404, 403, 403, 200, 200]),
    "branches:liaison_list": ("get", [LOGIN, 200, 200, 200, 403, 403, 403, 403, 403, 200]),
    "branches:liaison_create": ("get", [LOGIN, 200, 200, 200, 403, 403, 403, 403, 403, 200]),
    "branches:liaison_end": ("post", [LOGIN, 302, 302, 403, 403, 404, 403, 404, 403, 302]),
    "core:import_errors": ("get", [LOGIN, 200, 404, 404, 404, 404, 404, 404, 404, 404]),
    "core:attachment": ("get", [LOGIN, 200, 200, 200, 200, 404, 200, 404, 200, 200]),
    "core:job_list": ("get", [LOGIN, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    "core:job_detail": ("get", [LOGIN, 200, 404, 404, 404, 404, 404, 404, 404, 404]),
    "core:job_download": ("get", [LOGIN, 200, 404, 404, 404, 404, 404, 404, 404, 404]),
    # A commitment of 柳山村第一党支部 itself (not of a member); `incomplete` one of a past period.
    "commitments:list": ("get", [LOGIN, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    "commitments:create": ("get", [LOGIN, 200, 200, 403, 200, 200, 403, 200, 200, 200]),
    "commitments:detail": ("get", [LOGIN, 200, 200, 200, 200, 404, 200, 404, 200, 200]),
    "commitments:edit": ("get", [LOGIN, 200, 403, 403, 200, 404, 403, 404, 200, 200]),
    "commitments:progress": ("post", [LOGIN, 302, 403, 403, 302, 404, 403, 404, 302, 302]),
    "commitments:incomplete": ("post", [LOGIN, 302, 403, 403, 403, 404, 403, 404, 403, 302]),
    "commitments:letters": ("get", [LOGIN, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    "commitments:letter": ("get", [LOGIN, 200, 200, 200, 200, 404, 200, 404, 200, 200]),
    "commitments:letter_word": ("get", [LOGIN, 200, 200, 200, 200, 404, 200, 404, 200, 200]),
    "commitments:export": ("get", [LOGIN, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    "commitments:locks": ("get", [LOGIN, 200, 403, 403, 403, 403, 403, 403, 200, 200]),
    # A submitted report of 柳山村第一党支部 (`submit`: one the office returned).
    "reports:list": ("get", [LOGIN, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    "reports:create": ("get", [LOGIN, 200, 403, 403, 200, 200, 403, 403, 200, 200]),
    "reports:grid": ("get", [LOGIN, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    "reports:mine": ("get", [LOGIN, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    "reports:circular": ("get", [LOGIN, 200, 200, 200, 200, 200, 200, 403, 200, 200]),
    "reports:detail": ("get", [LOGIN, 200, 200, 200, 200, 404, 200, 404, 200, 200]),
    "reports:edit": ("get", [LOGIN, 403, 403, 403, 403, 404, 403, 404, 403, 403]),
    # Only the branch resends a returned report; the office that returned it may not.
    "reports:submit": ("post", [LOGIN, 403, 403, 403, 302, 404, 403, 404, 302, 302]),
    "reports:review": ("post", [LOGIN, 302, 403, 403, 403, 404, 403, 404, 403, 302]),
    "reports:print": ("get", [LOGIN, 200, 200, 200, 200, 404, 200, 404, 200, 200]),
    "reports:word": ("get", [LOGIN, 200, 200, 200, 200, 404, 200, 404, 200, 200]),
    # Reminders: the `member` persona's own inbox message; a group bot of the township.
    "accounts:preferences": ("get", [LOGIN, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    "core:inbox": ("get", [LOGIN, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    "core:inbox_open": ("post", [LOGIN, 404, 404, 404, 404, 404, 404, 302, 404, 404]),
    "core:board": ("get", [LOGIN, 200, 403, 403, 403, 403, 403, 403, 200, 200]),
    "core:board_remind": ("post", [LOGIN, 302, 403, 403, 403, 403, 403, 403, 403, 302]),
    "core:notification_log": ("get", [LOGIN, 200, 403, 403, 403, 403, 403, 403, 200, 200]),
    "core:reminder_settings": ("get", [LOGIN, 200, 403, 403, 403, 403, 403, 403, 200, 200]),
    "core:webhook_delete": ("post", [LOGIN, 302, 403, 403, 403, 403, 403, 403, 404, 302]),
    "core:webhook_test": ("post", [LOGIN, 302, 403, 403, 403, 403, 403, 403, 404, 302]),
    # The public board: no login.
    "commitments:board": ("get", [200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    "commitments:board_poster": ("get", [200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
}

# The inspections and reviews apps keep their rows beside its tests, with the objects they need.
FRAGMENTS = [
    access_inspections,
    access_rectifications,
    access_reviews,
    access_evaluations,
    access_creation,
    access_nominations,
    access_visits,
    access_meetings,
    access_archive,
    access_dashboards,
]
for fragment in FRAGMENTS:
    EXPECTED.update(fragment.EXPECTED)

PROJECT_APPS = {
    "accounts",
    "branches",
    "commitments",
    "reports",
    "inspections",
    "reviews",
    "dashboards",
    "core",
}


def _project_url_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue  # Django's admin, scoped by ScopedAdminMixin and tested apart
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _project_url_names(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def test_every_url_has_an_access_decision():
    assert set(_project_url_names()) == set(EXPECTED)


@dataclass
class Target:
    kwargs: dict = field(default_factory=dict)
    data: dict = field(default_factory=dict)
    # For a POST: whether the action took place (None where it leaves no trace in the database).
    done: Callable[[], bool] | None = None


def _submitted_report(unit) -> Report:
    report = Report.objects.create(unit=unit, title="信息", authors="张", category="news", body="正文")
    return report_submit(actor=None, report=report)


def _target(name: str, personas, units) -> Target:  # noqa: C901 - one branch per URL, read as a table
    for fragment in FRAGMENTS:
        if name in fragment.EXPECTED:
            return fragment.target(name, personas, units)
    member_user = personas["member"]
    own_record = Member.objects.get(user=member_user)
    if name.startswith("accounts:user_") and name not in ("accounts:user_list", "accounts:user_create"):
        return Target({"pk": member_user.pk})
    if name == "accounts:role_delete":
        role = RoleAssignment.objects.get(user=member_user)
        return Target({"pk": role.pk}, done=lambda: not RoleAssignment.objects.filter(pk=role.pk).exists())
    if name in ("core:import", "core:import_template"):
        return Target({"kind": "members"})
    if name in ("core:import_confirm", "core:import_errors"):
        upload = Upload(owner=personas["office"], kind="members", original_name="a.xlsx")
        upload.file.save("a.xlsx", ContentFile(xlsx([["林小红", "女", "XX", "党员", "", ""]])))
        done = lambda: not Upload.objects.filter(pk=upload.pk).exists()  # noqa: E731
        return Target({"pk": upload.pk}, {"discard": "1"}, done)
    commitment = Commitment.objects.filter(letter__unit=units["LS0101"], letter__member=None).first()
    if name == "core:attachment":
        entry = Progress.objects.create(
            commitment=commitment, date=commitment.letter.period_obj.start, text="x", percent=10
        )
        photo = CheckedFile(b"%PDF-1.4 test", "application/pdf", "pdf")
        return Target({"pk": attachment_add(owner=entry, checked=photo, name="证明.pdf", actor=None).pk})
    if name in ("core:job_detail", "core:job_download"):
        job = Job.objects.create(owner=personas["office"], kind="export", title="台账", status="done")
        job.result.save("台账.xlsx", ContentFile(b"PK\x03\x04"))
        job.result_name = "台账.xlsx"
        job.save()
        return Target({"pk": job.pk})
    if name == "commitments:progress":
        data = {"date": timezone.localdate().isoformat(), "text": "走访三户", "percent": "40"}
        done = lambda: commitment.progress_entries.filter(text="走访三户").exists()  # noqa: E731
        return Target({"pk": commitment.pk}, data, done)
    if name == "commitments:incomplete":
        past = Period.containing(timezone.localdate() - datetime.timedelta(days=366))
        letter = letter_get_or_create(unit=units["LS0101"], member=None, period=past.code)
        old = Commitment.objects.create(letter=letter, category="service", content="修路", deadline=past.end)
        done = lambda: Commitment.objects.get(pk=old.pk).incomplete_reason == "资金未到位"  # noqa: E731
        return Target({"pk": old.pk}, {"reason": "资金未到位"}, done)
    if name in ("commitments:detail", "commitments:edit"):
        return Target({"pk": commitment.pk})
    if name in ("commitments:letter", "commitments:letter_word"):
        return Target({"pk": commitment.letter_id})
    if name == "reports:submit":
        report = report_review(
            actor=personas["office"], report=_submitted_report(units["LS0101"]), adopt=False, note="补充"
        )
        done = lambda: Report.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED  # noqa: E731
        return Target({"pk": report.pk}, done=done)
    if name == "reports:review":
        report = _submitted_report(units["LS0101"])
        done = lambda: Report.objects.get(pk=report.pk).status == ReportStatus.ADOPTED  # noqa: E731
        return Target({"pk": report.pk}, {"decision": "adopt", "note": "简报第 3 期"}, done)
    if name.startswith("reports:") and name not in (
        "reports:list",
        "reports:create",
        "reports:grid",
        "reports:mine",
        "reports:circular",
    ):
        return Target({"pk": _submitted_report(units["LS0101"]).pk})
    if name == "core:inbox_open":
        message = Notification.objects.create(
            key="t",
            stage="due",
            channel="inbox",
            target="user:x",
            recipient=member_user,
            title="t",
            scheduled_for=timezone.now(),
            status="sent",
        )
        done = lambda: Notification.objects.get(pk=message.pk).read_at is not None  # noqa: E731
        return Target({"pk": message.pk}, done=done)
    if name == "core:board_remind":
        unit = units["LS0101"]
        done = lambda: Notification.objects.filter(key__startswith="manual:", unit=unit).exists()  # noqa: E731
        return Target({"pk": unit.pk}, done=done)
    if name in ("core:webhook_delete", "core:webhook_test"):
        hook = Webhook.objects.create(unit=units["LS"], platform="wecom", url="https://127.0.0.1:9/hook")
        if name == "core:webhook_test":
            return Target({"pk": hook.pk})  # reaches no bot here; its answer is tested in test_reminders
        return Target({"pk": hook.pk}, done=lambda: not Webhook.objects.filter(pk=hook.pk).exists())
    if name in ("commitments:board", "commitments:board_poster"):
        return Target({"code": "LS"})
    if name.startswith("branches:unit_") and name not in ("branches:unit_create", "branches:unit_search"):
        return Target({"pk": units["LS0101"].pk})
    if name.startswith("branches:member_") and name not in ("branches:member_list", "branches:member_create"):
        return Target({"pk": own_record.pk})
    if name == "branches:liaison_end":
        point = LiaisonPoint.objects.get(leader__username="leader", branch=units["LS0101"])
        return Target(
            {"pk": point.pk}, done=lambda: LiaisonPoint.objects.get(pk=point.pk).ended_on is not None
        )
    return Target()


def _database_state() -> dict[str, list]:
    """Every row of every table of the project's apps, history included."""
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values_list())
        for model in apps.get_models()
        if model._meta.app_label in PROJECT_APPS
    }


@pytest.mark.parametrize("name", sorted(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_access(name, role, personas, units, twohat):
    method, statuses = EXPECTED[name]
    expected = statuses[ROLES.index(role)]
    target = _target(name, personas, units)
    url = reverse(name, kwargs=target.kwargs)
    client = Client()
    if role != "anonymous":
        client.force_login(twohat if role == "twohat" else personas[role])
    before = _database_state() if method == "post" else None
    response = getattr(client, method)(url, target.data)
    assert response.status_code == expected, f"{role} {method.upper()} {url}"
    if expected == LOGIN and role == "anonymous" and method == "get":
        assert response["Location"].startswith(reverse("accounts:login")) or name == "accounts:logout"
    if method != "post":
        return
    if expected in (403, 404) or role == "anonymous":
        assert _database_state() == before, f"{role} was refused but the database changed"
    elif target.done is not None:
        assert target.done(), f"{role} POST {url} answered {expected} but did not do it"


def test_admin_stays_for_staff(client_for):
    assert client_for("admin").get("/admin/branches/member/").status_code == 200
    for role in ["office", "secretary", "member"]:
        response = client_for(role).get("/admin/branches/member/")
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_personas_exist(personas):
    assert set(personas) == {
        "office",
        "leader",
        "leader2",
        "secretary",
        "secretary2",
        "inspector",
        "member",
        "admin",
    }
    assert User.objects.get(username="admin").is_superuser
