from __future__ import annotations

import datetime
import io

import pytest
from PIL import Image

from branches.models import Member
from commitments.models import Category, Commitment, CommitmentLetter
from core.periods import Period


@pytest.fixture
def period():
    """The half-year the demo's today falls in; commitments are filed for it."""
    from django.utils import timezone

    return Period.containing(timezone.localdate())


@pytest.fixture
def make_commitment(period):
    def make(
        unit,
        *,
        member=None,
        content="为孤寡老人每月上门服务一次",
        deadline=None,
        category=Category.SERVICE,
        **extra,
    ):
        letter, _ = CommitmentLetter.objects.get_or_create(unit=unit, member=member, period=period.code)
        return Commitment.objects.create(
            letter=letter, category=category, content=content, deadline=deadline or period.end, **extra
        )

    return make


@pytest.fixture
def other_branch_commitment(units, make_commitment):
    """A commitment of 河东社区第一党支部 (secretary2's branch)."""
    return make_commitment(units["LS0201"], content="河东社区：为居民代办事项")


@pytest.fixture
def own_member(units):
    return Member.objects.filter(unit=units["LS0101"], position="member").order_by("pk").first()


def jpeg_bytes(*, exif_gps: bool = False) -> bytes:
    image = Image.new("RGB", (64, 48), (180, 40, 40))
    buffer = io.BytesIO()
    if exif_gps:
        exif = Image.Exif()
        exif[0x8825] = {1: "N", 2: (30.0, 15.0, 0.0)}  # GPSInfo
        exif[0x010F] = "PhoneMaker"
        image.save(buffer, "JPEG", exif=exif)
    else:
        image.save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def today():
    from django.utils import timezone

    return timezone.localdate()


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)
