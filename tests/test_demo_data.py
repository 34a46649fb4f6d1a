"""Checks that the shipped demo data is complete, consistent and parseable."""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from datetime import date, datetime, timedelta

import pytest
import yaml

from pipelines.demo_data import DEMO_DIR, demo_path

KB_KEYS = {
    "kb_id",
    "source",
    "url",
    "publisher",
    "published_date",
    "verdict",
    "category",
    "title",
    "claim_text",
    "explanation",
    "conclusion",
    "references",
    "language",
    "text_quality",
}
SOURCES = {"pemda-kotabaru", "turnbackhoax-demo", "komdigi-demo", "cekfakta-demo"}
VERDICTS = {"SALAH", "HOAKS", "PENIPUAN", "DISINFORMASI", "MISINFORMASI"}
CATEGORIES = {
    "bansos",
    "rekrutmen",
    "penipuan",
    "bencana",
    "kesehatan",
    "energi",
    "pemilu",
    "pendidikan",
    "infrastruktur",
    "keamanan",
}
PLATFORMS = {"facebook", "instagram", "x", "tiktok", "youtube", "whatsapp-tipline", "news"}
EXPECTED = re.compile(r"^(hoax_match:demo-kb-\d{3}|hoax_new|unrelated|debunk_report)$")
URL = re.compile(r"^https?://[^\s/]+\.[a-z]{2,}(/\S*)?$")


def _jsonl(name: str) -> list[dict]:
    return [json.loads(line) for line in demo_path(name).read_text(encoding="utf-8").splitlines() if line]


@pytest.fixture(scope="module")
def kb() -> dict[str, dict]:
    rows = _jsonl("kb_clarifications.jsonl")
    ids = [r["kb_id"] for r in rows]
    assert len(ids) == len(set(ids)), "duplicate kb_id"
    return {r["kb_id"]: r for r in rows}


def _valid_post(line: str) -> dict | None:
    """The post in one line, or None when the line is malformed."""
    try:
        obj = json.loads(line)
    except json.JSONDecodeError:
        return None
    if not isinstance(obj, dict) or not isinstance(obj.get("id"), str):
        return None
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        return None
    return obj


@pytest.fixture(scope="module")
def post_lines() -> list[str]:
    return demo_path("posts.jsonl").read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="module")
def posts(post_lines: list[str]) -> dict[str, dict]:
    valid = [p for p in map(_valid_post, post_lines) if p is not None]
    ids = [p["id"] for p in valid]
    assert len(ids) == len(set(ids)), "duplicate post id"
    return {p["id"]: p for p in valid}


def test_demo_path_finds_files_and_rejects_unknown_names() -> None:
    assert demo_path("posts.jsonl") == DEMO_DIR / "posts.jsonl"
    with pytest.raises(FileNotFoundError, match="no demo data file"):
        demo_path("tidak-ada.jsonl")


def test_kb_items_are_complete(kb: dict[str, dict]) -> None:
    assert len(kb) >= 70
    for kb_id, item in kb.items():
        assert set(item) == KB_KEYS, kb_id
        assert re.fullmatch(r"demo-kb-\d{3}", kb_id)
        assert item["source"] in SOURCES, kb_id
        assert item["verdict"] in VERDICTS, kb_id
        assert item["category"] in CATEGORIES, kb_id
        assert item["language"] == "id" and item["text_quality"] == "full", kb_id
        for key in ("publisher", "title", "claim_text", "explanation", "conclusion"):
            assert isinstance(item[key], str) and item[key].strip(), (kb_id, key)
        assert re.match(r"^(\[[A-Z]+\] |Klarifikasi: )", item["title"]), kb_id
        assert 2 <= len(re.findall(r"[.!?](?:\s|$)", item["explanation"])) <= 6, kb_id
        assert 2024 <= date.fromisoformat(item["published_date"]).year <= 2026, kb_id
        assert URL.match(item["url"]), kb_id
        assert item["url"].split("/")[2].endswith((".example", "kotabarukab.go.id")), kb_id
        assert item["references"] and all(URL.match(u) for u in item["references"]), kb_id


