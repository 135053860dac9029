"""Text from users, models and services shown as text: Markdown punctuation escaped, never markup."""

MARKDOWN_PUNCTUATION = "\\`*_{}[]<>()#+-.!|~:$"


def markdown_text(text: str) -> str:
    """Escape Markdown so `text` renders exactly as typed inside st.markdown / st.caption."""
    return "".join("\\" + c if c in MARKDOWN_PUNCTUATION else c for c in text)
