"""Message templates: stored and versioned in the database, rendered in a sandbox, checked before saving."""

from __future__ import annotations

import pytest

from desk.comms.templates import (
    CHANNELS,
    DEFAULT_TEMPLATES,
    TemplateInvalid,
    activate_version,
    active_templates,
    check_template,
    ensure_default_templates,
    render_text,
    sample_context,
    save_version,
    versions,
)
from saring.db.session import session_scope


def test_defaults_are_stored_once_as_version_1(db_url):
    with session_scope(db_url) as session:
        assert ensure_default_templates(session) == len(CHANNELS)
        assert ensure_default_templates(session) == 0
        active = active_templates(session)
        assert {c: (t.version, t.body) for c, t in active.items()} == {
            c: (1, body) for c, body in DEFAULT_TEMPLATES.items()
        }


def test_saving_makes_a_new_active_version_and_old_ones_can_return(db_url):
    with session_scope(db_url) as session:
        body = "[{{ label }}] {{ judul }} — {{ fakta }} Info: {{ kontak }} {{ tagar }}"
        row = save_version(session, "tiktok", body, author="dedi.humas", note="lebih ringkas")
        assert (row.version, row.active, row.author) == (2, True, "dedi.humas")
        assert active_templates(session)["tiktok"].body == body
        assert [v.version for v in versions(session, "tiktok")] == [2, 1]
        assert sum(v.active for v in versions(session, "tiktok")) == 1
        activate_version(session, "tiktok", 1)
        assert active_templates(session)["tiktok"].version == 1
        assert active_templates(session)["x"].version == 1  # other channels untouched
        with pytest.raises(TemplateInvalid, match="Versi 9"):
            activate_version(session, "tiktok", 9)


def test_unknown_variables_and_broken_syntax_are_refused_in_indonesian():
    with pytest.raises(TemplateInvalid, match="Variabel 'nomer_hp' tidak dikenal"):
        check_template("facebook", "Hubungi {{ nomer_hp }}")
    with pytest.raises(TemplateInvalid, match="baris 2"):
        check_template("facebook", "Baris satu\n{% if label %}tanpa penutup")
    with pytest.raises(TemplateInvalid, match="kosong"):
        check_template("x", "   ")
    with pytest.raises(TemplateInvalid, match="Kanal"):
        check_template("telegram", "{{ label }}")


def test_the_sandbox_blocks_reaching_into_python():
    with pytest.raises(TemplateInvalid):
        check_template("x", "{{ label.__class__.__mro__[1].__subclasses__() }}")
    with pytest.raises(TemplateInvalid):
        check_template("x", "{{ judul.upper.__globals__ }}")


def test_web_template_escapes_data_and_keeps_paragraphs():
    context = sample_context() | {"fakta": "Baris <b>satu</b>\nBaris dua", "judul": "A & B"}
    html = render_text("web", "<h1>{{ judul }}</h1>{{ fakta|paragraf }}", context)
    assert html == "<h1>A &amp; B</h1><p>Baris &lt;b&gt;satu&lt;/b&gt;</p>\n  <p>Baris dua</p>"


def test_optional_parts_disappear_cleanly():
    body = (
        "Sumber: {{ sumber }}{{ tautan_sumber|apit(' (', ')') }}\n"
        "{% if situs %}\nSitus: {{ situs }}\n{% endif %}\nAkhir"
    )
    with_links = render_text("facebook", body, sample_context())
    assert (
        with_links
        == "Sumber: Dinas Sosial Kabupaten Contoh; cek fakta TurnBackHoax (https://turnbackhoax.id/contoh)\n"
        "Situs: https://contohkab.go.id\nAkhir"
    )
    bare = render_text("facebook", body, sample_context() | {"tautan_sumber": "", "situs": ""})
    assert bare == "Sumber: Dinas Sosial Kabupaten Contoh; cek fakta TurnBackHoax\nAkhir"
