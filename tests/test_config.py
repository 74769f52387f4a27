import pytest

from pipeline.config import PipelineConfig
from pipeline.errors import ConfigError


def test_config_overrides_parse_values():
    config = PipelineConfig().with_overrides(["summary.max_chars=200", "tokens.hmm=true", "components=clean,sentences"])
    assert config.summary.max_chars == 200
    assert config.tokens.hmm is True
    assert config.components == ["clean", "sentences"]


def test_config_hash_changes_with_settings_and_is_stable():
    base = PipelineConfig()
    assert base.hash() == PipelineConfig().hash()
    assert base.hash() != base.with_overrides(["summary.max_chars=99"]).hash()


@pytest.mark.parametrize("override", ["summary.colour=1", "nosuch.key=1", "summary.max_chars=abc", "summary"])
def test_config_rejects_bad_overrides(override):
    with pytest.raises(ConfigError):
        PipelineConfig().with_overrides([override])


def test_config_from_toml_file(tmp_path):
    path = tmp_path / "zhnews.toml"
    path.write_text('[summary]\nmax_chars = 80\n[entities]\nrules = false\n', encoding="utf-8")
    config = PipelineConfig.from_file(path)
    assert config.summary.max_chars == 80 and config.entities.rules is False


def test_config_from_broken_file_says_where(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ConfigError, match="bad.json"):
        PipelineConfig.from_file(path)
