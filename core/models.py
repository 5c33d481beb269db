from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import OrgUnit
from accounts.scoping import MANAGE_ROLES, own_q, subtree_q


def _upload_path(instance: Upload, filename: str) -> str:
    # The stored name never comes from the user.
    return f"uploads/{instance.created_at:%Y/%m}/{uuid.uuid4().hex}"


class OwnedQuerySet(models.QuerySet):
    """Rows only their owner sees: an upload waiting for confirmation, a background job."""

    def visible_to(self, user):
        return self.filter(own_q(user, "owner"))

    writable_by = visible_to


class Upload(models.Model):
    """An uploaded ledger between its preview and its confirmation; only its owner sees it."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=30)
    original_name = models.CharField(_("file name"), max_length=255)
    file = models.FileField(upload_to=_upload_path)
    # What the file is for, as typed in the ledger's options form (a branch, a period).
    options = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("upload")
        verbose_name_plural = _("uploads")

    def __str__(self) -> str:
        return self.original_name


def _attachment_path(instance: Attachment, filename: str) -> str:
    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class AttachmentQuerySet(models.QuerySet):
    def for_objects(self, objects) -> AttachmentQuerySet:
        """Attachments of these objects (already loaded through their own scoping)."""
        objects = list(objects)
        if not objects:
            return self.none()
        content_type = ContentType.objects.get_for_model(objects[0])
        return self.filter(content_type=content_type, object_id__in=[obj.pk for obj in objects])


class Attachment(models.Model):
    """A file attached to a record of any app; it is visible exactly when its record is."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    owner = GenericForeignKey("content_type", "object_id")
    file = models.FileField(upload_to=_attachment_path)
    original_name = models.CharField(_("file name"), max_length=255)
    mime_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.mime_type.startswith("image/")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


def _job_result_path(instance: Job, filename: str) -> str:
    return f"jobs/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class Job(models.Model):
    """Long work (an export, an import) run by a worker; its owner follows it and downloads the result."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    params = models.JSONField(default=dict)
    status = models.CharField(_("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    message = models.TextField(_("message"), blank=True)
    result = models.FileField(upload_to=_job_result_path, blank=True)
    result_name = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # Set when a worker takes the job and renewed as it reports progress: a running job whose
    # heartbeat is older than JOB_LEASE_SECONDS has lost its worker (core.jobs.jobs_fail_abandoned).
    heartbeat_at = models.DateTimeField(_("last heartbeat"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="job_progress_at_most_100")
        ]
        indexes = [
            # The sweep for abandoned jobs: only running ones are in it.
            models.Index(
                fields=["heartbeat_at"], condition=models.Q(status="running"), name="job_running_heartbeat"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)


class Channel(models.TextChoices):
    INBOX = "inbox", _("Inbox")
    EMAIL = "email", _("E-mail")
    WEBHOOK = "webhook", _("Group bot")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class OfficeScopedQuerySet(models.QuerySet):
    """Rows about a unit that only the office of that unit (or above) sees and manages."""

    def visible_to(self, user):
        return self.filter(subtree_q(user, "unit__path", MANAGE_ROLES))

    writable_by = visible_to


class NotificationQuerySet(OfficeScopedQuerySet):
    def inbox_of(self, user) -> NotificationQuerySet:
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(channel=Channel.INBOX, recipient=user, status=DeliveryStatus.SENT)


class Notification(models.Model):
    """One message of one stage of one deadline, to one target, by one channel.

    The unique constraint is what makes the reminder scan idempotent: a row is written
    before anything is sent, so a second scan, a retried task or a second worker finds it
    there and sends nothing again.
    """

    key = models.CharField(max_length=100)  # the deadline ("commitment:12") or a manual reminder
    stage = models.CharField(max_length=20)  # before, due, overdue, overdue-2, manual
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    target = models.CharField(max_length=40)  # "user:12", or "webhook:3"
    # A high-volume log: no database-level foreign keys (Django still cascades deletes), and
    # the recipient's index is the (recipient, channel, read_at) one below.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("recipient"),
        db_constraint=False,
        db_index=False,
    )
    unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.CASCADE,
        null=True,
        related_name="+",
        verbose_name=_("unit"),
        db_constraint=False,
        db_index=False,
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(pgettext_lazy("notification", "message"), blank=True)
    link = models.CharField(max_length=300, blank=True)
    scheduled_for = models.DateTimeField(_("to be sent at"))
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-scheduled_for", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "stage", "channel", "target"], name="one_message_per_stage_and_target"
            )
        ]
        # Partial indexes: most rows are inbox messages sent at once and stay out of the first.
        indexes = [
            models.Index(
                fields=["scheduled_for"],
                condition=models.Q(status__in=["pending", "failed"]),
                name="notification_to_send",
            ),
            models.Index(
                fields=["recipient", "read_at"],
                condition=models.Q(channel="inbox"),
                name="notification_inbox",
            ),
            # A scan compares with the rows of the last RECENT days, not with years of them.
            models.Index(fields=["created_at"], name="notification_created"),
            # The office's message log: scoped by unit, newest first.
            models.Index(fields=["unit"], name="notification_unit"),
            models.Index(fields=["-scheduled_for", "-id"], name="notification_log"),
        ]

    def __str__(self) -> str:
        return self.title


class Webhook(models.Model):
    """A 企业微信 or 钉钉 group bot that receives the reminders of a unit and the units below it."""

    class Platform(models.TextChoices):
        WECOM = "wecom", _("WeCom group bot")
        DINGTALK = "dingtalk", _("DingTalk group bot")

    unit = models.OneToOneField(OrgUnit, on_delete=models.CASCADE, related_name="+", verbose_name=_("unit"))
    platform = models.CharField(_("platform"), max_length=10, choices=Platform.choices)
    url = models.URLField(_("webhook address"), max_length=500)
    active = models.BooleanField(_("active"), default=True)

    objects = OfficeScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("group bot")
        verbose_name_plural = _("group bots")

    def __str__(self) -> str:
        return f"{self.unit} · {self.get_platform_display()}"


class ReminderPolicy(models.Model):
    """When reminders go out, for a unit and everything below it (the nearest policy wins)."""

    unit = models.OneToOneField(OrgUnit, on_delete=models.CASCADE, related_name="+", verbose_name=_("unit"))
    days_before = models.PositiveSmallIntegerField(_("remind this many days before"), default=3)
    weekly_days = models.PositiveSmallIntegerField(
        _("then repeat every this many days while overdue"), default=7
    )

    objects = OfficeScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("reminder settings")
        verbose_name_plural = _("reminder settings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(days_before__gte=1, days_before__lte=30), name="days_before_1_30"
            ),
            models.CheckConstraint(
                condition=models.Q(weekly_days__gte=1, weekly_days__lte=60), name="weekly_days_1_60"
            ),
        ]

    def __str__(self) -> str:
        return str(self.unit)
