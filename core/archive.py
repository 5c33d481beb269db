"""回档: a branch's (or a township's) records of a period, as one .zip with a 目录 index.

Each app registers the parts it contributes (`register_part` in its `archive.py`, imported
in its AppConfig.ready() like `deadlines.py`); a part receives the requesting user, one
branch, the period and the `ArchiveWriter`, and adds its files through the writer, reading
only what the user may read (`visible_to`). The writer streams every file into a zip file
on disk (attachments copied in chunks, documents as each is generated), so the archive is
never in memory: what is, at most, is the largest document being generated (a report's
.docx with its photos; benchmarks/archive.py: a 6 GB archive peaks under 300 MB); it records
each file for the index 目录.xlsx, written last. A township's archive holds one folder per branch.
"""

from __future__ import annotations

import datetime
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from django.core.files import File
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import OrgUnit, normalise_code
from core import jobs
from core.exports import period_option
from core.jobs import JobError
from core.panels import register_unit_panel
from core.periods import Period, period_choices
from core.xlsx import (
    CENTRED,
    HEADER_ROWS,
    TEXT,
    append_print_row,
    print_row_cells,
    print_workbook,
    start_print_sheet,
)

INDEX_NAME = "目录.xlsx"
NAME_LIMIT = 150  # bytes of UTF-8 per path component: about 50 Chinese characters
_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f-\x9f]')
_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{n}" for n in range(1, 10)),
    *(f"LPT{n}" for n in range(1, 10)),
}
# Already compressed: deflating them again costs time and saves nothing (a .docx is a zip).
_STORED_TYPES = ("image/jpeg", "image/png", "application/zip")
_STORED_EXTENSIONS = (".jpg", ".jpeg", ".png", ".zip", ".docx", ".xlsx")
CHUNK = 1024 * 1024


def safe_name(name: str, taken: set[str] | None = None, *, limit: int = NAME_LIMIT) -> str:
    """`name` as a file or folder may be called on Windows, unique in `taken` if given.

    Characters Windows refuses (<>:"/\\|?* and control characters) become "_"; leading and
    trailing dots and spaces go (no "..", no hidden files); a reserved device name (CON,
    NUL, COM1 … also as "con.txt") gets a "_" before it; the name is cut to `limit` bytes
    of UTF-8 without splitting a character, keeping its extension. Windows compares names
    without case, and so does `taken`: a duplicate gets a number, "照片(2).jpg", and the
    name returned is added to it.
    """
    text = _FORBIDDEN.sub("_", name).strip(". ")
    stem, dot, extension = text.rpartition(".")
    if not stem or len(extension) > 10 or not dot:
        stem, extension = text, ""
    else:
        extension = "." + extension
    stem = stem or "_"
    if stem.split(".")[0].rstrip().upper() in _RESERVED:
        stem = "_" + stem
    number = 1
    while True:
        suffix = f"({number}){extension}" if number > 1 else extension
        room = limit - len(suffix.encode())
        candidate = stem.encode()[:room].decode("utf-8", "ignore").rstrip(". ") + suffix
        if taken is None or candidate.casefold() not in taken:
            break
        number += 1
    if taken is not None:
        taken.add(candidate.casefold())
    return candidate


def period_codes(period: Period) -> list[str]:
    """The period codes records of `period` carry: a year's archive takes its half-years too."""
    if period.half:
        return [period.code]
    return [period.code, f"{period.year}H1", f"{period.year}H2"]


@dataclass(frozen=True)
class Entry:
    branch: str
    section: str
    path: str
    note: str
    size: int


class ArchiveWriter:
    """Streams files into an open ZipFile, each under the current branch's folder, and records
    them for the index. Folder and file names go through `safe_name`."""

    def __init__(self, zip_file: zipfile.ZipFile, progress: Callable[[int, int], None] | None = None):
        self._zip = zip_file
        self._progress = progress or (lambda done, total: None)
        self._taken: dict[str, set[str]] = {"": {INDEX_NAME.casefold()}}
        self.entries: list[Entry] = []
        self.branch: OrgUnit | None = None
        self._root = ""
        self.done = self.total = 0

    def begin_branch(self, branch: OrgUnit) -> None:
        self.branch = branch
        self._root = safe_name(branch.name, self._taken[""])

    def folder(self, section: str, item: str | None = None) -> str:
        """The folder of a section (信息报送) of the current branch, or of one item in it, named
        uniquely (two reports of the same title get two folders)."""
        path = f"{self._root}/{safe_name(section)}"
        if item is not None:
            path = f"{path}/{safe_name(item, self._taken.setdefault(path, set()))}"
        return path

    def _info(self, folder: str, name: str, *, mime_type: str = "") -> zipfile.ZipInfo:
        arcname = f"{folder}/{safe_name(name, self._taken.setdefault(folder, set()))}"
        info = zipfile.ZipInfo(arcname, date_time=timezone.localtime().timetuple()[:6])
        stored = mime_type in _STORED_TYPES or arcname.lower().endswith(_STORED_EXTENSIONS)
        info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
        return info

    def _record(self, info: zipfile.ZipInfo, note: str) -> None:
        section = info.filename.split("/")[1] if info.filename.count("/") >= 2 else ""
        branch = self.branch.name if self.branch else ""
        self.entries.append(Entry(branch, section, info.filename, note, info.file_size))
        self._progress(self.done, self.total)  # also the job's heartbeat during a long part

    def add_bytes(
        self, folder: str, name: str, content: bytes, *, note: str = "", mime_type: str = ""
    ) -> None:
        info = self._info(folder, name, mime_type=mime_type)
        self._zip.writestr(info, content)
        self._record(info, note)

    def add_file(
        self, folder: str, name: str, source, *, size: int, note: str = "", mime_type: str = ""
    ) -> None:
        """Copy an open binary file into the archive in chunks."""
        info = self._info(folder, name, mime_type=mime_type)
        info.file_size = size  # lets zipfile choose ZIP64 for a large file before writing it
        with self._zip.open(info, "w") as target:
            shutil.copyfileobj(source, target, CHUNK)
        self._record(info, note)

    def add_attachment(self, folder: str, attachment, *, note: str = "") -> None:
        with attachment.file.open("rb") as source:
            self.add_file(
                folder,
                attachment.original_name,
                source,
                size=attachment.size,
                note=note,
                mime_type=attachment.mime_type,
            )

    def write_index(self, title: str, empty_text: str) -> None:
        workbook = print_workbook()
        sheet = start_print_sheet(workbook, "目录", title, INDEX_COLUMNS, INDEX_WIDTHS)
        cells, dimension = print_row_cells(sheet, INDEX_STYLES)
        rows = [
            [number, e.branch, e.section, e.path, e.note, max(1, round(e.size / 1024)) if e.size else 0]
            for number, e in enumerate(self.entries, start=1)
        ] or [["", "", "", empty_text, "", ""]]
        for number, values in enumerate(rows, start=1):
            append_print_row(sheet, cells, dimension, values, HEADER_ROWS + number, INDEX_WIDTHS)
        with self._zip.open(INDEX_NAME, "w") as target:
            workbook.save(target)


