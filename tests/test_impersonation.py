"""Impersonation signals: look-alike names, numbers and money asks against the registry; a registered account
is never its own impostor; the judgement enters the priority and the triage contract; the registry CLI."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from pipelines.accounts import Registry, RegistryError, dump_registry, make_account, read_registry
from pipelines.demo_data import demo_path
from pipelines.impersonation import CATEGORY, apply, assess
from pipelines.lookalike import resemblance, skeleton
from pipelines.scoring import PostToScore, ScoringConfig, score_one
from pipelines.triage import triage_line


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry(read_registry(demo_path("accounts_kotabaru.yaml")))


@pytest.mark.parametrize(
    "candidate, genuine",
    [
        ("bupatl.kotabaru", "bupati.kotabaru"),
        ("kotabaru_0fficial", "kotabaru.official"),
        ("pemkab.kotabaru.official", "pemkabkotabaru"),
        ("bupati_kotabaru_resmi", "bupati.kotabaru"),
        ("real.bupati.kotabaru", "bupati.kotabaru"),
        ("bupаti.kotabaru", "bupati.kotabaru"),  # Cyrillic а
        ("ｂｕｐａｔｉ.kotabaru", "bupati.kotabaru"),  # fullwidth
        ("bupait.kotabaru", "bupati.kotabaru"),  # transposition
    ],
)
def test_lookalikes_resemble_the_genuine_name(candidate, genuine):
    found = resemblance(candidate, genuine)
    assert found is not None and found.strength >= 0.8, (candidate, skeleton(candidate), skeleton(genuine))


@pytest.mark.parametrize(
    "candidate, genuine",
    [
        ("info_kotabaru", "pemkabkotabaru"),
        ("kotabaru_news", "pemkab_kotabaru"),
        ("bupati.kotabaru", "Bupati.Kotabaru"),
    ],
)
def test_unrelated_or_identical_names_do_not_resemble(candidate, genuine):
    assert resemblance(candidate, genuine) is None


def test_registered_account_is_never_its_own_impostor(registry):
    for account in registry.accounts:
        if account.platform in ("whatsapp", "telepon", "web"):
            continue
        for handle in (account.handle, "@" + account.handle, account.handle.upper(), account.profile_url):
            result = assess(
                registry,
                platform=account.platform,
                handle=handle,
                display_name=account.display_name,
                text="Transfer biaya admin ke rek BRI 1234567890, hubungi 0812-3456-7788, saya Bupati",
            )
            assert result.probability == 0.0 and not result.flagged and result.registered is not None


def test_fraud_from_a_lookalike_is_flagged_with_indonesian_reasons(registry):
    result = assess(
        registry,
        platform="facebook",
        handle="bupatl.kotabaru",
        display_name="Bupati Kotabaru",
        text="Ini akun baru saya. Bantu transfer dulu ke rek BRI 0217-0100-9988-507, WA 0852-4711-3390.",
    )
    assert result.flagged and result.probability > 0.95
    assert result.imitates.handle == "bupati.kotabaru"
    codes = {s.code for s in result.signals}
    assert {"handle", "display", "payment", "phone", "money"} <= codes
    assert "021701009988507" in result.numbers and "085247113390" in result.numbers
    assert any("meniru akun resmi @bupati.kotabaru" in r for r in result.reasons())
    contract = result.as_contract()
    assert set(contract) == {"probability", "imitates", "signals"} and contract["imitates"]["skpd"] == "setda"


@pytest.mark.parametrize(
    "handle, name, text",
    [
        (
            "info_kotabaru",
            "Info Kotabaru",
            "Bupati Kotabaru H. Rahmadi Saleh meresmikan dermaga di Pulau Sebuku.",
        ),
        ("warung.acil", "Warung Acil", "Transfer ke rek BCA 1234567890 ya kak, pulsa juga ada"),
        (
            "warga.ktb",
            "Warga",
            "Waspada akun palsu mengatasnamakan Bupati Kotabaru minta transfer ke 0812-3456-7788!",
        ),
        ("anak.kotabaru.asli", "Anak Kotabaru Asli", "Pemandangan pantai Siring Laut sore ini"),
        ("nurul.aulia.store", "Nurul Aulia Store", "Ready gamis baru, harga terjangkau"),
    ],
)
def test_ordinary_accounts_and_posts_are_not_flagged(registry, handle, name, text):
    assert not assess(registry, platform="facebook", handle=handle, display_name=name, text=text).flagged


def test_registered_payment_account_is_not_an_unregistered_number(registry):
    result = assess(
        registry,
        platform="facebook",
        handle="bapenda.kotab4ru",
        text="Bayar PBB via transfer ke Bank Kalsel 0010-2030-4050-6",
    )
    assert "payment" not in {s.code for s in result.signals}


def test_forwarded_fraud_message_is_judged_on_its_text(registry):
    result = assess(
        registry,
        platform="whatsapp-tipline",
        handle="wa:+62813****6678",
        text="Selamat pagi, saya Bupati Kotabaru, ini nomor baru saya, tolong simpan. "
        "Bisa bantu transfer dulu 2jt?",
    )
    assert result.flagged and {"claim", "mention", "money"} <= {s.code for s in result.signals}


def test_the_probability_enters_the_priority_and_the_triage_contract(registry):
    from datetime import UTC, datetime

    post = PostToScore(
        post_id=1,
        text="Mohon bantu transfer dana bantuan banjir ke rek BRI 0217010099885 a.n. Rahmadi",
        platform="facebook",
        author_handle="bupati_kotabaru_official",
        author_name="Bupati Kotabaru",
    )
    now = datetime(2026, 11, 21, tzinfo=UTC)
    config = ScoringConfig()
    scored = score_one(post, [], None, [], now=now, config=config)
    assert not scored.queue and scored.priority == 0.0
    judgement = assess(
        registry,
        platform="facebook",
        handle=post.author_handle,
        display_name=post.author_name,
        text=post.text,
    )
    apply(scored, judgement, config)
    assert scored.queue and scored.category == CATEGORY and scored.priority >= config.threshold
    assert scored.components["impersonation"] == judgement.probability
    assert any(r.startswith("peluang akun palsu / penipuan") for r in scored.reasons)

    from pipelines.records import PostRecord

    line = triage_line(PostRecord(source="t", platform="facebook", external_id="x", text=post.text), scored)
    assert {"id", "queued", "priority", "hoax_probability", "stance", "matches", "reasons"} < set(line)
    assert line["impersonation"]["probability"] == round(judgement.probability, 4)
    assert line["impersonation"]["imitates"]["handle"] == "bupati.kotabaru"
    json.dumps(line)


def test_registry_files_round_trip_and_bad_rows_are_refused(tmp_path, registry):
    for name in ("r.csv", "r.yaml"):
        dump_registry(registry.accounts, tmp_path / name)
        again = read_registry(tmp_path / name)
        assert [a.as_row() for a in again] == [a.as_row() for a in registry.accounts]
    with pytest.raises(RegistryError, match="platform 'myspace'"):
        make_account({"skpd": "x", "platform": "myspace", "handle": "a"})
    with pytest.raises(RegistryError, match="kolom tidak dikenal"):
        make_account({"skpd": "x", "platform": "x", "handle": "a", "password": "1"})


def test_accounts_cli_imports_lists_exports_and_audits(tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    from saring.cli.main import app
    from saring.db import session_scope
    from saring.db.tables.core import AuditLog

    runner = CliRunner()
    source = demo_path("accounts_kotabaru.yaml")
    first = runner.invoke(app, ["accounts", "import", str(source)], catch_exceptions=False)
    assert first.exit_code == 0 and "20 added" in first.output
    again = runner.invoke(app, ["accounts", "import", str(source)], catch_exceptions=False)
    assert "0 added, 0 updated, 20 unchanged" in again.output
    listed = runner.invoke(app, ["accounts", "list", "--skpd", "setda"], catch_exceptions=False)
    assert "@bupati.kotabaru" in listed.output and "8 registered accounts" in listed.output
    out = tmp_path / "export.csv"
    assert runner.invoke(app, ["accounts", "export", str(out)]).exit_code == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    lines = [line for line in lines if "baznaskotabaru" not in line]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    replaced = runner.invoke(app, ["accounts", "import", str(out), "--replace", "--actor", "uji"])
    assert "1 removed" in replaced.output, replaced.output
    bad = tmp_path / "bad.csv"
    bad.write_text("skpd,platform,handle\nsetda,myspace,abc\n", encoding="utf-8")
    refused = runner.invoke(app, ["accounts", "import", str(bad)])
    assert refused.exit_code == 1 and "bad.csv baris 2" in refused.output
    with session_scope() as session:
        actions = [
            a.action for a in session.query(AuditLog).filter(AuditLog.entity_type == "official_account")
        ]
    assert actions.count("account.add") == 20 and actions.count("account.remove") == 1


def test_a_link_to_a_lookalike_of_the_official_site_is_a_signal(registry):
    result = assess(
        registry,
        platform="facebook",
        handle="bupatl.kotabaru",
        text="Daftar bantuan di https://kotabarukab-go.id/daftar, resmi dari https://kotabarukab.go.id",
    )
    domains = [s for s in result.signals if s.code == "domain"]
    assert [s.evidence for s in domains] == ["kotabarukab-go.id"]
