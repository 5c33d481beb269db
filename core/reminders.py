"""One reminder engine for every deadline of the portal.

Each domain app declares what is due in a `deadlines` module of its own and registers it
here (`register_source`); the branches app tells who answers for a unit
(`register_responsibles`). The engine never imports a domain app.

A scan asks every source for the open deadlines of the day, works out the stage each has
reached (a few days before, the day itself, the day after, then every week while it is
overdue), writes one Notification row per (deadline, stage, channel, target) under a unique
constraint, and sends whatever is due and not sent yet. Running it twice, from a retried
task or from two workers at once, sends nothing twice. Messages due between 21:00 and 08:00
(Asia/Shanghai) wait until 08:00.
"""

from __future__ import annotations

import datetime
import json
import logging
import operator
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.db.models.base import ModelState
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError

from accounts.models import OrgUnit
from core.dates import short_date
from core.models import Channel, DeliveryStatus, Notification, ReminderPolicy, Webhook
from core.outbound import Rejected, post_json

log = logging.getLogger(__name__)

QUIET_START, QUIET_END = 21, 8  # hours, Asia/Shanghai
MAX_ATTEMPTS = 5
BATCH = 2000
SCAN_LOCK_ID = 0x637A7579  # "cxzy": the advisory lock of the reminder scan
DEFAULT_DAYS_BEFORE, DEFAULT_WEEKLY_DAYS = 3, 7
STUCK_AFTER = datetime.timedelta(minutes=30)
# Longer than any stage lasts: 30 days before at most, 60 days between overdue notices.
RECENT = datetime.timedelta(days=62)
# How far ahead a scan looks: the longest "days before" an office may choose, and a day.
REMIND_AHEAD = datetime.timedelta(days=31)


@dataclass(frozen=True, slots=True)
class Deadline:
    key: str  # unique for the thing that is due: "commitment:12", "report:5:2026-11-30"
    kind: str  # shown on the office's board: 信息报送, 承诺践诺台账, 承诺事项
    title: str
    due: datetime.date
    unit_id: int
    link: str = ""
    owners: tuple[int, ...] = ()  # users who owe it besides the unit's secretaries
    who: str = ""  # the member it belongs to, if not the branch itself: named on the board


@dataclass
class Responsibles:
    path: str
    name: str
    secretaries: list[int] = field(default_factory=list)
    offices: list[int] = field(default_factory=list)
    leaders: list[int] = field(default_factory=list)


# source(today, units, until): the open deadlines of `units` (a queryset, or None for all)
# due by `until` at the latest. Each source bounds its queries by what can be due now, so a
# scan costs what is due, not what history holds, and avoids default-ordering joins.
Source = Callable[..., Iterable[Deadline]]
# count(today, units, until): what the source of the same name would yield, counted by the
# database as (unit id, due date, number) rows. Sources of one deadline per item
# (commitments, rectifications) give one, so that the office's board counts a county's
# hundred thousand items without building them; the others are few and counted as listed.
# The board tallies a unit's items and those overdue (due before today) only: a row may
# stand for items of several due dates as long as all are overdue or none is, its date
# being one of theirs (commitments give a unit's overdue and not yet overdue, each dated
# by its earliest).
Count = Callable[..., Iterable[tuple[int, datetime.date, int]]]
_SOURCES: dict[str, Source] = {}
_COUNTS: dict[str, Count] = {}
_RESPONSIBLES: list[Callable[[set[int]], dict[int, Responsibles]]] = []


def register_source(name: str, source: Source, *, count: Count | None = None) -> None:
    _SOURCES[name] = source
    if count is None:
        _COUNTS.pop(name, None)
    else:
        _COUNTS[name] = count


def register_responsibles(resolver: Callable[[set[int]], dict[int, Responsibles]]) -> None:
    _RESPONSIBLES[:] = [resolver]


def open_deadlines(today: datetime.date, units=None, *, until: datetime.date | None = None) -> list[Deadline]:
    until = until or today + REMIND_AHEAD
    return [deadline for source in _SOURCES.values() for deadline in source(today, units, until)]


