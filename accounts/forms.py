from __future__ import annotations

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, RoleAssignment, User


def units_managed_by(user):
    """Units where `user` may grant roles: the office's own subtree."""
    org_unit_model = RoleAssignment._meta.get_field("org_unit").related_model
    return org_unit_model.objects.writable_by(user)


class RoleAssignmentForm(forms.ModelForm):
    class Meta:
        model = RoleAssignment
        fields = ["role", "org_unit"]

    def __init__(self, *args, actor: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units_managed_by(actor)


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
        self.fields["org_unit"].queryset = units_managed_by(actor)

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
