"""ML Studio router: page config, navigation, shared sidebar."""

import logging
import os

import streamlit as st

os.environ.setdefault("HF_HUB_OFFLINE", "1")
logging.basicConfig(level=os.environ.get("MLSTUDIO_LOG_LEVEL", "INFO"))

st.set_page_config(
    page_title="ML Studio",
    page_icon="🧪",  # an emoji becomes an inline SVG; a :material: icon is fetched from fonts.gstatic.com
    layout="wide",
    initial_sidebar_state="auto",  # open on a laptop, closed on a phone (it would cover the page)
)

from components.shared.errors import error_boundary  # noqa: E402
from components.shared.navigation import all_pages  # noqa: E402  (after set_page_config)
from components.shared.session import note_page  # noqa: E402
from components.shared.shell import render_sidebar  # noqa: E402
from components.shared.space import space_panel  # noqa: E402
from core.config import ConfigError  # noqa: E402

page = st.navigation(all_pages())
note_page(page.url_path)
try:
    with st.sidebar:
        space_panel(render_sidebar())
except ConfigError as exc:
    st.error(f"The app's configuration has a problem: {exc} Fix it and reload the page.")
    st.stop()
with error_boundary("showing this page"):  # the last net: a page's own boundaries come first
    page.run()
