"""Application settings: one typed object read from the environment and `.streamlit/secrets.toml`.

Precedence: environment variable > secrets file > default. Every default works with no key and no
internet. A bad value raises `ConfigError` naming the variable and saying what it accepts.
Keys are `SecretStr`, so they never show up in a repr, a log line or an error message.
"""

from __future__ import annotations

import hashlib
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from core.errors import UserError

ChatProvider = Literal["offline", "openai", "openai_compatible"]
EmbeddingsProvider = Literal["local", "openai", "openai_compatible"]
TranscriptionProvider = Literal["local", "openai", "openai_compatible"]
SpeechProvider = Literal["piper", "espeak", "openai"]

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SECRETS_FILE = PROJECT_ROOT / ".streamlit" / "secrets.toml"


class ConfigError(UserError, ValueError):
    """A setting has a value the app cannot use. The message names the variable."""


class Settings(BaseModel):
    """Everything the app can be configured with. Field name = environment variable in upper case."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # Storage and deployment
    mlstudio_data_dir: Path = Field(
        default_factory=lambda: Path.home() / ".cache" / "ml-studio",
        description="Folder for the app's library, caches, indexes and FiftyOne database.",
    )
    mlstudio_deployed: bool = Field(
        default=False,
        description="True on a shared host: no local paths, URL fetches restricted to public hosts.",
    )
    mlstudio_media_dir: Path | None = Field(
        default=None,
        description="When not deployed, local media may be opened only from inside this folder.",
    )
    mlstudio_database_url: SecretStr | None = Field(
        default=None,
        description="Database of the video library and study state (SQLAlchemy URL), e.g. "
        "postgresql://user:password@host:5432/mlstudio; none = SQLite in each library folder.",
    )
    mlstudio_max_upload_mb: int = Field(default=200, ge=1, le=4096)
    mlstudio_max_media_minutes: int = Field(
        default=180, ge=1, le=24 * 60, description="Longest video or audio accepted (the duration it claims)."
    )

    # AI backends
    mlstudio_chat_provider: ChatProvider = "offline"
    mlstudio_chat_model: str = Field(default="gpt-4o-mini", min_length=1)
    mlstudio_embeddings_provider: EmbeddingsProvider = "local"
    mlstudio_embedding_model: str = Field(default="text-embedding-3-small", min_length=1)
    mlstudio_transcription_provider: TranscriptionProvider = "local"
    mlstudio_transcription_model: str = Field(default="whisper-1", min_length=1)
    mlstudio_speech_provider: SpeechProvider = "piper"
    mlstudio_speech_model: str = Field(default="gpt-4o-mini-tts", min_length=1)
    openai_api_key: SecretStr | None = Field(
        default=None, description="Key for OpenAI itself: sent only to api.openai.com, never to OPENAI_BASE_URL."
    )
    openai_base_url: str | None = Field(
        default=None,
        pattern=r"^https?://\S+$",
        description="URL of the OpenAI-compatible server (Ollama, vLLM, LM Studio, llama.cpp server); used only "
        "by the backends set to openai_compatible.",
    )
    openai_compatible_api_key: SecretStr | None = Field(
        default=None, description="Key for the OpenAI-compatible server: sent only to OPENAI_BASE_URL."
    )
    mlstudio_guard_compatible_url: bool = Field(
        default=False,
        description="When deployed, connect to OPENAI_BASE_URL only through the fetch guard (public addresses). "
        "Always on for a URL typed in the sidebar.",
    )

    # Music
    spotify_client_id: SecretStr | None = None
    spotify_client_secret: SecretStr | None = None
    spotify_redirect_uri: str = Field(default="http://127.0.0.1:8501/music", pattern=r"^https?://\S+$")
    mlstudio_music_catalog: Path | None = None
    mlstudio_max_catalog_rows: int = Field(default=1_000_000, ge=1_000, le=50_000_000)

    # Attractors
    mlstudio_max_iterations: int = Field(default=10_000_000, ge=1_000, le=100_000_000)

    # Embeddings / FiftyOne
    mlstudio_fiftyone_port: int = Field(default=5151, ge=1024, le=65535)
    mlstudio_fiftyone_address: str = Field(
        default="127.0.0.1",
        pattern=r"^[A-Za-z0-9.:\-]+$",
        description="Address the FiftyOne App binds to: 0.0.0.0 in a container, 127.0.0.1 on a laptop.",
    )
    mlstudio_fiftyone_public_url: str = Field(
        default="",
        description="URL users' browsers open for the FiftyOne App (e.g. behind a proxy); empty = "
        "http://localhost:<port>/.",
    )

    @field_validator("mlstudio_fiftyone_public_url")
    @classmethod
    def _public_url_is_http(cls, value: str) -> str:
        if value and not re.fullmatch(r"https?://[^\s/?#]+\S*", value):
            raise ValueError("must be empty or an http(s) URL such as https://host.example/fiftyone/")
        return value

    @property
    def data_dir(self) -> Path:
        return self.mlstudio_data_dir.expanduser()

    @property
    def database_url(self) -> str | None:
        """The library database's URL (with its password: pass it to core.db, never show it)."""
        return self.mlstudio_database_url.get_secret_value() if self.mlstudio_database_url else None

    @property
    def deployed(self) -> bool:
        return self.mlstudio_deployed

    @property
    def max_upload_bytes(self) -> int:
        return self.mlstudio_max_upload_mb * 1024 * 1024

    @property
    def max_media_seconds(self) -> float:
        return self.mlstudio_max_media_minutes * 60.0

    @property
    def has_openai_key(self) -> bool:
        return self.openai_api_key is not None and bool(self.openai_api_key.get_secret_value())

    @property
    def has_compatible_key(self) -> bool:
        key = self.openai_compatible_api_key
        return key is not None and bool(key.get_secret_value())

    @property
    def backend_fingerprint(self) -> str:
        """Changes when a backend choice, the server URL or a key changes (a digest: no key in it)."""
        parts = [
            self.mlstudio_chat_provider,
            self.mlstudio_chat_model,
            self.mlstudio_embeddings_provider,
            self.mlstudio_transcription_provider,
            self.openai_base_url or "",
            str(self.mlstudio_guard_compatible_url),
            self.openai_api_key.get_secret_value() if self.openai_api_key else "",
            self.openai_compatible_api_key.get_secret_value() if self.openai_compatible_api_key else "",
        ]
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]

    @property
    def has_spotify_credentials(self) -> bool:
        return (
            self.spotify_client_id is not None
            and self.spotify_client_secret is not None
            and bool(self.spotify_client_id.get_secret_value())
            and bool(self.spotify_client_secret.get_secret_value())
        )

    @property
    def spotify_credentials(self) -> tuple[str, str] | None:
        """(client id, client secret) when both are set, else None."""
        if not self.has_spotify_credentials:
            return None
        assert self.spotify_client_id is not None and self.spotify_client_secret is not None
        return self.spotify_client_id.get_secret_value(), self.spotify_client_secret.get_secret_value()

    def with_overrides(self, **values: Any) -> Settings:
        """A copy with some values replaced (e.g. keys pasted for one session), validated again."""
        merged = {name: getattr(self, name) for name in type(self).model_fields}
        merged.update({k: v for k, v in values.items() if v is not None})
        return _validate(merged)


