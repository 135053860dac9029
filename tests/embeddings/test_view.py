"""The view <-> link codec and the server-side selection records (no database needed)."""

from __future__ import annotations

from pathlib import Path

from core.embeddings.selections import load_selection, save_selection, selection_id, selections_dir
from core.embeddings.view import TsneSettings, UmapSettings, View, from_query, problems_message, to_query


def test_defaults_leave_the_link_bare_and_round_trip() -> None:
    assert to_query(View()) == {}
    assert from_query({}) == (View(), [])


def test_a_full_view_round_trips_with_only_the_current_methods_settings() -> None:
    view = View(
        "mnist", "efficientnet_lite0", "umap", "suspicion", True, UmapSettings(30, 0.25), selection="0123456789abcdef"
    )
    query = to_query(view)
    assert query == {
        "dataset": "mnist",
        "embedder": "efficientnet_lite0",
        "method": "umap",
        "color": "suspicion",
        "suspects": "1",
        "neighbors": "30",
        "min_dist": "0.25",
        "selection": "0123456789abcdef",
    }
    assert from_query(query) == (view, [])
    tsne = View(method="tsne", tsne=TsneSettings(12.5, 500), umap=UmapSettings(30, 0.25))
    assert to_query(tsne) == {"method": "tsne", "perplexity": "12.5", "iters": "500"}  # UMAP's are not written
    assert from_query(to_query(tsne))[0] == View(method="tsne", tsne=TsneSettings(12.5, 500))
    assert View(method="tsne", tsne=TsneSettings(12.5, 500)).params() == {"perplexity": 12.5, "max_iters": 500}


def test_bad_values_fall_back_to_defaults_with_a_short_note_each() -> None:
    view, problems = from_query(
        {
            "method": "mds",
            "color": "rainbow",
            "suspects": "yes",
            "neighbors": "2",
            "min_dist": "abc",
            "iters": "333",
            "perplexity": "20",
            "selection": "../../etc/passwd",
        }
    )
    assert view == View(tsne=TsneSettings(perplexity=20.0))
    assert len(problems) == 7
    assert "unknown projection 'mds'" in problems and "unknown colouring 'rainbow'" in problems
    message = problems_message(problems)
    assert message.startswith("Parts of this link were not used") and "defaults" in message


def test_a_selection_is_stored_once_under_its_content_hash(tmp_path: Path) -> None:
    ids = [f"id{i:04d}" for i in range(5_000)]
    name = save_selection(tmp_path, "digits", ids)
    assert name == selection_id("digits", ids) and len(name) == 16
    assert save_selection(tmp_path, "digits", ids) == name
    assert len(list(selections_dir(tmp_path).iterdir())) == 1
    stored = load_selection(tmp_path, name)
    assert stored is not None and stored.dataset == "digits" and stored.sample_ids == ids
    assert selection_id("other", ids) != name
    assert load_selection(tmp_path, "ffffffffffffffff") is None
    assert load_selection(tmp_path, "../" + name) is None
    (selections_dir(tmp_path) / "0000000000000000.json").write_text("{not json")
    assert load_selection(tmp_path, "0000000000000000") is None
