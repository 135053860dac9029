from pathlib import Path

import pytest

from tests.videos.lecture import cached_lecture_video


@pytest.fixture(scope="session")
def lecture_video() -> Path:
    return cached_lecture_video()


@pytest.fixture(scope="session")
def embedder():
    from core.ai.local import MiniLMEmbedder

    return MiniLMEmbedder()


@pytest.fixture(scope="session")
def transcriber():
    from core.ai.local import WhisperTranscriber

    return WhisperTranscriber()
