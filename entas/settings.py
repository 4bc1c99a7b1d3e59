"""Entas settings: one file, driven by environment variables, SQLite by default."""

import contextlib
import os
import secrets
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.utils.translation import gettext_lazy as _

# Lets annotations such as QuerySet[User] and ModelForm[User] work at run time.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


# Everything Entas writes (the SQLite database and its -wal/-shm, uploads, rejects files, the secret
# key) holds personal data or guards it: nobody but the account running Entas may read it. Every
# process loads these settings (web workers, the task worker, the CLI, the tests), so the umask is
# set here; entas/cli.py and entas/wsgi.py also set it before anything else runs.
os.umask(0o077)
DATA_DIR = Path(os.environ.get("ENTAS_DATA_DIR", BASE_DIR / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)
# A data folder made before (or by hand, or by an older version) may be open to others. One that
# belongs to another account (a mounted volume) keeps the mode its owner gave it.
with contextlib.suppress(PermissionError):
    DATA_DIR.chmod(0o700)
# The KBLI codes imports and forms accept: a complete list an operator names (docs/data-formats.md,
# "The KBLI list"; `entas manage check` checks the file); empty: the shipped subset (kbli.SHIPPED).
KBLI_FILE = os.environ.get("ENTAS_KBLI_FILE", "")
# The desa BPS counts as urban (a CSV with a column `code`; kelurahan are urban by kind): read by
# `entas manage load_urban_villages` and by the regions loader. Empty: every desa is rural.
URBAN_VILLAGES_FILE = os.environ.get("ENTAS_URBAN_VILLAGES_FILE", "")
# Imported spreadsheets (entas.ingest.archive): a zip part, or all parts together, may inflate to
# this many times the file's size and never past the bytes given; the grid of the sheet's cells
# is capped too (a tiny file with a value in cell XFD1048576 would ask for the whole grid up to it).
IMPORT_XLSX_MAX_RATIO = int(os.environ.get("ENTAS_IMPORT_XLSX_MAX_RATIO", "100"))
IMPORT_XLSX_MAX_BYTES = int(os.environ.get("ENTAS_IMPORT_XLSX_MAX_BYTES", str(2 << 30)))
IMPORT_XLSX_MAX_CELLS = int(os.environ.get("ENTAS_IMPORT_XLSX_MAX_CELLS", "20000000"))
# A rejects file holds at most this many rows and bytes; a last line counts the rows left out.
IMPORT_REJECTS_MAX_ROWS = int(os.environ.get("ENTAS_IMPORT_REJECTS_MAX_ROWS", "100000"))
IMPORT_REJECTS_MAX_BYTES = int(os.environ.get("ENTAS_IMPORT_REJECTS_MAX_BYTES", str(100 << 20)))
# Uploaded files hold DTSEN personal data: deleted when their import ends, unless kept this many
# days (then by `entas cleanup-imports`, which `entas serve` also runs at start-up).
UPLOAD_RETENTION_DAYS = int(os.environ.get("ENTAS_UPLOAD_RETENTION_DAYS", "0"))
# Rejects files (the rows as the file had them) stay downloadable this long after the import.
REJECTS_RETENTION_DAYS = int(os.environ.get("ENTAS_REJECTS_RETENTION_DAYS", "30"))


def _secret_key() -> str:
    # A key generated once per installation beats a well-known default: sessions stay valid
    # across restarts and nobody can forge them from the source code.
    if key := os.environ.get("SECRET_KEY"):
        return key
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "entas.core",
    "entas.regions",
    "entas.accounts",
    "entas.ingest",
    "entas.registry",
    "entas.enterprises",
    "entas.programmes",
    "entas.linkage",
    "entas.graduation",
    "entas.partnerships",
    "entas.sharing",
    "entas.field",
    "entas.monitoring",
    "entas.impact",
    "entas.api",
    "entas.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise (static files keep their caching), around everything else.
    "entas.core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "entas.core.middleware.IndonesianFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "entas.core.middleware.RequestOriginMiddleware",
]

