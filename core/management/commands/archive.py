from __future__ import annotations

import shutil
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accounts.scoping import system_actor
from core.archive import build_archive
from core.jobs import JobError


class Command(BaseCommand):
    help = "Write the archive (回档) of a unit and a period to a .zip file, with its index 目录.xlsx."

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="2026, 2026H1 or 2026H2")
        parser.add_argument("--unit", help="a unit's code (default: the top of the organisation)")
        parser.add_argument("-o", "--output", required=True, help="the .zip file to write")

    def handle(self, *args, period, unit, output, **options):
        try:
            _name, archive = build_archive(system_actor("archive"), unit=unit, period=period)
        except JobError as exc:
            raise CommandError(str(exc)) from None
        with archive, Path(output).open("wb") as target:
            shutil.copyfileobj(archive, target, 1024 * 1024)
        self.stdout.write(_("Written: %(path)s") % {"path": output})
