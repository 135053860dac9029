"""Text from users, models and services shown as text: never Markdown, HTML, LaTeX, icons or links.

Streamlit draws st.markdown, st.caption, alerts, toasts, expander and tab labels, widget labels, radio
options and help tooltips as GitHub-flavoured Markdown (react-markdown with remark-gfm and remark-math,
plus its own :color[...] directives, :material/...: icons and :emoji: shortcodes). `markdown_text` puts
a backslash before each character that starts markup anywhere (brackets, so no link or image; <, so no
HTML or autolink; emphasis, code, table, strike-through, heading, entity and $ math characters) and
before the list, heading and rule markers that count only at the start of a line. Bare URLs, "www."
names and e-mail addresses are different: remark-gfm links them *after* parsing, in the text with the
escapes already removed, and the icon and emoji shortcodes are found the same way. An invisible word
joiner (U+2060) after a ':' or '@' that touches the next character, and inside "www.", keeps those
patterns from matching, so the text still reads exactly as typed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

WORD_JOINER = "\u2060"
_MARKUP = re.compile(r"([\\`*_{}\[\]<>#|~$&])")
_LINE_START_MARKER = re.compile(r"^([ \t]*)([-+=])", re.MULTILINE)
_LINE_START_NUMBER = re.compile(r"^([ \t]*\d{1,9})([.)])", re.MULTILINE)
_SHORTCODE_OR_ADDRESS = re.compile(r"([:@])(?=\S|$)")
_WWW_DOT = re.compile(r"(www)(\.)", re.IGNORECASE)


def markdown_text(text: str) -> str:
    """`text` escaped so that every Markdown-rendering Streamlit element shows it exactly as typed."""
    escaped = _MARKUP.sub(r"\\\1", str(text))
    escaped = _LINE_START_MARKER.sub(r"\1\\\2", escaped)
    escaped = _LINE_START_NUMBER.sub(r"\1\\\2", escaped)
    escaped = _SHORTCODE_OR_ADDRESS.sub(rf"\1{WORD_JOINER}", escaped)
    return _WWW_DOT.sub(rf"\1{WORD_JOINER}\2", escaped)


def markdown_stream(pieces: Iterable[str]) -> Iterator[str]:
    """`markdown_text` for text that arrives in pieces (st.write_stream): a "www." split across two
    pieces is still caught, because trailing w's wait for the next piece."""
    held = ""
    for piece in pieces:
        text = held + piece
        keep = len(text) - len(text.rstrip("wW"))
        held, text = (text[len(text) - keep :], text[: len(text) - keep]) if keep else ("", text)
        if text:
            yield markdown_text(text)
    if held:
        yield markdown_text(held)
