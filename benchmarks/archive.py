"""The township's archive (回档) with PHOTOS photos of 2 MB (default 2,000) on its reports and
liaison visits, against a plain `zipfile` copy of the same files (the floor).

Each measurement runs in a fresh process, so that its peak memory (max RSS) is its own.
Photos are a small real JPEG padded with random bytes to 2 MB (Word takes them; nothing
compresses them). Use a scratch database and a scratch media folder:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cxzy_bench13 PHOTOS=200 .venv/bin/python benchmarks/archive.py
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("MEDIA_ROOT", str(Path(tempfile.gettempdir()) / "cxzy-bench-archive-media"))
PHOTOS = int(os.environ.get("PHOTOS", "2000"))
PHOTO_BYTES = 2 * 1024 * 1024
PER_RECORD = 4  # photos per report and per visit
TITLE = "基准测试信息"


def _photo() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "gray").save(buffer, "JPEG")
    head = buffer.getvalue()
    return head + os.urandom(PHOTO_BYTES - len(head))  # viewers and Word ignore bytes after the image


def setup() -> None:
    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.utils import timezone

    from accounts.models import OrgUnit, User
    from branches.models import LiaisonVisit, VisitKind
    from core.models import Attachment
    from reports.models import Report, ReportStatus
    from reports.slots import slot_for

    call_command("migrate", verbosity=0)
    call_command("seed_demo", force=True, stdout=io.StringIO())
    if Attachment.objects.filter(original_name__startswith="基准").count() == PHOTOS:
        return
    Attachment.objects.filter(original_name__startswith="基准").delete()
    Report.objects.filter(title=TITLE).delete()
    LiaisonVisit.objects.filter(findings=TITLE).delete()
    leader = User.objects.get(username="leader")
    branches = list(OrgUnit.objects.filter(code__in=["LS0101", "LS03"]))  # the leader's liaison points
    all_branches = list(OrgUnit.objects.filter(path__under="/LS/").branches())
    now = timezone.now()
    records = []
    for n in range(-(-PHOTOS // PER_RECORD)):
        if n % 2:
            records.append(
                LiaisonVisit.objects.create(
                    leader=leader,
                    branch=branches[(n // 2) % 2],
                    visited_on=timezone.localdate(),
                    kind=VisitKind.RESEARCH,
                    findings=TITLE,
                )
            )
        else:
            records.append(
                Report.objects.create(
                    unit=all_branches[n % len(all_branches)],
                    title=TITLE,
                    authors="基准",
                    body="正文。",
                    status=ReportStatus.SUBMITTED,
                    submitted_at=now,
                    slot=slot_for(now),
                )
            )
    folder = Path(settings.MEDIA_ROOT) / "attachments" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    for n in range(PHOTOS):
        record = records[n // PER_RECORD]
        path = folder / f"{n:05d}.jpg"
        path.write_bytes(_photo())
        rows.append(
            Attachment(
                content_type=ContentType.objects.get_for_model(record),
                object_id=record.pk,
                file=f"attachments/bench/{n:05d}.jpg",
                original_name=f"基准照片{n:05d}.jpg",
                mime_type="image/jpeg",
                size=PHOTO_BYTES,
            )
        )
    Attachment.objects.bulk_create(rows, batch_size=1000)


def measure_archive(output: str) -> dict:
    import django

    django.setup()
    from django.utils import timezone

    from accounts.models import OrgUnit, User
    from core.archive import write_archive
    from core.periods import Period

    office = User.objects.get(username="office")
    started = time.perf_counter()
    with open(output, "wb") as target:
        files = write_archive(
            office, OrgUnit.objects.get(code="LS"), Period.containing(timezone.localdate()), target
        )
    return {"seconds": round(time.perf_counter() - started, 2), "files": files}


def measure_floor(output: str, listing: str) -> dict:
    """The same photos copied into a zip with nothing else: no database, no documents."""
    paths = Path(listing).read_text().split("\n")
    started = time.perf_counter()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
        for path in paths:
            archive.write(path, Path(path).name)
    return {"seconds": round(time.perf_counter() - started, 2), "files": len(paths)}


def _run(*args: str) -> dict:
    """Run a measurement under /usr/bin/time: a child's max RSS read here would include this
    process's resident size at the fork."""
    with tempfile.NamedTemporaryFile("r") as rss:
        command = ["/usr/bin/time", "-f", "%M", "-o", rss.name, sys.executable, __file__, *args]
        output = subprocess.run(command, capture_output=True, text=True, check=True)
        result = json.loads(output.stdout.strip().splitlines()[-1])
        result["peak_mb"] = round(int(rss.read().strip().splitlines()[-1]) / 1024, 1)
    return result


def main() -> None:
    if sys.argv[1:2] == ["archive"]:
        print(json.dumps(measure_archive(sys.argv[2])))
        return
    if sys.argv[1:2] == ["floor"]:
        print(json.dumps(measure_floor(sys.argv[2], sys.argv[3])))
        return
    import django

    django.setup()
    setup()
    from django.conf import settings

    from core.models import Attachment

    with tempfile.TemporaryDirectory() as scratch:
        listing = Path(scratch) / "files.txt"
        names = Attachment.objects.filter(original_name__startswith="基准").values_list("file", flat=True)
        listing.write_text("\n".join(str(Path(settings.MEDIA_ROOT) / name) for name in names))
        archive = _run("archive", str(Path(scratch) / "archive.zip"))
        archive_mb = (Path(scratch) / "archive.zip").stat().st_size // 2**20
        floor = _run("floor", str(Path(scratch) / "floor.zip"), str(listing))
        floor_mb = (Path(scratch) / "floor.zip").stat().st_size // 2**20
    print(
        f"回档 of 柳山镇 with {PHOTOS} photos of 2 MB: {archive['seconds']} s, {archive['peak_mb']} MB peak, "
        f"{archive['files']} files, {archive_mb} MB (reports' .docx embed their photos); "
        f"plain zipfile copy of the photos: {floor['seconds']} s, {floor['peak_mb']} MB peak, {floor_mb} MB"
    )


if __name__ == "__main__":
    main()
