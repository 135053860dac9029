"""A FAISS index (LangChain `FAISS`) over a video's chunks, persisted in the library folder.

LangChain's FAISS.load_local unpickles its docstore, so it is only ever called on a folder inside the
app's own library directory (`trusted_root`); anything else is refused.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

from core.ai.base import Embedder, Progress, no_progress
from core.errors import UserError
from core.files import disk_full_as_user_error
from core.videos.chunks import Chunk

log = logging.getLogger(__name__)


class EmbeddingsAdapter(Embeddings):
    """Any `core.ai` Embedder as a LangChain Embeddings object."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embedder.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.embedder.embed_query(text)


class UntrustedIndexError(UserError, ValueError):
    pass


class VideoIndex:
    """Chunks + their FAISS vectors (inner product = cosine: both embedders return unit vectors)."""

    def __init__(self, store: Any, chunks: list[Chunk], embedder_name: str) -> None:
        self.store = store
        self.chunks = chunks
        self.embedder_name = embedder_name

    @classmethod
    def build(
        cls, chunks: Sequence[Chunk], embedder: Embedder, progress: Progress = no_progress, batch: int = 64
    ) -> VideoIndex:
        """Embed the chunks batch by batch (reporting progress; `progress` may raise Cancelled), then index."""
        from langchain_community.vectorstores import FAISS
        from langchain_community.vectorstores.utils import DistanceStrategy

        texts = [c.text for c in chunks]
        vectors: list[list[float]] = []
        for start in range(0, len(texts), batch):
            vectors.extend(embedder.embed_documents(texts[start : start + batch]))
            progress(min(1.0, (start + batch) / max(1, len(texts))), "Building the search index")
        store = FAISS.from_embeddings(
            list(zip(texts, vectors, strict=True)),
            EmbeddingsAdapter(embedder),
            metadatas=[{"chunk": c.id, "start": c.start, "end": c.end} for c in chunks],
            distance_strategy=DistanceStrategy.MAX_INNER_PRODUCT,
        )
        return cls(store, list(chunks), embedder.name)

    def search(self, query: str, k: int = 4) -> list[tuple[Chunk, float]]:
        """Best chunks for `query` with their cosine similarity, best first."""
        k = min(k, len(self.chunks))
        if k <= 0:
            return []
        hits = self.store.similarity_search_with_score(query, k=k)
        return [(self.chunks[int(doc.metadata["chunk"])], float(score)) for doc, score in hits]

    def save(self, folder: Path) -> None:
        """Write the index to `<folder>.part` and swap it in whole; a failure (a full disk) leaves no part."""
        partial = folder.with_name(folder.name + ".part")
        shutil.rmtree(partial, ignore_errors=True)
        try:
            with disk_full_as_user_error("saving the search index"):
                partial.mkdir(parents=True)
                self.store.save_local(str(partial))
                (partial / "chunks.json").write_text(
                    json.dumps({"embedder": self.embedder_name, "chunks": [c.to_dict() for c in self.chunks]})
                )
                shutil.rmtree(folder, ignore_errors=True)
                os.replace(partial, folder)
        finally:
            shutil.rmtree(partial, ignore_errors=True)

    @classmethod
    def load(cls, folder: Path, embedder: Embedder, trusted_root: Path) -> VideoIndex:
        from langchain_community.vectorstores import FAISS
        from langchain_community.vectorstores.utils import DistanceStrategy

        folder_r = folder.resolve()
        root_r = trusted_root.resolve()
        if not folder_r.is_relative_to(root_r) or folder.is_symlink():
            raise UntrustedIndexError(f"refusing to load an index from outside the library: {folder}")
        meta = json.loads((folder / "chunks.json").read_text())
        if meta.get("embedder") != embedder.name:
            raise UntrustedIndexError("index was built with another embedding model")
        store = FAISS.load_local(
            str(folder_r),
            EmbeddingsAdapter(embedder),
            allow_dangerous_deserialization=True,
            distance_strategy=DistanceStrategy.MAX_INNER_PRODUCT,
        )
        chunks = [Chunk(**c) for c in meta["chunks"]]
        return cls(store, chunks, embedder.name)
