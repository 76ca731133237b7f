"""Settings: one declared table drives loading, environment overrides and the example."""

from __future__ import annotations

from pathlib import Path

import pytest

from nashra.errors import ConfigError
from nashra.settings import SETTINGS, example_config, load_config


def test_defaults_and_environment_override() -> None:
    cfg = load_config(data={}, env={"NASHRA_FETCH_MAX_REDIRECTS": "3"})
    assert cfg["fetch.max_redirects"] == 3
    assert cfg["fetch.feed_deadline"] == 20.0
    assert cfg["fetch.allow_networks"] == ()


def test_overrides_win_over_environment() -> None:
    cfg = load_config(
        data={"fetch": {"max_redirects": 4}},
        env={"NASHRA_FETCH_MAX_REDIRECTS": "3"},
        overrides={"fetch.max_redirects": 2},
    )
    assert cfg["fetch.max_redirects"] == 2


def test_issue_example_config_loads(tmp_path: Path) -> None:
    path = tmp_path / "nashra.toml"
    path.write_text(
        """
[database]
url = "sqlite:///nashra.db"
[fetch]
allow_networks = ["127.0.0.0/8"]
[[sources]]
name = "الحل نت"
url = "https://example.org/feed"
interval_minutes = 15
first_run = "mark_seen"
[[channels]]
name = "posts"
kind = "directory"
path = "posts"
""",
        encoding="utf-8",
    )
    cfg = load_config(path)
    assert cfg.database_url == f"sqlite:///{tmp_path / 'nashra.db'}"
    assert cfg["fetch.allow_networks"] == ("127.0.0.0/8",)
    assert cfg.sources[0].interval_minutes == 15.0
    assert cfg.channels[0].options == {"path": "posts"}


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ({"fetch": {"nope": 1}}, "fetch.nope"),
        ({"fetch": {"max_redirects": "many"}}, "fetch.max_redirects"),
        ({"fetch": {"allow_networks": ["not-a-net"]}}, "fetch.allow_networks"),
        ({"sources": [{"name": "x"}]}, "url"),
        ({"sources": [{"name": "x", "url": "http://e.org", "kind": "rss"}]}, "kind"),
        ({"sources": [{"name": "x", "url": "http://e.org", "first_run": "newest:x"}]}, "first_run"),
        ({"sources": [{"name": "x", "url": "http://a"}, {"name": "x", "url": "http://b"}]}, "x"),
        ({"channels": [{"name": "a"}]}, "kind"),
    ],
)
def test_invalid_values_are_clear_errors(data: dict[str, object], fragment: str) -> None:
    with pytest.raises(ConfigError) as err:
        load_config(data=data, env={})
    assert fragment in str(err.value)


def test_example_config_documents_every_setting() -> None:
    text = example_config()
    for s in SETTINGS:
        assert s.env in text and s.name.split(".", 1)[1] in text
    assert load_config(data={}, env={})  # and the defaults themselves are valid


def test_secrets_are_not_settings() -> None:
    # Secrets come from the environment only: settings may name an env var, never hold one.
    for s in SETTINGS:
        assert not any(w in s.name for w in ("password", "token", "secret")) or s.name.endswith(
            "_env"
        )


def test_settings_doc_is_generated_from_the_table() -> None:
    from nashra.settings import settings_markdown
    from tests.conftest import ROOT

    doc = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    assert doc == settings_markdown(), "run: nashra settings --markdown > docs/settings.md"
