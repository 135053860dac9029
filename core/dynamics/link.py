"""What a link to the Attractor explorer holds: the network, the view and the section, as URL text.

A link names N, D, s, seed, the view and the section (``section`` is left out for Explore, so a
link to the Explore section is just the network and its view). Reading a link never fails: a bad
or unknown value is reported in words and replaced by the default.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal, TypeGuard

from core.dynamics.network import NetworkParams, ParameterError

View = Literal["neurons", "3d", "delay"]
VIEWS: dict[View, str] = {"neurons": "Two neurons (2-D)", "3d": "Three neurons (3-D)", "delay": "Delay embedding of y0"}
NETWORK_NAMES = ("N", "D", "s", "seed")
LINK_NAMES = (*NETWORK_NAMES, "view", "section")


class Section(StrEnum):
    """The sections of the page; the value is what the link says (``section=maps``)."""

    EXPLORE = "explore"
    SEARCH = "search"
    MAPS = "maps"
    ABOUT = "about"

    @property
    def label(self) -> str:
        return self.value.capitalize()


def is_view(value: object) -> TypeGuard[View]:
    return value in VIEWS


@dataclass(frozen=True)
class Link:
    params: NetworkParams
    view: View = "neurons"
    section: Section = Section.EXPLORE


def link_query(link: Link) -> dict[str, str]:
    """The URL's text for a link (no ``section`` for Explore)."""
    query = {
        "N": str(link.params.n),
        "D": str(link.params.d),
        "s": repr(float(link.params.s)),
        "seed": str(link.params.seed),
        "view": link.view,
    }
    if link.section is not Section.EXPLORE:
        query["section"] = link.section.value
    return query


def _whole(name: str, text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise ParameterError(f"{name} must be a whole number (got {text!r}).") from None


def _number(name: str, text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ParameterError(f"{name} must be a number (got {text!r}).") from None


def parse_network(query: Mapping[str, str], default: NetworkParams) -> NetworkParams:
    """The network a link names (missing values from `default`); ParameterError if a value is bad."""
    return NetworkParams(
        _whole("N (neurons)", query["N"]) if "N" in query else default.n,
        _whole("D (inputs)", query["D"]) if "D" in query else default.d,
        _number("s (output scale)", query["s"]) if "s" in query else default.s,
        _whole("seed", query["seed"]) if "seed" in query else default.seed,
    )


def parse_link(query: Mapping[str, str], default: Link) -> tuple[Link, list[str]]:
    """The link `query` holds, and what was wrong with it (each problem replaced by the default)."""
    problems: list[str] = []
    params = default.params
    try:
        params = parse_network(query, default.params)
    except ParameterError as exc:
        problems.append(f"The link's parameters were not used: {exc} Showing the default attractor instead.")
    view = query.get("view", default.view)
    if not is_view(view):
        problems.append(f"The link's view {view!r} is unknown; showing {VIEWS[default.view]} instead.")
        view = default.view
    section = default.section
    if "section" in query:
        try:
            section = Section(query["section"])
        except ValueError:
            problems.append(f"The link's section {query['section']!r} is unknown; showing {section.label} instead.")
    return Link(params, view, section), problems