ENV_NAMES = {name: name.upper() for name in Settings.model_fields}


def read_secrets_file(path: Path = DEFAULT_SECRETS_FILE) -> dict[str, Any]:
    """Top-level keys of a secrets.toml (same names as the environment variables)."""
    if not path.is_file():
        return {}
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from None
    return {k: v for k, v in data.items() if not isinstance(v, dict)}


def load_settings(
    environ: Mapping[str, str] | None = None,
    secrets: Mapping[str, Any] | None = None,
) -> Settings:
    """Build the settings from the environment and the secrets file (or the mappings given)."""
    environ = os.environ if environ is None else environ
    secrets = read_secrets_file() if secrets is None else secrets
    upper_secrets = {str(k).upper(): v for k, v in secrets.items()}
    values: dict[str, Any] = {}
    for field, env_name in ENV_NAMES.items():
        raw = environ.get(env_name)
        if raw is None:
            raw = upper_secrets.get(env_name)
        if raw is None or (isinstance(raw, str) and raw.strip() == ""):
            continue
        values[field] = raw.strip() if isinstance(raw, str) else raw
    return _validate(values)


def _validate(values: Mapping[str, Any]) -> Settings:
    try:
        return Settings.model_validate(dict(values))
    except ValidationError as exc:
        first = exc.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else "?"
        env_name = ENV_NAMES.get(field, field.upper())
        shown = "(hidden)" if "key" in field or "secret" in field else repr(first.get("input"))
        raise ConfigError(f"{env_name}: {first['msg']} (got {shown}).") from None


