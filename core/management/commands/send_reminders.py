from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core.reminders import scan


class Command(BaseCommand):
    help = "Run the reminder scan once (what Celery beat runs every 15 minutes), for cron or by hand."

    def add_arguments(self, parser):
        parser.add_argument("--now", help="pretend it is this moment, e.g. 2026-11-27T09:00+08:00")
        parser.add_argument("--dry-run", action="store_true", help="print what would be sent, send nothing")

    def handle(self, *args, now, dry_run, **options):
        moment = None
        if now:
            try:
                moment = datetime.datetime.fromisoformat(now)
            except ValueError:
                raise CommandError(
                    _("“%(value)s” is not a date and time such as 2026-11-27T09:00+08:00.") % {"value": now}
                ) from None
            if moment.tzinfo is None:
                raise CommandError(_("Give the time zone too, e.g. 2026-11-27T09:00+08:00."))
        notifications = scan(moment, dry_run=dry_run)
        for n in notifications:
            who = n.recipient_id and f"user {n.recipient_id}" or n.target
            self.stdout.write(f"{n.channel}\t{who}\t{n.stage}\t{n.title}")
        label = _("would be sent") if dry_run else _("sent or attempted")
        self.stdout.write(_("%(count)d messages %(label)s.") % {"count": len(notifications), "label": label})
