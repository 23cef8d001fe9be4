"""The one settings module of newsreader, driven by environment variables.

Every variable is documented in ``.env.example``. Production differs from
development only through the environment, never through another module.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import environ
from corsheaders.defaults import default_headers as cors_default_headers
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

# Writable state of a checkout (embedded database, camel-tools data, uploads).
VAR_DIR = Path(env("NEWSREADER_VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    if env("DATABASE_URL", default=""):
        # A deployment (it names its database server) must bring its own secret.
        if not DEBUG:
            raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (see .env.example).")
        SECRET_KEY = "insecure-development-key-only-used-with-DEBUG-on"
    else:
        # A developer's checkout (embedded database in VAR_DIR): a random secret made once and
        # kept beside the database, so manage.py commands work with nothing set by hand and
        # sessions survive restarts. Production always sets DATABASE_URL, so never gets here.
        from newsreader.embedded_db import local_secret_key

        SECRET_KEY = local_secret_key(VAR_DIR / "secret_key")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "corsheaders",
    "django_tasks",
    "ops.third_party.TasksDatabaseConfig",  # django_tasks_db, under a name staff can read
    "newsreader",
    "annotations",
    "search",
    "entities",  # entity and speaker pages, quote search; the article search (search) uses its filters
    "live",
    "suggestions",  # suggested entities and quotes from the language engine (issue 5)
    "projects",  # annotation projects: assignments, agreement, curation (issue 13)
    "ops.third_party.AxesConfig",  # axes: login lockout (ops block below), under a name staff can read
    "ops",  # health probes, worker heartbeats, replica routing
]

MIDDLEWARE = [
    # /healthz and /readyz, before the HTTPS redirect and the ALLOWED_HOSTS check.
    "ops.middleware.HealthCheckMiddleware",
    # 414 for over-long URLs, 400 for NUL in the query string, 411 for chunked bodies.
    "ops.middleware.RequestSanityMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Reads on the primary during and shortly after a write (only with DATABASE_REPLICA_URL).
    "ops.middleware.PrimaryPinMiddleware",
    # CORS for /api/ (an allow-list: CORS_ALLOWED_ORIGINS), before anything that may answer; the W3C
    # container answers its own pre-flights (its Link and ETag headers: annotations/api/middleware.py).
    "annotations.api.middleware.AnnotationCorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # LocaleMiddleware that ignores Accept-Language: Arabic until the reader switches.
    "newsreader.middleware.InterfaceLanguageMiddleware",
    # 503 + Retry-After at once while the database is unreachable (ops/outage.py).
    "ops.middleware.DatabaseOutageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Messages for the pages only (the API shows none; newsreader/middleware.py).
    "newsreader.middleware.PageMessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # django-csp with the policy built once per process (newsreader/middleware.py).
    "newsreader.middleware.ContentSecurityPolicyMiddleware",
    # Turns a locked-out login into the lockout page (django-axes wants to be last).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsreader.urls"
WSGI_APPLICATION = "newsreader.wsgi.application"
ASGI_APPLICATION = "newsreader.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "newsreader.context_processors.reader",
            ],
        },
    },
]

# --- Security ---------------------------------------------------------------
# Production values unless DEBUG is on; each can be overridden from the
# environment (e.g. behind a TLS-terminating load balancer).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("TRUST_X_FORWARDED_PROTO", default=not DEBUG) else None
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^workerz$"]  # load balancers probe over plain HTTP
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# No inline scripts anywhere: every script is a static file, data goes through
# json_script (type="application/json", which CSP does not execute).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# --- Database ---------------------------------------------------------------
# PostgreSQL only. DATABASE_URL wins; without it an embedded server is started
# in VAR_DIR so that a fresh machine needs no database installed.
if env("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
else:
    from newsreader.embedded_db import database_url

    DATABASES = {"default": env.db_url_config(database_url(VAR_DIR / "pgdata"))}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("newsreader runs on PostgreSQL only; DATABASE_URL must be postgres://...")
# Persistent connections, checked before reuse, so that a PostgreSQL restart
# costs no failed request once the server is back.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Parallel test runs (one per helper or xdist worker) need their own database.
DATABASES["default"]["TEST"] = {"NAME": env("TEST_DATABASE_NAME", default=None)}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# --- Languages --------------------------------------------------------------
# The interface is Arabic first; English is one click away. Article text is
# always Arabic and right-to-left whatever the interface language.
LANGUAGE_CODE = "ar"
LANGUAGES = [("ar", _("Arabic")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# One Arabic date format for dates and date-times (Django's own differ: "4 أغسطس، 2021"
# but "ديسمبر 6, 2026, 7:28 ص"); see newsreader/formats/ar/formats.py.
FORMAT_MODULE_PATH = ["newsreader.formats"]
USE_I18N = True
TIME_ZONE = env("TIME_ZONE", default="Asia/Baghdad")
USE_TZ = True

# --- Static files -----------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "newsreader.storage.StaticFilesStorage"
            if not DEBUG and env.bool("STATIC_MANIFEST", default=True)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Serve files straight from the finders when there is no collectstatic run
# (development and tests).
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=DEBUG)
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"

# --- REST API ---------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        # DRF's token authentication with its look-up compiled once (same behaviour, less CPU).
        "annotations.api.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "annotations.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 100,
    # One error shape for the whole API: {"errors": [{"field", "message", "code"}]}.
    "EXCEPTION_HANDLER": "annotations.api.exceptions.exception_handler",
    # Writes per user (or address) and period; reads are not throttled.
    "DEFAULT_THROTTLE_RATES": {"annotation_write": env("API_WRITE_RATE", default="300/min")},
}
# Browser clients on other origins (a Web Annotation client, a notebook): only the origins
# listed may call the API (with a token; cookies are never sent cross-origin), and read the
# headers the protocol relies on. Empty (the default): no cross-origin access.
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_CREDENTIALS = False
CORS_EXPOSE_HEADERS = ["ETag", "Link", "Location", "Content-Location", "Accept-Post", "Allow", "Vary", "Retry-After"]
CORS_ALLOW_HEADERS = [*cors_default_headers, "if-match", "if-none-match", "prefer", "last-event-id"]
# A bulk create costs one write of that budget per this many items (so 1,000 marks cost 100 writes).
API_BULK_ITEMS_PER_WRITE = env.int("API_BULK_ITEMS_PER_WRITE", default=10)
# How long an app process keeps an API token's user without asking the database (seconds; 0: never).
# A revoked token or deactivated user still works on other processes for at most this long
# (annotations/api/authentication.py).
API_TOKEN_CACHE_SECONDS = env.float("API_TOKEN_CACHE_SECONDS", default=5)
# Largest request body accepted (bytes); bigger JSON bodies get 413. Django
# checks form bodies against it, the API's JSON parser does the same.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2 * 1024 * 1024)
# Longest URL (path and query string) answered; longer ones get 414 (ops.middleware.RequestSanityMiddleware).
MAX_URL_LENGTH = env.int("MAX_URL_LENGTH", default=65536)
SPECTACULAR_SETTINGS = {
    "TITLE": "newsreader API",
    "DESCRIPTION": "Arabic news articles and their annotations (named entities and attributed quotes).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the installed sidecar package: no CDN, works offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
}

# --- Annotating together (live app) -------------------------------------------
# Anyone may create an account at /accounts/signup/ (false: accounts are made by staff).
ALLOW_SIGNUP = env.bool("ALLOW_SIGNUP", default=True)
# Live updates: server-sent events fed by PostgreSQL LISTEN/NOTIFY (needs an ASGI server).
LIVE_HEARTBEAT_SECONDS = env.float("LIVE_HEARTBEAT_SECONDS", default=15)
LIVE_STREAM_MAX_SECONDS = env.float("LIVE_STREAM_MAX_SECONDS", default=600)
LIVE_RETRY_MS = env.int("LIVE_RETRY_MS", default=3000)
LIVE_EVENT_RETENTION = env.int("LIVE_EVENT_RETENTION", default=7 * 24 * 3600)
LIVE_DB_POOL_SIZE = env.int("LIVE_DB_POOL_SIZE", default=4)

# --- Background tasks -------------------------------------------------------
# django-tasks with the database backend: any number of `manage.py db_worker`
# processes on any machine share the queue. Tests run tasks immediately.
# After a commit that logged annotation events, their consumers (live relay, entity links, the
# CRF's counter) run in a queued task ("task") or in the writing process ("inline": `make run`).
OUTBOX_DRAIN = env("OUTBOX_DRAIN", default="task")
# With the database queue, a process checks for a waiting drain task (or queues one) at most once
# per this many seconds, in a thread of its own after the writes' commits, instead of once per
# write in the request (annotations/outbox.py, issue 15). 0: in the request, after each commit.
OUTBOX_WAKE_INTERVAL = env.float("OUTBOX_WAKE_INTERVAL", default=0.05)
TASKS = {
    "default": {
        "BACKEND": env(
            "TASKS_BACKEND", default="django_tasks_db.backend.DatabaseBackend"
        ),
        # "training": the long trainings (the team's CRF, word clusters, the neural tagger: minutes to
        # half an hour), so that a worker busy with one does not hold up suggestions and the event
        # log's consumers ("default"). `make run` runs a worker for each; bin/worker takes both.
        "QUEUES": ["default", "training"],
    }
}

# --- Production operation (ops app) ------------------------------------------
# See ops/ and the README's "Production" section.
# Read replica: reads go there, writes and a client's reads for
# REPLICA_PIN_SECONDS after a write go to the primary (ops/routers.py).
if env("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = {
        **env.db("DATABASE_REPLICA_URL"),
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
        "CONN_HEALTH_CHECKS": True,
        # Tests: the replica is the test database itself.
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["ops.routers.PrimaryReplicaRouter"]
REPLICA_PIN_SECONDS = env.float("REPLICA_PIN_SECONDS", default=10)

# A connection pool per process (psycopg_pool) instead of persistent connections. Under the
# ASGI server each request runs its synchronous code in a thread of its own, and a persistent
# connection (CONN_MAX_AGE > 0) is left behind with its thread: tens per process under load,
# until PostgreSQL answers "too many clients". The pool takes connections back at the end of
# each request; with CONN_HEALTH_CHECKS it checks one before handing it out, so a restarted
# PostgreSQL costs no failed request. DATABASE_POOL=false: CONN_MAX_AGE as configured.
if env.bool("DATABASE_POOL", default=True):
    for _database in DATABASES.values():
        _database["CONN_MAX_AGE"] = 0
        _database.setdefault("OPTIONS", {})["pool"] = {
            "min_size": env.int("DATABASE_POOL_MIN_SIZE", default=1),
            "max_size": env.int("DATABASE_POOL_MAX_SIZE", default=10),
            # Seconds a request waits for a connection before it gets 503 + Retry-After: short, so
            # that a request fails fast when the database is down (and sheds load when the pool
            # is exhausted); see ops/outage.py.
            "timeout": env.float("DATABASE_POOL_TIMEOUT", default=1),
        }
for _database in DATABASES.values():
    # A new connection to an address that swallows packets gives up after this many seconds
    # (libpq's default is to wait for the operating system, minutes).
    _database.setdefault("OPTIONS", {}).setdefault("connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=3))
    # Server-side parameter binding, and statements run DATABASE_PREPARE_THRESHOLD times on a
    # connection are prepared on the server (parsed and planned once: the hot queries of the API,
    # see docs/annotations-api.md "Profile"). Prepared statements live in a connection, which the
    # pool keeps; behind a transaction-mode pooler (pgbouncer < 1.21) set DATABASE_PREPARE_THRESHOLD
    # to an empty value. DATABASE_SERVER_SIDE_BINDING=false: Django's client-side binding, never prepared.
    if env.bool("DATABASE_SERVER_SIDE_BINDING", default=True):
        _database["OPTIONS"]["server_side_binding"] = True
        _threshold = env("DATABASE_PREPARE_THRESHOLD", default="5")
        _database["OPTIONS"]["prepare_threshold"] = int(_threshold) if _threshold else None
# Retry-After of the 503 answered while the database is unreachable.
DATABASE_OUTAGE_RETRY_AFTER = env.int("DATABASE_OUTAGE_RETRY_AFTER", default=5)

# Shared by all app servers (throttling, cached pages): PostgreSQL by default
# (`manage.py createcachetable`, run by `manage.py predeploy`), Redis with
# CACHE_URL=redis://host:6379/0 (needs `pip install redis`).
CACHES = {"default": env.cache_url("CACHE_URL", default="dbcache://newsreader_cache?max_entries=100000")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache":
    # The same table, one statement per write and no COUNT(*) on each (newsreader/cache.py).
    CACHES["default"]["BACKEND"] = "newsreader.cache.DatabaseCache"

# Task workers (`manage.py run_worker`): heartbeat period, silence after which a
# worker counts as dead (its running task goes back to the queue), and how many
# workers may die on one task before it is marked failed.
WORKER_HEARTBEAT_SECONDS = env.float("WORKER_HEARTBEAT_SECONDS", default=10)
WORKER_STALE_SECONDS = env.float("WORKER_STALE_SECONDS", default=60)
WORKER_MAX_ATTEMPTS = env.int("WORKER_MAX_ATTEMPTS", default=3)
# Called by every worker's heartbeat thread (ops/workers.py), so that apps get a periodic check
# without ops importing them. The outbox's: queue its consumers when events wait unread (a writer
# killed between its commit and its wake-up; issue 15's waker gap).
WORKER_HEARTBEAT_HOOKS = ["annotations.outbox.wake_if_unread"]
# /readyz never depends on task workers (they are reported by /workerz).
READYZ_DB_TIMEOUT_MS = env.int("READYZ_DB_TIMEOUT_MS", default=2000)

# Password guessing (django-axes): LOGIN_FAILURE_LIMIT failures for one user name
# from one address lock that pair out for LOGIN_LOCKOUT_MINUTES (429 and a page
# that says so). Counts are in the database, so every app server sees them.
# Behind a proxy, run uvicorn with --proxy-headers and FORWARDED_ALLOW_IPS so
# the client's address (not the proxy's) is counted.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.float("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "ops.lockout.lockout_response"
AXES_VERBOSE = False
# The published API schema must validate what the API answers (ops/schema.py).
SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"] = [
    "drf_spectacular.hooks.postprocess_schema_enums",
    "ops.schema.drop_unicode_word_patterns",
    "ops.schema.document_common_errors",
    # What bin/schema-check (schemathesis, every check) found the schema did not say.
    "ops.schema_accuracy.drop_foreign_path_parameters",
    "ops.schema_accuracy.document_anonymous_reads",
    "ops.schema_accuracy.document_length_required",
    "ops.schema_accuracy.describe_query_parameters",
    "ops.schema_accuracy.close_request_bodies",
    "ops.schema_accuracy.document_w3c_answers",
    "annotations.api.w3c_schema.documents_are_not_lists",
]

# --- camel-tools ------------------------------------------------------------
# camel-tools reads CAMELTOOLS_DATA when first imported; it must point at our
# own folder (with a catalogue) before any camel module is imported.
CAMELTOOLS_DATA = Path(env("CAMELTOOLS_DATA", default=str(VAR_DIR / "camel_tools")))
os.environ["CAMELTOOLS_DATA"] = str(CAMELTOOLS_DATA)
# ...and the folder must hold a catalogue, or that import downloads one.
from arabic.camel import ensure_data_dir  # noqa: E402  (pure Python; imports no camel module)

ensure_data_dir(CAMELTOOLS_DATA)

# --- Suggestions (suggestions app) --------------------------------------------
# Compute suggestions in a background task when an article is imported or its text changes.
SUGGESTIONS_AUTO = env.bool("SUGGESTIONS_AUTO", default=True)
# Retrain the corpus CRF after this many new human/accepted entity annotations.
SUGGESTIONS_CRF_RETRAIN_AFTER = env.int("SUGGESTIONS_CRF_RETRAIN_AFTER", default=50)
# Trained CRF model files (one per version).
SUGGESTIONS_MODEL_DIR = Path(env("SUGGESTIONS_MODEL_DIR", default=str(VAR_DIR / "models")))
# Suggestions less sure than this are not stored.
SUGGESTIONS_MIN_CONFIDENCE = env.float("SUGGESTIONS_MIN_CONFIDENCE", default=0.3)
# At most one open suggestion per this many characters of an article, and this many per article.
SUGGESTIONS_CHARS_PER_SUGGESTION = env.int("SUGGESTIONS_CHARS_PER_SUGGESTION", default=25)
SUGGESTIONS_MAX_PER_ARTICLE = env.int("SUGGESTIONS_MAX_PER_ARTICLE", default=500)
# Other locations of the optional camel-tools data ("": the installed packages in CAMELTOOLS_DATA).
SUGGESTIONS_BERT_MODEL = env("SUGGESTIONS_BERT_MODEL", default="")
SUGGESTIONS_MORPHOLOGY_DB = env("SUGGESTIONS_MORPHOLOGY_DB", default="")
# The default entity model: "auto" (built by `manage.py build_entity_model`, else the one shipped in
# arabic/data/models/), a file path, or "" for none.
SUGGESTIONS_BASE_MODEL = env("SUGGESTIONS_BASE_MODEL", default="auto")
# ANERcorp's training file, for `manage.py build_entity_model` to rebuild the default model from and for the
# neural tagger's training (`manage.py train_neural_tagger`, and queued after each retraining of the CRF).
SUGGESTIONS_ANERCORP_FILE = env("SUGGESTIONS_ANERCORP_FILE", default="")
# Model labels -> label set codes ("OLD=NEW", comma-separated; "OLD=" drops a label on purpose).
SUGGESTIONS_LABEL_MAP = env("SUGGESTIONS_LABEL_MAP", default="PERS=PER")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # pgserver logs every pg_ctl call at INFO, even from atexit handlers.
    "loggers": {"pgserver": {"level": "WARNING"}},
}
