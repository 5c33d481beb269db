"""Personas: the demo township of `seed_demo`, created once per test session.

Each test runs in a transaction rolled back at its end, so every test starts from the
same 柳山镇. Tests that need committed data (a live server, a Celery worker) use
`transactional_db`, which pytest-django runs last, and seed again themselves.
"""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

# Playwright runs an event loop in the test thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

DEMO_PASSWORD = "demo-pass-2026"
PERSONAS = ["office", "leader", "leader2", "secretary", "secretary2", "inspector", "member", "admin"]


def pytest_configure(config):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Uploads, evidence and export results of the whole run go to a throwaway folder.
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="cxzy-media-")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("seed_demo", force=True, stdout=io.StringIO())


@pytest.fixture
def personas(db):
    from accounts.models import User

    return {user.username: user for user in User.objects.filter(username__in=PERSONAS)}


@pytest.fixture
def client_for(personas):
    """A logged-in test client for a demo persona, or an anonymous one for None."""

    def make(username: str | None) -> Client:
        client = Client()
        if username is not None:
            client.force_login(personas[username])
        return client

    return make


@pytest.fixture
def units(db):
    from accounts.models import OrgUnit

    return {unit.code: unit for unit in OrgUnit.objects.all()}


def add_units(parent, names: dict[str, str], level: str = "branch") -> list:
    """Units bulk-created under `parent` (code: name), as a county's hundreds are in the tests
    of scale; bulk_create skips save(), so their paths are set here."""
    from accounts.models import OrgUnit

    return OrgUnit.objects.bulk_create(
        OrgUnit(code=code, name=name, level=level, parent=parent, path=f"{parent.path}{code}/")
        for code, name in names.items()
    )


@pytest.fixture
def twohat(db, units):
    """Office of a second township (青石镇) and secretary of 柳山村第一党支部: the office role it
    holds there must open nothing in 柳山镇 beyond what its secretary role does."""
    from accounts.models import Level, OrgUnit, Role, RoleAssignment, User
    from branches.services import unit_save

    township = unit_save(unit=OrgUnit(code="QS", name="中共青石镇委员会", level=Level.COMMITTEE))
    unit_save(unit=OrgUnit(code="QS01", name="青石村党支部", level=Level.BRANCH, parent=township))
    user = User.objects.create_user("twohat", full_name="孙立")
    RoleAssignment.objects.create(user=user, role=Role.OFFICE, org_unit=township)
    RoleAssignment.objects.create(user=user, role=Role.SECRETARY, org_unit=units["LS0101"])
    return user


@pytest.fixture
def eager_tasks():
    """Tasks sent to the worker run in the test's own process, as the embedded default runs them."""
    from config.celery import app as celery_app

    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


# Browser tests drive Debian's Chromium (never a downloaded browser); their screenshots are
# kept after the run. A module of them sets `pytestmark = BROWSER_TESTS`.
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[1] / "var" / "screenshots"
BROWSER_TESTS = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium package"),
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
        ],
    }


@pytest.fixture
def demo_server(transactional_db, live_server):
    """A live server over a freshly seeded demo township (a browser's requests commit)."""
    call_command("seed_demo", force=True, stdout=io.StringIO())
    return live_server
