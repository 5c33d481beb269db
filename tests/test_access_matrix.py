"""Every URL of the project × every demo role: a new page without a decision here fails."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.models import RoleAssignment, User
from branches.models import LiaisonPoint, Member
from commitments.models import Commitment, Progress
from core.attachments import CheckedFile
from core.models import Job, Notification, Upload, Webhook
from core.services import attachment_add
from reports.models import Report
from reports.services import report_submit
from tests.core.xlsx_files import xlsx

ROLES = ["anonymous", "office", "leader", "secretary", "secretary2", "inspector", "member", "admin"]

# url name: (method, statuses in the order of ROLES). Objects: the `member` persona's own
# record and account in 柳山村第一党支部 (secretary's branch, not secretary2's).
LOGIN = 302
EXPECTED = {
    "healthz": ("get", [200, 200, 200, 200, 200, 200, 200, 200]),
    "accounts:login": ("get", [200, 200, 200, 200, 200, 200, 200, 200]),
    "accounts:logout": ("post", [302, 302, 302, 302, 302, 302, 302, 302]),
    "accounts:password_change": ("get", [LOGIN, 200, 200, 200, 200, 200, 200, 200]),
    "accounts:password_change_done": ("get", [LOGIN, 200, 200, 200, 200, 200, 200, 200]),
    "accounts:user_list": ("get", [LOGIN, 200, 403, 403, 403, 403, 403, 200]),
    "accounts:user_create": ("get", [LOGIN, 200, 403, 403, 403, 403, 403, 200]),
    "accounts:user_detail": ("get", [LOGIN, 200, 403, 403, 403, 403, 403, 200]),
    "accounts:user_edit": ("get", [LOGIN, 200, 403, 403, 403, 403, 403, 200]),
    "accounts:user_set_password": ("get", [LOGIN, 200, 403, 403, 403, 403, 403, 200]),
    "accounts:role_delete": ("post", [LOGIN, 302, 403, 403, 403, 403, 403, 302]),
    "core:import": ("get", [LOGIN, 200, 404, 200, 200, 404, 404, 200]),
    "core:import_template": ("get", [LOGIN, 200, 404, 200, 200, 404, 404, 200]),
    # The upload belongs to `office`: nobody else, not even a superuser, may confirm it.
    "core:import_confirm": ("post", [LOGIN, 302, 404, 404, 404, 404, 404, 404]),
    "branches:dashboard": ("get", [LOGIN, 200, 200, 200, 200, 200, 200, 200]),
    "branches:tree": ("get", [LOGIN, 200, 200, 200, 200, 200, 200, 200]),
    "branches:unit_create": ("get", [LOGIN, 200, 403, 403, 403, 403, 403, 200]),
    "branches:unit_detail": ("get", [LOGIN, 200, 200, 200, 404, 200, 404, 200]),
    "branches:unit_edit": ("get", [LOGIN, 200, 403, 403, 404, 403, 404, 200]),
    "branches:unit_responsibilities": ("get", [LOGIN, 200, 403, 403, 404, 403, 404, 200]),
    "branches:unit_history": ("get", [LOGIN, 200, 403, 403, 404, 403, 404, 200]),
    "branches:member_list": ("get", [LOGIN, 200, 200, 200, 200, 200, 200, 200]),
    "branches:member_create": ("get", [LOGIN, 200, 403, 200, 200, 403, 403, 200]),
    "branches:member_detail": ("get", [LOGIN, 200, 200, 200, 404, 200, 200, 200]),
    "branches:member_edit": ("get", [LOGIN, 200, 403, 200, 404, 403, 403, 200]),
    "branches:member_history": ("get", [LOGIN, 200, 403, 200, 404, 403, 403, 200]),
    "branches:liaison_list": ("get", [LOGIN, 200, 200, 403, 403, 403, 403, 200]),
    "branches:liaison_end": ("post", [LOGIN, 302, 302, 403, 404, 403, 404, 302]),
    "core:import_errors": ("get", [LOGIN, 200, 404, 404, 404, 404, 404, 404]),
    "core:attachment": ("get", [LOGIN, 200, 200, 200, 404, 200, 404, 200]),
    "core:job_list": ("get", [LOGIN, 200, 200, 200, 200, 200, 200, 200]),
    "core:job_detail": ("get", [LOGIN, 200, 404, 404, 404, 404, 404, 404]),
    "core:job_download": ("get", [LOGIN, 200, 404, 404, 404, 404, 404, 404]),
    # A commitment of 柳山村第一党支部 itself (not of a member).
    "commitments:list": ("get", [LOGIN, 200, 200, 200, 200, 200, 200, 200]),
    "commitments:create": ("get", [LOGIN, 200, 200, 200, 200, 403, 200, 200]),
    "commitments:detail": ("get", [LOGIN, 200, 200, 200, 404, 200, 404, 200]),
    "commitments:edit": ("get", [LOGIN, 200, 403, 200, 404, 403, 404, 200]),
    "commitments:progress": ("post", [LOGIN, 302, 403, 302, 404, 403, 404, 302]),
    "commitments:incomplete": ("post", [LOGIN, 302, 403, 403, 404, 403, 404, 302]),
    "commitments:letters": ("get", [LOGIN, 200, 200, 200, 200, 200, 200, 200]),
    "commitments:letter": ("get", [LOGIN, 200, 200, 200, 404, 200, 404, 200]),
    "commitments:letter_word": ("get", [LOGIN, 200, 200, 200, 404, 200, 404, 200]),
    "commitments:export": ("get", [LOGIN, 200, 200, 200, 200, 200, 200, 200]),
    "commitments:locks": ("get", [LOGIN, 200, 403, 403, 403, 403, 403, 200]),
    # A submitted report of 柳山村第一党支部.
    "reports:list": ("get", [LOGIN, 200, 200, 200, 200, 200, 200, 200]),
    "reports:create": ("get", [LOGIN, 200, 403, 200, 200, 403, 403, 200]),
    "reports:grid": ("get", [LOGIN, 200, 200, 200, 200, 200, 200, 200]),
    "reports:mine": ("get", [LOGIN, 200, 200, 200, 200, 200, 200, 200]),
    "reports:circular": ("get", [LOGIN, 200, 200, 403, 403, 403, 403, 200]),
    "reports:detail": ("get", [LOGIN, 200, 200, 200, 404, 200, 404, 200]),
    "reports:edit": ("get", [LOGIN, 403, 403, 403, 404, 403, 404, 403]),
    "reports:submit": ("post", [LOGIN, 302, 403, 302, 404, 403, 404, 302]),
    "reports:review": ("post", [LOGIN, 302, 403, 403, 404, 403, 404, 302]),
    "reports:print": ("get", [LOGIN, 200, 200, 200, 404, 200, 404, 200]),
    "reports:word": ("get", [LOGIN, 200, 200, 200, 404, 200, 404, 200]),
    # Reminders: the `member` persona's own inbox message; a group bot of the township.
    "accounts:preferences": ("get", [LOGIN, 200, 200, 200, 200, 200, 200, 200]),
    "core:inbox": ("get", [LOGIN, 200, 200, 200, 200, 200, 200, 200]),
    "core:inbox_open": ("post", [LOGIN, 404, 404, 404, 404, 404, 302, 404]),
    "core:board": ("get", [LOGIN, 200, 403, 403, 403, 403, 403, 200]),
    "core:board_remind": ("post", [LOGIN, 302, 403, 403, 403, 403, 403, 302]),
    "core:notification_log": ("get", [LOGIN, 200, 403, 403, 403, 403, 403, 200]),
    "core:reminder_settings": ("get", [LOGIN, 200, 403, 403, 403, 403, 403, 200]),
    "core:webhook_delete": ("post", [LOGIN, 302, 403, 403, 403, 403, 403, 302]),
    "core:webhook_test": ("post", [LOGIN, 302, 403, 403, 403, 403, 403, 302]),
    # The public board: no login.
    "commitments:board": ("get", [200, 200, 200, 200, 200, 200, 200, 200]),
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


def _kwargs(name: str, personas, units) -> dict:
    member_user = personas["member"]
    own_record = Member.objects.get(user=member_user)
    if name.startswith("accounts:user_") and name != "accounts:user_list" and name != "accounts:user_create":
        return {"pk": member_user.pk}
    if name == "accounts:role_delete":
        return {"pk": RoleAssignment.objects.get(user=member_user).pk}
    if name in ("core:import", "core:import_template"):
        return {"kind": "members"}
    if name in ("core:import_confirm", "core:import_errors"):
        upload = Upload(owner=personas["office"], kind="members", original_name="a.xlsx")
        upload.file.save("a.xlsx", ContentFile(xlsx([["林小红", "女", "XX", "党员", "", ""]])))
        return {"pk": upload.pk}
    commitment = Commitment.objects.filter(letter__unit=units["LS0101"], letter__member=None).first()
    if name == "core:attachment":
        entry = Progress.objects.create(
            commitment=commitment, date=commitment.letter.period_obj.start, text="x", percent=10
        )
        photo = CheckedFile(b"%PDF-1.4 test", "application/pdf", "pdf")
        return {"pk": attachment_add(owner=entry, checked=photo, name="证明.pdf", actor=None).pk}
    if name in ("core:job_detail", "core:job_download"):
        job = Job.objects.create(owner=personas["office"], kind="export", title="台账", status="done")
        job.result.save("台账.xlsx", ContentFile(b"PK\x03\x04"))
        job.result_name = "台账.xlsx"
        job.save()
        return {"pk": job.pk}
    if name in ("commitments:detail", "commitments:edit", "commitments:progress", "commitments:incomplete"):
        return {"pk": commitment.pk}
    if name in ("commitments:letter", "commitments:letter_word"):
        return {"pk": commitment.letter_id}
    if name.startswith("reports:") and name not in (
        "reports:list",
        "reports:create",
        "reports:grid",
        "reports:mine",
        "reports:circular",
    ):
        report = Report.objects.create(
            unit=units["LS0101"], title="信息", authors="张", category="news", body="正文"
        )
        return {"pk": report_submit(actor=None, report=report).pk}
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
        return {"pk": message.pk}
    if name == "core:board_remind":
        return {"pk": units["LS0101"].pk}
    if name in ("core:webhook_delete", "core:webhook_test"):
        hook = Webhook.objects.create(unit=units["LS"], platform="wecom", url="http://127.0.0.1:9/hook")
        return {"pk": hook.pk}
    if name == "commitments:board":
        return {"code": "LS"}
    if name.startswith("branches:unit_") and name != "branches:unit_create":
        return {"pk": units["LS0101"].pk}
    if name.startswith("branches:member_") and name not in ("branches:member_list", "branches:member_create"):
        return {"pk": own_record.pk}
    if name == "branches:liaison_end":
        return {"pk": LiaisonPoint.objects.get(leader__username="leader", branch=units["LS0101"]).pk}
    return {}


@pytest.mark.parametrize("name", sorted(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_access(name, role, client_for, personas, units):
    method, statuses = EXPECTED[name]
    expected = statuses[ROLES.index(role)]
    url = reverse(name, kwargs=_kwargs(name, personas, units))
    client = client_for(None if role == "anonymous" else role)
    data = {"discard": "1"} if name == "core:import_confirm" else {}
    response = getattr(client, method)(url, data)
    assert response.status_code == expected, f"{role} {method.upper()} {url}"
    if expected == LOGIN and role == "anonymous" and method == "get":
        assert response["Location"].startswith(reverse("accounts:login")) or name == "accounts:logout"


def test_admin_stays_for_superusers_only(client_for):
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