@dataclass
class Tally:
    items: int = 0
    overdue: int = 0


class Owed:
    """What `units` owe by `until`, counted per unit, and the deadlines of a few units listed.

    A query or two per source to count, whatever the number of units; then one per counted
    source for the units of the page shown (the other sources' deadlines are kept from
    the count). What the office's board shows: the same deadlines as `open_deadlines`.
    """

    def __init__(self, today: datetime.date, units, *, until: datetime.date):
        self.today, self.until = today, until
        self.by_unit: dict[int, Tally] = {}
        self._listed: dict[int, list[Deadline]] = {}
        for name, source in _SOURCES.items():
            count = _COUNTS.get(name)
            if count is not None:
                for unit_id, due, number in count(today, units, until):
                    self._add(unit_id, due, number)
                continue
            for deadline in source(today, units, until):
                self._listed.setdefault(deadline.unit_id, []).append(deadline)
                self._add(deadline.unit_id, deadline.due, 1)

    def _add(self, unit_id: int, due: datetime.date, number: int) -> None:
        tally = self.by_unit.get(unit_id) or self.by_unit.setdefault(unit_id, Tally())
        tally.items += number
        if due < self.today:
            tally.overdue += number

    def deadlines(self, unit_ids: Iterable[int]) -> dict[int, list[Deadline]]:
        """The deadlines of these units, soonest (most overdue) first."""
        found = {unit_id: list(self._listed.get(unit_id, ())) for unit_id in unit_ids}
        units = OrgUnit.objects.filter(pk__in=list(found))
        for name in _COUNTS:
            for deadline in _SOURCES[name](self.today, units, self.until):
                found[deadline.unit_id].append(deadline)
        for listed in found.values():
            listed.sort(key=lambda d: (d.due, d.key))
        return found


def responsibles(unit_ids: set[int]) -> dict[int, Responsibles]:
    return _RESPONSIBLES[0](unit_ids) if _RESPONSIBLES else {}


def release_time(now: datetime.datetime) -> datetime.datetime:
    """`now`, or 08:00 when `now` falls in the quiet hours."""
    local = timezone.localtime(now)
    if QUIET_END <= local.hour < QUIET_START:
        return now
    day = local.date() if local.hour < QUIET_END else local.date() + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(QUIET_END)))


def stage_of(due: datetime.date, today: datetime.date, days_before: int, weekly_days: int) -> str | None:
    """before → due → overdue (the day after) → overdue-2, overdue-3 … every `weekly_days`."""
    if due - datetime.timedelta(days=days_before) <= today < due:
        return "before"
    if today == due:
        return "due"
    if today > due:
        week = ((today - due).days - 1) // weekly_days
        return "overdue" if week == 0 else f"overdue-{week + 1}"
    return None


def _nearest(by_path: dict, path: str):
    """What is set on the unit at `path` or on the nearest unit above it, or None.

    Walks up the path ("/LS/LS01/LS0101/" → "/LS/LS01/" → "/LS/"): a few dictionary
    look-ups, however many units have a setting of their own.
    """
    while path:
        if path in by_path:
            return by_path[path]
        path = path[: path.rstrip("/").rfind("/") + 1]
    return None


def _unit_settings(people: dict[int, Responsibles]) -> dict[int, tuple[int, int, int | None]]:
    """(days before, overdue interval, group bot id) of each unit, resolved once per unit."""
    policies = {
        path: (days_before, weekly_days)
        for path, days_before, weekly_days in ReminderPolicy.objects.order_by().values_list(
            "unit__path", "days_before", "weekly_days"
        )
    }
    hooks = dict(Webhook.objects.filter(active=True).order_by().values_list("unit__path", "pk"))
    return {
        unit_id: (
            *(_nearest(policies, who.path) or (DEFAULT_DAYS_BEFORE, DEFAULT_WEEKLY_DAYS)),
            _nearest(hooks, who.path),
        )
        for unit_id, who in people.items()
    }


