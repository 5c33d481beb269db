"""Uploads built to exhaust the server, sent to a real server process: time and peak memory.

Cases: a 140 KB PNG of 12000 × 12000 pixels as evidence; a 6 KB workbook declaring
10,000,000 empty rows and one with 1,000,000 empty rows written out, as roster imports; and,
for scale, the largest photos still accepted (40 million pixels).

Each case starts its own `manage.py runserver --noreload --nothreading` (one process that
handles the request itself), warms it up with a small file of the same kind, then sends the
case over HTTP. Peak memory is the server's own high-water mark (VmHWM in /proc/<pid>/status):
`ru_maxrss` of a child would include this launcher's size at fork (STACK.md). Use a scratch
database, e.g.:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cxzy_bench .venv/bin/python benchmarks/upload_bombs.py
"""

from __future__ import annotations

import io
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import openpyxl  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from PIL import Image  # noqa: E402

ROSTER_HEADER = ["姓名", "性别", "所在组织编码", "职务", "联系电话", "入党日期"]
BUDGET_MB = 200
LARGEST = (7300, 5470)  # just under the 40-megapixel budget
SAVED = "践诺记录已保存"


def png(size, mode="L") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size).save(buffer, "PNG")
    return buffer.getvalue()


def jpeg(size) -> bytes:
    buffer = io.BytesIO()
    Image.linear_gradient("L").resize(size).convert("RGB").save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def roster(rows: int = 3) -> bytes:
    book = openpyxl.Workbook()
    book.active.append(ROSTER_HEADER)
    for index in range(rows):
        book.active.append([f"基准党员{index}", "男", "LS0101", "党员", "", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_sheet(content: bytes, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            data = source.read(member.filename)
            if member.filename == "xl/worksheets/sheet1.xml":
                data = change(data)
            target.writestr(member.filename, data)
    return buffer.getvalue()


def declared_empty_rows() -> bytes:
    """A tag and a last row saying 10,000,000 rows; openpyxl yields every empty one before it."""
    return with_sheet(
        roster(),
        lambda xml: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:F10000000"/>', xml).replace(
            b"</sheetData>", b'<row r="10000000"/></sheetData>'
        ),
    )


def written_empty_rows() -> bytes:
    rows = b"".join(b'<row r="%d"/>' % number for number in range(5, 1_000_005))
    return with_sheet(roster(), lambda xml: xml.replace(b"</sheetData>", rows + b"</sheetData>"))


@dataclass
class Case:
    label: str
    kind: str  # "evidence" or "import"
    name: str
    build: Callable[[], bytes]
    expect: str  # text of the page the server answers with


CASES = [
    Case("pixel bomb PNG 12000x12000", "evidence", "现场.png", lambda: png((12000, 12000)), "百万像素"),
    Case("xlsx declaring 10,000,000 empty rows", "import", "名册.xlsx", declared_empty_rows, "超过 20000 行"),
    Case("xlsx with 1,000,000 empty rows written", "import", "名册.xlsx", written_empty_rows, "解压后远大于"),
    Case("largest accepted JPEG (40 MP)", "evidence", "大图.jpg", lambda: jpeg(LARGEST), SAVED),
    Case("largest accepted PNG (40 MP, RGB)", "evidence", "大图.png", lambda: png(LARGEST, "RGB"), SAVED),
]


class Browser:
    """Just enough of a browser: cookies, CSRF tokens, multipart forms; redirects not followed."""

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self, base: str, cookies: dict[str, str]):
        self.base = base
        self.cookies = dict(cookies)
        self.opener = urllib.request.build_opener(self._NoRedirect)

    def request(self, path: str, body: bytes | None = None, content_type: str = "") -> tuple[int, str, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if content_type:
            headers["Content-Type"] = content_type
        request = urllib.request.Request(self.base + path, data=body, headers=headers)  # noqa: S310
        try:
            response = self.opener.open(request, timeout=600)
        except urllib.error.HTTPError as error:
            response = error
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, response.headers.get("Location", ""), response.read().decode()

    def post_file(self, page: str, action: str, fields: dict, field: str, name: str, data: bytes):
        _status, _location, html = self.request(page)
        fields = {
            **fields,
            "csrfmiddlewaretoken": re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1],
        }
        boundary = uuid.uuid4().hex
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
            for key, value in fields.items()
        ]
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{name}"\r\n'
            f"Content-Type: application/octet-stream\r\n\r\n".encode()
            + data
            + b"\r\n"
        )
        parts.append(f"--{boundary}--\r\n".encode())
        return self.request(action, b"".join(parts), f"multipart/form-data; boundary={boundary}")