ROOT_URLCONF = "entas.urls"
WSGI_APPLICATION = "entas.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "entas" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'entas.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web server read while an import or the task worker writes.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "entas" / "locale"]
# Dates written out ("4 Desember 2026"); numbers go through entas.core.numbers, not USE_THOUSAND_SEPARATOR,
# so that values in forms and data-* attributes stay plain.
FORMAT_MODULE_PATH = ["entas.core.formats"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Jakarta")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "entas" / "static"]
# Serving straight from the finders keeps `make run` free of a collectstatic step.
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = DATA_DIR / "media"
# Django chmods stored uploads (agreement PDFs) to 0o644 by default, whatever the umask: owner only.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

# --- Security -------------------------------------------------------------------------------------
# HTTPS deployments: docs/operations.md, "Running in production", lists the values that make
# `entas manage check --deploy` clean. The defaults suit `entas serve` on http://127.0.0.1.
SESSION_COOKIE_HTTPONLY = True
# SECURE_COOKIES=true sets both; each can also be set on its own.
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", env_bool("SECURE_COOKIES", False))
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", SESSION_COOKIE_SECURE)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Behind a reverse proxy that ends TLS: "HTTP_X_FORWARDED_PROTO,https" (the header the proxy sets,
# and its value for HTTPS). Only when the proxy always sets (or strips) that header itself.
if _proxy_ssl := os.environ.get("SECURE_PROXY_SSL_HEADER", ""):
    _header, _comma, _value = _proxy_ssl.partition(",")
    SECURE_PROXY_SSL_HEADER = (_header.strip(), _value.strip() or "https")
# Reverse proxies (their addresses, comma-separated) whose X-Forwarded-For gives the client's
# address (audit log, login throttling); the header is ignored from anyone else.
TRUSTED_PROXIES = [a.strip() for a in os.environ.get("TRUSTED_PROXIES", "").split(",") if a.strip()]
SECURE_CONTENT_TYPE_NOSNIFF = env_bool("SECURE_CONTENT_TYPE_NOSNIFF", True)
SECURE_REFERRER_POLICY = os.environ.get("REFERRER_POLICY", "same-origin")
X_FRAME_OPTIONS = "DENY"
# Scripts, styles, images and fonts from this server only (Leaflet, Chart.js, htmx and Swagger UI are
# vendored): no inline script or style attribute in any template. SecurityHeadersMiddleware sends it.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "object-src 'none'",
    "base-uri 'self'", "frame-ancestors 'none'", "form-action 'self'",
])

# Login throttling (entas/accounts/lockout.py): this many failed logins of one account within the
# window lock it for LOGIN_LOCKOUT_MINUTES; one client address gets a higher limit, because a whole
# district office may sit behind it. An administrator can unlock an account at /account/locked/.
AUTHENTICATION_BACKENDS = ["entas.accounts.backends.LockoutModelBackend"]
LOGIN_FAILURES_PER_ACCOUNT = int(os.environ.get("LOGIN_FAILURES_PER_ACCOUNT", "5"))
LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("LOGIN_FAILURES_PER_ADDRESS", "50"))
LOGIN_FAILURE_WINDOW_MINUTES = int(os.environ.get("LOGIN_FAILURE_WINDOW_MINUTES", "15"))
LOGIN_LOCKOUT_MINUTES = int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15"))

# Days an API token lives unless its creator says otherwise (entas/accounts/tokens.py).
API_TOKEN_LIFETIME_DAYS = int(os.environ.get("ENTAS_API_TOKEN_LIFETIME_DAYS", "90"))

REST_FRAMEWORK = {
    # API tokens first, so that a call without credentials answers 401 with WWW-Authenticate;
    # the session serves the API docs page and the browser.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "entas.accounts.tokens.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        # A partner client acts under its data-sharing agreement (purpose, validity), as on the DCI API.
        "entas.sharing.rest.AgreementBound",
    ],
    "DEFAULT_SCHEMA_CLASS": "entas.core.api.Schema",
    # ?limit= and ?offset=; a page holds at most 1,000 records, a malformed limit answers 400.
    "DEFAULT_PAGINATION_CLASS": "entas.core.pagination.Pages",
    "PAGE_SIZE": 100,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Entas API",
    "DESCRIPTION": (
        "Scoped, audited access to Entas: regions, users and (as they land) the registry, "
        "enterprises, programmes and monitoring. Every list is limited to the caller's region scope."
    ),
    "VERSION": "0.1.0",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a "kind" or "status" choice set; name these two so the schema keeps them apart.
    "ENUM_NAME_OVERRIDES": {
        "SessionKindEnum": "entas.graduation.models.SessionKind",
        "LoanStatusEnum": "entas.graduation.models.LoanStatus",
        # An enterprise's KBLI section and a group's sector are the same letters A-V.
        "KbliSectionEnum": "entas.enterprises.models.SECTIONS",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Long work (imports, rollups) runs in the background worker that `entas serve` starts beside the
# web server; TASK_BACKEND=immediate runs it inline instead (the tests do).
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if os.environ.get("TASK_BACKEND") == "immediate"
        else "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
DCI_SIGNING_KEY_FILE = os.environ.get("ENTAS_DCI_SIGNING_KEY", str(DATA_DIR / "keys" / "dci-signing-key.pem"))
# The DCI API's own name in envelopes (`sender_id` of answers and callbacks, the key id's first part).
DCI_SENDER_ID = os.environ.get("ENTAS_DCI_SENDER_ID", "entas")
DCI_MAX_MATCHES = int(os.environ.get("ENTAS_DCI_MAX_MATCHES", "10000"))
