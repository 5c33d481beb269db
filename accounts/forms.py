from __future__ import annotations

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit, Role, RoleAssignment, User


class RoleAssignmentForm(forms.ModelForm):
    class Meta:
        model = RoleAssignment
        fields = ["role", "org_unit"]

    def __init__(self, *args, actor: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = OrgUnit.objects.writable_by(actor)


class UserCreateForm(forms.ModelForm):
    password = forms.CharField(
        label=_("Initial password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Tell the user in person; they can change it after logging in."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    org_unit = forms.ModelChoiceField(label=_("Organisation unit"), queryset=None)

    class Meta:
        model = User
        fields = ["username", "full_name", "phone", "email"]

    def __init__(self, *args, actor: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = OrgUnit.objects.writable_by(actor)

    def clean_password(self):
        password = self.cleaned_data["password"]
        validate_password(password, self.instance)
        return password


class UserEditForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "phone", "email", "is_active"]


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["email", "email_reminders"]