def test_kb_items_are_distinct_and_cover_every_category(kb: dict[str, dict]) -> None:
    for key in ("title", "claim_text", "explanation", "url"):
        values = [item[key] for item in kb.values()]
        assert len(values) == len(set(values)), key
    per_category = Counter(item["category"] for item in kb.values())
    assert set(per_category) == CATEGORIES
    assert min(per_category.values()) >= 5
    assert set(Counter(item["source"] for item in kb.values())) == SOURCES


def test_malformed_lines_are_exactly_where_the_readme_says(post_lines: list[str]) -> None:
    readme = demo_path("README.md").read_text(encoding="utf-8")
    found = re.search(r"^Malformed lines \(1-based\): ([\d, ]+)$", readme, re.MULTILINE)
    assert found, "README must list the malformed line numbers"
    documented = {int(n) for n in found.group(1).split(",")}
    actual = {n for n, line in enumerate(post_lines, 1) if _valid_post(line) is None}
    assert actual == documented
    assert len(documented) == 5
    # each of the five defects is present once
    kinds = set()
    for n in documented:
        line = post_lines[n - 1]
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            kinds.add("broken")
            continue
        if isinstance(obj, list):
            kinds.add("array")
        elif not isinstance(obj.get("id"), str):
            kinds.add("non-string id")
        elif "text" not in obj:
            kinds.add("no text")
        elif obj["text"] == "":
            kinds.add("empty text")
    assert kinds == {"broken", "array", "non-string id", "no text", "empty text"}


def test_posts_are_well_formed(posts: dict[str, dict]) -> None:
    assert len(posts) >= 220
    for pid, post in posts.items():
        assert re.fullmatch(r"demo-post-\d{4}", pid)
        assert post["platform"] in PLATFORMS, pid
        assert isinstance(post["author_handle"], str) and post["author_handle"], pid
        if post["platform"] == "whatsapp-tipline":
            assert post["url"] is None, pid
        else:
            assert URL.match(post["url"]) and ".example/" in post["url"], pid
        posted = datetime.fromisoformat(post["posted_at"])
        assert posted.utcoffset() == timedelta(hours=8), pid
        assert datetime(2026, 8, 1).date() <= posted.date() <= datetime(2026, 12, 31).date(), pid
        eng = post["engagement"]
        assert set(eng) == {"likes", "shares", "comments", "views"}, pid
        assert all(isinstance(v, int) and v >= 0 for v in eng.values()), pid
        assert EXPECTED.match(post["expected"]), pid
        assert post.get("lang") in (None, "bjn", "jv"), pid
    texts = [p["text"] for p in posts.values()]
    assert len(texts) == len(set(texts)), "post texts must be distinct"


def test_post_mix_matches_the_readme(posts: dict[str, dict]) -> None:
    kinds = Counter(p["expected"].split(":")[0] for p in posts.values())
    assert kinds["hoax_match"] >= 100 and kinds["unrelated"] >= 55
    assert kinds["hoax_new"] >= 12 and kinds["debunk_report"] >= 8
    langs = Counter(p.get("lang") for p in posts.values())
    assert langs["bjn"] >= 8 and langs["jv"] >= 6
    assert sum("dup_of" in p for p in posts.values()) >= 20
    url_only = [p for p in posts.values() if re.fullmatch(r"https?://\S+", p["text"])]
    assert 2 <= len(url_only) <= 3
    assert sum(len(p["text"].split()) < 8 for p in posts.values()) >= 5
    readme = demo_path("README.md").read_text(encoding="utf-8")
    assert f"{len(posts)} valid posts" in readme


def test_every_hoax_match_points_to_an_earlier_kb_item(posts: dict[str, dict], kb: dict[str, dict]) -> None:
    for pid, post in posts.items():
        if post["expected"].startswith("hoax_match:"):
            kb_id = post["expected"].split(":", 1)[1]
            assert kb_id in kb, (pid, kb_id)
            assert (
                date.fromisoformat(kb[kb_id]["published_date"])
                < datetime.fromisoformat(post["posted_at"]).date()
            ), pid
        if "about_kb" in post:
            assert post["expected"] == "debunk_report" and post["about_kb"] in kb, pid


