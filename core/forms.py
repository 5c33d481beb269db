from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit
from core.attachments import check_upload
from core.models import ReminderPolicy, Webhook
from core.periods import validate_period


class ImportFileForm(forms.Form):
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.IMPORT_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s.") % {"limit": filesizeformat(limit)}
            )
        return upload


class ArchiveForm(forms.Form):
    period = forms.CharField(label=_("Period"), max_length=10, validators=[validate_period])


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Several evidence files at once, each checked by its content (core.attachments)."""

    widget = MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,.pdf,.docx,.xlsx,.pptx"})
    max_files = 10

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        uploads = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(uploads) > self.max_files:
            raise ValidationError(_("At most %(count)d files at a time.") % {"count": self.max_files})
        checked, errors = [], []
        for upload in uploads:
            super().clean(upload, initial)
            try:
                checked.append((check_upload(upload), upload.name))
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError(errors)
        return checked


class PolicyForm(forms.ModelForm):
    class Meta:
        model = ReminderPolicy
        fields = ["days_before", "weekly_days"]


class WebhookForm(forms.ModelForm):
    url = forms.URLField(label=_("webhook address"), assume_scheme="https", max_length=500)

    class Meta:
        model = Webhook
        fields = ["unit", "platform", "url", "active"]

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = OrgUnit.objects.writable_by(actor)
        self.fields["url"].help_text = _("The address the group's bot settings show (https://…).")


def show_refusal(form, exc: ValidationError) -> None:
    """A service's refusal shown on the form: on the field it names, if the form has one."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
