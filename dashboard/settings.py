"""Settings of the Centra integration dashboard.

Every value comes from the environment (or a `.env` file beside
`manage.py`) and has a default that works on a developer machine: SQLite,
the database task backend and DEBUG on. `.env.example` lists the variables.
"""

import os
import tempfile
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# ENV_FILE names another file (an empty value reads none); values already in
# the environment win over the file's.
ENV_FILE = os.environ.get("ENV_FILE", str(BASE_DIR / ".env"))
if ENV_FILE:
    environ.Env.read_env(ENV_FILE, overwrite=False)

DEBUG = env.bool("DEBUG", default=True)

# The development default is only accepted while DEBUG is on, so a production
# deployment cannot start with a key that is published in this repository.
_DEV_SECRET_KEY = "dev-only-insecure-key-change-me-0123456789abcdefghijklmnopqrstuvwxyz"
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

# Key for encrypting stored secrets (API tokens, passwords). One or more
# Fernet keys separated by commas: the first encrypts, all of them decrypt, so
# a key can be rotated. Empty means a key derived from SECRET_KEY.
ENCRYPTION_KEYS = env.list("ENCRYPTION_KEYS", default=[])

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_tasks",
    "django_tasks_db",
    "dashboard",
    "clients",
    "connections",
    "sandbox",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "dashboard.middleware.HtmxLoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "dashboard.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "dashboard.wsgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the worker write to the same file: wait for a lock
    # instead of failing at once, and start write transactions immediately so
    # two writers do not deadlock on a lock upgrade.
    # Write-ahead logging lets pages read while the worker writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL;",
        }
    )
    # Tests use a file, not Django's shared in-memory database, whose table
    # locks ignore the timeout and fail tests that read while a worker thread
    # writes. The process id keeps two test runs on one machine apart.
    DATABASES["default"]["TEST"] = {
        "NAME": env.str(
            "TEST_SQLITE_NAME",
            default=str(
                Path(tempfile.gettempdir())
                / f"centra-dashboard-test-{os.getpid()}.sqlite3"
            ),
        )
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASKS = {
    "default": {
        "BACKEND": env.str("TASK_BACKEND", default="django_tasks_db.DatabaseBackend"),
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
# WhiteNoise serves the collected static files (`manage.py collectstatic`),
# so the dashboard needs no separate web server for them.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage",
    },
}
# While DEBUG is on, files are served straight from static/ without collecting.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# Largest form submission in bytes. Pasted entity lists and queries can be
# large, and a bigger one gets the "request too large" page (templates/400.html).
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int(
    "DATA_UPLOAD_MAX_MEMORY_SIZE", default=10 * 1024 * 1024
)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

MESSAGE_TAGS = {40: "danger"}

# Deployment hardening: off by default for local http, switched on from the
# environment when the dashboard runs behind TLS.
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=False)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=False)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool(
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False
)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
if env.bool("USE_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Request logs: bodies longer than this many bytes are cut when stored, and
# the full size is kept beside them.
REQUEST_LOG_BODY_LIMIT = env.int("REQUEST_LOG_BODY_LIMIT", default=64 * 1024)

# Outbound HTTP defaults, used when a client sets no timeout of its own.
HTTP_CONNECT_TIMEOUT = env.float("HTTP_CONNECT_TIMEOUT", default=5.0)
HTTP_TOTAL_TIMEOUT = env.float("HTTP_TOTAL_TIMEOUT", default=30.0)
# Responses larger than this many bytes fail instead of being read into memory.
HTTP_MAX_RESPONSE_BYTES = env.int("HTTP_MAX_RESPONSE_BYTES", default=50 * 1024 * 1024)

# Run engine. Failed attempts (timeouts, connection errors, 429, 502, 503,
# 504) are retried after RETRY_BASE_DELAY seconds, doubling each time up to
# RETRY_MAX_DELAY, with random jitter. A Retry-After header is obeyed up to
# RETRY_AFTER_CEILING seconds; a longer one stops the run.
RETRY_BASE_DELAY = env.float("RETRY_BASE_DELAY", default=1.0)
RETRY_MAX_DELAY = env.float("RETRY_MAX_DELAY", default=30.0)
RETRY_AFTER_CEILING = env.float("RETRY_AFTER_CEILING", default=60.0)
# Requests that all workers together send to one Centra host in any 10
# seconds, so they stay under Centra's rate limit instead of running into
# 429s. Centra's documented default bucket is 20 requests per 10 s. 0 switches
# pacing off.
CENTRA_REQUESTS_PER_10S = env.int("CENTRA_REQUESTS_PER_10S", default=20)
# A running run whose worker saved no progress for this many seconds is
# marked failed, because its worker has stopped.
RUN_STALE_AFTER = env.int("RUN_STALE_AFTER", default=15 * 60)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
