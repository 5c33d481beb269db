"""A commitment's status however it is loaded; two first filings of one letter at once."""

from __future__ import annotations

import datetime
import threading
import time

import pytest
from django.db import connection, transaction

from commitments.models import Category, Commitment, CommitmentLetter, Status
from commitments.services import commitment_save
from tests.postgres import waiting_on_a_lock

from .conftest import days


def test_status_is_the_same_from_a_plain_get_and_from_the_list_queryset(
    units, personas, make_commitment, today
):
    cases = {
        Status.NOT_STARTED: {"deadline": today + days(30)},
        Status.IN_PROGRESS: {"deadline": today + days(30), "percent": 40},
        Status.DONE: {"deadline": today - days(1), "percent": 100, "completed_on": today - days(2)},
        Status.OVERDUE: {"deadline": today - days(1), "percent": 40},
        Status.INCOMPLETE: {"deadline": today - days(1), "incomplete_reason": "村道改线，无法实施"},
    }
    made = {status: make_commitment(units["LS0101"], **fields) for status, fields in cases.items()}
    listed = {
        c.pk: c
        for c in Commitment.objects.visible_to(personas["office"]).filter(
            pk__in=[c.pk for c in made.values()]
        )
    }
    for status, commitment in made.items():
        plain = Commitment.objects.get(pk=commitment.pk)
        assert plain.status == listed[commitment.pk].status == listed[commitment.pk].status_code == status
    # Not even a row is needed: a form's unsaved instance has its status too.
    assert Commitment(deadline=today - days(1)).status == Status.OVERDUE


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs a database with real concurrent sessions"
)
@pytest.mark.django_db(transaction=True)
def test_two_first_filings_of_the_same_letter_at_once_share_one_letter():
    from accounts.models import Level, OrgUnit, User

    unit = OrgUnit.objects.create(code="RACE01", name="并发测试党支部", level=Level.BRANCH)
    actor = User.objects.create_user("race-secretary")
    deadline = datetime.date(2026, 12, 31)
    inserted = threading.Event()
    errors: list[Exception] = []

    def file(content: str) -> None:
        commitment = Commitment(category=Category.SERVICE, content=content, deadline=deadline)
        commitment_save(actor=actor, commitment=commitment, owner=(unit, None, "2026H2"))

    def first() -> None:
        try:
            with transaction.atomic():
                file("先提交的承诺")
                inserted.set()
                # Commit only once the second filing waits on this letter's row: both looked
                # for the letter before either had written it.
                give_up = time.monotonic() + 30
                while not waiting_on_a_lock() and time.monotonic() < give_up:
                    time.sleep(0.05)
        except Exception as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            inserted.set()
            connection.close()

    def second() -> None:
        inserted.wait(30)
        try:
            file("同时提交的承诺")
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    letter = CommitmentLetter.objects.get(unit=unit, member=None, period="2026H2")
    assert sorted(letter.commitments.values_list("content", flat=True)) == ["先提交的承诺", "同时提交的承诺"]
