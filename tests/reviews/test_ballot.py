"""The public, anonymous ballot: one code one ballot, the dates, the rate limit, nothing identifying."""

from __future__ import annotations

import datetime
import threading
import time

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from reviews.evaluation_services import ballot_cast, ballot_codes_create
from reviews.models import BallotCode, Campaign, Choice, EvaluationSubject, Vote
from tests.postgres import waiting_on_a_lock
from tests.reviews.access_evaluations import make_campaign

DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def campaign(personas, units):
    return make_campaign(personas, units)


def _url(campaign, **query) -> str:
    url = reverse("reviews:ballot", args=[campaign.public_token])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _marks(campaign) -> dict:
    branch = EvaluationSubject.objects.get(campaign=campaign, member=None)
    member = EvaluationSubject.objects.filter(campaign=campaign).exclude(member=None).first()
    return {
        "code": "",
        f"choice_{branch.pk}": Choice.SATISFIED,
        f"opinion_{branch.pk}": "<b>多开展志愿服务</b>",
        f"choice_{member.pk}": Choice.UNSATISFIED,
    }


def test_the_ballot_page_needs_no_login_and_shows_the_items(campaign):
    [code] = ballot_codes_create(campaign=campaign, count=1)
    response = Client().get(_url(campaign, code=code.code))
    assert response.status_code == 200
    text = response.content.decode()
    assert code.code in text and "评议内容" in text and "基本满意" in text
    assert "Content-Security-Policy" in response.headers
    assert "sessionid" not in response.cookies


def test_a_code_casts_one_ballot_and_is_refused_the_second_time(campaign):
    [code] = ballot_codes_create(campaign=campaign, count=1)
    client = Client()
    data = {**_marks(campaign), "code": code.code.lower()}  # typed in lower case on a phone
    response = client.post(_url(campaign), data)
    assert response.status_code == 302 and "done=1" in response["Location"]
    assert "谢谢" in client.get(response["Location"]).content.decode()
    assert Vote.objects.filter(subject__campaign=campaign).count() == 2
    vote = Vote.objects.get(subject__campaign=campaign, choice=Choice.SATISFIED)
    assert vote.opinion == "<b>多开展志愿服务</b>" and vote.cast_on == timezone.localdate()
    assert BallotCode.objects.get(pk=code.pk).used_on == timezone.localdate()

    again = client.post(_url(campaign), data)
    assert again.status_code == 400 and "该评议码已经使用过" in again.content.decode()
    assert Vote.objects.filter(subject__campaign=campaign).count() == 2


def test_an_unknown_code_or_another_campaigns_code_is_refused(campaign, personas, units):
    other = make_campaign(personas, units, title="另一次评议")
    [code] = ballot_codes_create(campaign=other, count=1)
    for typed in ("ZZZZ2222", code.code):
        response = Client().post(_url(campaign), {**_marks(campaign), "code": typed})
        assert response.status_code == 400 and "该评议码无效" in response.content.decode()
    assert not Vote.objects.filter(subject__campaign=campaign).exists()
    assert BallotCode.objects.get(pk=code.pk).used_on is None


def test_an_empty_ballot_is_refused_and_the_code_kept(campaign):
    [code] = ballot_codes_create(campaign=campaign, count=1)
    response = Client().post(_url(campaign), {"code": code.code})
    assert response.status_code == 400 and "请至少对一个评议对象作出评价" in response.content.decode()
    assert BallotCode.objects.get(pk=code.pk).used_on is None


@pytest.mark.parametrize("when", ["before", "after", "closed"])
def test_ballots_are_refused_outside_the_open_dates(personas, units, when):
    today = timezone.localdate()
    dates = {
        "before": {"opens_on": today + DAY, "closes_on": today + 5 * DAY},
        "after": {"opens_on": today - 5 * DAY, "closes_on": today - DAY},
        "closed": {},
    }[when]
    campaign = make_campaign(personas, units, **dates)
    [code] = ballot_codes_create(campaign=campaign, count=1)
    if when == "closed":
        Campaign.objects.filter(pk=campaign.pk).update(status="closed")
    response = Client().post(_url(campaign), {**_marks(campaign), "code": code.code})
    assert response.status_code == 403 and "本次评议现在不接受投票" in response.content.decode()
    assert not Vote.objects.filter(subject__campaign=campaign).exists()
    assert BallotCode.objects.get(pk=code.pk).used_on is None


