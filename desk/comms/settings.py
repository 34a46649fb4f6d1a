"""The Pemda's public voice: name, official contacts, colours, hashtags (env prefix ``SARING_COMMS_``)."""

from __future__ import annotations

import re

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


class CommsSettings(BaseSettings):
    """Contact details and look of the clarifications; empty contacts are simply left out of the texts."""

    model_config = SettingsConfigDict(env_prefix="SARING_COMMS_", env_file=".env", extra="ignore")

    kabupaten: str | None = Field(default=None, description="Defaults to SARING_KABUPATEN")
    pemda_name: str | None = Field(default=None, description="e.g. 'Pemerintah Kabupaten Kotabaru'")
    office_name: str | None = Field(default=None, description="The comms office, e.g. 'Diskominfo Kotabaru'")
    phone: str = Field(default="", description="Official call-centre number")
    whatsapp: str = Field(default="", description="Official WhatsApp complaints number")
    email: str = ""
    website: str = Field(default="", description="Official site, e.g. https://kotabarukab.go.id")
    media_center: str = Field(default="", description="Media center / complaints app address")
    article_base_url: str = Field(default="", description="Where clarification articles are published")
    hashtags: list[str] = Field(default_factory=lambda: ["SaringSebelumSharing", "LawanHoaks"])
    colour_primary: str = Field(default="#0B5C8A", description="Card header and accents")
    colour_secondary: str = Field(default="#F2B705", description="Card stripe")
    colour_alert: str = Field(default="#B3261E", description="The HOAKS stamp")
    index_on_approval: bool = Field(
        default=True, description="Add an approved clarification to an existing KB index at once (desk)"
    )

    @field_validator("colour_primary", "colour_secondary", "colour_alert")
    @classmethod
    def _hex(cls, value: str) -> str:
        if not _HEX.match(value):
            raise ValueError("colours are #RRGGBB")
        return value.upper()

    def resolved_kabupaten(self) -> str:
        if self.kabupaten:
            return self.kabupaten
        from saring.config import get_settings

        return get_settings().kabupaten

    def resolved_pemda_name(self) -> str:
        from factcheck_kb.importers.pemda import publisher_name

        return self.pemda_name or publisher_name(self.resolved_kabupaten())

    def resolved_office_name(self) -> str:
        return self.office_name or f"Diskominfo {self.resolved_kabupaten()}"

    def contact_line(self) -> str:
        """The official contacts in one line, or the comms office when none is configured."""
        parts = []
        if self.phone:
            parts.append(f"Call center {self.phone}")
        if self.whatsapp:
            parts.append(f"WhatsApp {self.whatsapp}")
        if self.email:
            parts.append(self.email)
        if self.media_center:
            parts.append(self.media_center)
        return " · ".join(parts) or self.resolved_office_name()

    def hashtag_list(self) -> list[str]:
        """Configured hashtags plus the kabupaten's, each with one leading '#', no duplicates."""
        tags = [*self.hashtags, self.resolved_kabupaten()]
        out: list[str] = []
        for tag in tags:
            word = re.sub(r"[^0-9A-Za-z_]", "", tag.replace("#", ""))
            if word and f"#{word}".lower() not in (t.lower() for t in out):
                out.append(f"#{word}")
        return out