def test_near_duplicates_follow_their_original(posts: dict[str, dict]) -> None:
    for pid, post in posts.items():
        if "dup_of" not in post:
            continue
        original = posts[post["dup_of"]]
        assert original["expected"] == post["expected"], pid
        assert original["posted_at"] <= post["posted_at"], pid
        assert original["text"] != post["text"], pid


def test_gazetteer_parses_and_is_consistent() -> None:
    gaz = yaml.safe_load(demo_path("gazetteer_kotabaru.yaml").read_text(encoding="utf-8"))
    assert gaz["kabupaten"]["name"] == "Kotabaru"
    kecamatan = [k["name"] for k in gaz["kecamatan"]]
    assert len(kecamatan) == len(set(kecamatan)) == 22
    assert {"Pulau Laut Utara", "Kelumpang Hilir", "Sampanahan", "Pamukan Utara", "Hampang"} <= set(kecamatan)
    for place in gaz["places"]:
        assert place["name"] and place["kind"]
        assert place.get("kecamatan") in (None, *kecamatan), place["name"]
    skpd_names = [s["name"] for s in gaz["skpd"]]
    assert len(skpd_names) == len(set(skpd_names)) >= 15
    aliases = {a for s in gaz["skpd"] for a in s["aliases"]}
    assert {
        "Dinsos",
        "BKPSDM",
        "BPBD",
        "Dinkes",
        "Diskominfo",
        "Disdik",
        "Dinas PUPR",
        "Disdukcapil",
        "Satpol PP",
        "RSUD",
        "Bagian Prokopim",
    } <= aliases
    for entry in gaz["skpd"] + gaz["agencies"]:
        assert entry["aliases"] and set(entry["categories"]) <= CATEGORIES, entry["name"]
    assert all(0 < w <= 1 for w in gaz["weights"].values())


def test_slang_dictionary_parses() -> None:
    rows = [
        line
        for line in demo_path("slang_id.tsv").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    reader = list(csv.reader(rows, delimiter="\t", quoting=csv.QUOTE_NONE))
    assert reader[0] == ["slang", "standard"]
    entries = reader[1:]
    assert len(entries) >= 250
    assert all(len(row) == 2 and row[0] and row[1].strip() for row in entries)
    keys = [row[0] for row in entries]
    assert len(keys) == len(set(keys)), "duplicate slang key"
    assert all(k == k.lower() and " " not in k for k in keys)
    table = dict(entries)
    for slang, standard in {
        "gak": "tidak",
        "yg": "yang",
        "dgn": "dengan",
        "utk": "untuk",
        "sdh": "sudah",
        "blm": "belum",
        "krn": "karena",
        "jgn": "jangan",
        "bpk": "bapak",
    }.items():
        assert table[slang] == standard


def test_sources_config_points_at_demo_files() -> None:
    config = yaml.safe_load(demo_path("sources.yaml").read_text(encoding="utf-8"))
    names = [s["name"] for s in config["sources"]]
    assert len(names) == len(set(names)) >= 1
    for source in config["sources"]:
        assert set(source) == {"name", "kind", "location", "schedule", "region_tags"}
        assert len(source["schedule"].split()) == 5
        assert source["region_tags"]
        if source["kind"] == "jsonl_drop":
            assert (DEMO_DIR / source["location"]).is_file()


def test_labelled_pairs_agree_with_posts(posts: dict[str, dict], kb: dict[str, dict]) -> None:
    pairs = _jsonl("labelled_pairs.jsonl")
    assert len(pairs) >= 70
    assert len({p["pair_id"] for p in pairs}) == len(pairs)
    labels = Counter(p["label"] for p in pairs)
    assert set(labels) == {0, 1} and min(labels.values()) >= 30
    for pair in pairs:
        assert pair["kb_id"] in kb
        post = posts[pair["post_id"]]
        assert pair["text"] == post["text"]
        is_match = post["expected"] == f"hoax_match:{pair['kb_id']}"
        assert is_match == (pair["label"] == 1), pair["pair_id"]
