"""Links to the Attractor explorer: the URL text of a network, view and section, and reading it back."""

import pytest

from core.dynamics.link import Link, Section, link_query, parse_link, parse_network
from core.dynamics.network import NetworkParams, ParameterError
from core.dynamics.presets import PRESETS, matching

DEFAULT = Link(NetworkParams(4, 16, 0.8277, 3220454298))


def test_a_link_round_trips_and_leaves_out_the_explore_section() -> None:
    link = Link(NetworkParams(6, 12, 0.718, 282908997), "delay", Section.MAPS)
    query = link_query(link)
    assert query == {"N": "6", "D": "12", "s": "0.718", "seed": "282908997", "view": "delay", "section": "maps"}
    assert parse_link(query, DEFAULT) == (link, [])
    explore = link_query(Link(link.params, "3d"))
    assert "section" not in explore
    assert parse_link(explore, DEFAULT) == (Link(link.params, "3d", Section.EXPLORE), [])


def test_an_empty_link_is_the_default() -> None:
    assert parse_link({}, DEFAULT) == (DEFAULT, [])


def test_missing_network_values_come_from_the_default() -> None:
    assert parse_network({"s": "1.5"}, DEFAULT.params) == NetworkParams(4, 16, 1.5, 3220454298)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"N": "999"}, "N (neurons) must be between 1 and 64"),
        ({"N": "four"}, "N (neurons) must be a whole number (got 'four')"),
        ({"s": "nan"}, "s (output scale) must be between"),
        ({"s": "big"}, "s (output scale) must be a number (got 'big')"),
        ({"seed": "-1"}, "seed must be between 0 and"),
        ({"D": "1.5"}, "D (inputs) must be a whole number"),
    ],
)
def test_bad_network_values_are_reported_and_the_default_network_shown(query: dict[str, str], message: str) -> None:
    link, problems = parse_link({**query, "view": "delay", "section": "search"}, DEFAULT)
    assert link == Link(DEFAULT.params, "delay", Section.SEARCH)  # the good values are still used
    assert len(problems) == 1 and message in problems[0] and "default attractor" in problems[0]
    with pytest.raises(ParameterError):
        parse_network(query, DEFAULT.params)


def test_unknown_view_and_section_fall_back_with_a_message() -> None:
    link, problems = parse_link({"N": "5", "view": "4d", "section": "graphs"}, DEFAULT)
    assert link == Link(NetworkParams(5, 16, 0.8277, 3220454298), "neurons", Section.EXPLORE)
    assert problems == [
        "The link's view '4d' is unknown; showing Two neurons (2-D) instead.",
        "The link's section 'graphs' is unknown; showing Explore instead.",
    ]


def test_a_preset_is_recognised_by_its_parameters() -> None:
    assert matching(PRESETS[2].params) == PRESETS[2]
    assert matching(NetworkParams(4, 16, 1.41, 174658140)) is None
