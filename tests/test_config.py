from pathlib import Path

import pytest

from core.config import ConfigError, backend_status, load_settings, read_secrets_file


def test_defaults_need_no_keys() -> None:
    settings = load_settings(environ={}, secrets={})
    assert settings.mlstudio_chat_provider == "offline"
    assert settings.data_dir == Path.home() / ".cache" / "ml-studio"
    assert not settings.deployed
    labels = [status.label for status in backend_status(settings)]
    assert "Answers and study: built in, works offline" in labels
    assert "Spotify: not set up (optional)" in labels


def test_environment_overrides_secrets_file() -> None:
    settings = load_settings(
        environ={"MLSTUDIO_MAX_UPLOAD_MB": "50"},
        secrets={"MLSTUDIO_MAX_UPLOAD_MB": 10, "mlstudio_deployed": True},
    )
    assert settings.mlstudio_max_upload_mb == 50
    assert settings.max_upload_bytes == 50 * 1024 * 1024
    assert settings.deployed


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("MLSTUDIO_MAX_UPLOAD_MB", "lots"),
        ("MLSTUDIO_MAX_UPLOAD_MB", "0"),
        ("MLSTUDIO_CHAT_PROVIDER", "gpt"),
        ("MLSTUDIO_DEPLOYED", "perhaps"),
        ("OPENAI_BASE_URL", "localhost:11434"),
    ],
)
def test_bad_value_names_the_variable(variable: str, value: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(environ={variable: value}, secrets={})
    assert str(info.value).startswith(variable)


def test_keys_never_appear_in_repr_or_errors() -> None:
    secret = "sk-test-DO-NOT-LEAK-1234"
    settings = load_settings(environ={"OPENAI_API_KEY": secret}, secrets={})
    assert settings.has_openai_key
    assert secret not in repr(settings)
    assert secret not in str(settings.model_dump())
    with pytest.raises(ConfigError) as info:
        settings.with_overrides(spotify_redirect_uri="not a url")
    assert secret not in str(info.value)


def test_session_overrides_switch_backends() -> None:
    base = load_settings(environ={}, secrets={})
    session = base.with_overrides(
        openai_api_key="sk-session",
        mlstudio_chat_provider="openai",
        spotify_client_id="id",
        spotify_client_secret="secret",
    )
    labels = [status.label for status in backend_status(session)]
    assert "Answers and study: OpenAI gpt-4o-mini" in labels
    assert "Spotify: keys set" in labels
    assert base.openai_api_key is None


def test_secrets_file(tmp_path: Path) -> None:
    path = tmp_path / "secrets.toml"
    path.write_text('MLSTUDIO_CHAT_MODEL = "llama3.2"\n[section]\nignored = 1\n')
    assert read_secrets_file(path) == {"MLSTUDIO_CHAT_MODEL": "llama3.2"}
    path.write_text("not toml = = =")
    with pytest.raises(ConfigError, match="not valid TOML"):
        read_secrets_file(path)
    assert read_secrets_file(tmp_path / "absent.toml") == {}


def test_example_secrets_file_is_valid() -> None:
    example = Path(__file__).resolve().parent.parent / ".streamlit" / "secrets.toml.example"
    load_settings(environ={}, secrets=read_secrets_file(example))


def test_fiftyone_address_and_public_url() -> None:
    defaults = load_settings(environ={}, secrets={})
    assert defaults.mlstudio_fiftyone_address == "127.0.0.1"
    assert defaults.mlstudio_fiftyone_public_url == ""
    settings = load_settings(
        environ={
            "MLSTUDIO_FIFTYONE_ADDRESS": "0.0.0.0",
            "MLSTUDIO_FIFTYONE_PUBLIC_URL": "https://host.example/fiftyone/",
        },
        secrets={},
    )
    assert settings.mlstudio_fiftyone_address == "0.0.0.0"
    assert settings.mlstudio_fiftyone_public_url == "https://host.example/fiftyone/"
    assert defaults.with_overrides(openai_api_key="sk-x").mlstudio_fiftyone_public_url == ""  # empty stays valid
    assert load_settings(environ={}, secrets={"mlstudio_fiftyone_public_url": "http://10.0.0.7:5151/"})


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("MLSTUDIO_FIFTYONE_PUBLIC_URL", "ftp://host.example/fiftyone/"),
        ("MLSTUDIO_FIFTYONE_PUBLIC_URL", "host.example/fiftyone/"),
        ("MLSTUDIO_FIFTYONE_PUBLIC_URL", "https://"),
        ("MLSTUDIO_FIFTYONE_ADDRESS", "0.0.0.0; rm -rf /"),
    ],
)
def test_bad_fiftyone_setting_names_the_variable(variable: str, value: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(environ={variable: value}, secrets={})
    assert str(info.value).startswith(f"{variable}:") and value in str(info.value)
