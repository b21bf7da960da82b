"""Outpost settings, read from the environment (see README: Configuration)."""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from outpost.core.env import (
    development_secret,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_str,
)

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent
VAR_DIR = Path(env_str("OUTPOST_VAR_DIR", str(BASE_DIR / "var")))

ENVIRONMENT = env_choice("OUTPOST_ENV", ("development", "production"), "development")
PRODUCTION = ENVIRONMENT == "production"
DEBUG = env_bool("OUTPOST_DEBUG", default=not PRODUCTION)

if PRODUCTION:
    SECRET_KEY = env_str("OUTPOST_SECRET_KEY")
    if len(SECRET_KEY) < 32:
        raise ImproperlyConfigured(
            "OUTPOST_SECRET_KEY must be set to at least 32 random characters in production"
        )
else:
    SECRET_KEY = env_str("OUTPOST_SECRET_KEY") or development_secret(VAR_DIR / "secret_key")

# Field encryption (ID and phone numbers at rest) and the keyed hash used to find them: one
# 32-byte key, base64. Production must supply it; losing it makes the stored numbers unreadable.
if PRODUCTION:
    OUTPOST_FIELD_KEY = env_str("OUTPOST_FIELD_KEY")
    if not OUTPOST_FIELD_KEY:
        raise ImproperlyConfigured("OUTPOST_FIELD_KEY must be set in production (32 bytes, base64)")
else:
    OUTPOST_FIELD_KEY = env_str("OUTPOST_FIELD_KEY") or development_secret(
        VAR_DIR / "field_key", nbytes=32
    )

ALLOWED_HOSTS = env_list(
    "OUTPOST_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env_list("OUTPOST_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "ninja",  # the API docs page from its own static files (the CSP refuses a CDN)
    "outpost.core",
    "outpost.geo",
    "outpost.accounts",
    "outpost.areas",  # geo's pages: no models, but its templates and its menu items
    "outpost.registry",
    "outpost.notifications",  # the inbox, fed by cases and instructions
    "outpost.cases",
    "outpost.instructions",
    "outpost.command",
    "outpost.calls",
    "outpost.fieldwork",
    "outpost.open311",  # GeoReport v2 for other software: reads cases
    "outpost.stations",  # the 平安前哨 as a working level: reads field work and instructions
    "outpost.portal",  # the residents' portal: reports, tracking, 警网联系卡
    "outpost.guides",  # 一网通办 service guides and residents' requests for help
    "outpost.knowledge",  # 知识库 articles and the printable handbook
    "outpost.ogc",  # OGC API – Features for GIS tools: reads areas and public case points
    "outpost.academy",  # 网格学院: courses from articles and closed cases, quizzes, progress
    "outpost.assessment",  # indicators computed from the records (警网双考)
    "outpost.dashboard",  # leaders' dashboards and the wall screen (ECharts)
    "outpost.warnings",  # early warnings (预警): rules over cases, field work and the registry
    "outpost.workbench",  # the start page: reads every app below it
    "outpost.demo",  # last: the demo drives every other app
]

MIDDLEWARE = [
    "outpost.core.security.SecurityHeadersMiddleware",  # CSP and friends on every answer
    "outpost.core.middleware.RequestSizeLimitMiddleware",  # before anything reads the body
    "outpost.core.bodies.MalformedBodyMiddleware",  # a body that cannot be parsed is a 400
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "outpost.core.middleware.RequestContextMiddleware",
    "outpost.core.middleware.MethodNotAllowedPageMiddleware",  # the site's 405 page
    "outpost.core.logs.RequestLogMiddleware",  # log lines name the request's user
    "outpost.accounts.middleware.SignInMiddleware",  # idle timeout, second factor first
    "outpost.core.replica.ReplicaReadsMiddleware",  # lists and exports may read the replica
]

ROOT_URLCONF = "outpost.urls"
WSGI_APPLICATION = "outpost.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "outpost.core.context.site",
            ],
        },
    },
]


# Each worker keeps its database connection between requests in production (opening one costs
# ~20 ms of both cores, more than most requests' own queries); a connection found broken at the
# start of a request (a restarted server) is replaced before its first query.
CONN_MAX_AGE = env_int("OUTPOST_DB_CONN_MAX_AGE", 300 if PRODUCTION else 0)

