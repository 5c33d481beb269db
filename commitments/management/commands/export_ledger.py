from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from branches.models import Level, OrgUnit
from commitments.ledger import write_ledger
from core.periods import Period


class Command(BaseCommand):
    help = "Write the commitment ledger (承诺践诺台账) of a period to an .xlsx file."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["commitments"])
        parser.add_argument("--period", required=True, help="2026, 2026H1 or 2026H2")
        parser.add_argument("--unit", help="a unit's code (default: the top of the organisation)")
        parser.add_argument("-o", "--output", required=True, help="the .xlsx file to write")

    def handle(self, *args, kind, period, unit, output, **options):
        from django.contrib.auth import get_user_model

        try:
            period = Period.parse(period)
        except ValidationError as exc:
            raise CommandError(exc.messages[0]) from None
        units = OrgUnit.objects.filter(code=unit) if unit else OrgUnit.objects.filter(level=Level.COMMITTEE)
        top = units.order_by("path").first()
        if top is None:
            raise CommandError(_("No unit with code “%(value)s” in your organisation.") % {"value": unit})
        # The operator at the server's shell already holds the whole database.
        system = get_user_model()(username="export_ledger", is_superuser=True, is_active=True)
        Path(output).write_bytes(write_ledger(system, top, period))
        self.stdout.write(_("Written: %(path)s") % {"path": output})
