"""The app's pages: one list used by the router (app.py) and the Home page cards."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st


@dataclass(frozen=True)
class Tool:
    file: str
    title: str
    icon: str
    url_path: str
    summary: str


HOME = Tool(
    file="app_pages/home.py",
    title="Home",
    icon=":material/home:",
    url_path="home",
    summary="What each tool does.",
)

TOOLS: tuple[Tool, ...] = (
    Tool(
        file="app_pages/talk_to_videos.py",
        title="Talk to Videos",
        icon=":material/smart_display:",
        url_path="videos",
        summary=(
            "Give it a video, a link or subtitles. It writes a transcript with timestamps, answers "
            "your questions with links to the moments it used, and turns the video into a summary, "
            "a quiz and flashcards."
        ),
    ),
    Tool(
        file="app_pages/music.py",
        title="Music recommender",
        icon=":material/queue_music:",
        url_path="music",
        summary=(
            "Pick a few songs, artists or genres you like, say how energetic or danceable the "
            "result should be, and get a playlist with a reason for every track."
        ),
    ),
    Tool(
        file="app_pages/gradcam.py",
        title="Grad-CAM viewer",
        icon=":material/center_focus_strong:",
        url_path="gradcam",
        summary=(
            "Show an image to an image classifier and see which parts of the picture its decision "
            "rests on, layer by layer and method by method, with a check of how much to trust each map."
        ),
    ),
    Tool(
        file="app_pages/attractors.py",
        title="Attractor explorer",
        icon=":material/cyclone:",
        url_path="attractors",
        summary=(
            "A tiny neural network fed its own output draws fixed points, loops, tori and chaos. "
            "Turn its knobs, watch the shape change, and measure how chaotic it is."
        ),
    ),
    Tool(
        file="app_pages/embeddings.py",
        title="Embedding visualizer",
        icon=":material/scatter_plot:",
        url_path="embeddings",
        summary=(
            "Lay a whole dataset out on one map where similar samples sit together, circle the odd "
            "ones out, look at them, and fix wrong labels in a FiftyOne dataset."
        ),
    ),
)


def streamlit_page(tool: Tool) -> st.Page:
    return st.Page(tool.file, title=tool.title, icon=tool.icon, url_path=tool.url_path)


def _to_home() -> None:
    st.switch_page(HOME.file)


def all_pages() -> list[st.Page]:
    """The menu's pages, and /home: Home is served at / and reserves a path it does not serve, so that
    path is a name nobody types and /home is a hidden page that opens Home."""
    home = st.Page(HOME.file, title=HOME.title, icon=HOME.icon, url_path="home-page", default=True)
    home_alias = st.Page(_to_home, title=HOME.title, url_path=HOME.url_path, visibility="hidden")
    return [home, *(streamlit_page(tool) for tool in TOOLS), home_alias]