STAGE_LABELS = {"before": "即将到期", "due": "今日到期", "overdue": "已逾期"}


def _stage_label(stage: str) -> str:
    return STAGE_LABELS.get(stage.split("-")[0], stage)


def _new_rows(**common) -> Callable[..., Notification]:
    """Makes unsaved Notification rows fast: `common` values and a few of each row's own.

    A first scan makes a few hundred thousand rows. Made as unpickling makes them (the
    instance's __dict__ and a fresh _state) they cost a quarter of what the constructor's
    checks and descriptors do; Notification has no init signals to skip.
    """
    defaults = {f.attname: f.get_default() for f in Notification._meta.concrete_fields}
    defaults.update(common)
    new = Notification.__new__

    def make(**values) -> Notification:
        row = new(Notification)
        row.__dict__.update(defaults, **values)
        row._state = ModelState()
        return row

    return make


def plan(now: datetime.datetime) -> list[Notification]:
    """The messages the deadlines call for at `now` and that no scan has recorded yet (not saved)."""
    today = timezone.localtime(now).date()
    deadlines = open_deadlines(today)
    people = responsibles({d.unit_id for d in deadlines})
    settings_of = _unit_settings(people)
    emails = _email_addresses(
        {uid for r in people.values() for uid in (*r.secretaries, *r.offices, *r.leaders)}
        | {uid for d in deadlines for uid in d.owners}
    )
    # Each message's (key, stage, channel, target) is compared with what is recorded first:
    # rows, titles and bodies are made for the new ones only, once per deadline, not per message.
    recorded = _recorded(now)
    release = release_time(now)
    due_on = _("Due on %(due)s.")  # translated once, not once per message
    bodies: dict[datetime.date, str] = {}  # a few due dates among thousands of deadlines
    targets: dict[int, str] = {}
    inbox, email, webhook = Channel.INBOX, Channel.EMAIL, Channel.WEBHOOK
    make = _new_rows(scheduled_for=release, created_at=now)
    planned: list[Notification] = []
    for deadline in deadlines:
        who = people.get(deadline.unit_id)
        if who is None:
            continue
        days_before, weekly_days, hook_id = settings_of[deadline.unit_id]
        stage = stage_of(deadline.due, today, days_before, weekly_days)
        if stage is None:
            continue
        recipients = dict.fromkeys([*deadline.owners, *who.secretaries])
        if stage.startswith("overdue"):
            recipients.update(dict.fromkeys([*who.offices, *who.leaders]))  # copies once overdue
        key = deadline.key
        new: list[tuple] = []
        for user_id in recipients:
            target = targets.get(user_id) or targets.setdefault(user_id, f"user:{user_id}")
            if (key, stage, inbox, target) not in recorded:
                new.append((inbox, target, user_id))
            if user_id in emails and (key, stage, email, target) not in recorded:
                new.append((email, target, user_id))
        if hook_id is not None:
            target = f"webhook:{hook_id}"
            if (key, stage, webhook, target) not in recorded:
                new.append((webhook, target, None))
        if not new:
            continue
        title = f"【{_stage_label(stage)}】{who.name}：{deadline.title}"[:200]
        body = bodies.get(deadline.due)
        if body is None:
            body = bodies[deadline.due] = due_on % {"due": short_date(deadline.due)}
        unit_id, link = deadline.unit_id, deadline.link
        planned.extend(
            make(
                key=key,
                stage=stage,
                channel=channel,
                target=target,
                recipient_id=user_id,
                unit_id=unit_id,
                title=title,
                body=body,
                link=link,
            )
            for channel, target, user_id in new
        )
    return planned


def _recorded(now: datetime.datetime) -> set[tuple]:
    """(key, stage, channel, target) of the messages recorded lately.

    A stage that applies now began at most RECENT ago, so older rows cannot match. Only a
    shortcut that spares a later scan rebuilding every row: the unique constraint stays the
    guard when two scans race.
    """
    rows = Notification.objects.filter(created_at__gte=now - RECENT).order_by()
    return set(rows.values_list("key", "stage", "channel", "target"))