def memory_mb(pid: int) -> dict[str, float]:
    status = Path(f"/proc/{pid}/status").read_text()
    return {key: int(re.search(rf"{key}:\s+(\d+) kB", status)[1]) / 1024 for key in ("VmRSS", "VmHWM")}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "runserver", "--noreload", "--nothreading", f"127.0.0.1:{port}"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)  # noqa: S310
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("the server did not start")


def run(case: Case, sessions: dict[str, str], commitment) -> dict:
    content = case.build()
    port = free_port()
    server = start_server(port)
    try:
        if case.kind == "evidence":
            browser = Browser(f"http://127.0.0.1:{port}", {"sessionid": sessions["secretary"]})
            page = reverse("commitments:detail", args=[commitment.pk])
            action = reverse("commitments:progress", args=[commitment.pk])
            fields = {"date": commitment.letter.period_obj.start.isoformat(), "text": "基准", "percent": "10"}
            field, warm_up = "evidence", ("预热.png", png((64, 48), "RGB"))
        else:
            browser = Browser(f"http://127.0.0.1:{port}", {"sessionid": sessions["office"]})
            page = action = reverse("core:import", args=["members"])
            fields, field, warm_up = {}, "file", ("预热.xlsx", roster())
        browser.post_file(page, action, fields, field, *warm_up)
        idle = memory_mb(server.pid)
        started = time.perf_counter()
        status, location, html = browser.post_file(page, action, fields, field, case.name, content)
        seconds = time.perf_counter() - started
        peak = memory_mb(server.pid)["VmHWM"]
        if status == 302:
            html = browser.request(location)[2]
        assert case.expect in html, f"{case.label}: the page does not say “{case.expect}”"
    finally:
        server.terminate()
        server.wait()
    return {
        "case": case.label,
        "upload_kb": len(content) / 1024,
        "seconds": seconds,
        "idle_mb": idle["VmRSS"],
        "peak_mb": peak,
        "above_idle_mb": peak - idle["VmRSS"],
    }


def main() -> None:
    from accounts.models import User
    from commitments.models import Commitment

    call_command("migrate", verbosity=0)
    call_command("seed_demo", force=True, stdout=io.StringIO())
    sessions = {}
    for username in ("office", "secretary"):
        client = Client()
        client.force_login(User.objects.get(username=username))
        sessions[username] = client.cookies["sessionid"].value
    commitment = Commitment.objects.writable_by(User.objects.get(username="secretary")).first()
    print(f"{'case':42} {'upload':>9} {'time':>7} {'idle RSS':>9} {'peak RSS':>9} {'above idle':>10}")
    worst = 0.0
    for case in CASES:
        result = run(case, sessions, commitment)
        worst = max(worst, result["above_idle_mb"])
        print(
            f"{result['case']:42} {result['upload_kb']:7.0f} KB {result['seconds']:6.2f}s "
            f"{result['idle_mb']:6.0f} MB {result['peak_mb']:6.0f} MB {result['above_idle_mb']:7.0f} MB"
        )
    print(f"worst: {worst:.0f} MB above idle (budget {BUDGET_MB} MB)")
    if worst > BUDGET_MB:
        sys.exit(1)


if __name__ == "__main__":
    main()