# Each process keeps computed values in its own memory (`core/versioned.py`: the map's labels,
# the roads; the boards' units and people for a minute). Django's default holds 300 entries, then
# drops the least used third: a city's boards alone name thousands of units, which would push
# out the map's labels (a few hundred ms to rebuild) again and again.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": env_int("OUTPOST_CACHE_ENTRIES", 20_000)},
    }
}


def _database() -> dj_database_url.DBConfig:
    url = env_str("DATABASE_URL")
    if not url:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{VAR_DIR / 'outpost.sqlite3'}"
    config = dj_database_url.parse(url, conn_max_age=CONN_MAX_AGE, conn_health_checks=True)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets the web process read while an import or worker writes; IMMEDIATE takes the
        # write lock at BEGIN so two writers queue instead of failing with "database is locked".
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
        # Tests use a file too, not shared-cache memory: concurrent writers must queue on the
        # lock as they do in production instead of failing with "table is locked".
        test_db = env_str("OUTPOST_TEST_SQLITE") or str(VAR_DIR / f"test-{os.getpid()}.sqlite3")
        config["TEST"] = {"NAME": test_db}
    return config


DATABASES = {"default": _database()}
# A streaming replica for lists, exports and dashboards (outpost/core/replica.py).
OUTPOST_REPLICA_URL = env_str("OUTPOST_REPLICA_URL")
if OUTPOST_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        OUTPOST_REPLICA_URL, conn_max_age=CONN_MAX_AGE, conn_health_checks=True
    )
    DATABASES["replica"]["OPTIONS"] = {"connect_timeout": 2}  # down: the primary, at once
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["outpost.core.replica.PrimaryReplicaRouter"]
OUTPOST_REPLICA_STICKY_SECONDS = env_int("OUTPOST_REPLICA_STICKY_SECONDS", 15)
# An import job silent this long lost its worker: the sweep queues it again (once) or fails it.
OUTPOST_IMPORT_STALL_SECONDS = env_int("OUTPOST_IMPORT_STALL_SECONDS", 900)
# Address matchers (one per district, ~60 MB and ~1 s to build for 37,000 addresses) a process
# keeps; the least recently used is dropped first. A text that could be in more districts than
# this is answered no match.
OUTPOST_MATCHER_DISTRICTS = env_int("OUTPOST_MATCHER_DISTRICTS", 12)

