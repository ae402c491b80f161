"""Django settings for motcua.

Everything a deployment changes comes from environment variables read through the typed
helpers of ``motcua.core.env``; the README lists them all. The defaults give the embedded
set-up of ``make run``: SQLite in ``var/``, debug on, bound to 127.0.0.1.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.utils.translation import gettext_lazy as _

from motcua.core.env import (
    EnvError,
    env_bool,
    env_header,
    env_int,
    env_list,
    env_rate,
    env_str,
)
from motcua.files.storage import FILES_STORAGE, files_storage

# Lets generic Django classes be subscripted at run time (ModelAdmin[Agency]) for mypy.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent
# MOTCUA_DATA_DIR: where the SQLite file and uploaded files live (default: ./var).
DATA_DIR = Path(env_str("MOTCUA_DATA_DIR", str(BASE_DIR.parent / "var"))).resolve()

# MOTCUA_DEBUG: Django's debug mode. Off in production.
DEBUG = env_bool("MOTCUA_DEBUG", True)
# MOTCUA_SECRET_KEY: required when MOTCUA_DEBUG is off.
SECRET_KEY = env_str("MOTCUA_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise EnvError("MOTCUA_SECRET_KEY must be set when MOTCUA_DEBUG is off")
    SECRET_KEY = "motcua-development-only-not-a-secret"  # noqa: S105 - debug builds only
# MOTCUA_ALLOWED_HOSTS: comma-separated host names the site answers to.
ALLOWED_HOSTS = env_list("MOTCUA_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "django_filters",
    "axes",
    "knox",
    "csp",
    "django_htmx",
    "motcua.core",
    "motcua.agencies",
    "motcua.accounts",
    "motcua.workdays",
    "motcua.procedures",
    "motcua.dossiers",
    "motcua.documents",
    "motcua.demo",
    "motcua.portal",
    "motcua.office",
    "motcua.idempotency",
    "motcua.indices",
    "motcua.payments",
    "motcua.ratings",
    "motcua.files",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "motcua.core.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # request.htmx: a view answers htmx's requests with the partial it swaps in
    "django_htmx.middleware.HtmxMiddleware",
    # turns a login that django-axes refused into its lockout answer
    "axes.middleware.AxesMiddleware",
    # last, so that it sees the views' exceptions first: JSON errors under /api/
    "motcua.core.api.ApiErrorMiddleware",
]

ROOT_URLCONF = "motcua.urls"
WSGI_APPLICATION = "motcua.wsgi.application"

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
                "django.template.context_processors.i18n",
                "motcua.office.context_processors.header",
            ],
        },
    },
]

# a form refused for its CSRF token: the site's own page, in the interface language
CSRF_FAILURE_VIEW = "motcua.core.views.csrf_failure"

# MOTCUA_DATABASE_URL: a database URL such as postgres://user@127.0.0.1:5432/motcua.
# Unset: SQLite at $MOTCUA_DATA_DIR/motcua.sqlite3, the embedded default.
DATABASE_URL = env_str("MOTCUA_DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    # MOTCUA_DATABASE_PREPARED: the statements compiled once per process (the session,
    # the user, the roles, a dossier and its rows: Precompiled) or once per shape of a
    # reader's queue (ByShape) are prepared on each PostgreSQL connection
    # (motcua/core/precompiled.py); psycopg forgets them at a rollback (DEALLOCATE ALL)
    # and prepares them again. psycopg prepares only what a server-binding cursor sends,
    # so Django's own queries are unchanged. Turn it off behind a connection pooler that
    # does not keep prepared statements (PgBouncer before 1.22, which is the first to
    # follow DEALLOCATE ALL, or without max_prepared_statements in transaction mode).
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
        "MOTCUA_DATABASE_PREPARED", True
    ):
        # prepared from a statement's second run: a shape read once is not
        DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 1
else:
    DATA_DIR.mkdir(
        parents=True, exist_ok=True
    )  # SQLite creates the file, not its folder
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "motcua.sqlite3"),
            "OPTIONS": {
                # WAL and a busy timeout let the dev server and a management command share
                # the file without "database is locked".
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# django-axes first: a username locked out from an address is refused before any password
# is hashed (motcua/accounts/lockout.py). Then Django's model backend and database sessions,
# each read with a query compiled once per process (motcua/core/precompiled.py): every
# request of a logged-in user makes both reads.
AUTHENTICATION_BACKENDS = [
    "motcua.accounts.backends.LockoutBackend",
    "motcua.accounts.backends.ModelBackend",
]
SESSION_ENGINE = "motcua.core.sessions"
# Argon2 first: new and re-saved passwords are hashed with it (brief, non-negotiable 8).
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"

# Vietnamese first, English second; dates dd/mm/yyyy; the province's clock.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
FORMAT_MODULE_PATH = ["motcua.formats"]
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = DATA_DIR / "media"

# ---------------------------------------------------------------- the document store
# Scans of papers and electronic results, kept by the SHA-256 of their content
# (motcua/files, docs/decisions/0011). Where the bytes go: MOTCUA_FILES_ROOT (default
# $MOTCUA_DATA_DIR/files), or an S3-compatible bucket when MOTCUA_FILES_S3_BUCKET is set
# (with MOTCUA_FILES_S3_ENDPOINT_URL, _REGION, _ACCESS_KEY_ID, _SECRET_ACCESS_KEY,
# _PREFIX): motcua/files/storage.py reads them.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    FILES_STORAGE: files_storage(default_root=DATA_DIR / "files"),
}
# MOTCUA_UPLOAD_MAX_BYTES: the largest file an officer may upload (default 20 MB); a larger
# one is refused while it is read, before anything is stored.
FILES_UPLOAD_MAX_BYTES = env_int("MOTCUA_UPLOAD_MAX_BYTES", 20 * 1024 * 1024, minimum=1)
# MOTCUA_UPLOAD_ALLOWED_TYPES: comma-separated media types an upload may be, as its
# content shows them (libmagic), never as its name or the browser says. Default: PDF,
# JPEG, PNG and TIFF, what a scanner gives.
FILES_ALLOWED_TYPES = env_list(
    "MOTCUA_UPLOAD_ALLOWED_TYPES",
    ["application/pdf", "image/jpeg", "image/png", "image/tiff"],
)
# Uploads are counted as they arrive: past FILES_UPLOAD_MAX_BYTES the rest is not kept,
# whatever Content-Length said (motcua/files/uploads.py); then Django's own handlers.
FILE_UPLOAD_HANDLERS = [
    "motcua.files.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# ---------------------------------------------------------------- logins and lockout
# django-axes counts failed logins per username and client address, on every way in: the
# admin's login page, the API's HTTP Basic, and any login form that calls Django's
# authenticate() with the request (motcua/accounts/lockout.py).
# MOTCUA_LOGIN_FAILURE_LIMIT: failed logins of one username from one address before both are
# locked out (the limit-th failure is already refused).
AXES_FAILURE_LIMIT = env_int("MOTCUA_LOGIN_FAILURE_LIMIT", 5, minimum=1)
# MOTCUA_LOGIN_COOLOFF_MINUTES: how long a lockout lasts, counted from the last failure that
# was recorded; refused attempts during the lockout do not extend it.
AXES_COOLOFF_TIME = timedelta(
    minutes=env_int("MOTCUA_LOGIN_COOLOFF_MINUTES", 15, minimum=1)
)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # no banner on every command
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "motcua.accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "motcua.accounts.lockout.client_ip"
# MOTCUA_TRUSTED_PROXIES: how many reverse proxies in front of the site append to
# X-Forwarded-For; the client is the address that many places from its end. 0 (default):
# the connection's own address, and X-Forwarded-For is ignored (a client could forge it).
TRUSTED_PROXIES = env_int("MOTCUA_TRUSTED_PROXIES", 0, minimum=0)

# ---------------------------------------------------------------- API tokens
# Machine clients send "Authorization: Token <key>" (or Bearer); only a SHA-512 digest of the
# key is stored (django-rest-knox; motcua/accounts/models.py, docs/decisions/0008).
KNOX_TOKEN_MODEL = "accounts.ApiToken"  # noqa: S105 - a model name
# knox's migrations would create its own token table, unused once swapped for ApiToken, whose
# foreign key to the users would then stop a flush (TRUNCATE) of the users on PostgreSQL.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "TOKEN_MODEL": "accounts.ApiToken",  # noqa: S105 - a model name
    "TOKEN_PREFIX": "motcua_",
    "TOKEN_TTL": None,  # each token carries its own expiry, chosen when it is created
    "AUTO_REFRESH": False,
}

# ---------------------------------------------------------------- idempotency keys
# MOTCUA_IDEMPOTENCY_KEY_HOURS: how long the answer to a create sent with an Idempotency-Key
# is kept for a retry to receive again (motcua/idempotency).
IDEMPOTENCY_KEY_TTL = timedelta(
    hours=env_int("MOTCUA_IDEMPOTENCY_KEY_HOURS", 24, minimum=1)
)

REST_FRAMEWORK = {
    # HTTP Basic first so that an anonymous call gets 401 with a WWW-Authenticate header;
    # tokens for machine clients; the session serves the browser (with CSRF).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "motcua.accounts.authentication.BasicAuthentication",
        "motcua.accounts.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON only, refusing deep nesting and control characters (motcua/core/api.py)
    "DEFAULT_PARSER_CLASSES": ["motcua.core.api.JSONParser"],
    # Per client address for anonymous calls, per account otherwise; counted in the cache of
    # each process. MOTCUA_THROTTLE_ANON_RATE / MOTCUA_THROTTLE_USER_RATE: requests per
    # second, minute, hour or day, e.g. "60/minute".
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_rate("MOTCUA_THROTTLE_ANON_RATE", "60/minute"),
        "user": env_rate("MOTCUA_THROTTLE_USER_RATE", "1200/minute"),
    },
    "NUM_PROXIES": TRUSTED_PROXIES,
    "EXCEPTION_HANDLER": "motcua.dossiers.api.exceptions.exception_handler",
    # drf-spectacular's, with the errors that arise before any view (413, 415)
    "DEFAULT_SCHEMA_CLASS": "motcua.dossiers.api.schema.ApiAutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "motcua API",
    "DESCRIPTION": (
        "Dossiers of administrative procedures under the one-stop mechanism.\n\n"
        "Authentication: an API token (tokenAuth: `Authorization: Token <key>`, or "
        "Bearer), HTTP Basic (basicAuth) or the site's session cookie (cookieAuth; "
        "unsafe methods then need the CSRF token in X-CSRFToken). Repeated failed logins "
        "of one username from one address lock both out for a while (429 locked_out); "
        "too many requests answer 429 throttled with Retry-After.\n\n"
        "Retries: send an Idempotency-Key header with a create; a retry with the same key "
        "and body receives the first answer again (Idempotency-Replayed: true).\n\n"
        "Errors: every error body is {code, message, details}; code is stable and "
        "machine-readable. A dossier you may not see is 404, never 403.\n\n"
        "Changes: each transition is a POST on /api/dossiers/{code}/<action>/; no status "
        "is ever written directly. Send the lock_version you read as expected_version (or "
        "If-Match) to get 409 stale_dossier instead of acting on a dossier someone changed."
    ),
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # one name per choice list, whichever field uses it
    "ENUM_NAME_OVERRIDES": {
        "DossierStatusEnum": "motcua.dossiers.workflow.DossierStatus",
        "DossierActionEnum": "motcua.dossiers.workflow.Action",
        "ChannelEnum": "motcua.dossiers.choices.Channel",
        "IntakeChannelEnum": "motcua.dossiers.api.serializers.INTAKE_CHANNELS",
        "ReturnMethodEnum": "motcua.dossiers.choices.ReturnMethod",
        "ApplicantKindEnum": "motcua.dossiers.choices.ApplicantKind",
        "DeadlineStateEnum": "motcua.dossiers.choices.DeadlineState",
        "ComponentFormEnum": "motcua.procedures.choices.ComponentForm",
    },
}

# MOTCUA_APPOINTMENT_TIME: when a time limit in working days falls due on its last day:
# "reception_time" (same time of day as the reception, default) or "end_of_session"
# (domain spec 06 §3 rule 5, UNCONFIRMED in law; docs/decisions/0002).
WORKDAYS_APPOINTMENT_TIME = env_str("MOTCUA_APPOINTMENT_TIME", "reception_time")
# MOTCUA_UNCOUNTED_HOLIDAYS: comma-separated names of holidays of the `holidays` package not
# counted as days off until their enactment is confirmed. Default: 24/11 "Ngày Văn hóa Việt
# Nam" (NQ 80-NQ/TW; spec 06 §1). Set it empty to count every package holiday.
WORKDAYS_UNCOUNTED_HOLIDAYS = env_list(
    "MOTCUA_UNCOUNTED_HOLIDAYS", ["Ngày Văn hóa Việt Nam"]
)

# The Decision 766 index's UNCONFIRMED inputs (docs/decisions/0016):
# MOTCUA_INDEX_POPULATION_DATABASES: codes (MaCSDL) of the national population database a
# paper's data may come from (4.5a, 4.5b). MOTCUA_INDEX_CITIZEN_SUBJECTS: words of a
# procedure's subjects (đối tượng thực hiện) that make it a procedure for citizens, 4.5a's
# denominator. MOTCUA_INDEX_CERTIFIED_COPY_PROCEDURES: codes of the procedures of electronic
# certification of copies from originals (the 4.x item when computed from communes).
INDEX_POPULATION_DATABASES = env_list(
    "MOTCUA_INDEX_POPULATION_DATABASES", ["CSDLQGVDC"]
)
INDEX_CITIZEN_SUBJECTS = env_list(
    "MOTCUA_INDEX_CITIZEN_SUBJECTS",
    ["công dân", "cá nhân", "người việt nam định cư ở nước ngoài", "người nước ngoài"],
)
INDEX_CERTIFIED_COPY_PROCEDURES = env_list("MOTCUA_INDEX_CERTIFIED_COPY_PROCEDURES", [])
# MOTCUA_INDEX_EXPLAIN_LIMIT, MOTCUA_INDEX_RECOMPUTE_LIMIT: the most dossiers (or
# petitions) one drill-down of a figure, and one recomputation of a custom range or a cut
# by procedure, field or officer, judge one by one (the API, the dashboard, `motcua
# index`); a wider cut is refused before any is judged: 422 too_many_to_explain or
# too_many_to_recompute, exit 2 (motcua/indices/limits.py). On the benchmark's machine a
# dossier costs about 200 µs listed, 85 µs recomputed (docs/benchmarks.md, "Bounds"):
# the defaults keep either within a few seconds.
INDEX_EXPLAIN_LIMIT = env_int("MOTCUA_INDEX_EXPLAIN_LIMIT", 10000, minimum=1)
INDEX_RECOMPUTE_LIMIT = env_int("MOTCUA_INDEX_RECOMPUTE_LIMIT", 50000, minimum=1)

# MOTCUA_REFERENCE_CACHE_SECONDS: how long a process keeps reference data it built from the
# database (agencies' working-day calendars, the one-stop rules) before it reads them again;
# a change saved in the same process clears them at once (motcua/core/cache.py). 0 = no cache.
REFERENCE_CACHE_SECONDS = env_int("MOTCUA_REFERENCE_CACHE_SECONDS", 60)

# MOTCUA_BENCH_ENDPOINTS: route the bare endpoints of the benchmark (/bench/probe/, one row
# written or read without the application around it) that `make bench` compares the API
# with. Off by default; never on in production.
BENCH_ENDPOINTS = env_bool("MOTCUA_BENCH_ENDPOINTS", False)

# ---------------------------------------------------------------- HTTPS and headers
# With MOTCUA_DEBUG off the site is served over HTTPS only (Django's deployment checklist;
# `manage.py check --deploy` passes without a warning, a test runs it).
# MOTCUA_HSTS_SECONDS: Strict-Transport-Security max-age (default one year; 0 = no header).
# MOTCUA_HSTS_INCLUDE_SUBDOMAINS: the header covers the subdomains too (default true).
# MOTCUA_HSTS_PRELOAD: allow the host into browsers' HSTS preload lists (default true, as
# the checklist asks; a host submitted there stays HTTPS-only for months, so set it false
# on a host that may ever need plain HTTP).
# MOTCUA_SSL_REDIRECT: redirect plain HTTP to HTTPS (default true).
# MOTCUA_SECURE_PROXY_SSL_HEADER: behind a TLS-terminating proxy, the header it sets on
# HTTPS requests and its value, "X-Forwarded-Proto: https"; empty (default) trusts none.
if not DEBUG:
    SECURE_HSTS_SECONDS = env_int("MOTCUA_HSTS_SECONDS", 31_536_000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("MOTCUA_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("MOTCUA_HSTS_PRELOAD", True)
    SECURE_SSL_REDIRECT = env_bool("MOTCUA_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = env_header("MOTCUA_SECURE_PROXY_SSL_HEADER", "")
# The same Content-Security-Policy in debug and production, so that a page that needs an
# inline script fails on the developer's machine first: everything from the site itself, no
# inline script or style, no plugins, no framing (django-csp).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("MOTCUA_LOG_LEVEL", "INFO")},
    # WeasyPrint reports each of its seven rendering steps at INFO for every slip.
    # django-axes reports every login at INFO; failures and lockouts are WARNING
    "loggers": {
        "weasyprint.progress": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}
