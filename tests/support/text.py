"""What a reader sees of text escaped by components.shared.text (AppTest gives the Markdown source)."""

import re

from components.shared.text import WORD_JOINER


def shown(markdown: str) -> str:
    """The text without Markdown backslash escapes and word joiners."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown.replace(WORD_JOINER, ""))