def _email_addresses(user_ids: set[int]) -> set[int]:
    users = (
        get_user_model()
        .objects.filter(pk__in=user_ids, is_active=True, email_reminders=True)
        .exclude(email="")
        .order_by()
    )
    return set(users.values_list("pk", flat=True))


def record(planned: list[Notification]) -> bool:
    """Write the planned rows before anything is sent.

    Under the scan lock the plan is exact and the rows come back with their ids; should a
    row be there already all the same, the batch is written again skipping what exists
    (the unique constraint decides) and False says that ids are unknown.
    """
    exact = True
    for start in range(0, len(planned), RECORD_BATCH):
        batch = planned[start : start + RECORD_BATCH]
        try:
            with transaction.atomic():
                _insert(batch)
        except IntegrityError:
            for notification in batch:
                notification.pk = None  # the ids drawn for the COPY that failed
            Notification.objects.bulk_create(batch, ignore_conflicts=True, batch_size=BATCH)
            exact = False
    return exact


# A first scan writes a few hundred thousand rows: in large batches, and on PostgreSQL by
# COPY, which costs a third of what bulk_create's preparation of each value does.
RECORD_BATCH = 20_000
COPY_FROM = 1_000  # rows; a decision's or a manual reminder's few rows go through bulk_create


def _insert(batch: list[Notification]) -> None:
    """INSERT the rows and set their ids; on PostgreSQL, ids drawn from the table's sequence
    first, then one COPY of the rows with them.

    The values are plain strings, numbers, aware datetimes and None, which the driver
    adapts as bulk_create's preparation would.
    """
    if connection.vendor != "postgresql" or len(batch) < COPY_FROM:
        Notification.objects.bulk_create(batch, batch_size=BATCH)
        return
    meta, quote = Notification._meta, connection.ops.quote_name
    fields = meta.concrete_fields
    values_of = operator.attrgetter(*(f.attname for f in fields))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(batch)],
        )
        for notification, (pk,) in zip(batch, cursor.fetchall(), strict=True):
            notification.pk = pk
        columns = ", ".join(quote(f.column) for f in fields)
        # psycopg 3's COPY (the driver pyproject.toml requires), beneath Django's cursor: its
        # errors wrapped as Django's own, so that a row already there is an IntegrityError.
        copy_rows = f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN"
        with connection.wrap_database_errors, cursor.cursor.copy(copy_rows) as copy:
            for notification in batch:
                copy.write_row(values_of(notification))
    for notification in batch:
        notification._state.adding, notification._state.db = False, connection.alias


