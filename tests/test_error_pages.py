"""With DEBUG off, errors answer with the portal's own pages, in Chinese, with a way back home.

The tests keep the plain static storage (DEBUG is switched off after settings were read);
one test renders the 500 page under the manifest storage with no manifest at all.
"""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.urls import include, path, reverse
from django.views.defaults import server_error

from tests.conftest import DEMO_PASSWORD

BACK = 'href="/">返回首页</a>'  # the page's own link home, besides the navbar's


def _boom(request):
    raise RuntimeError("a bug")


# Used as ROOT_URLCONF by the 500 test only: production has no URL that fails on purpose.
urlpatterns = [path("test-only/boom/", _boom), path("", include("config.urls"))]


@pytest.fixture(autouse=True)
def production(settings):
    settings.DEBUG = False
    return settings


def _page(response, status):
    assert response.status_code == status
    return response.content.decode()


@pytest.mark.parametrize("username", [None, "secretary"])
def test_a_missing_page_answers_the_portal_404(client_for, username):
    page = _page(client_for(username).get("/no-such-page/"), 404)
    assert "页面不存在" in page and BACK in page
    assert "bootstrap.min.css" in page  # the portal's look, not Django's bare page


def test_a_forbidden_page_answers_the_portal_403(client_for):
    page = _page(client_for("secretary").get(reverse("core:board")), 403)
    assert "无权访问" in page and BACK in page


def test_a_csrf_failure_answers_the_portal_page(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"username": "secretary", "password": DEMO_PASSWORD})
    page = _page(response, 403)
    assert "页面已过期" in page and "Cookie" in page and BACK in page
    assert "CSRF" not in page


def test_a_server_error_answers_the_portal_500(db, production):
    production.ROOT_URLCONF = __name__
    page = _page(Client(raise_request_exception=False).get("/test-only/boom/"), 500)
    assert "系统出现故障" in page and "请稍后再试" in page and BACK in page
    assert "a bug" not in page


def test_the_500_page_needs_no_request_database_or_static_manifest(production, tmp_path):
    """No `db` fixture here: a database query would fail the test."""
    production.STATIC_ROOT = tmp_path
    production.STORAGES = {
        **production.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    page = _page(server_error(RequestFactory().get("/")), 500)
    assert "系统出现故障" in page and BACK in page
    assert 'href="/static/vendor/bootstrap/css/bootstrap.min.css"' in page


def test_the_lockout_page_is_the_portals_in_minutes(client, db, settings):
    from axes.models import AccessAttempt

    AccessAttempt.objects.all().delete()
    settings.AXES_COOLOFF_TIME = 0.5
    login = reverse("accounts:login")
    for _ in range(5):
        client.post(login, {"username": "secretary", "password": "wrong"}, REMOTE_ADDR="10.0.0.8")
    response = client.post(
        login, {"username": "secretary", "password": DEMO_PASSWORD}, REMOTE_ADDR="10.0.0.8"
    )
    page = _page(response, 429)
    assert "登录失败次数过多" in page and "请 30 分钟后再试" in page and BACK in page
