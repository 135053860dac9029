"""AI backends: one interface per capability (see `core.ai.base`), embedded and OpenAI backends."""
