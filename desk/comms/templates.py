"""Message templates per channel: sandboxed Jinja2, stored in the database, versioned; defaults written here.

Templates only arrange facts the officers entered or the knowledge base holds; they never generate content.
Variables a template may use are listed in :data:`VARIABLES`; an unknown name is refused when the template is
saved (StrictUndefined), so a typo cannot slip into a published text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup, escape
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from saring.db.base import utcnow
from saring.db.tables.comms import ClarificationTemplate

CHANNELS: dict[str, str] = {
    "x": "X (Twitter)",
    "instagram": "Instagram",
    "facebook": "Facebook",
    "whatsapp": "WhatsApp",
    "tiktok": "TikTok",
    "web": "Artikel situs web",
}
HTML_CHANNELS = frozenset({"web"})
MAX_TEMPLATE_CHARS = 10_000
MAX_OUTPUT_CHARS = 100_000

VARIABLES: dict[str, str] = {
    "label": "Label: HOAKS, DISINFORMASI, MISINFORMASI atau PENIPUAN",
    "judul": "Judul klarifikasi tanpa label",
    "klaim": "Klaim yang beredar (tautan dalam klaim sudah dihapus)",
    "fakta": "Fakta yang sebenarnya",
    "sumber": "Sumber fakta (cek fakta rujukan atau pernyataan SKPD)",
    "tautan_sumber": "Tautan sumber (boleh kosong)",
    "skpd": "SKPD penanggung jawab (boleh kosong)",
    "pemda": "Nama Pemda, mis. Pemerintah Kabupaten Kotabaru",
    "kabupaten": "Nama kabupaten",
    "dinas": "Dinas pengelola komunikasi, mis. Diskominfo Kotabaru",
    "kontak": "Kontak resmi (call center, WhatsApp, surel, media center)",
    "situs": "Situs resmi (boleh kosong)",
    "tautan_artikel": "Tautan artikel klarifikasi di situs (boleh kosong)",
    "tanggal": "Tanggal klarifikasi, mis. 23 November 2026",
    "tagar": "Tagar, mis. #SaringSebelumSharing #LawanHoaks",
}

DEFAULT_TEMPLATES: dict[str, str] = {
    "x": """\
[{{ label }}] {{ judul }}

Beredar informasi yang menyebutkan: "{{ klaim }}"

Faktanya: {{ fakta }}

Sumber: {{ sumber }}{{ tautan_sumber|apit(" ") }}

{% if tautan_artikel %}
Penjelasan lengkap: {{ tautan_artikel }}

{% endif %}
Informasi resmi: {{ kontak }}. Mohon tidak ikut menyebarkan. Saring sebelum sharing! {{ tagar }}
""",
    "instagram": """\
[{{ label }}] {{ judul }}

Sobat {{ kabupaten }}, beredar unggahan yang menyebutkan:
"{{ klaim }}"

FAKTANYA:
{{ fakta }}

Sumber: {{ sumber }}
{% if skpd %}
Penanggung jawab: {{ skpd }}
{% endif %}

Bila menerima informasi serupa, mohon tidak disebarkan. Pastikan kebenarannya melalui kanal resmi {{ pemda }}:
{{ kontak }}
{% if situs %}
{{ situs }}
{% endif %}
{% if tautan_artikel %}
Penjelasan lengkap: tautan di bio.
{% endif %}

Saring sebelum sharing!

{{ tagar }}
""",
    "facebook": """\
[{{ label }}] {{ judul }}

Beredar informasi di media sosial dan grup percakapan yang menyebutkan:
"{{ klaim }}"

FAKTANYA:
{{ fakta }}

Sumber: {{ sumber }}{{ tautan_sumber|apit(" (", ")") }}

{% if skpd %}
Perangkat daerah penanggung jawab: {{ skpd }}.

{% endif %}
{% if tautan_artikel %}
Baca penjelasan lengkap: {{ tautan_artikel }}

{% endif %}
Masyarakat diimbau untuk tidak menyebarkan informasi tersebut dan selalu memeriksa kebenaran informasi \
melalui kanal resmi {{ pemda }}: {{ kontak }}{{ situs|apit(" · ") }}.

Saring sebelum sharing!
{{ tagar }}
""",
    "whatsapp": """\
*[{{ label }}] {{ judul }}*

Beredar pesan berantai yang menyebutkan:
_"{{ klaim }}"_

*Faktanya:*
{{ fakta }}