INDEX_COLUMNS = ["序号", "党组织", "类别", "文件", "说明", "大小（KB）"]
INDEX_WIDTHS = [6, 18, 12, 60, 30, 10]
INDEX_STYLES = [CENTRED, TEXT, TEXT, TEXT, TEXT, CENTRED]


# ---------------------------------------------------------------------------------------
# Parts, by app


@dataclass(frozen=True)
class Part:
    name: str
    order: int
    write: Callable[..., None]  # write(user, branch, period, writer)


_PARTS: dict[str, Part] = {}


def register_part(name: str, order: int, function: Callable[..., None]) -> None:
    _PARTS[name] = Part(name, order, function)


def archive_branches(user, unit: OrgUnit) -> list[OrgUnit]:
    """The branches whose folders an archive of `unit` holds: the unit itself if it is one."""
    below = OrgUnit.objects.visible_to(user).filter(path__under=unit.path).branches().order_by("path")
    return list(below) or [unit]


def write_archive(user, unit: OrgUnit, period: Period, target, progress=None) -> int:
    """Write the archive of `unit` and `period` into the binary file `target`; return the files' count."""
    parts = sorted(_PARTS.values(), key=lambda part: (part.order, part.name))
    branches = archive_branches(user, unit)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as zip_file:
        writer = ArchiveWriter(zip_file, progress)
        writer.total = len(branches) * len(parts)
        for branch in branches:
            writer.begin_branch(branch)
            for part in parts:
                part.write(user, branch, period, writer)
                writer.done += 1
                writer._progress(writer.done, writer.total)
        writer.write_index(archive_title(unit, period), f"{unit.name}在{period.wording}没有可归档的材料。")
    return len(writer.entries)


def archive_title(unit: OrgUnit, period: Period) -> str:
    return f"{unit.name}创先争优活动档案目录（{period.wording}）"


def archive_filename(unit: OrgUnit, period: Period) -> str:
    return f"{unit.name}回档（{period.wording}）.zip"


def archive_unit(user, code: str | None) -> OrgUnit:
    """The unit whose archive `user` may make (its office or secretary), by code; by default the
    top of what it keeps."""
    units = OrgUnit.objects.kept_by(user)
    unit = (units.filter(code=normalise_code(code)) if code else units).order_by("path").first()
    if unit is None:
        raise JobError(_("No unit with code “%(value)s” in your organisation.") % {"value": code or ""})
    return unit


def build_archive(
    user, *, unit: str | None = None, period: str | None = None, progress=None
) -> tuple[str, File]:
    """The archive as (file name, an open temporary file on disk, deleted when closed)."""
    period_obj = period_option(period)
    top = archive_unit(user, unit)
    target = tempfile.TemporaryFile()
    try:
        write_archive(user, top, period_obj, target, progress)
    except BaseException:
        target.close()
        raise
    target.seek(0)
    return archive_filename(top, period_obj), File(target)


def _archive_job(job, progress) -> tuple[str, File]:
    return build_archive(job.owner, progress=progress, **job.params)


jobs.register("archive", _archive_job)


def archive_panel(request, unit) -> str:
    """The unit page's small form that starts an archive, for its office and secretary."""
    if not getattr(unit, "may", {}).get("kept_by"):
        return ""
    today = timezone.localdate()
    context = {"unit": unit, "periods": period_choices(today), "current": _last_closed(today).code}
    return render_to_string("core/archive_panel.html", context, request=request)


def _last_closed(today: datetime.date) -> Period:
    """The half-year most recently ended: what an archive is usually made of."""
    current = Period.containing(today)
    return Period(current.year - 1, 2) if current.half == 1 else Period(current.year, 1)


register_unit_panel(archive_panel)
