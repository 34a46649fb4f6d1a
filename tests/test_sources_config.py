"""Sources YAML config and the connector registry."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.sources import CONNECTORS, SourceError, read_source
from pipelines.sources.config import SourcesConfigError, load_sources_config, parse_sources_config

SAMPLES = Path(__file__).parent / "samples" / "sources"


def test_good_config_resolves_locations_and_reads():
    config = load_sources_config(SAMPLES / "sources.yaml")
    assert [s.name for s in config.sources] == ["x-kotabaru", "fb-kabar-kotabaru", "berita-banua", "tipline"]
    assert [s.name for s in config.enabled()] == ["x-kotabaru", "fb-kabar-kotabaru", "tipline"]
    x = config.get("x-kotabaru")
    assert x.region_tags == ["kotabaru", "kalsel"]
    assert Path(x.location) == SAMPLES / "x_search_recent.json"
    assert config.get("fb-kabar-kotabaru").schedule == "0 * * * *"
    assert config.get("berita-banua").location == "https://berita-banua.example/feed.xml"
    assert config.get("tipline").schedule is None
    for entry in config.enabled():
        result = read_source(entry.kind, entry.location, entry.name, None, entry.options)
        assert result.posts, entry.name


def test_bad_config_names_file_entry_and_field():
    with pytest.raises(SourcesConfigError) as info:
        load_sources_config(SAMPLES / "sources_bad.yaml")
    message = str(info.value)
    assert "sources_bad.yaml: entry 2 ('bad-cron'), field 'schedule'" in message
    assert "not a cron expression" in message
    assert "entry 3 ('bad-kind'), field 'kind'" in message and "unknown kind 'facebook_scraper'" in message
    assert "entry 4 ('ok-one'), field 'name': duplicate of entry 1" in message
    assert "entry 5, field 'name': Field required" in message
    assert "entry 5, field 'region_tags'" in message


def test_other_shapes():
    assert parse_sources_config(None).sources == []
    listed = parse_sources_config([{"name": "a", "kind": "rss", "location": "https://x/feed"}])
    assert listed.sources[0].enabled is True
    with pytest.raises(SourcesConfigError, match="unknown top-level keys"):
        parse_sources_config({"sumber": []})
    with pytest.raises(SourcesConfigError, match="field .jadwal.: Extra inputs"):
        parse_sources_config([{"name": "a", "kind": "rss", "location": "u", "jadwal": "x"}])
    with pytest.raises(SourcesConfigError, match="file not found"):
        load_sources_config(SAMPLES / "nope.yaml")


def test_registry():
    assert {
        "x_api_v2",
        "meta_export",
        "youtube_data_api",
        "tiktok_research",
        "telegram_export",
        "rss",
        "drop_folder",
        "jsonl_drop",
        "tipline_csv",
    } <= set(CONNECTORS)
    with pytest.raises(SourceError, match="unknown source kind"):
        read_source("myspace", "x", "s")
    with pytest.raises(SourceError, match="location not found"):
        read_source("drop_folder", SAMPLES / "missing", "s")
