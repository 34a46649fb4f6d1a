"""Settings of the review desk (environment prefix ``SARING_DESK_``)."""

from __future__ import annotations

from functools import cached_property
from zoneinfo import ZoneInfo

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

KOTABARU_KECAMATAN = (
    "Pulau Laut Utara",
    "Pulau Laut Sigam",
    "Pulau Laut Barat",
    "Pulau Laut Selatan",
    "Pulau Laut Timur",
    "Pulau Laut Tengah",
    "Pulau Laut Kepulauan",
    "Pulau Laut Tanjung Selayar",
    "Pulau Sebuku",
    "Pulau Sembilan",
    "Kelumpang Hilir",
    "Kelumpang Hulu",
    "Kelumpang Selatan",
    "Kelumpang Tengah",
    "Kelumpang Utara",
    "Kelumpang Barat",
    "Hampang",
    "Sungai Durian",
    "Sampanan",
    "Pamukan Selatan",
    "Pamukan Utara",
    "Pamukan Barat",
)


class DeskSettings(BaseSettings):
    """Web desk knobs: sessions, login limits, input limits, display time zone, place names."""

    model_config = SettingsConfigDict(env_prefix="SARING_DESK_", env_file=".env", extra="ignore")

    host: str = "127.0.0.1"
    port: int = 8000
    session_hours: int = Field(default=12, ge=1, description="A login lasts this long")
    cookie_secure: bool = Field(default=False, description="Set true behind HTTPS")
    max_failed_logins: int = Field(default=5, ge=1, description="Per IP and username within the window")
    max_failed_logins_per_ip: int = Field(default=30, ge=1)
    login_window_minutes: int = 15
    page_size: int = Field(default=50, ge=5, le=500)
    timezone: str = Field(default="Asia/Makassar", description="Times are shown in this zone (WITA)")
    kecamatan: list[str] = Field(default_factory=lambda: list(KOTABARU_KECAMATAN))
    route_interval_s: float = Field(default=30.0, description="How often new queue items are routed; 0 = off")

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)
