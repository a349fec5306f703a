"""Settings, read from the environment (django-environ) with safe defaults for the demo."""

import datetime as dt
import sys
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent

env = environ.Env()
environ.Env.read_env(PROJECT_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# "demo" (the embedded demo and tests) or "production": production turns on the
# secure cookie, HTTPS and HSTS settings that a plain-HTTP demo cannot use.
DANGVIEN_ENV = env.str("DANGVIEN_ENV", default="demo")
PRODUCTION = DANGVIEN_ENV == "production"
# The demo key is only for the embedded demo; production sets SECRET_KEY.
SECRET_KEY = env.str(
    "SECRET_KEY", default="" if PRODUCTION else "dangvien-demo-insecure-key-change-me-in-production"
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{PROJECT_DIR / 'db.sqlite3'}"),
}
# Keep database connections between requests in production (a new PostgreSQL
# connection per request costs more than the request itself).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60 if PRODUCTION else 0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault(
        "init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Planner settings of our own connections (issue 14, EXPLAIN before and
    # after in BENCHMARKS.md): no JIT. Its compilation (20-25 ms) costs more than
    # it saves on every query the product runs (a filtered count of a province:
    # 97 ms with it, 51 ms without). Parallel workers stay: they halve the scans
    # a whole-party count still makes. PG_OPTIONS replaces the setting.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault(
        "options", env.str("PG_OPTIONS", default="-c jit=off")
    )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "dangvien.core",
    "dangvien.places",
    "dangvien.organizations",
    "dangvien.members",
    "dangvien.accounts",
    "dangvien.compliance",
    "dangvien.documents",
    "dangvien.admissions",
    "dangvien.movements",
    "dangvien.liaison",
    "dangvien.meetings",
    "dangvien.dues",
    "dangvien.grading",
    "dangvien.discipline",
    "dangvien.badges",
    "dangvien.imports",
    "dangvien.exports",
    "dangvien.quality",
    "dangvien.reports",
    "dangvien.seeding",
    "dangvien.web",
    "dangvien.api",
    # django-ninja's templates and static files: the API docs page (swagger-ui)
    # is served from the product, never from a CDN (the CSP allows only 'self').
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # 30 minutes without a request, or 8 hours in all, end a web session.
    "dangvien.accounts.sessions.SessionTimeoutMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "dangvien.accounts.two_factor.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "dangvien.web.common.NotFoundMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Two-factor login (TOTP) for staff roles above the cell: on in production, off
# in the demo (whose accounts log in with the password alone).
DANGVIEN_REQUIRE_2FA = env.bool("DANGVIEN_REQUIRE_2FA", default=PRODUCTION)
OTP_TOTP_ISSUER = "dangvien"

# Lock-out after repeated failed logins, per username and address (django-axes).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_CALLABLE = "dangvien.accounts.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

ROOT_URLCONF = "dangvien.urls"
WSGI_APPLICATION = "dangvien.wsgi.application"

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
                "dangvien.web.context.navigation",
            ],
            "builtins": ["dangvien.web.templatetags.quantities"],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt")]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["dangvien.formats"]
# Never group digits by default: most numbers on a page are ids, codes and
# years («?member=1638», «năm 2026»), and a grouped id («1.638») breaks every
# link past 999. Quantities ask for grouping with `|so` and money with `|dong`
# (dangvien/web/templatetags/quantities.py, loaded in every template).
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "static/"
STATIC_ROOT = PROJECT_DIR / "var" / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Serve from the apps' static folders too, so a missed collectstatic still works.
WHITENOISE_USE_FINDERS = True
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(PROJECT_DIR / "var" / "media"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions end after 8 hours, or 30 minutes without a request, or with the browser
# (the idle and total limits: dangvien.accounts.sessions.SessionTimeoutMiddleware).
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=PRODUCTION)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=PRODUCTION)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content Security Policy (django-csp): our own files only; no inline script.
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
    }
}

# Photo uploads (member record): size cap in bytes, and in pixels (width x height),
# since a small compressed file can hold an image that takes gigabytes to decode.
MEMBER_PHOTO_MAX_BYTES = env.int("MEMBER_PHOTO_MAX_BYTES", default=2 * 1024 * 1024)
MEMBER_PHOTO_MAX_PIXELS = env.int("MEMBER_PHOTO_MAX_PIXELS", default=25_000_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Regulation numbers marked UNCONFIRMED in regulations.md are overridable here,
# e.g. DANGVIEN_RULES='{"party_card_number_regex": "^[0-9]{8}$"}'.
DANGVIEN_RULE_OVERRIDES = env.json("DANGVIEN_RULES", default={})

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

# E-mail (deadline notices, compliance.notifications): SMTP in production
# (EMAIL_HOST...), printed on the console in the demo. SITE_URL starts the links.
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="dangvien <khong-tra-loi@localhost>")
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# A computed periodic report (dangvien/reports) is reused this long (seconds)
# before the next reader computes it again from the events; "Tính lại" always does.
REPORT_FRESH_SECONDS = env.int("REPORT_FRESH_SECONDS", default=600)
# A subtree with more members in activity than this has its reports computed by
# the job queue only (the page says so and shows them when done).
REPORT_INLINE_MAX_MEMBERS = env.int("REPORT_INLINE_MAX_MEMBERS", default=400_000)
# From this many members a report's work of the period (meetings, dues...) and its
# records are read on further database connections while the members' lists are
# computed (reports.services, reports.compute; up to six connections more).
REPORT_ALONGSIDE_MIN_MEMBERS = env.int("REPORT_ALONGSIDE_MIN_MEMBERS", default=20_000)

# REST API bearer tokens live this long (seconds).
API_TOKEN_LIFETIME_SECONDS = env.int("API_TOKEN_LIFETIME_SECONDS", default=8 * 3600)

# Working days (core.workdays): a year's decisions the `holidays` package does not
# know yet: extra days off, and Saturdays worked in exchange (ISO dates, comma separated).
DANGVIEN_EXTRA_DAYS_OFF = env.list("DANGVIEN_EXTRA_DAYS_OFF", default=[])
DANGVIEN_EXTRA_WORKING_DAYS = env.list("DANGVIEN_EXTRA_WORKING_DAYS", default=[])

# Background jobs (huey; dangvien/imports/jobs.py): Redis in production and CI,
# SqliteHuey's file in the demo (`make run` starts the worker with the demo),
# "immediate" (the task runs in the caller) in tests, so that tests exercise the
# real task function. A worker: `dangvien run-jobs`.
JOBS_BACKEND = env.str("JOBS_BACKEND", default="redis" if PRODUCTION else "sqlite")
JOBS_REDIS_URL = env.str("JOBS_REDIS_URL", default="redis://127.0.0.1:6379/0")
JOBS_SQLITE_PATH = env.str("JOBS_SQLITE_PATH", default=str(PROJECT_DIR / "var" / "jobs.sqlite3"))
if "pytest" in sys.modules:
    JOBS_BACKEND = "immediate"
# The largest file an import takes (bytes), checked before it is read.
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=100 * 1024 * 1024)
