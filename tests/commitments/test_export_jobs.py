"""Exports run as background jobs with progress and a downloadable result."""

from __future__ import annotations

import io

import openpyxl
from django.urls import reverse

from core.jobs import job_create, job_run
from core.models import Job, JobStatus


def _export(client, units, period):
    return client.post(reverse("commitments:export"), {"unit": units["LS"].pk, "period": period.code})


def test_a_small_export_is_ready_at_once(client_for, units, period):
    response = _export(client_for("office"), units, period)
    job = Job.objects.latest("pk")
    assert response["Location"] == reverse("core:job_detail", args=[job.pk])
    assert job.status == JobStatus.DONE and job.progress == 100
    download = client_for("office").get(reverse("core:job_download", args=[job.pk]))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert book.sheetnames[0] == "汇总"
    assert "attachment" in download["Content-Disposition"]


def test_a_large_export_goes_to_the_worker(
    client_for, units, period, settings, eager_tasks, django_capture_on_commit_callbacks
):
    settings.INLINE_EXPORT_ROWS = 0
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _export(client_for("office"), units, period)
    assert len(callbacks) == 1  # enqueued once the request's transaction committed
    job = Job.objects.latest("pk")
    assert job.status == JobStatus.DONE
    page = client_for("office").get(reverse("core:job_detail", args=[job.pk])).content.decode()
    assert reverse("core:job_download", args=[job.pk]) in page and "100%" in page
    listing = client_for("office").get(reverse("core:job_list")).content.decode()
    assert job.title in listing


def test_a_job_runs_once_however_often_it_is_delivered(personas, units, period):
    job = job_create(
        owner=personas["office"],
        kind="export",
        title="t",
        params={"export": "commitments", "unit": "LS", "period": period.code},
    )
    job_run(job.pk)
    first = Job.objects.get(pk=job.pk)
    job_run(job.pk)
    again = Job.objects.get(pk=job.pk)
    assert again.finished_at == first.finished_at and again.result.name == first.result.name


def test_a_job_outside_the_owners_scope_fails_with_a_message(personas, units, period):
    job = job_create(
        owner=personas["secretary2"],
        kind="export",
        title="t",
        params={"export": "commitments", "unit": "LS0101", "period": period.code},
    )
    job_run(job.pk)
    job.refresh_from_db()
    assert (
        job.status == JobStatus.FAILED
        and "本组织内没有编码为“LS0101”的组织" in job.message
        and not job.result
    )
