"""群众评议 pages: opening a campaign, paper tallies, codes, closing, publishing, export."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from branches.models import Member
from core.models import Attachment, Job
from reviews.evaluation_services import campaign_close
from reviews.models import BallotCode, Campaign, CampaignStatus, EvaluationSubject
from tests.reviews.access_evaluations import make_campaign, tally_data

DAY = datetime.timedelta(days=1)


def _form(units, **changes) -> dict:
    today = timezone.localdate()
    data = {
        "unit": units["LS"].pk,
        "period": f"{today.year}H{1 if today.month <= 6 else 2}",
        "title": "2026年下半年群众评议",
        "opens_on": today.isoformat(),
        "closes_on": (today + 7 * DAY).isoformat(),
        "threshold": "4/5",
        "percent": "",
        "branches": [units["LS0101"].pk],
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("choice", "percent", "fraction"), [("4/5", "", (4, 5)), ("2/3", "", (2, 3)), ("other", "90", (9, 10))]
)
def test_the_office_opens_a_campaign_with_its_threshold(client_for, units, choice, percent, fraction):
    response = client_for("office").post(
        reverse("reviews:campaign_create"), _form(units, threshold=choice, percent=percent)
    )
    campaign = Campaign.objects.get(title="2026年下半年群众评议")
    assert response.status_code == 302 and response["Location"] == reverse(
        "reviews:campaign", args=[campaign.pk]
    )
    assert (campaign.threshold_numerator, campaign.threshold_denominator) == fraction
    members = Member.objects.filter(unit__path__startswith=units["LS0101"].path).count()
    assert campaign.subjects.count() == members + 1


@pytest.mark.parametrize("percent", ["49", "101", "-5", ""])
def test_a_threshold_outside_50_to_100_is_refused_and_nothing_saved(client_for, units, percent):
    before = Campaign.objects.count()
    response = client_for("office").post(
        reverse("reviews:campaign_create"), _form(units, threshold="other", percent=percent)
    )
    assert response.status_code == 200
    assert Campaign.objects.count() == before
    text = response.content.decode()
    assert "50%" in text or "百分比" in text


def test_a_secretary_runs_its_own_branchs_campaign_but_not_another(client_for, units, personas):
    client = client_for("secretary")
    response = client.post(reverse("reviews:campaign_create"), _form(units, unit=units["LS0101"].pk))
    assert response.status_code == 302
    campaign = Campaign.objects.get(title="2026年下半年群众评议")
    assert Campaign.objects.writable_by(personas["secretary"]).filter(pk=campaign.pk).exists()
    refused = client.post(
        reverse("reviews:campaign_create"), _form(units, unit=units["LS"].pk, title="越权评议")
    )
    assert refused.status_code == 200 and not Campaign.objects.filter(title="越权评议").exists()


def test_the_campaign_page_states_the_formula_the_items_and_the_ballot_link(client_for, personas, units):
    campaign = make_campaign(personas, units)
    text = client_for("office").get(reverse("reviews:campaign", args=[campaign.pk])).content.decode()
    assert "满意率 =（满意票 + 基本满意票）÷ 有效票" in text and "80%" in text
    assert "对党组织的评议内容" in text and "对党员的评议内容" in text
    assert reverse("reviews:ballot", args=[campaign.public_token]) in text and "<svg" in text
    # A reader does not get the ballot link and the codes.
    text = client_for("leader").get(reverse("reviews:campaign", args=[campaign.pk])).content.decode()
    assert campaign.public_token not in text


def _photo() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(buffer, "PNG")
    return SimpleUploadedFile("计票表.png", buffer.getvalue(), content_type="image/png")


def test_the_secretary_enters_its_branchs_tallies_with_a_photo(client_for, personas, units):
    campaign = make_campaign(personas, units)
    subjects = list(EvaluationSubject.objects.filter(campaign=campaign, unit=units["LS0101"]))
    url = reverse("reviews:tally", args=[campaign.pk, units["LS0101"].pk])
    assert client_for("secretary").get(url).status_code == 200
    data = tally_data(subjects, paper_opinions="<script>alert(1)</script>")
    response = client_for("secretary").post(url, {**data, "files": _photo()})
    assert response.status_code == 302
    branch = EvaluationSubject.objects.get(campaign=campaign, unit=units["LS0101"], member=None)
    assert (branch.handed_out, branch.returned, branch.paper_valid, branch.paper_satisfied) == (10, 9, 8, 5)
    assert branch.tallied_by == personas["secretary"]
    assert Attachment.objects.for_objects([branch]).count() == 1
    # Markup is kept as text and shown as text.
    campaign_close(actor=personas["office"], campaign=campaign)
    text = client_for("office").get(reverse("reviews:campaign", args=[campaign.pk])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text and "<script>alert(1)" not in text


def _tally_state(campaign):
    return list(EvaluationSubject.objects.filter(campaign=campaign).order_by("pk").values_list())


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        ({"returned": 11}, "收回"),  # returned > handed out
        ({"paper_valid": 10, "returned": 9}, "有效"),  # valid > returned
        ({"paper_satisfied": 6}, "有效票"),  # 6 + 2 + 1 ≠ 8
        ({"paper_unsatisfied": -1, "paper_valid": 6}, "0"),  # negative
    ],
)
def test_bad_tallies_are_refused_with_nothing_saved(client_for, personas, units, counts, message):
    campaign = make_campaign(personas, units)
    subjects = list(EvaluationSubject.objects.filter(campaign=campaign, unit=units["LS0101"]))
    before = _tally_state(campaign)
    data = tally_data(subjects)
    data.update({f"s{subjects[-1].pk}-{name}": value for name, value in counts.items()})
    response = client_for("secretary").post(
        reverse("reviews:tally", args=[campaign.pk, units["LS0101"].pk]), data
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "计票结果未保存" in text and message in text
    assert _tally_state(campaign) == before


def test_tallies_are_closed_with_the_campaign(client_for, personas, units):
    campaign = make_campaign(personas, units, closed=True)
    url = reverse("reviews:tally", args=[campaign.pk, units["LS0101"].pk])
    assert client_for("secretary").get(url).status_code == 403


def test_codes_are_made_and_printed_with_their_qr(client_for, personas, units):
    campaign = make_campaign(personas, units)
    client = client_for("office")
    response = client.post(reverse("reviews:codes_create", args=[campaign.pk]), {"count": "12"})
    assert response.status_code == 302
    codes = list(BallotCode.objects.filter(campaign=campaign).values_list("code", flat=True))
    assert len(codes) == len(set(codes)) == 12
    text = client.get(reverse("reviews:codes_print", args=[campaign.pk])).content.decode()
    assert all(code in text for code in codes)
    assert text.count("<svg") == 12 and f"?code={codes[0]}" not in text  # the address is inside the QR only
    assert (
        client.post(reverse("reviews:codes_create", args=[campaign.pk]), {"count": "501"}).status_code == 302
    )
    assert BallotCode.objects.filter(campaign=campaign).count() == 12


def test_close_publish_and_a_member_reads_its_own_result(client_for, personas, units):
    campaign = make_campaign(personas, units)
    own = EvaluationSubject.objects.get(campaign=campaign, member__user=personas["member"])
    EvaluationSubject.objects.filter(pk=own.pk).update(
        handed_out=3, returned=3, paper_valid=3, paper_satisfied=3
    )
    member = client_for("member")
    assert member.get(reverse("reviews:campaign", args=[campaign.pk])).status_code == 404
    office = client_for("office")
    assert office.post(reverse("reviews:campaign_close", args=[campaign.pk])).status_code == 302
    assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.CLOSED
    # Closed, not yet published: the branch's secretary does not see the results yet.
    text = client_for("secretary").get(reverse("reviews:campaign", args=[campaign.pk])).content.decode()
    assert "结果通报后在此显示" in text
    assert office.post(reverse("reviews:campaign_publish", args=[campaign.pk])).status_code == 302
    response = member.get(reverse("reviews:campaign", args=[campaign.pk]))
    assert response.status_code == 200
    groups = response.context["groups"]
    assert [row[0].pk for group in groups for row in group["rows"]] == [own.pk]
    assert "100.0%" in response.content.decode()


def test_the_export_creates_a_job_and_redirects_to_it(client_for, personas, units):
    campaign = make_campaign(personas, units)
    response = client_for("office").post(reverse("reviews:campaign_export", args=[campaign.pk]))
    job = Job.objects.get(params__export="evaluations", params__campaign=campaign.pk)
    assert response.status_code == 302 and response["Location"] == reverse("core:job_detail", args=[job.pk])
    assert job.params["period"] == campaign.period and job.params["unit"] == "LS"
    assert job.owner == personas["office"]


def test_the_campaign_list_is_scoped(client_for, personas, units):
    campaign = make_campaign(personas, units)
    assert campaign.title in client_for("secretary").get(reverse("reviews:campaigns")).content.decode()
    assert campaign.title not in client_for("secretary2").get(reverse("reviews:campaigns")).content.decode()


def test_the_campaign_pages_take_a_fixed_number_of_queries(
    client_for, personas, units, django_assert_max_num_queries
):
    campaign = make_campaign(personas, units, covers=("LS0101", "LS0201"), closed=True)
    make_campaign(personas, units, title="第二次评议")
    client = client_for("office")
    with django_assert_max_num_queries(20):
        assert client.get(reverse("reviews:campaigns")).status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get(reverse("reviews:campaign", args=[campaign.pk])).status_code == 200


def test_a_secretary_tallies_only_its_own_branch_of_a_township_campaign(client_for, personas, units):
    campaign = make_campaign(personas, units, covers=("LS0101", "LS0201"))
    response = client_for("secretary").get(reverse("reviews:campaign", args=[campaign.pk]))
    links = [group["unit"].code for group in response.context["groups"] if group["tally"]]
    assert links == ["LS0101"]
    # It reads only its own branch's subjects, and cannot reach the other's tally page.
    assert {group["unit"].code for group in response.context["groups"]} == {"LS0101"}
    other = reverse("reviews:tally", args=[campaign.pk, units["LS0201"].pk])
    assert client_for("secretary").get(other).status_code == 404
    assert client_for("secretary2").get(other).status_code == 200


def test_the_export_job_builds_the_statistics_workbook(
    client_for, personas, units, eager_tasks, django_capture_on_commit_callbacks
):
    campaign = make_campaign(personas, units)
    with django_capture_on_commit_callbacks(execute=True):
        client_for("office").post(reverse("reviews:campaign_export", args=[campaign.pk]))
    job = Job.objects.get(params__export="evaluations", params__campaign=campaign.pk)
    assert job.status == "done"
    assert job.result_name.endswith(".xlsx")
