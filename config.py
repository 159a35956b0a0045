"""Settings read from the environment: one class per environment."""

import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"
DEV_SECRET = "dev-only-not-secret"  # noqa: S105 - refused in production


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str) -> list[str]:
    """A comma-separated list, e.g. old keys, most recent first."""
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


def _env_amounts(name: str) -> dict[int, int]:
    """'organisation id:cents' pairs, comma-separated, e.g. '3:500000,7:2500000'."""
    pairs = (item.split(":", 1) for item in _env_list(name))
    return {int(key): int(value) for key, value in pairs}


def _database_url(default: str) -> str:
    url = os.environ.get("DATABASE_URL", default)
    # Heroku-style URLs and plain postgresql:// both go through psycopg 3.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


class Config:
    """Defaults shared by every environment."""

    SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET)
    #: Old keys still accepted for sessions (Flask), and for links and vote hashes whose own
    #: key is unset; most recent first.
    SECRET_KEY_FALLBACKS = _env_list("SECRET_KEY_FALLBACKS")
    #: Signs password-reset, e-mail and vote confirmation links; unset: SECRET_KEY (security.py).
    LINK_SIGNING_KEY = os.environ.get("LINK_SIGNING_KEY", "")
    LINK_SIGNING_KEY_FALLBACKS = _env_list("LINK_SIGNING_KEY_FALLBACKS")
    #: Keys the e-mail hash that allows one vote per address in a contest; unset: SECRET_KEY.
    VOTE_HASH_KEY = os.environ.get("VOTE_HASH_KEY", "")
    VOTE_HASH_KEY_FALLBACKS = _env_list("VOTE_HASH_KEY_FALLBACKS")
    SQLALCHEMY_DATABASE_URI = _database_url(f"sqlite:///{INSTANCE_DIR / 'vrijstad.db'}")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    #: A pooled connection that rested this many seconds is checked before use (see
    #: vrijstad/database.py); 0 checks it before every use, as pool_pre_ping does.
    DB_PING_AFTER_IDLE = float(os.environ.get("DB_PING_AFTER_IDLE", "1"))
    MAX_CONTENT_LENGTH = 32 * 1024 * 1024  # a request; each photo is limited to 10 MB
    MAP_TILE_URL = os.environ.get(
        "MAP_TILE_URL", "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png"
    )
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", str(INSTANCE_DIR / "uploads"))
    OUTBOX_DIR = os.environ.get("OUTBOX_DIR", str(INSTANCE_DIR / "outbox"))
    #: The site's public address, for links in mail sent by scheduled commands.
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")

    BABEL_DEFAULT_LOCALE = "nl"
    BABEL_DEFAULT_TIMEZONE = "Europe/Amsterdam"
    LANGUAGES = ("nl", "en")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    REMEMBER_COOKIE_DURATION = timedelta(
        days=int(os.environ.get("REMEMBER_COOKIE_DURATION_DAYS", "30"))
    )
    #: Strict-Transport-Security max-age in seconds, sent when SESSION_COOKIE_SECURE is on.
    HSTS_MAX_AGE = int(os.environ.get("HSTS_MAX_AGE", str(365 * 24 * 3600)))

    #: How many proxies (nginx, a load balancer) in front of the app set X-Forwarded-For,
    #: -Proto and -Host; 0 trusts none of these headers, which clients could forge.
    PROXY_FIX_X_FOR = int(os.environ.get("PROXY_FIX_X_FOR", "0"))
    PROXY_FIX_X_PROTO = int(os.environ.get("PROXY_FIX_X_PROTO", "0"))
    PROXY_FIX_X_HOST = int(os.environ.get("PROXY_FIX_X_HOST", "0"))

    # Compressed responses (vrijstad/compression.py): Flask-Compress is called by the app, for
    # static files and for visitors who are not logged in, not for every response.
    COMPRESS_REGISTER = False
    COMPRESS_ALGORITHM = ["br", "gzip"]  # the browser's first choice of these two
    COMPRESS_ALGORITHM_STREAMING = ["br", "deflate"]  # static files, sent in chunks
    COMPRESS_MIMETYPES = [
        "text/html",
        "text/css",
        "text/plain",
        "text/javascript",
        "application/javascript",
        "application/json",
        "application/geo+json",
        "image/svg+xml",
    ]

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    # Redis down: keep limiting each process in memory instead of failing every request.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "5 per minute")
    #: Platform admins and organisation staff must set up two-step verification (TOTP) before
    #: they approve settlements, payouts or grants, or open the admin area.
    REQUIRE_2FA = _env_bool("REQUIRE_2FA", True)
    #: Four eyes (vrijstad/approvals.py): approving a settlement or a subsidy grant above this
    #: amount in cents needs a second staff member of the organisation; at or below it one
    #: approval suffices. Default € 10.000.
    FOUR_EYES_THRESHOLD_CENTS = int(os.environ.get("FOUR_EYES_THRESHOLD_CENTS", "1000000"))
    #: Per organisation: 'organisation id:cents' pairs, comma-separated ('3:500000').
    FOUR_EYES_THRESHOLD_OVERRIDES = _env_amounts("FOUR_EYES_THRESHOLD_OVERRIDES")
    #: Seconds between a correct password and the second step before the login starts over.
    TWO_FACTOR_PENDING_SECONDS = int(os.environ.get("TWO_FACTOR_PENDING_SECONDS", "300"))
    #: Public votes asked per contest from one client network (an IPv4 /24, an IPv6 /64).
    VOTE_RATE_LIMIT = os.environ.get("VOTE_RATE_LIMIT", "10 per hour")

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "587"))
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", True)
    MAIL_USE_SSL = _env_bool("MAIL_USE_SSL", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = os.environ.get(
        "MAIL_DEFAULT_SENDER", "Vrijstad <noreply@vrijstad.example>"
    )

    PASSWORD_RESET_MAX_AGE = 60 * 60  # one hour
    EMAIL_VERIFY_MAX_AGE = 3 * 24 * 60 * 60  # a link confirming an e-mail address: three days
    #: New confirmation links one account may ask for.
    VERIFY_MAIL_RATE_LIMIT = "3 per hour"
    INVITATION_MAX_AGE_DAYS = 14

    STORAGE_BACKEND = os.environ.get("STORAGE_BACKEND", "local")
    S3_BUCKET = os.environ.get("S3_BUCKET", "")
    S3_ENDPOINT_URL = os.environ.get("S3_ENDPOINT_URL", "")
    S3_REGION = os.environ.get("S3_REGION", "")
    S3_URL_EXPIRES = int(os.environ.get("S3_URL_EXPIRES", "300"))
    AWS_ACCESS_KEY_ID = os.environ.get("AWS_ACCESS_KEY_ID", "")
    AWS_SECRET_ACCESS_KEY = os.environ.get("AWS_SECRET_ACCESS_KEY", "")

    REDIS_URL = os.environ.get("REDIS_URL", "")
    RQ_QUEUES = os.environ.get("RQ_QUEUES", "default")
    JOB_TIMEOUT = int(os.environ.get("JOB_TIMEOUT", "600"))
    JOB_TTL = int(os.environ.get("JOB_TTL", str(7 * 24 * 3600)))

    LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
    SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
    SENTRY_ENVIRONMENT = os.environ.get("SENTRY_ENVIRONMENT", "")
    SENTRY_TRACES_SAMPLE_RATE = float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0"))

    PAYMENT_PROVIDER = os.environ.get("PAYMENT_PROVIDER", "manual")
    STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
    STRIPE_PUBLISHABLE_KEY = os.environ.get("STRIPE_PUBLISHABLE_KEY", "")
    STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
    STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE", "")
    STRIPE_JS_URL = os.environ.get("STRIPE_JS_URL", "https://js.stripe.com/v3/")

    #: Vacancy references in basis points (Locatus, end of 2022: 6.0 % of units, 5.4 % of
    #: floor area; up to 5 % counts as healthy). An organisation may set its own.
    NATIONAL_VACANCY_COUNT_BP = int(os.environ.get("NATIONAL_VACANCY_COUNT_BP", "600"))
    NATIONAL_VACANCY_AREA_BP = int(os.environ.get("NATIONAL_VACANCY_AREA_BP", "540"))
    HEALTHY_VACANCY_MAX_BP = int(os.environ.get("HEALTHY_VACANCY_MAX_BP", "500"))
    #: The open-data API's rate limits: without a token (per address) and per token.
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "60 per minute")
    API_TOKEN_RATE_LIMIT = os.environ.get("API_TOKEN_RATE_LIMIT", "600 per minute")
    #: The address service behind the listing wizard: "fake" (the demo city's addresses,
    #: no network) or "pdok" (the national PDOK Locatieserver).
    ADDRESS_LOOKUP = os.environ.get("ADDRESS_LOOKUP", "fake")
    ADDRESS_LOOKUP_URL = os.environ.get("ADDRESS_LOOKUP_URL", "")
    ADDRESS_LOOKUP_TIMEOUT = float(os.environ.get("ADDRESS_LOOKUP_TIMEOUT", "5"))