def test_ballots_beyond_the_rate_limit_from_one_address_are_refused(campaign, settings):
    settings.BALLOT_RATE = 2
    codes = ballot_codes_create(campaign=campaign, count=3)
    client = Client(REMOTE_ADDR="203.0.113.7")
    for code in codes[:2]:
        assert client.post(_url(campaign), {**_marks(campaign), "code": code.code}).status_code == 302
    response = client.post(_url(campaign), {**_marks(campaign), "code": codes[2].code})
    assert response.status_code == 429 and "投票过于频繁" in response.content.decode()
    assert BallotCode.objects.get(pk=codes[2].pk).used_on is None
    # Another address is not held back; the cache holds no address, only a keyed hash of it.
    other = Client(REMOTE_ADDR="203.0.113.8")
    assert other.post(_url(campaign), {**_marks(campaign), "code": codes[2].code}).status_code == 302
    hashed = "ballot-rate:" + salted_hmac("reviews.ballot-rate", "203.0.113.7").hexdigest()
    assert cache.get(hashed) == 3 and "203.0.113.7" not in hashed


def test_the_ballot_is_csrf_protected(campaign):
    [code] = ballot_codes_create(campaign=campaign, count=1)
    client = Client(enforce_csrf_checks=True)
    response = client.post(_url(campaign), {**_marks(campaign), "code": code.code})
    assert response.status_code == 403
    assert not Vote.objects.filter(subject__campaign=campaign).exists()


def test_nothing_identifying_is_stored_with_a_ballot():
    vote_columns = {field.name for field in Vote._meta.concrete_fields}
    code_columns = {field.name for field in BallotCode._meta.concrete_fields}
    assert vote_columns == {"id", "subject", "choice", "opinion", "cast_on"}
    assert code_columns == {"id", "campaign", "code", "used_on"}
    for model in (Vote, BallotCode):
        assert not any(isinstance(f, models.DateTimeField) for f in model._meta.concrete_fields)
        assert not any(isinstance(f, models.GenericIPAddressField) for f in model._meta.concrete_fields)
        assert not hasattr(model, "history")


def test_a_township_campaign_asks_for_the_branch_first(personas, units):
    campaign = make_campaign(personas, units, covers=("LS0101", "LS0201"))
    text = Client().get(_url(campaign, code="ABCD2345")).content.decode()
    assert "请选择要评议的支部" in text and f"unit={units['LS0201'].pk}&amp;code=ABCD2345" in text
    response = Client().get(_url(campaign, unit=units["LS0201"].pk, code="ABCD2345"))
    subjects = {row[0].unit_id for row in response.context["form"].rows()}
    assert subjects == {units["LS0201"].pk}


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs a database with real concurrent sessions"
)
@pytest.mark.django_db(transaction=True)
def test_one_code_used_by_two_requests_at_once_counts_once():
    from django.core.management import call_command

    from accounts.models import OrgUnit, User

    call_command("seed_demo", force=True, verbosity=0)
    office = User.objects.get(username="office")
    campaign = make_campaign({"office": office}, {c: OrgUnit.objects.get(code=c) for c in ("LS", "LS0101")})
    [code] = ballot_codes_create(campaign=campaign, count=1)
    subject = EvaluationSubject.objects.get(campaign=campaign, member=None)
    marks = {subject.pk: (Choice.SATISFIED, "")}
    claimed = threading.Event()
    outcomes: list[str] = []

    def first() -> None:
        try:
            with transaction.atomic():
                ballot_cast(campaign=campaign, code=code.code, marks=marks)
                claimed.set()
                # Hold the claim until the second request waits on the code's row.
                deadline = time.monotonic() + 10
                while waiting_on_a_lock() < 1 and time.monotonic() < deadline:
                    time.sleep(0.05)
            outcomes.append("counted")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    def second() -> None:
        claimed.wait(10)
        try:
            ballot_cast(campaign=campaign, code=code.code, marks=marks)
            outcomes.append("counted")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(outcomes) == ["counted", "refused"]
    assert Vote.objects.filter(subject=subject).count() == 1