@contextmanager
def scan_lock():
    """One scan at a time per database (PostgreSQL advisory lock); others wait their turn."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [SCAN_LOCK_ID])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [SCAN_LOCK_ID])


def _release_inbox(now: datetime.datetime) -> list[Notification]:
    """Inbox messages kept back by the quiet hours become visible."""
    waiting = list(
        Notification.objects.filter(
            channel=Channel.INBOX, status=DeliveryStatus.PENDING, scheduled_for__lte=now
        )
    )
    Notification.objects.filter(pk__in=[n.pk for n in waiting], status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.SENT, sent_at=now, attempts=1
    )
    return waiting


def _claim(now: datetime.datetime) -> list[Notification]:
    """Take the e-mails and group-bot messages due now, so that no other worker sends them too."""
    due = (
        Q(status=DeliveryStatus.PENDING)
        | Q(status=DeliveryStatus.FAILED, attempts__lt=MAX_ATTEMPTS)
        # Taken by a worker that died before it could say how sending went.
        | Q(status=DeliveryStatus.SENDING, scheduled_for__lt=now - STUCK_AFTER)
    )
    claimed: list[Notification] = []
    while True:
        with transaction.atomic():
            batch = list(
                Notification.objects.select_for_update(skip_locked=True)
                .filter(due, scheduled_for__lte=now, channel__in=[Channel.EMAIL, Channel.WEBHOOK])
                .order_by("pk")[:BATCH]
            )
            if not batch:
                return claimed
            # Stamped with the time it was taken, so that only a real stall makes it due again.
            Notification.objects.filter(pk__in=[n.pk for n in batch]).update(
                status=DeliveryStatus.SENDING, scheduled_for=now
            )
        claimed.extend(batch)


def deliver(now: datetime.datetime, fresh: list[Notification] = ()) -> list[Notification]:
    """Send the e-mails and group-bot messages due; a failure is retried later, up to MAX_ATTEMPTS times.

    `fresh` are rows this scan has just written as SENDING; older ones due now are claimed.
    Each person gets one e-mail per scan and each group one message (split when long),
    listing everything new for them: two hundred deadlines are not two hundred e-mails.
    """
    claimed = [*fresh, *_claim(now)]
    by_recipient: dict[int, list[Notification]] = {}
    by_hook: dict[str, list[Notification]] = {}
    for notification in claimed:
        if notification.channel == Channel.EMAIL:
            by_recipient.setdefault(notification.recipient_id, []).append(notification)
        else:
            by_hook.setdefault(notification.target, []).append(notification)
    sent = _Sent(now)
    _send_emails(by_recipient, now, sent)
    # The group bots in one query, not one per group.
    hooks = Webhook.objects.filter(active=True).in_bulk([int(target.split(":")[1]) for target in by_hook])
    for target, group in by_hook.items():
        _send_webhook(hooks.get(int(target.split(":")[1])), group, now, sent)
    sent.flush()
    return claimed


def _digest(notifications: list[Notification], *, bodies: bool = False) -> str:
    """One line per message; e-mails add each message's text (a return comment, a due date) below it."""
    lines = []
    for n in notifications:
        lines.append(f"· {n.title}（{settings.SITE_URL}{n.link}）" if n.link else f"· {n.title}")
        if bodies:
            lines.extend(f"  {line}" for line in n.body.splitlines())
    return "\n".join(lines)


def _send_emails(by_recipient: dict[int, list[Notification]], now, sent: _Sent) -> None:
    addresses = dict(get_user_model().objects.filter(pk__in=by_recipient).values_list("pk", "email"))
    connection = get_connection(fail_silently=False)
    for recipient_id, group in by_recipient.items():
        subject = (
            group[0].title
            if len(group) == 1
            else _("%(count)d reminders from the portal") % {"count": len(group)}
        )
        message = EmailMessage(
            subject, _digest(group, bodies=True), to=[addresses[recipient_id]], connection=connection
        )
        try:
            message.send()
        except OSError as exc:  # SMTP down: these wait for a later scan
            _failed(group, exc, now)
            continue
        sent.add(group)


def webhook_payload(title: str, body: str, link: str) -> dict:
    """The text message both 企业微信 and 钉钉 group bots accept."""
    return {"msgtype": "text", "text": {"content": f"{title}\n{body}\n{settings.SITE_URL}{link}".strip()}}


def post_webhook(url: str, payload: dict) -> None:
    """Raises core.outbound.Refused (ValueError) or OSError when the bot does not take the message."""
    body = json.dumps(payload, ensure_ascii=False).encode()
    answer = json.loads(post_json(url, body, timeout=settings.WEBHOOK_TIMEOUT) or b"{}")
    if not isinstance(answer, dict):
        raise ValueError(f"unexpected answer: {answer!r}"[:200])
    if answer.get("errcode", 0) != 0:  # both platforms answer 200 with an error code
        raise Rejected(f"errcode {answer.get('errcode')}: {answer.get('errmsg', '')}", answer.get("errcode"))


WEBHOOK_TEXT_BYTES = 1800  # 企业微信 takes 2,048 bytes of text at most


def _chunks(notifications: list[Notification]) -> list[list[Notification]]:
    chunks: list[list[Notification]] = [[]]
    size = 0
    for notification in notifications:
        line = len(_digest([notification]).encode()) + 1
        if chunks[-1] and size + line > WEBHOOK_TEXT_BYTES:
            chunks.append([])
            size = 0
        chunks[-1].append(notification)
        size += line
    return chunks