*Sumber:* {{ sumber }}{{ tautan_sumber|apit(" ") }}

{% if tautan_artikel %}
Penjelasan lengkap: {{ tautan_artikel }}

{% endif %}
Mohon *tidak meneruskan* pesan tersebut. Bila ragu, tanyakan ke kanal resmi: {{ kontak }}

_{{ pemda }}_
""",
    "tiktok": """\
[{{ label }}] {{ judul }}
Beredar klaim: "{{ klaim }}"
Faktanya: {{ fakta }}
Sumber: {{ sumber }}
Jangan ikut menyebarkan! Info resmi: {{ kontak }}
{{ tagar }}
""",
    "web": """\
<article class="klarifikasi">
  <p class="label label-{{ label|lower }}">{{ label }}</p>
  <h1>[{{ label }}] {{ judul }}</h1>
  <p class="meta">{{ pemda }} · {{ tanggal }}</p>
  <h2>Klaim yang beredar</h2>
  <blockquote>{{ klaim }}</blockquote>
  <h2>Faktanya</h2>
  {{ fakta|paragraf }}
  <h2>Sumber</h2>
  <p>{{ sumber }}{% if tautan_sumber %}
    — <a href="{{ tautan_sumber }}" rel="noopener">{{ tautan_sumber }}</a>{% endif %}</p>
  {% if skpd %}
  <p>Perangkat daerah penanggung jawab: {{ skpd }}.</p>
  {% endif %}
  <h2>Kontak resmi</h2>
  <p>{{ kontak }}{% if situs %} · <a href="{{ situs }}">{{ situs }}</a>{% endif %}</p>
  <p class="ajakan"><strong>Jangan sebarkan informasi yang belum jelas kebenarannya.
    Saring sebelum sharing!</strong></p>
</article>
""",
}


class TemplateInvalid(ValueError):
    """A template that does not compile or uses an unknown variable; the message is for the officer."""


@dataclass(frozen=True, slots=True)
class ActiveTemplate:
    """The template text a channel renders with, and its version."""

    channel: str
    version: int
    body: str


def paragraphs(text: Any) -> Markup:
    """Plain text -> escaped <p> paragraphs (one per line block)."""
    blocks = [b.strip() for b in re.split(r"\n\s*\n|\n", str(text or "")) if b.strip()]
    return Markup("\n  ".join(f"<p>{escape(b)}</p>" for b in blocks))


def flank(value: Any, before: str = "", after: str = "") -> str:
    """``{{ tautan|apit(" (", ")") }}``: the value between two strings, or nothing when it is empty."""
    return f"{before}{value}{after}" if value else ""


def _environment(html: bool) -> ImmutableSandboxedEnvironment:
    env = ImmutableSandboxedEnvironment(
        autoescape=html,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters["paragraf"] = paragraphs
    env.filters["apit"] = flank
    return env


_ENVS = {True: _environment(True), False: _environment(False)}


def sample_context() -> dict[str, str]:
    """Example values for previews and for checking a template before it is saved."""
    return {
        "label": "HOAKS",
        "judul": "Pendaftaran BLT Rp600 Ribu Lewat Tautan",
        "klaim": "Pendaftaran BLT Rp600 ribu untuk warga dibuka lewat [tautan dihapus], isi NIK dan KK.",
        "fakta": "Dinas Sosial memastikan tidak ada pendaftaran BLT melalui tautan tersebut. Penyaluran "
        "bansos hanya melalui data DTKS dan diumumkan di kanal resmi.",
        "sumber": "Dinas Sosial Kabupaten Contoh; cek fakta TurnBackHoax",
        "tautan_sumber": "https://turnbackhoax.id/contoh",
        "skpd": "Dinas Sosial",
        "pemda": "Pemerintah Kabupaten Contoh",
        "kabupaten": "Contoh",
        "dinas": "Diskominfo Contoh",
        "kontak": "Call center 112 · WhatsApp 0800-000-000",
        "situs": "https://contohkab.go.id",
        "tautan_artikel": "https://contohkab.go.id/klarifikasi/blt",
        "tanggal": "23 November 2026",
        "tagar": "#SaringSebelumSharing #LawanHoaks #Contoh",
    }


def tidy(text: str) -> str:
    """Trailing spaces off, at most one blank line in a row, no blank lines at the ends."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def render_text(channel: str, body: str, context: dict[str, Any]) -> str:
    """Render one template body in the sandbox; raises TemplateInvalid with an Indonesian message."""
    env = _ENVS[channel in HTML_CHANNELS]
    try:
        output = env.from_string(body).render(**context)
    except TemplateError as exc:
        raise TemplateInvalid(_explain(exc)) from exc
    if len(output) > MAX_OUTPUT_CHARS:
        raise TemplateInvalid(f"Hasil templat terlalu panjang ({len(output)} karakter).")
    return output.strip() if channel in HTML_CHANNELS else tidy(output)