class DevelopmentConfig(Config):
    """Local development: SQLite, mail written to instance/outbox/."""

    DEBUG = True


class TestingConfig(Config):
    """The test suite: its own database URL, fast password hashing."""

    TESTING = True
    SECRET_KEY = "testing-secret"  # noqa: S105
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    RATELIMIT_STORAGE_URI = "memory://"
    MAP_TILE_URL = ""  # no network in tests: maps show markers without tiles
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"


class ProductionConfig(Config):
    """Production: PostgreSQL, secure cookies, a real secret key required."""

    # On unless SESSION_COOKIE_SECURE=0 says the site is served over plain http (a test).
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    PREFERRED_URL_SCHEME = "https"
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")
    SENTRY_ENVIRONMENT = os.environ.get("SENTRY_ENVIRONMENT", "production")
    ADDRESS_LOOKUP = os.environ.get("ADDRESS_LOOKUP", "pdok")

    def __init__(self) -> None:
        key = os.environ.get("SECRET_KEY", "")
        if not key or key == DEV_SECRET or len(key) < 32:
            raise RuntimeError(
                "SECRET_KEY must be set to a random value of at least 32 characters in production"
            )
        self.SECRET_KEY = key


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def get_config(name: str | None = None) -> Config:
    """The settings object for an environment name (default: VRIJSTAD_ENV or development)."""
    name = name or os.environ.get("VRIJSTAD_ENV", "development")
    try:
        return CONFIGS[name]()
    except KeyError as exc:
        raise RuntimeError(f"unknown VRIJSTAD_ENV {name!r}; use one of {sorted(CONFIGS)}") from exc