def _send_webhook(hook: Webhook | None, notifications: list[Notification], now, sent: _Sent) -> None:
    for chunk in _chunks(notifications):
        try:
            if hook is None:
                raise OSError("group bot removed or switched off")
            post_webhook(hook.url, {"msgtype": "text", "text": {"content": _digest(chunk)}})
        except (OSError, ValueError) as exc:
            _failed(chunk, exc, now)
            continue
        sent.add(chunk)


class _Sent:
    """What went out, marked SENT by one UPDATE per BATCH rows rather than one per e-mail or post.

    Seven thousand group-bot posts are not seven thousand UPDATEs. Should the worker die
    before a flush, the rows it sent stay SENDING and a later scan sends them again after
    STUCK_AFTER, as it does a post cut off half-way: at most a batch's worth, never lost.
    """

    def __init__(self, now: datetime.datetime):
        self.now = now
        self.pks: list[int] = []

    def add(self, notifications: list[Notification]) -> None:
        self.pks.extend(n.pk for n in notifications)
        if len(self.pks) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if self.pks:
            Notification.objects.filter(pk__in=self.pks).update(
                status=DeliveryStatus.SENT, sent_at=self.now, attempts=F("attempts") + 1, last_error=""
            )
            self.pks = []


def _failed(notifications: list[Notification], exc: Exception, now) -> None:
    log.warning("reminder delivery failed: %s", exc)
    by_attempts: dict[int, list[int]] = {}
    for notification in notifications:
        by_attempts.setdefault(notification.attempts, []).append(notification.pk)
    for attempts, pks in by_attempts.items():
        # Retried with a growing delay: 5, 10, 20, 40 minutes.
        Notification.objects.filter(pk__in=pks).update(
            status=DeliveryStatus.FAILED,
            attempts=attempts + 1,
            last_error=str(exc)[:500],
            scheduled_for=now + datetime.timedelta(minutes=5 * 2**attempts),
        )


def scan(now: datetime.datetime | None = None, *, dry_run: bool = False) -> list[Notification]:
    """Plan, record and send: what `send_reminders` and the beat task run.

    Returns the messages this scan added (inbox ones delivered at once outside the quiet
    hours) and those it sent that earlier scans had kept back.
    """
    now = now or timezone.now()
    if dry_run:
        return plan(now)
    awake = release_time(now) == now
    with scan_lock():
        planned = plan(now)
        for notification in planned:
            if awake and notification.channel == Channel.INBOX:
                notification.status, notification.sent_at, notification.attempts = DeliveryStatus.SENT, now, 1
            elif awake:
                notification.status = DeliveryStatus.SENDING  # sent below, by this scan
        if not record(planned):
            # Ids unknown: leave the e-mails and bot messages to the claim of the next step.
            Notification.objects.filter(status=DeliveryStatus.SENDING, sent_at=None, attempts=0).filter(
                key__in={n.key for n in planned}
            ).update(status=DeliveryStatus.PENDING)
            fresh = []
        else:
            fresh = [n for n in planned if n.status == DeliveryStatus.SENDING]
        earlier = [*_release_inbox(now), *deliver(now, fresh)]
    new = {id(n) for n in fresh}
    return planned + [n for n in earlier if id(n) not in new]


