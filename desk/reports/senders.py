"""Pluggable senders of outbox messages: SMTP, a JSON webhook (the Pemda's own gateway), a folder, none.

No third-party messaging API is called: WhatsApp and SMS go to a gateway URL the Pemda runs, or to files.
"""

from __future__ import annotations

import json
import smtplib
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

from desk.reports.settings import ReportSettings
from saring.config import get_settings


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One message as a sender sees it."""

    message_id: int
    channel: str
    recipient: str
    subject: str
    body: str


class SendFailed(RuntimeError):
    """Sending failed; the message stays in the outbox and is retried."""


class Sender(Protocol):
    name: str

    def send(self, message: Outgoing) -> None: ...


class NoSender:
    """Keeps messages queued (a channel nobody configured)."""

    name = "none"

    def send(self, message: Outgoing) -> None:
        raise SendFailed(f"tidak ada pengirim untuk kanal {message.channel}")


class FileSender:
    """Writes each message as a JSON file (for a gateway that picks files up, or for inspection)."""

    name = "file"

    def __init__(self, folder: Path):
        self.folder = folder

    def send(self, message: Outgoing) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{message.message_id:08d}-{message.channel}.json"
        tmp = path.with_suffix(".part")
        tmp.write_text(json.dumps(_payload(message), ensure_ascii=False, indent=1), encoding="utf-8")
        tmp.replace(path)


class WebhookSender:
    """POSTs the message as JSON to a URL; any status other than 2xx is a failure."""

    name = "webhook"

    def __init__(self, url: str | None, timeout: float):
        self.url, self.timeout = url, timeout

    def send(self, message: Outgoing) -> None:
        url = message.recipient if message.channel == "webhook" else self.url
        if not url or not url.startswith(("http://", "https://")):
            raise SendFailed("alamat webhook tidak diatur")
        request = urllib.request.Request(
            url,
            data=json.dumps(_payload(message), ensure_ascii=False).encode("utf-8"),
            headers={"Content-Type": "application/json; charset=utf-8"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                if not 200 <= response.status < 300:
                    raise SendFailed(f"webhook menjawab {response.status}")
        except OSError as exc:
            raise SendFailed(f"webhook gagal: {exc}") from exc


class SmtpSender:
    """Sends e-mail through an SMTP server (STARTTLS and login when configured)."""

    name = "smtp"

    def __init__(self, settings: ReportSettings):
        self.settings = settings

    def send(self, message: Outgoing) -> None:
        s = self.settings
        mail = EmailMessage()
        mail["From"], mail["To"] = s.smtp_from, message.recipient
        mail["Subject"] = message.subject or "Saring"
        mail["Message-ID"] = f"<saring-outbox-{message.message_id}@{s.smtp_from.split('@')[-1]}>"
        mail.set_content(message.body)
        try:
            with smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.send_timeout_s) as smtp:
                if s.smtp_starttls:
                    smtp.starttls()
                if s.smtp_user:
                    smtp.login(s.smtp_user, s.smtp_password or "")
                smtp.send_message(mail)
        except (OSError, smtplib.SMTPException) as exc:
            raise SendFailed(f"SMTP gagal: {exc}") from exc


def _payload(message: Outgoing) -> dict:
    return {
        "id": message.message_id,
        "channel": message.channel,
        "recipient": message.recipient,
        "subject": message.subject,
        "body": message.body,
    }


def make_sender(kind: str, settings: ReportSettings) -> Sender:
    """The sender a setting names (``none``, ``file``, ``smtp``, ``webhook``)."""
    folder = settings.outbox_dir or get_settings().home / "reports" / "outbox"
    if kind == "file":
        return FileSender(folder)
    if kind == "smtp":
        return SmtpSender(settings)
    if kind == "webhook":
        return WebhookSender(settings.gateway_url, settings.send_timeout_s)
    if kind == "none":
        return NoSender()
    raise ValueError(f"unknown sender {kind!r}: use none, file, smtp or webhook")


def senders_from(settings: ReportSettings) -> dict[str, Sender]:
    """One sender per channel, as configured."""
    return {
        "email": make_sender(settings.sender_email, settings),
        "whatsapp": make_sender(settings.sender_whatsapp, settings),
        "sms": make_sender(settings.sender_sms, settings),
        "webhook": make_sender(settings.sender_webhook, settings),
    }
