"""Videos: transcripts, the library, chunks and indexes, the answer engines, the processing pipeline."""
