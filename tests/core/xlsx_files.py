"""Excel files built for the tests, as township staff would send them."""

from __future__ import annotations

import io

import openpyxl

MEMBER_COLUMNS = ["姓名", "性别", "所在组织编码", "职务", "联系电话", "入党日期"]
UNIT_COLUMNS = ["组织编码", "组织名称", "上级组织编码", "层级", "类型"]


def xlsx(rows, header=MEMBER_COLUMNS, *, above=()) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in above:
        sheet.append(row)
    if header:
        sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name: str = "党员名册.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def confirm_import(client, upload_pk: int):
    """Confirm a previewed import; its job runs before the response, as with no REDIS_URL."""
    from django.test import TestCase
    from django.urls import reverse

    from config.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        # Jobs are enqueued once the request commits, which a test's transaction never does.
        with TestCase.captureOnCommitCallbacks(execute=True):
            return client.post(reverse("core:import_confirm", args=[upload_pk]))
    finally:
        app.conf.task_always_eager = eager
