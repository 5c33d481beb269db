from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICE = "office", _("Office staff")
    LEADER = "leader", _("Leader")
    SECRETARY = "secretary", _("Branch secretary")
    INSPECTOR = "inspector", _("Inspector")
    MEMBER = "member", _("Party member")
