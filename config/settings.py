"""The one settings module. Every value that differs between a laptop and production comes
from an environment variable; the defaults give a development set-up that needs no server
(SQLite, a filesystem Celery broker, a file cache).

Production is ``DEBUG=0`` plus ``SECRET_KEY``, ``ALLOWED_HOSTS``, ``DATABASE_URL`` and
``REDIS_URL``; it then passes ``manage.py check --deploy``.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key
from django.utils.translation import gettext_lazy as _

from config.env import env, env_bool, env_int, env_list

BASE_DIR = Path(__file__).resolve().parent.parent
# Runtime files of the embedded set-up: SQLite database, broker queue, cache, uploads.
VAR_DIR = Path(env("VAR_DIR", str(BASE_DIR / "var")))
# Beat keeps its schedule here whatever the broker, so the folder must exist from the start.
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", True)
# One machine serving a street office (`make run`): DEBUG off, yet the embedded set-up
# (SQLite, the file broker and cache), a secret generated once into var/, plain HTTP.
EMBEDDED = env_bool("EMBEDDED", False)


def _kept_secret(path):
    """The secret in `path`, written there on first use. Web, worker and beat start together:
    the first to link its file wins, the others read that one."""
    if not path.exists():
        draft = path.with_name(f"{path.name}.{os.getpid()}")
        draft.write_text(get_random_secret_key())
        draft.chmod(0o600)
        try:
            os.link(draft, path)  # atomic, and fails if another process was first
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()


SECRET_KEY = env("SECRET_KEY", "")
if not DEBUG and not EMBEDDED:
    # Production runs on real servers: several web and worker processes must share one
    # database, one cache (rate limits) and one queue.
    missing = [name for name in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL") if not env(name, "")]
    if missing:
        raise ImproperlyConfigured(f"Set {', '.join(missing)} when DEBUG is off.")
if not SECRET_KEY and EMBEDDED:
    SECRET_KEY = _kept_secret(VAR_DIR / "secret_key")
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-never-used-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "django_ratelimit",
    "mptt",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "auditlog",
    "governance",
    "grids",
    "volunteers",
    "services",
    "governance.party",  # after the others: its demo leans on what theirs recorded
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    # After the session and the user are known: a password to change, a second factor.
    "governance.security.AccountGateMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "governance.context_processors.inbox",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent web and worker processes on one SQLite file wait for the write lock up front
    # (IMMEDIATE) instead of failing with "database is locked" half-way.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "governance.User"
# django-axes first: it refuses a locked-out account or address before any password check.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "governance.permissions.RoleBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("PASSWORD_MIN_LENGTH", 10)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# --- Accounts: login throttling (django-axes), idle sessions, two-factor (django-otp).
# A failed login counts against the account and against the address, separately; either
# reaching the limit locks it for the cool-off. Counted in the database (not the cache).
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "governance.public.client_ip"
AXES_VERBOSE = False
# Staff sessions end after this long without a request (governance.security); any session
# after SESSION_MAX_HOURS.
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30)
SESSION_COOKIE_AGE = env_int("SESSION_MAX_HOURS", 12) * 60 * 60
# Superusers and cadres confirm their login with a one-time code from an authenticator app.
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", not DEBUG)
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", "红格 Hongge")

# --- Cache: Redis in production (shared by every web worker, so rate limits hold across
# them); a file cache shared by the local processes otherwise.
REDIS_URL = env("REDIS_URL", "")
# Each process's own memory: where rate limits are counted while the shared cache is down.
_PROCESS_MEMORY = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
if REDIS_URL:
    _redis = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    CACHES = {"default": _redis, "ratelimit": _redis, "ratelimit-fallback": _PROCESS_MEMORY}
    # django-ratelimit lists only django-redis as supported; Django's own RedisCache
    # increments atomically (INCR) just the same.
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        },
        # The embedded set-up serves from one process, so its memory is the shared counter.
        "ratelimit": _PROCESS_MEMORY,
        "ratelimit-fallback": _PROCESS_MEMORY,
    }
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]

# --- Language and time
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files
STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))  # where collectstatic writes
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "governance.staticfiles.ManifestStaticFilesStorage"
    },
}
# Until `collectstatic` has run, WhiteNoise serves the assets from the app folders.
WHITENOISE_USE_FINDERS = True
# Served at the site's root: /favicon.ico, which browsers ask for on every file they open.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"

# --- API
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 100,
}

# --- Celery. The default broker is kombu's filesystem transport, so a real worker and beat
# run with nothing installed; production points CELERY_BROKER_URL at Redis.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", "") or REDIS_URL or "filesystem://localhost/"
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = VAR_DIR / "broker"
    for _sub in ("queue", "processed", "control"):
        (_queue_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir / "queue"),
        "data_folder_out": str(_queue_dir / "queue"),
        "processed_folder": str(_queue_dir / "processed"),
        "control_folder": str(_queue_dir / "control"),  # else kombu writes to the cwd
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True  # tasks write their results to the database
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_ACKS_LATE = True  # a worker killed mid-task leaves the message for another
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "check-org-trees": {"task": "governance.tasks.check_trees", "schedule": 6 * 60 * 60},
    "deliver-pending-notifications": {
        "task": "governance.tasks.deliver_pending_notifications",
        "schedule": 5 * 60,
    },
    "prune-audit-trail": {"task": "governance.tasks.prune_audit_trail", "schedule": 24 * 60 * 60},
    "scan-wishes": {"task": "services.tasks.scan_wishes", "schedule": 10 * 60},
    "send-pending-sms": {"task": "governance.sms.send_pending_sms", "schedule": 60},
    "scan-care-ledger": {"task": "grids.tasks.scan_care_ledger", "schedule": 30 * 60},
    # The last quarter's feedback letters to the units, once each (party life).
    "send-feedback-letters": {
        "task": "governance.party.tasks.send_feedback_letters",
        "schedule": 24 * 60 * 60,
    },
    "remind-members-behind": {
        "task": "governance.party.tasks.remind_members_behind",
        "schedule": 24 * 60 * 60,
    },
    # Reminders, closing finished activities, star rating rounds on their dates.
    "scan-volunteers": {"task": "volunteers.tasks.scan_volunteers", "schedule": 10 * 60},
    # Routing left over by a broker outage, SLA reminders, escalation, auto-close, call-backs.
    "scan-whistles": {
        "task": "services.tasks.scan_whistles",
        "schedule": env_int("WHISTLE_SCAN_SECONDS", 60),
    },
}

# Outbound notification channels (dotted paths to governance.notifications.Channel classes).
NOTIFICATION_CHANNELS = env_list("NOTIFICATION_CHANNELS", ["governance.notifications.LogChannel"])

# --- Text messages (governance/sms.py) through a generic HTTP gateway; off without a URL.
SMS_GATEWAY_URL = env("SMS_GATEWAY_URL", "")
SMS_GATEWAY_KEY = env("SMS_GATEWAY_KEY", "")
SMS_GATEWAY_TIMEOUT = env_int("SMS_GATEWAY_TIMEOUT", 10)  # seconds
SMS_TEMPLATE = env("SMS_TEMPLATE", "【红格】{text}")  # the gateway's signature around {text}
SMS_MAX_ATTEMPTS = env_int("SMS_MAX_ATTEMPTS", 8)  # then the row is given up
SMS_CLAIM_SECONDS = env_int("SMS_CLAIM_SECONDS", 300)  # a send claimed longer is retried

# --- Micro-wishes: days a claim may run, reminders and points.
WISH_CLAIM_DAYS = env_int("WISH_CLAIM_DAYS", 14)
WISH_CLAIM_REMIND_DAYS = env_int("WISH_CLAIM_REMIND_DAYS", 2)  # before the claim runs out
WISH_REVIEW_REMIND_DAYS = env_int("WISH_REVIEW_REMIND_DAYS", 2)
WISH_STALE_DAYS = env_int("WISH_STALE_DAYS", 14)  # approved, unclaimed: flag it
WISH_AUTO_CONFIRM_DAYS = env_int("WISH_AUTO_CONFIRM_DAYS", 7)
WISH_POINTS = env_int("WISH_POINTS", 10)

# --- Volunteer service: star thresholds in approved hours (1★…5★, the national defaults),
# rating dates (month-day, twice a year) and the public notice period in working days.
VOLUNTEER_STAR_HOURS = [
    int(h) for h in env_list("VOLUNTEER_STAR_HOURS", ["100", "300", "600", "1000", "1500"])
]
VOLUNTEER_STAR_RATING_DATES = [
    tuple(int(part) for part in md.split("-"))
    for md in env_list("VOLUNTEER_STAR_RATING_DATES", ["06-30", "12-31"])
]
VOLUNTEER_STAR_NOTICE_WORKING_DAYS = env_int("VOLUNTEER_STAR_NOTICE_WORKING_DAYS", 5)
VOLUNTEER_APPROVAL_REMIND_DAYS = env_int("VOLUNTEER_APPROVAL_REMIND_DAYS", 3)
# Less service than this is no service: a check-out sooner is refused, and shorter
# attendance earns no hours (never pending, approved, exported or printed).
VOLUNTEER_MIN_SERVICE_MINUTES = env_int("VOLUNTEER_MIN_SERVICE_MINUTES", 10)
# Services a year asked of each in-service member reported to a community, where the street
# has set no requirement of its own (admin → yearly service requirements).
PARTY_SERVICES_PER_YEAR = env_int("PARTY_SERVICES_PER_YEAR", 4)

# --- Public forms: rate limits counted in a cache every web worker shares (Redis in
# production), per client IP and per mobile number.
RATELIMIT_USE_CACHE = "ratelimit"
PUBLIC_FORM_RATE_PER_IP = env("PUBLIC_FORM_RATE_PER_IP", "20/h")
PUBLIC_FORM_RATE_PER_MOBILE = env("PUBLIC_FORM_RATE_PER_MOBILE", "5/h")
PUBLIC_LOOKUP_RATE_PER_IP = env("PUBLIC_LOOKUP_RATE_PER_IP", "30/h")
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 5 * 1024 * 1024)
# A photo's pixels are counted before it is decoded in full: a small file can hold a huge image.
UPLOAD_MAX_PIXELS = env_int("UPLOAD_MAX_PIXELS", 40_000_000)
# The address residents reach the portal at, printed in QR posters (e.g. https://hongge.example.cn);
# empty: the address the cadre printing the poster is using.
PUBLIC_BASE_URL = env("PUBLIC_BASE_URL", "").rstrip("/")
# How many trusted proxies (load balancers) stand in front: the client address is read from
# X-Forwarded-For accordingly (governance.public.client_ip); 0 means REMOTE_ADDR.
PROXY_COUNT = env_int("PROXY_COUNT", 0)
RATELIMIT_IP_META_KEY = "governance.public.client_ip"

# --- Production hardening: on whenever DEBUG is off. The embedded set-up answers plain HTTP
# on the loopback or the office's network, so it neither redirects nor pins HTTPS there.
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not EMBEDDED)
    SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]  # load balancer probes speak plain HTTP
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if EMBEDDED else 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not EMBEDDED)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# --- Audit trail (django-auditlog, registered in governance/audit.py): every create, change
# and delete of the portal's records with who, when and from where; logins, failed logins and
# exports too. Kept this long at least (网络安全等级保护 asks for six months); beat prunes
# only what is older.
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 180)
if AUDIT_RETENTION_DAYS < 180:
    raise ImproperlyConfigured("AUDIT_RETENTION_DAYS may not be below 180 days.")

# --- Content-Security-Policy (django-csp): every script and style is served by the portal.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # The admin and django-mptt set style attributes; no remote styles either way.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Backups (manage.py backup / restore): where snapshots are written.
BACKUP_DIR = Path(env("BACKUP_DIR", str(VAR_DIR / "backups")))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
}