def remind_now(*, unit, deadlines: list[Deadline], now: datetime.datetime | None = None) -> int:
    """The office's 'remind now' for one branch: at most once a day (the key carries the date)."""
    now = now or timezone.now()
    who = responsibles({unit.pk}).get(unit.pk)
    if who is None or not who.secretaries:
        raise ValidationError(_("This branch has no secretary's account to remind."))
    if not deadlines:
        return 0
    today = timezone.localtime(now).date()
    title = _("Reminder from the office: %(count)d item(s) due") % {"count": len(deadlines)}
    body = "\n".join(f"· {d.title}" for d in deadlines)
    emails = _email_addresses(set(who.secretaries))
    planned = []
    for user_id in who.secretaries:
        common = {
            "key": f"manual:{unit.pk}:{today}",
            "stage": "manual",
            "unit_id": unit.pk,
            "title": title,
            "body": body,
            "link": deadlines[0].link,
            "scheduled_for": release_time(now),
            "target": f"user:{user_id}",
            "recipient_id": user_id,
        }
        planned.append(Notification(channel=Channel.INBOX, **common))
        if user_id in emails:
            planned.append(Notification(channel=Channel.EMAIL, **common))
    before = Notification.objects.filter(key=f"manual:{unit.pk}:{today}").count()
    record(planned)
    return Notification.objects.filter(key=f"manual:{unit.pk}:{today}").count() - before


DECISION = "decision"  # the stage of every decision notice


def decision_notify(
    *, unit, key: str, title: str, body: str, link: str, owners=(), group: bool = False, now=None
) -> None:
    """Tell a branch's secretaries of a decision on what it submitted: a report adopted or
    returned, a rectification reply returned, a circular issued. `owners` are the accounts
    told besides them (the member a rectification is addressed to), as a deadline's are.
    `group` also posts it to the unit's group bot (its own, or the nearest above), as the
    reminders of its deadlines are (an invitation to a joint meeting).

    Call it inside the deciding service's transaction, so that the messages are written, or
    rolled back, with the decision. `key` names the decision ("report:12:review:…"): a
    decision is told once, however often the request is retried. Inbox messages are
    delivered at once; e-mails (to those with an address and e-mail reminders on) go out as
    reminders do, by the scan enqueued once the transaction commits, held 21:00–08:00.
    """
    if Notification.objects.filter(key=key, stage=DECISION).exists():
        return
    who = responsibles({unit.pk}).get(unit.pk)
    recipients = list(dict.fromkeys([*owners, *(who.secretaries if who else ())]))
    hooks = Webhook.objects.filter(active=True).order_by().values_list("unit__path", "pk")
    hook_id = _nearest(dict(hooks), unit.path) if group else None
    if not recipients and hook_id is None:
        return
    now = now or timezone.now()
    release = release_time(now)
    delivered = {"status": DeliveryStatus.SENT, "sent_at": now, "attempts": 1} if release == now else {}
    emails = _email_addresses(set(recipients))
    planned = []
    for user_id in recipients:
        common = {
            "key": key,
            "stage": DECISION,
            "unit_id": unit.pk,
            "title": title[:200],
            "body": body,
            "link": link,
            "scheduled_for": release,
            "created_at": now,
            "target": f"user:{user_id}",
            "recipient_id": user_id,
        }
        planned.append(Notification(channel=Channel.INBOX, **common, **delivered))
        if user_id in emails:
            planned.append(Notification(channel=Channel.EMAIL, **common))
    if hook_id is not None:
        planned.append(
            Notification(
                channel=Channel.WEBHOOK,
                key=key,
                stage=DECISION,
                unit_id=unit.pk,
                title=title[:200],
                body=body,
                link=link,
                scheduled_for=release,
                created_at=now,
                target=f"webhook:{hook_id}",
            )
        )
    record(planned)  # the unique constraint keeps a racing retry from writing them twice
    if emails or hook_id is not None:
        transaction.on_commit(send_soon)


def send_soon() -> None:
    """Ask a worker to scan and send now; with Redis down the next beat scan sends it (nothing is lost)."""
    from core.tasks import scan_reminders  # late: the tasks load core.services, which loads this module

    try:
        scan_reminders.delay()
    except OperationalError:
        log.warning("broker unreachable: messages wait for the next scan")


def webhook_test(hook: Webhook) -> None:
    """Send a test message now; raises as post_webhook does (core.outbound.failure_reason says why)."""
    post_webhook(
        hook.url, webhook_payload(_("Test message from the Strive for Excellence portal"), str(hook.unit), "")
    )
