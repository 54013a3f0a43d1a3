from pathlib import Path

import pytest
from pydantic import SecretStr

from feedbridge.config import ConfigError, Settings, get_settings


def test_defaults_live_under_the_xdg_data_directory_in_home(tmp_path: Path) -> None:
    settings = Settings()

    data_dir = tmp_path / "home" / ".local" / "share" / "feedbridge"
    assert settings.data_dir == data_dir
    assert settings.database_url == f"sqlite:///{data_dir / 'feedbridge.db'}"
    assert settings.secret_key_file == data_dir / "secret.key"
    assert settings.secret_key is None
    assert settings.aliexpress_gateway_url == "http://127.0.0.1:8765"
    assert settings.log_level == "INFO"
    assert settings.log_format == "console"


def test_xdg_data_home_is_honoured_when_absolute(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert Settings().data_dir == tmp_path / "xdg" / "feedbridge"

    monkeypatch.setenv("XDG_DATA_HOME", "relative/path")  # invalid per the XDG spec: ignored
    assert Settings().data_dir == tmp_path / "home" / ".local" / "share" / "feedbridge"


def test_environment_overrides_defaults(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("FEEDBRIDGE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("FEEDBRIDGE_LOG_LEVEL", "debug")
    monkeypatch.setenv("FEEDBRIDGE_LOG_FORMAT", "JSON")
    monkeypatch.setenv("FEEDBRIDGE_ALIEXPRESS_GATEWAY_URL", "https://api-sg.aliexpress.com/")
    monkeypatch.setenv("FEEDBRIDGE_SECRET_KEY", "s3cret-key")

    settings = Settings()

    assert settings.data_dir == tmp_path / "data"
    # Paths derived from data_dir follow it.
    assert settings.database_url == f"sqlite:///{tmp_path / 'data' / 'feedbridge.db'}"
    assert settings.secret_key_file == tmp_path / "data" / "secret.key"
    assert settings.log_level == "DEBUG"
    assert settings.log_format == "json"
    assert settings.aliexpress_gateway_url == "https://api-sg.aliexpress.com"
    assert settings.secret_key is not None
    assert settings.secret_key.get_secret_value() == "s3cret-key"


def test_dotenv_file_in_working_directory_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("FEEDBRIDGE_DATABASE_URL=postgresql://db.example/feedbridge\n")
    assert Settings().database_url == "postgresql://db.example/feedbridge"


def test_tilde_in_data_dir_is_expanded(tmp_path: Path) -> None:
    settings = Settings(data_dir=Path("~/fb"))
    assert settings.data_dir == tmp_path / "home" / "fb"
    assert settings.database_url == f"sqlite:///{tmp_path / 'home' / 'fb' / 'feedbridge.db'}"


def test_secrets_are_not_shown_in_repr_or_str() -> None:
    settings = Settings(
        secret_key=SecretStr("top-secret-key"), database_url="postgresql://app:db-password@host/feedbridge"
    )
    for text in (repr(settings), str(settings)):
        assert "top-secret-key" not in text
        assert "db-password" not in text


def test_invalid_values_name_the_variable_and_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FEEDBRIDGE_LOG_FORMAT", "xml")
    monkeypatch.setenv("FEEDBRIDGE_ALIEXPRESS_GATEWAY_URL", "ftp://example.com")

    with pytest.raises(ConfigError) as raised:
        get_settings()

    message = str(raised.value)
    assert "FEEDBRIDGE_LOG_FORMAT: Input should be 'console' or 'json'" in message
    assert "FEEDBRIDGE_ALIEXPRESS_GATEWAY_URL" in message
    assert "http:// or https://" in message


def test_get_settings_is_cached_until_cleared(monkeypatch: pytest.MonkeyPatch) -> None:
    first = get_settings()
    assert get_settings() is first

    monkeypatch.setenv("FEEDBRIDGE_LOG_LEVEL", "WARNING")
    get_settings.cache_clear()
    assert get_settings().log_level == "WARNING"