# Background jobs live in the database (django-tasks); `outpost db_worker` runs them.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
# The language of management commands' messages (pages follow the reader's browser).
OUTPOST_LANGUAGE = env_choice("OUTPOST_LANGUAGE", ("zh-hans", "en"), LANGUAGE_CODE)
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]  # shared assets: vendored Leaflet and htmx, site CSS
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on every start without it
# Request bodies: the whole request (a registry import file is the largest), form fields
# without files, and how many fields and files one form may carry.
OUTPOST_MAX_REQUEST_BYTES = env_int("OUTPOST_MAX_REQUEST_BYTES", 64 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("OUTPOST_MAX_FORM_BYTES", 2_621_440)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
DATA_UPLOAD_MAX_NUMBER_FILES = 20

# Uploaded photos and PDFs. Never served directly: a scoped view hands them out.
MEDIA_ROOT = VAR_DIR / "media"
OUTPOST_MAX_ATTACHMENT_BYTES = env_int("OUTPOST_MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024)
# 回访: unanswered follow-up calls of one case count only this many minutes apart.
OUTPOST_FOLLOWUP_RETRY_MINUTES = env_int("OUTPOST_FOLLOWUP_RETRY_MINUTES", 60)
OUTPOST_MAX_ATTACHMENTS = env_int("OUTPOST_MAX_ATTACHMENTS", 9)
# A standard address counts as passed by a patrol when a check-in lies this close (metres).
OUTPOST_PATROL_PASS_METRES = env_int("OUTPOST_PATROL_PASS_METRES", 50)
STORAGES = {
    # Written to a temporary name, fsynced, then named: a full disk leaves no half file behind.
    "default": {"BACKEND": "outpost.core.storage.SafeFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# Files browsers ask for at the site's root (/favicon.ico), served as static files are.
WHITENOISE_ROOT = PACKAGE_DIR / "static" / "root"

# Map: empty means no tile layer (polygons on a blank background, works offline). A 天地图 or
# other XYZ template such as https://t0.tianditu.gov.cn/...{z}/{x}/{y} can be set per deployment.
OUTPOST_MAP_TILE_URL = env_str("OUTPOST_MAP_TILE_URL")
OUTPOST_MAP_TILE_ATTRIBUTION = env_str("OUTPOST_MAP_TILE_ATTRIBUTION")
OUTPOST_DISTRICT_CODE = env_str("OUTPOST_DISTRICT_CODE", "320106000000")

# Below this much floor area per occupant a house is flagged as a possible group rental (群租).
OUTPOST_MIN_M2_PER_OCCUPANT = env_int("OUTPOST_MIN_M2_PER_OCCUPANT", 5)

# 督办: whether a red card also puts the case before the command room one level up.
OUTPOST_ESCALATE_RED_CARDS = env_bool("OUTPOST_ESCALATE_RED_CARDS", True)

# The public status page: lookups allowed from one address per window, so tracking codes
# cannot be guessed by trying many.
OUTPOST_STATUS_LOOKUPS_PER_MINUTE = env_int("OUTPOST_STATUS_LOOKUPS_PER_MINUTE", 30)
OUTPOST_STATUS_LOOKUP_WINDOW = env_int("OUTPOST_STATUS_LOOKUP_WINDOW", 60)
# Open311 GeoReport v2 (/open311/v2/): the jurisdiction_id it answers for (empty: the district
# code), reads allowed from one address per minute, and what discovery says.
OUTPOST_OPEN311_JURISDICTION = env_str("OUTPOST_OPEN311_JURISDICTION")
OUTPOST_OPEN311_READS_PER_MINUTE = env_int("OUTPOST_OPEN311_READS_PER_MINUTE", 60)
OUTPOST_OPEN311_CONTACT = env_str("OUTPOST_OPEN311_CONTACT", "平安前哨 Outpost")
OUTPOST_OPEN311_KEY_SERVICE = env_str(
    "OUTPOST_OPEN311_KEY_SERVICE", "API keys are issued by the district's administrators"
)
OUTPOST_OPEN311_CHANGESET = datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC)  # last API change
# Requests for help (一网通办 service guides) a client address may send without an account,
# per window (seconds); the residents' portal verifies phones and has its own limits.
OUTPOST_GUIDE_REQUESTS = env_int("OUTPOST_GUIDE_REQUESTS", 5)
OUTPOST_GUIDE_REQUEST_WINDOW = env_int("OUTPOST_GUIDE_REQUEST_WINDOW", 3600)
# Lookups of people by a whole ID or phone number allowed to one user per window (seconds), so
# the registry cannot be walked number by number to learn which exist.
OUTPOST_NUMBER_LOOKUPS = env_int("OUTPOST_NUMBER_LOOKUPS", 30)
OUTPOST_NUMBER_LOOKUP_WINDOW = env_int("OUTPOST_NUMBER_LOOKUP_WINDOW", 3600)

# The residents' portal (/portal/). Messages to phones go through OUTPOST_SMS_BACKEND:
# "console" (the log), "file" (OUTPOST_VAR_DIR/outbox/sms.jsonl) or a dotted path to a gateway
# class (outpost/portal/senders.py documents the interface). One-time codes last
# OUTPOST_PORTAL_CODE_MINUTES and OUTPOST_PORTAL_CODE_TRIES tries; the limits count per phone and
# per client address: codes per hour, reports per day. OUTPOST_PORTAL_URL is the site's public
# address, put before the tracking links sent by SMS.
OUTPOST_SMS_BACKEND = env_str("OUTPOST_SMS_BACKEND", "console")
OUTPOST_PORTAL_URL = env_str("OUTPOST_PORTAL_URL")
OUTPOST_PORTAL_CODE_MINUTES = env_int("OUTPOST_PORTAL_CODE_MINUTES", 10)
OUTPOST_PORTAL_CODE_TRIES = env_int("OUTPOST_PORTAL_CODE_TRIES", 5)
OUTPOST_PORTAL_CODES_PER_PHONE_HOUR = env_int("OUTPOST_PORTAL_CODES_PER_PHONE_HOUR", 5)
OUTPOST_PORTAL_CODES_PER_ADDRESS_HOUR = env_int("OUTPOST_PORTAL_CODES_PER_ADDRESS_HOUR", 20)
OUTPOST_PORTAL_REPORTS_PER_PHONE_DAY = env_int("OUTPOST_PORTAL_REPORTS_PER_PHONE_DAY", 5)
OUTPOST_PORTAL_REPORTS_PER_ADDRESS_DAY = env_int("OUTPOST_PORTAL_REPORTS_PER_ADDRESS_DAY", 20)
OUTPOST_PORTAL_SEARCHES_PER_MINUTE = env_int("OUTPOST_PORTAL_SEARCHES_PER_MINUTE", 30)
# How long a phone checked by its code may submit reports in the same browser session.
OUTPOST_PORTAL_VERIFIED_MINUTES = env_int("OUTPOST_PORTAL_VERIFIED_MINUTES", 60)

# Webhooks may only go to public addresses unless the deployment's own network is trusted.
OUTPOST_WEBHOOK_ALLOW_PRIVATE = env_bool("OUTPOST_WEBHOOK_ALLOW_PRIVATE", False)

SESSION_COOKIE_AGE = env_int("OUTPOST_SESSION_SECONDS", 8 * 3600)  # fixed at sign-in
# A session unused this long ends (等保: 登录连接超时自动退出); activity never extends it past
# SESSION_COOKIE_AGE.
OUTPOST_SESSION_IDLE_SECONDS = env_int("OUTPOST_SESSION_IDLE_SECONDS", 30 * 60)

# Sign-in lockout: this many failures of one account name within the lock time lock it for that
# long, doubling with each lock in a row (up to a day); likewise per client address.
OUTPOST_LOGIN_FAILURES_PER_ACCOUNT = env_int("OUTPOST_LOGIN_FAILURES_PER_ACCOUNT", 5)
OUTPOST_LOGIN_LOCK_MINUTES = env_int("OUTPOST_LOGIN_LOCK_MINUTES", 15)
OUTPOST_LOGIN_FAILURES_PER_ADDRESS = env_int("OUTPOST_LOGIN_FAILURES_PER_ADDRESS", 20)
OUTPOST_LOGIN_ADDRESS_LOCK_MINUTES = env_int("OUTPOST_LOGIN_ADDRESS_LOCK_MINUTES", 10)
# Reverse proxies in front of the app whose X-Forwarded-For is trusted for the client address
# (lockout, access log). Production runs behind one (see SECURE_PROXY_SSL_HEADER).
OUTPOST_TRUSTED_PROXIES = env_int("OUTPOST_TRUSTED_PROXIES", 1 if PRODUCTION else 0)
# The TOTP second factor for roles that may unmask, export or audit. On in production; off in
# development, where the demo accounts share a published password on a local machine and the
# browser tests sign in as them; whoever enrols an authenticator is asked for it either way.
OUTPOST_REQUIRE_TOTP = env_bool("OUTPOST_REQUIRE_TOTP", PRODUCTION)

# The access log is kept three years: well past the six months the Cybersecurity Law (art. 21)
# requires of network logs, and as long as the general limitation period of civil claims (民法典
# art. 188), so a resident who complains of misuse of their data can still be shown who read it.
OUTPOST_ACCESS_LOG_RETENTION_DAYS = env_int("OUTPOST_ACCESS_LOG_RETENTION_DAYS", 3 * 365)
# Break-the-glass: how long an officer's emergency opening of a record outside their area lasts.
OUTPOST_BREAK_GLASS_HOURS = env_int("OUTPOST_BREAK_GLASS_HOURS", 4)

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("OUTPOST_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("OUTPOST_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# One key=value line per record on stderr, with request id and user id (outpost.core.logs);
# each app logs as `outpost.<app>`; libraries only from WARNING up.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"kv": {"()": "outpost.core.logs.KeyValueFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "kv"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"outpost": {"level": env_str("OUTPOST_LOG_LEVEL", "INFO")}},
}