@dataclass(frozen=True)
class BackendStatus:
    """One line of the sidebar's backend panel in plain words ("Speech to text: built in, English"),
    with the technical name on hover (`detail`)."""

    capability: str
    description: str
    ready: bool
    detail: str = ""

    @property
    def label(self) -> str:
        return f"{self.capability}: {self.description}"


ANSWERS, SEARCH, HEARING, VOICE, SPOTIFY = (
    "Answers and study",
    "Search by meaning",
    "Speech to text",
    "Reading aloud",
    "Spotify",
)
BUILT_IN = "built in, works offline"


def backend_status(settings: Settings) -> list[BackendStatus]:
    """Which backend each capability uses with these settings, and whether it can run."""
    key = settings.has_openai_key
    chat_model = settings.mlstudio_chat_model
    no_key = " (no key: add one under Keys for this session)"
    statuses: list[BackendStatus] = []

    if settings.mlstudio_chat_provider == "openai":
        statuses.append(BackendStatus(ANSWERS, f"OpenAI {chat_model}" + ("" if key else no_key), key))
    elif settings.mlstudio_chat_provider == "openai_compatible":
        statuses.append(BackendStatus(ANSWERS, *_compatible(settings, chat_model)))
    else:
        statuses.append(
            BackendStatus(
                ANSWERS,
                BUILT_IN,
                True,
                "The offline engine: spaCy's small English model reads the transcript (sentences, names, "
                "numbers); answers quote the video's own sentences, and say so when it does not cover a question.",
            )
        )

    if settings.mlstudio_embeddings_provider == "openai":
        statuses.append(
            BackendStatus(SEARCH, f"OpenAI {settings.mlstudio_embedding_model}" + ("" if key else no_key), key)
        )
    elif settings.mlstudio_embeddings_provider == "openai_compatible":
        statuses.append(BackendStatus(SEARCH, *_compatible(settings, settings.mlstudio_embedding_model)))
    else:
        statuses.append(
            BackendStatus(
                SEARCH,
                BUILT_IN,
                True,
                "all-MiniLM-L6-v2 sentence embeddings, on this machine: finds passages and pictures by what "
                "they mean, not by exact words.",
            )
        )

    if settings.mlstudio_transcription_provider == "openai":
        statuses.append(
            BackendStatus(HEARING, f"OpenAI {settings.mlstudio_transcription_model}" + ("" if key else no_key), key)
        )
    elif settings.mlstudio_transcription_provider == "openai_compatible":
        statuses.append(BackendStatus(HEARING, *_compatible(settings, settings.mlstudio_transcription_model)))
    else:
        statuses.append(
            BackendStatus(
                HEARING,
                "built in, English, works offline",
                True,
                "faster-whisper with Whisper's tiny English model, on this machine's CPU. Other languages "
                "need OpenAI transcription or subtitles.",
            )
        )

    speech = {
        "piper": ("built in (Piper voice), works offline", True, "Piper text-to-speech, on this machine."),
        "espeak": ("built in (eSpeak NG voice), works offline", True, "eSpeak NG text-to-speech, on this machine."),
        "openai": (f"OpenAI {settings.mlstudio_speech_model}" + ("" if key else no_key), key, ""),
    }[settings.mlstudio_speech_provider]
    statuses.append(BackendStatus(VOICE, *speech))

    if settings.has_spotify_credentials:
        statuses.append(BackendStatus(SPOTIFY, "keys set", True, "Spotify client credentials for this session."))
    else:
        statuses.append(
            BackendStatus(
                SPOTIFY,
                "not set up (optional)",
                False,
                "With a Spotify client ID and secret (Keys for this session) the music page can also search "
                "Spotify; it recommends from its own catalog without them.",
            )
        )
    return statuses


def _compatible(settings: Settings, model: str) -> tuple[str, bool]:
    url = settings.openai_base_url
    if not url:
        return "OpenAI-compatible server (no URL yet: add one below)", False
    return f"{model} at {url}", True
