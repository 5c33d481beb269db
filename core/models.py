from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def _upload_path(instance: Upload, filename: str) -> str:
    # The stored name never comes from the user.
    return f"uploads/{instance.created_at:%Y/%m}/{uuid.uuid4().hex}"


class UploadQuerySet(models.QuerySet):
    def visible_to(self, user) -> UploadQuerySet:
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(owner=user)

    writable_by = visible_to


class Upload(models.Model):
    """A file waiting between the import preview and its confirmation; only its owner sees it."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=30)
    original_name = models.CharField(_("file name"), max_length=255)
    file = models.FileField(upload_to=_upload_path)
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    objects = UploadQuerySet.as_manager()

    class Meta:
        verbose_name = _("upload")
        verbose_name_plural = _("uploads")

    def __str__(self) -> str:
        return self.original_name
