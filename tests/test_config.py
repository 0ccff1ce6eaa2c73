import pytest

from chatbi.config import ConfigError, load_settings


def test_environment_overrides_config_file(tmp_path, monkeypatch):
    cfg = tmp_path / "chatbi.yaml"
    cfg.write_text("model:\n  kind: gguf\n  path: /models/a.gguf\nwarehouse:\n  url: /data/w.duckdb\n")
    monkeypatch.setenv("CHATBI_MODEL__PATH", "/models/b.gguf")
    settings = load_settings(cfg)
    assert settings.model.kind == "gguf"
    assert str(settings.model.path) == "/models/b.gguf"
    assert settings.warehouse.url == "/data/w.duckdb"
    assert settings.config_file == cfg


def test_config_file_from_environment_variable(tmp_path, monkeypatch):
    cfg = tmp_path / "other.yaml"
    cfg.write_text("model:\n  kind: openai\n  base_url: http://127.0.0.1:9/v1\n  name: qwen\n")
    monkeypatch.setenv("CHATBI_CONFIG", str(cfg))
    assert load_settings().model.kind == "openai"


def test_invalid_value_names_file_and_field(tmp_path):
    cfg = tmp_path / "chatbi.yaml"
    cfg.write_text("model:\n  kind: gpt5\n")
    with pytest.raises(ConfigError) as err:
        load_settings(cfg)
    assert "model.kind" in str(err.value) and str(cfg) in str(err.value)


def test_unknown_key_is_rejected_not_ignored(tmp_path):
    cfg = tmp_path / "chatbi.yaml"
    cfg.write_text("modle:\n  kind: gguf\n")
    with pytest.raises(ConfigError, match="modle"):
        load_settings(cfg)


def test_missing_explicit_config_file(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "nope.yaml")


def test_broken_yaml_is_reported(tmp_path):
    cfg = tmp_path / "chatbi.yaml"
    cfg.write_text("model: [unclosed\n")
    with pytest.raises(ConfigError, match="chatbi.yaml"):
        load_settings(cfg)
