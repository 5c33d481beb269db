"""The demo's creation rounds (seed_creation, run by seed_demo): last year's approved round with
one standing and one revoked title, this year's in its assessment, and running it again
changes nothing."""

from __future__ import annotations

import datetime
import io

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from core.models import Notification
from reviews.models import (
    CreationAssessment,
    CreationFiling,
    CreationRound,
    CreationStatus,
    FilingKind,
    Nomination,
    Title,
)
from reviews.nomination_selectors import member_evidence

HONOUR = "基层党组织建设先进党支部"


def _counts() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (CreationRound, CreationFiling, CreationAssessment, Title, Nomination, Notification)
    }


def test_seed_creation_twice_adds_nothing(db):
    before = _counts()
    call_command("seed_creation", stdout=io.StringIO())
    call_command("seed_creation", stdout=io.StringIO())
    assert _counts() == before


def test_this_years_demo_round_is_in_its_assessment_today(personas, units):
    today = timezone.localdate()
    current = CreationRound.objects.get(township=units["LS"], year=today.year)
    assert current.status == CreationStatus.ASSESSING
    assert current.assessment_starts <= today <= current.assessment_ends
    filings = {(f.entry.unit.code, f.kind): f for f in CreationFiling.objects.filter(entry__round=current)}
    assert filings[("LS0102", FilingKind.PLAN)].late
    assert ("LS03", FilingKind.MATERIALS) not in filings and ("LS03", FilingKind.PLAN) in filings
    assert CreationAssessment.objects.filter(round=current).count() == 2
    nominations = list(Nomination.objects.filter(round=current).select_related("member"))
    evidence = member_evidence(current, [n.member for n in nominations], personas["office"])
    assert len(nominations) == 3
    assert [n.member.name for n in nominations if evidence[n.member_id].below_threshold]
    assert [n for n in nominations if n.recommended]


def test_last_years_demo_round_titled_one_branch_and_revoked_another(client, client_for, personas, units):
    year = timezone.localdate().year - 1
    last = CreationRound.objects.get(township=units["LS"], year=year)
    assert last.status == CreationStatus.APPROVED
    standing = Title.objects.get(round=last, unit=units["LS0101"])
    revoked = Title.objects.get(round=last, unit=units["LS06"])
    assert standing.conferred_on == datetime.date(year, 6, 30) and standing.revoked_on is None
    assert revoked.revoked_on and "弄虚作假" in revoked.revocation_reason
    wording = f"{year}年度{HONOUR}"
    board = client.get(reverse("commitments:board", args=["LS"])).content.decode()
    assert f"柳山村第一党支部：{wording}" in board and "石桥村党支部：" not in board
    unit_page = client_for("secretary").get(reverse("branches:unit_detail", args=[units["LS0101"].pk]))
    assert wording in unit_page.content.decode()
    titles = client_for("leader").get(reverse("reviews:titles")).content.decode()
    assert "石桥村党支部" in titles and "弄虚作假" in titles
    commended = client_for("office").get(reverse("reviews:commendations", args=[last.pk])).content.decode()
    assert f"柳山镇{year}年度优秀共产党员表彰名单" in commended and "周玉兰" in commended
    assert f"{year}年6月30日" in commended
