"""Settings, all read from the environment through the typed helpers below.

With nothing set, the portal runs on SQLite with Celery tasks executed in-process
(the embedded default for a first `make run`). Production sets DEBUG=0, SECRET_KEY,
ALLOWED_HOSTS, DATABASE_URL and REDIS_URL.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool) -> bool:
    raw = env_str(name)
    if not raw:
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = env_str(name)
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = env_str(name)
    return [item.strip() for item in raw.split(",") if item.strip()] if raw else default


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "insecure-development-key-only-for-debug"  # noqa: S105
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "import_export",
    "simple_history",
    "axes",
    "csp",
    "core",
    "accounts",
    "branches",
    "commitments",
    "reports",
    "inspections",
    "reviews",
    "dashboards",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.middleware.UnreadableUploadMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # django-axes must come last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "branches.context_processors.navigation",
                "inspections.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboards:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# A township office shares one NAT address: lock a username on an address, not the
# whole address, and let the lock expire.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 30) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# Behind a reverse proxy every request arrives from the proxy's address, and five failures
# from anywhere would lock a username out for everybody. Each of the PROXY_COUNT proxies
# (one nginx by default with BEHIND_PROXY) appends the address it was reached from to
# X-Forwarded-For; accounts.client_ip reads the client's from there. (django-axes' own
# AXES_IPWARE_* settings do nothing unless django-ipware is installed.)
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
PROXY_COUNT = env_int("PROXY_COUNT", 1 if BEHIND_PROXY else 0)
if PROXY_COUNT < 0:
    raise ImproperlyConfigured(f"PROXY_COUNT must not be negative, got {PROXY_COUNT}")
AXES_CLIENT_IP_CALLABLE = "accounts.client_ip.client_ip"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
# Django's zh_Hans DATE_INPUT_FORMATS include "%Y年%n月%j日", which strptime rejects.
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", BASE_DIR / "node_modules" / "bootstrap-icons" / "font"),
    ("vendor/tom-select", BASE_DIR / "node_modules" / "tom-select" / "dist"),
    ("vendor/echarts", BASE_DIR / "node_modules" / "echarts" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Uploaded files are private: never under STATIC_ROOT, never served directly.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or BASE_DIR / "var" / "media")
IMPORT_MAX_UPLOAD_BYTES = env_int("IMPORT_MAX_UPLOAD_MB", 10) * 1024 * 1024
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 20000)
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_MB", 20) * 1024 * 1024
# Photos above this are refused before decoding: a decoded pixel costs 3–4 bytes of memory.
ATTACHMENT_MAX_PIXELS = env_int("ATTACHMENT_MAX_MEGAPIXELS", 40) * 1_000_000
# Exports of up to this many rows are built during the request; larger ones by a worker.
INLINE_EXPORT_ROWS = env_int("INLINE_EXPORT_ROWS", 2000)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Sessions last a working day; cookies are Secure whenever DEBUG is off.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 10 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "portal@localhost")
# Links in e-mails and group-bot messages start with this address.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
WEBHOOK_TIMEOUT = env_int("WEBHOOK_TIMEOUT", 5)
# Off: group-bot webhooks go only to https:// on public addresses (core.outbound), so an
# address typed by an office cannot reach the portal's own network. On: plain http and
# loopback or private addresses too, for the tests' local bot server or an intranet bot relay.
WEBHOOK_ALLOW_PRIVATE_TARGETS = env_bool("WEBHOOK_ALLOW_PRIVATE_TARGETS", False)

# Celery: without REDIS_URL, tasks run eagerly in-process so a first run needs no server.
REDIS_URL = env_str("REDIS_URL")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# With Redis down, a page that enqueues work fails fast and falls back (see core.jobs).
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# The cache: shared by every web process through Redis when there is one (the ballot's rate
# limit must hold across processes), else in this process's memory for the embedded default.
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# 群众评议: online ballots (POSTs) accepted per client address and minute, against stuffing
# by one device; a meeting behind one NAT address casts a few dozen, so keep it generous.
BALLOT_RATE = env_int("BALLOT_RATE", 30)

# A running job whose worker has given no sign of life (a progress report) for this long
# has lost it (killed, out of memory, a redeploy): it is failed with a message to its owner.
JOB_LEASE_SECONDS = env_int("JOB_LEASE_SECONDS", 10 * 60)

# Periodic tasks, all in one place.
CELERY_BEAT_SCHEDULE = {
    # Every 15 minutes: find what is due and send reminders (idempotent; quiet 21:00–08:00).
    "scan-reminders": {
        "task": "core.tasks.scan_reminders",
        "schedule": env_int("REMINDER_SCAN_SECONDS", 15 * 60),
    },
    # Hourly: delete import previews nobody confirmed within a day (files hold personal data).
    "purge-stale-uploads": {"task": "core.tasks.purge_stale_uploads", "schedule": 60 * 60},
    # Every minute: fail the jobs whose worker died mid-way (no heartbeat for JOB_LEASE_SECONDS),
    # so that their owners read why instead of watching "running" for ever. Job pages check too.
    "fail-abandoned-jobs": {"task": "core.tasks.fail_abandoned_jobs", "schedule": 60},
    # Hourly: close the mass evaluations whose closing day has passed, fixing their results and
    # opening the rectifications of those below the threshold (idempotent: a closed one is skipped).
    "close-due-campaigns": {"task": "reviews.tasks.close_due_campaigns", "schedule": 60 * 60},
}
