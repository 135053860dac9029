"""Keys go only where the user chose: the OpenAI key only to OpenAI, the compatible server's key only to
its URL. Two local doubles play "OpenAI" (the test points OPENAI_API_URL at it in-process) and the
compatible server configured as OPENAI_BASE_URL."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from core.ai import factory, openai_backend
from core.ai.base import AIError, Message
from core.config import Settings, load_settings
from core.net.guard import BlockedAddress, FetchGuard
from core.net.httpx_transport import guarded_client
from tests.ai.openai_double import OpenAIDouble

OPENAI_KEY = "sk-openai-only-111"
SERVER_KEY = "server-only-222"


@pytest.fixture()
def doubles(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[OpenAIDouble, OpenAIDouble]]:
    with OpenAIDouble() as openai_double, OpenAIDouble() as server:
        monkeypatch.setattr(openai_backend, "OPENAI_API_URL", openai_double.base_url)
        # The SDKs read these when no base URL is passed: the OpenAI choice must not follow them.
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.setenv("OPENAI_API_BASE", server.base_url)
        yield openai_double, server


def settings(server: OpenAIDouble, **values: str) -> Settings:
    environ = {
        "OPENAI_API_KEY": OPENAI_KEY,
        "OPENAI_BASE_URL": server.base_url,
        "OPENAI_COMPATIBLE_API_KEY": SERVER_KEY,
        **values,
    }
    return load_settings(environ, secrets={})


def auths(double: OpenAIDouble) -> set[str | None]:
    return {request["auth"] for request in double.requests}


def test_the_openai_choice_builds_clients_for_api_openai_com_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    chosen = load_settings(
        {
            "OPENAI_API_KEY": OPENAI_KEY,
            "OPENAI_BASE_URL": "http://127.0.0.1:9/v1",
            "MLSTUDIO_CHAT_PROVIDER": "openai",
            "MLSTUDIO_EMBEDDINGS_PROVIDER": "openai",
            "MLSTUDIO_TRANSCRIPTION_PROVIDER": "openai",
            "MLSTUDIO_SPEECH_PROVIDER": "openai",
        },
        secrets={},
    )
    chat = factory.chat_model(chosen)
    embedder = factory.embedder(chosen, lambda: pytest.fail("local embedder"))
    transcriber = factory.transcriber(chosen, lambda: pytest.fail("local transcriber"))
    speech = factory.speech(chosen, lambda: pytest.fail("piper"), lambda: pytest.fail("espeak"))
    assert isinstance(chat, openai_backend.OpenAIChat) and chat._llm.openai_api_base == "https://api.openai.com/v1"
    assert isinstance(embedder, openai_backend.OpenAIEmbedder)
    assert embedder._emb.openai_api_base == "https://api.openai.com/v1"
    for backend in (transcriber, speech):
        client = vars(backend)["_client"]
        assert str(client.base_url) == "https://api.openai.com/v1/" and client.api_key == OPENAI_KEY


def test_openai_key_reaches_only_openai(doubles: tuple[OpenAIDouble, OpenAIDouble], tmp_path: Path) -> None:
    openai_double, server = doubles
    chosen = settings(server, MLSTUDIO_CHAT_PROVIDER="openai", MLSTUDIO_EMBEDDINGS_PROVIDER="openai")
    chat = factory.chat_model(chosen)
    assert chat is not None and "Etna" in chat.complete([Message("user", "hi")])
    factory.embedder(chosen, lambda: pytest.fail("local")).embed_documents(["a volcano"])
    factory.speech(chosen, lambda: pytest.fail("piper"), lambda: pytest.fail("espeak"), "openai").synthesize("hi")
    assert {r["path"] for r in openai_double.requests} == {"/v1/chat/completions", "/v1/embeddings", "/v1/audio/speech"}
    assert auths(openai_double) == {f"Bearer {OPENAI_KEY}"}
    assert server.requests == []


def test_compatible_server_key_reaches_only_its_url(doubles: tuple[OpenAIDouble, OpenAIDouble]) -> None:
    openai_double, server = doubles
    chosen = settings(server, MLSTUDIO_CHAT_PROVIDER="openai_compatible")
    chat = factory.chat_model(chosen)
    assert chat is not None and chat.name == f"gpt-4o-mini at 127.0.0.1:{server.server.server_address[1]}"
    assert "Etna" in chat.complete([Message("user", "hi")])
    assert "".join(chat.stream([Message("user", "hi")])) == server.chat_reply
    assert auths(server) == {f"Bearer {SERVER_KEY}"}
    # Embeddings stay on this machine unless the user moved them to the server too.
    local = object()
    assert factory.embedder(chosen, lambda: local) is local  # type: ignore[arg-type,return-value]
    moved = settings(server, MLSTUDIO_EMBEDDINGS_PROVIDER="openai_compatible")
    factory.embedder(moved, lambda: pytest.fail("local")).embed_query("lava")
    assert [r["path"] for r in server.requests][-1] == "/v1/embeddings"
    assert auths(server) == {f"Bearer {SERVER_KEY}"}
    assert openai_double.requests == []


def test_compatible_server_without_a_key_gets_no_openai_key(doubles: tuple[OpenAIDouble, OpenAIDouble]) -> None:
    openai_double, server = doubles
    chosen = load_settings(
        {
            "OPENAI_API_KEY": OPENAI_KEY,
            "OPENAI_BASE_URL": server.base_url,
            "MLSTUDIO_CHAT_PROVIDER": "openai_compatible",
        },
        secrets={},
    )
    chat = factory.chat_model(chosen)
    assert chat is not None
    chat.complete([Message("user", "hi")])
    assert OPENAI_KEY not in str(auths(server)) and openai_double.requests == []


def test_a_users_server_url_in_deployed_mode_must_be_public(doubles: tuple[OpenAIDouble, OpenAIDouble]) -> None:
    _, server = doubles
    typed = settings(
        server,
        MLSTUDIO_CHAT_PROVIDER="openai_compatible",
        MLSTUDIO_DEPLOYED="true",
        MLSTUDIO_GUARD_COMPATIBLE_URL="true",
    )
    with pytest.raises(BlockedAddress, match="private network"):
        factory.chat_model(typed)
    # The operator's own configured server (not typed by a user) may be on the private network.
    configured = settings(server, MLSTUDIO_CHAT_PROVIDER="openai_compatible", MLSTUDIO_DEPLOYED="true")
    chat = factory.chat_model(configured)
    assert chat is not None and "Etna" in chat.complete([Message("user", "hi")])
    assert len(server.requests) == 1


def test_the_guarded_client_connects_to_the_checked_address_only() -> None:
    """Name resolution patched in-process: "llm.test" is the (loopback) public server. A rebinding answer
    that turns into a refused address on the connection is not followed."""
    with OpenAIDouble() as server:
        port = server.server.server_address[1]
        answers = {"llm.test": ["127.0.0.1"]}
        allowed = {"127.0.0.1"}

        def resolver(host: str, _port: int) -> list:
            import ipaddress

            return [ipaddress.ip_address(a) for a in answers[host]]

        guard = FetchGuard(policy=lambda address: str(address) in allowed, resolver=resolver)
        url = f"http://llm.test:{port}/v1"
        chat = openai_backend.OpenAIChat("m", SERVER_KEY, url, max_retries=0, http_client=guarded_client(guard, 5))
        assert "Etna" in chat.complete([Message("user", "hi")])
        assert len(server.requests) == 1

        allowed.clear()  # the next resolution answers with an address the policy refuses
        fresh = openai_backend.OpenAIChat("m", SERVER_KEY, url, max_retries=0, http_client=guarded_client(guard, 5))
        with pytest.raises(AIError, match="inside a private network"):
            fresh.complete([Message("user", "hi")])
        assert len(server.requests) == 1
        assert any("private network" in refusal for refusal in guard.refusals)
