import pytest

from core.ai.local import MiniLMEmbedder
from core.videos.study.offline import StudyMaterial, prepare
from tests.study.lecture import lecture_segments


@pytest.fixture(scope="session")
def embedder() -> MiniLMEmbedder:
    return MiniLMEmbedder()


@pytest.fixture(scope="session")
def material(embedder: MiniLMEmbedder) -> StudyMaterial:
    return prepare(lecture_segments(), embedder)
