"""Logging in, throttling, and the office managing accounts and roles."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from accounts.models import RoleAssignment, User
from tests.conftest import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def axes_enabled(db, settings):
    from axes.models import AccessAttempt

    AccessAttempt.objects.all().delete()
    return settings


def _login(client, username, password, ip="10.0.0.8"):
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def test_login_with_the_form_lands_on_the_dashboard(client, axes_enabled):
    response = _login(client, "secretary", DEMO_PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("dashboards:home")
    page = client.get(reverse("dashboards:home")).content.decode()
    assert "柳山村第一党支部" in page and "退出" in page


def test_wrong_password_shows_a_chinese_message(client, axes_enabled):
    response = _login(client, "secretary", "wrong")
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


def test_repeated_failures_lock_that_user_on_that_address_only(client, axes_enabled):
    for _ in range(5):
        _login(client, "secretary", "wrong")
    locked = _login(client, "secretary", DEMO_PASSWORD)
    assert locked.status_code == 429
    assert "登录失败次数过多" in locked.content.decode()
    # Colleagues behind the same township NAT address still get in.
    assert _login(client, "secretary2", DEMO_PASSWORD).status_code == 302
    # And the same user from another address too.
    assert _login(client, "secretary", DEMO_PASSWORD, ip="10.0.0.9").status_code == 302


def test_password_change(client_for):
    client = client_for("member")
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": DEMO_PASSWORD, "new_password1": "Liu-shan-2026!", "new_password2": "Liu-shan-2026!"},
    )
    assert response.status_code == 302
    assert User.objects.get(username="member").check_password("Liu-shan-2026!")


def test_office_creates_an_account_with_its_first_role(client_for, units):
    response = client_for("office").post(
        reverse("accounts:user_create"),
        {
            "username": "shiqiao",
            "full_name": "石桥书记",
            "password": "Shi-qiao-2026!",
            "role": "secretary",
            "org_unit": units["LS06"].pk,
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="shiqiao")
    assert list(user.role_assignments.values_list("role", "org_unit__code")) == [("secretary", "LS06")]
    assert user.check_password("Shi-qiao-2026!")


def test_office_cannot_grant_a_role_outside_its_township(client_for, personas):
    from accounts.models import Level, OrgUnit

    county = OrgUnit.objects.create(code="XQ2", name="邻镇党委", level=Level.COMMITTEE)
    before = RoleAssignment.objects.count()
    response = client_for("office").post(
        reverse("accounts:user_detail", args=[personas["member"].pk]),
        {"role": "office", "org_unit": county.pk},
    )
    assert "org_unit" in response.context["role_form"].errors
    assert RoleAssignment.objects.count() == before


def test_office_cannot_change_its_own_roles(client_for, personas):
    office = personas["office"]
    assignment = office.role_assignments.get()
    client_for("office").post(reverse("accounts:role_delete", args=[assignment.pk]))
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_office_resets_a_forgotten_password(client_for, personas):
    response = client_for("office").post(
        reverse("accounts:user_set_password", args=[personas["member"].pk]),
        {"new_password1": "Zhou-yu-lan-88", "new_password2": "Zhou-yu-lan-88"},
    )
    assert response.status_code == 302
    assert User.objects.get(username="member").check_password("Zhou-yu-lan-88")


def _production_env(**overrides) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DEBUG="0", SECRET_KEY="a-real-production-secret-" + "x" * 40, ALLOWED_HOSTS="portal.example.org"
    )
    env.update(overrides)
    return env


def test_deploy_check_is_clean_under_production_settings():
    env = _production_env()
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = _production_env(SECRET_KEY="")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr
