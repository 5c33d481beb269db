from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accounts.scoping import system_actor
from core.imports import WorkbookError, describe, get_ledger, ledgers, run_import
from core.services import ledger_options


class Command(BaseCommand):
    help = "Import a ledger from an .xlsx file: every row, or none when any row is wrong."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=[ledger.kind for ledger in ledgers()])
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="check only, save nothing")
        parser.add_argument(
            "--unit",
            help="the branch a ledger belongs to (its code); without it, each sheet's title names its branch",
        )
        parser.add_argument("--period", help="with --unit, the period of a ledger: 2026, 2026H1 or 2026H2")
        parser.add_argument(
            "--user",
            help="import with this account's scope (default: the whole organisation)",
        )

    def handle(self, *args, kind, file, dry_run, user, unit, period, **options):
        ledger = get_ledger(kind)
        actor = self._actor(user)
        try:
            ledger_opts = ledger_options(ledger=ledger, user=actor, data={"unit": unit, "period": period})
            with open(file, "rb") as fileobj:
                report = run_import(
                    ledger=ledger,
                    user=actor,
                    fileobj=fileobj,
                    max_rows=settings.IMPORT_MAX_ROWS,
                    dry_run=dry_run,
                    options=ledger_opts,
                )
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror}") from exc
        except WorkbookError as exc:
            raise CommandError(f"{file}: {exc}") from exc
        for error in report.errors:
            self.stderr.write(f"{file}: {describe(error, sheets=report.several_sheets)}")
        if report.errors:
            raise CommandError(_("%(count)d errors; nothing was saved.") % {"count": len(report.errors)})
        if dry_run:
            self.stdout.write(
                _("%(count)d rows checked, no errors (dry run: nothing saved).") % {"count": report.total}
            )
        else:
            self.stdout.write(
                _("%(count)d rows imported, %(unchanged)d unchanged.")
                % {"count": report.saved, "unchanged": report.unchanged}
            )

    def _actor(self, username: str | None):
        user_model = get_user_model()
        if username is None:
            return system_actor("import_ledger")
        try:
            return user_model.objects.get(username=username, is_active=True)
        except user_model.DoesNotExist:
            raise CommandError(f"no active account named {username!r}") from None