def _explain(exc: TemplateError) -> str:
    message = str(exc.message or exc)
    undefined = re.search(r"'([^']+)' is undefined", message)
    if undefined:
        return (
            f"Variabel '{undefined.group(1)}' tidak dikenal. Variabel yang tersedia: {', '.join(VARIABLES)}."
        )
    line = getattr(exc, "lineno", None)
    where = f" (baris {line})" if line else ""
    return f"Templat tidak dapat dipakai{where}: {message}"


def check_template(channel: str, body: str) -> str:
    """Validate a template against the sample data; returns the preview text."""
    if channel not in CHANNELS:
        raise TemplateInvalid(f"Kanal tidak dikenal: {channel}.")
    if not body.strip():
        raise TemplateInvalid("Templat tidak boleh kosong.")
    if len(body) > MAX_TEMPLATE_CHARS:
        raise TemplateInvalid(
            f"Templat terlalu panjang ({len(body)} karakter; maksimal {MAX_TEMPLATE_CHARS})."
        )
    preview = render_text(channel, body, sample_context())
    if not preview.strip():
        raise TemplateInvalid("Templat menghasilkan teks kosong.")
    return preview


# ---------------------------------------------------------------- stored versions


def ensure_default_templates(session: Session) -> int:
    """Store version 1 of each channel's default template where a channel has none; returns how many."""
    have = set(session.scalars(select(ClarificationTemplate.channel).distinct()))
    added = 0
    for channel, body in DEFAULT_TEMPLATES.items():
        if channel not in have:
            session.add(
                ClarificationTemplate(
                    channel=channel,
                    version=1,
                    body=body,
                    author="sistem",
                    note="Templat bawaan",
                    active=True,
                    created_at=utcnow(),
                )
            )
            added += 1
    if added:
        session.flush()
    return added


def active_templates(session: Session) -> dict[str, ActiveTemplate]:
    """The active template of every channel (defaults are stored first when missing)."""
    ensure_default_templates(session)
    rows = session.scalars(select(ClarificationTemplate).where(ClarificationTemplate.active.is_(True)))
    found = {r.channel: ActiveTemplate(r.channel, r.version, r.body) for r in rows}
    for channel, body in DEFAULT_TEMPLATES.items():  # a channel whose versions were all switched off
        found.setdefault(channel, ActiveTemplate(channel, 0, body))
    return found


def versions(session: Session, channel: str) -> list[ClarificationTemplate]:
    """Every stored version of a channel's template, newest first."""
    ensure_default_templates(session)
    query = select(ClarificationTemplate).where(ClarificationTemplate.channel == channel)
    return list(session.scalars(query.order_by(ClarificationTemplate.version.desc())))


def save_version(
    session: Session, channel: str, body: str, *, author: str, note: str = ""
) -> ClarificationTemplate:
    """Check a template and store it as the channel's next version, made active."""
    check_template(channel, body)
    ensure_default_templates(session)
    latest = (
        session.scalar(
            select(func.max(ClarificationTemplate.version)).where(ClarificationTemplate.channel == channel)
        )
        or 0
    )
    session.execute(
        update(ClarificationTemplate).where(ClarificationTemplate.channel == channel).values(active=False)
    )
    row = ClarificationTemplate(
        channel=channel,
        version=latest + 1,
        body=body.replace("\r\n", "\n"),
        author=author,
        note=note.strip()[:500],
        active=True,
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    return row


def activate_version(session: Session, channel: str, version: int) -> ClarificationTemplate:
    """Make an older (or newer) stored version the active one."""
    row = session.scalar(
        select(ClarificationTemplate).where(
            ClarificationTemplate.channel == channel, ClarificationTemplate.version == version
        )
    )
    if row is None:
        raise TemplateInvalid(f"Versi {version} templat {CHANNELS.get(channel, channel)} tidak ada.")
    session.execute(
        update(ClarificationTemplate).where(ClarificationTemplate.channel == channel).values(active=False)
    )
    row.active = True
    session.flush()
    return row
