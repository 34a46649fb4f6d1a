"""Settings of citizen reports, answers and alerts (environment prefix ``SARING_REPORT_``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_ALERT_ROLES = {
    "hoaks_baru": ["admin", "trc"],
    "akun_palsu": ["admin", "trc"],
    "terlambat": ["admin", "trc"],
    "ringkasan": ["admin", "trc", "comms"],
}


class ReportSettings(BaseSettings):
    """The /lapor form's limits, retention (UU PDP), senders and alert routing."""

    model_config = SettingsConfigDict(env_prefix="SARING_REPORT_", env_file=".env", extra="ignore")

    retention_days: int = Field(default=90, ge=1, description="Reporter contacts are deleted after this")
    max_screenshot_bytes: int = Field(default=3_000_000, ge=10_000)
    max_text_chars: int = Field(default=4000, ge=100)
    min_text_words: int = Field(default=3, ge=1, description="A report without link or image needs this")
    max_per_ip_hour: int = Field(default=10, ge=1, description="Reports per address within an hour")
    max_per_contact_day: int = Field(default=10, ge=1, description="Reports per reporter contact per day")
    public_base_url: str = Field(default="http://127.0.0.1:8000", description="For tracking links")
    screenshot_dir: Path | None = Field(default=None, description="Default: $SARING_HOME/reports")
    secret: str = Field(default="", description="Salt of contact and address hashes (set it in production)")

    # --- senders: "none" keeps messages in the outbox, "file" writes them, "smtp" / "webhook" send ---
    sender_email: str = Field(default="file", description="none | file | smtp")
    sender_whatsapp: str = Field(default="file", description="none | file | webhook")
    sender_sms: str = Field(default="file", description="none | file | webhook")
    sender_webhook: str = Field(default="webhook", description="none | file | webhook (TRC alerts)")
    outbox_dir: Path | None = Field(default=None, description="The file sender's folder")
    gateway_url: str | None = Field(default=None, description="The Pemda's own WhatsApp/SMS gateway")
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    smtp_from: str = "saring@localhost"
    send_timeout_s: float = 10.0
    max_attempts: int = Field(default=5, ge=1)

    # --- answers ---
    wait_for_clarification_hours: float = Field(
        default=24.0, description="A hoax verdict waits this long for a published clarification"
    )

    # --- alerts for the TRC ---
    alert_priority: float = Field(default=0.7, description="New auto-linked hoaxes at or above this")
    alert_lookback_hours: float = Field(default=24.0, description="Alerts look this far back")
    alert_webhook_url: str | None = None
    alert_roles: dict[str, list[str]] = Field(default_factory=lambda: dict(DEFAULT_ALERT_ROLES))
    alert_emails: dict[str, list[str]] = Field(
        default_factory=dict, description='Role -> e-mail addresses, e.g. {"trc": ["trc@pemda.go.id"]}'
    )
    impersonation_categories: list[str] = Field(
        default_factory=lambda: ["akun palsu / penipuan", "akun_palsu", "penipuan / akun palsu"]
    )
    outbox_cron: str = Field(default="*/2 * * * *", description="Answers, alerts and sending")
    digest_cron: str = Field(default="0 7 * * *", description="The daily digest (server time)")
    retention_cron: str = Field(default="30 2 * * *", description="Deleting expired reporter contacts")


@lru_cache(maxsize=1)
def get_report_settings() -> ReportSettings:
    return ReportSettings()


def reset_report_settings() -> None:
    get_report_settings.cache_clear()
