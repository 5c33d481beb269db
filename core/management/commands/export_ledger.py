from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accounts.scoping import system_actor
from core.exports import export_kinds, get_export
from core.jobs import JobError


class Command(BaseCommand):
    help = (
        "Write a ledger or statistics workbook (commitments, reports, rectifications, evaluations, "
        "creation rounds) to an .xlsx file."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=export_kinds())
        parser.add_argument("--period", help="for commitments and rectifications: 2026, 2026H1 or 2026H2")
        parser.add_argument("--month", help="for reports: 2026-11, or a range 2026-09:2026-11")
        parser.add_argument("--year", help="for creation rounds: the year assessed and commended, 2026")
        parser.add_argument("--unit", help="a unit's code (default: the top of the organisation)")
        parser.add_argument("-o", "--output", required=True, help="the .xlsx file to write")

    def handle(self, *args, kind, period, month, year, unit, output, **options):
        try:
            _name, content = get_export(kind).build(
                system_actor("export_ledger"), unit=unit, period=period, month=month, year=year
            )
        except JobError as exc:
            raise CommandError(str(exc)) from None
        Path(output).write_bytes(content)
        self.stdout.write(_("Written: %(path)s") % {"path": output})
