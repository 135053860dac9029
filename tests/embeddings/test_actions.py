"""Tag, relabel, delete: persisted in FiftyOne, logged, undoable, exported; they survive a restart."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from core.embeddings import actions as ac
from core.embeddings.datasets import samples_of

ROOT = Path(__file__).resolve().parents[2]


def test_tag_relabel_delete_and_undo_each(small_digits: Any) -> None:
    samples = samples_of(small_digits)
    chosen = samples.ids[:5]

    change = ac.tag(small_digits, chosen, "suspect")
    assert change.action == "tag" and len(change.samples) == 5
    assert small_digits.count_sample_tags() == {"suspect": 5}
    with pytest.raises(ac.ActionError, match="already has the tag"):
        ac.tag(small_digits, chosen, "suspect")

    ac.relabel(small_digits, {sid: "7" for sid in chosen[:3]})
    after = samples_of(small_digits)
    assert after.labels[:3] == ["7", "7", "7"] and after.labels[3] == samples.labels[3]

    ac.delete(small_digits, samples.ids[10:14])
    assert len(small_digits) == 56

    log = ac.change_log(small_digits)
    assert [c.action for c in log] == ["tag", "relabel", "delete"]

    undone = ac.undo(small_digits)
    assert undone.action == "delete" and len(small_digits) == 60
    restored = samples_of(small_digits)
    assert sorted(restored.filepaths) == sorted(samples.filepaths)
    assert dict(zip(restored.filepaths, restored.labels, strict=True)) == {
        **dict(zip(samples.filepaths, samples.labels, strict=True)),
        **{samples.filepaths[i]: "7" for i in range(3)},
    }

    assert ac.undo(small_digits).action == "relabel"
    assert samples_of(small_digits).labels[:3] == samples.labels[:3]
    assert ac.undo(small_digits).action == "tag"
    assert small_digits.count_sample_tags() == {}
    with pytest.raises(ac.ActionError, match="nothing to undo"):
        ac.undo(small_digits)
    assert all(change.undone for change in ac.change_log(small_digits))


def test_per_sample_proposed_labels_and_csv_export(small_digits: Any) -> None:
    samples = samples_of(small_digits)
    ac.relabel(small_digits, {samples.ids[0]: "9", samples.ids[1]: "=cmd()"})
    rows = list(csv.DictReader(io.StringIO(ac.log_csv(ac.change_log(small_digits)))))
    assert [r["new"] for r in rows] == ["9", "'=cmd()"]
    assert rows[0]["old"] == samples.labels[0] and rows[0]["action"] == "relabel"
    assert rows[0]["filepath"] == samples.filepaths[0]


def test_empty_selection_is_a_message(small_digits: Any) -> None:
    with pytest.raises(ac.ActionError, match="Nothing is selected"):
        ac.tag(small_digits, [], "x")
    with pytest.raises(ac.ActionError, match="Type a tag"):
        ac.tag(small_digits, samples_of(small_digits).ids[:1], "  ")


STEP_ONE = """
import json, sys
from core.embeddings.store import open_store
from core.embeddings.datasets import digits_dataset, samples_of
from core.embeddings import actions as ac
data_dir = sys.argv[1]
fo = open_store(data_dir)
dataset = digits_dataset(fo, data_dir)
s = samples_of(dataset)
ac.tag(dataset, s.ids[:3], "checked")
ac.relabel(dataset, {s.ids[3]: "wrong"})
ac.delete(dataset, s.ids[4:6])
ac.tag(dataset, s.ids[6:8], "later-undone")
ac.undo(dataset)
print(json.dumps({"paths": s.filepaths[:8]}))
"""

STEP_TWO = """
import json, sys
from core.embeddings.store import open_store
from core.embeddings.datasets import load_dataset, samples_of
from core.embeddings import actions as ac
fo = open_store(sys.argv[1])
dataset = load_dataset(fo, "digits")
s = samples_of(dataset)
by_path = {p: (label, tags) for p, label, tags in zip(s.filepaths, s.labels, s.tags)}
print(json.dumps({"n": len(s), "by_path": by_path, "log": [c.summary for c in ac.change_log(dataset)]}))
"""


def run_step(code: str, data_dir: Path) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FIFTYONE_")}
    result = subprocess.run(
        [sys.executable, "-c", code, str(data_dir)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_changes_survive_a_restart_of_the_app_process(tmp_path: Path) -> None:
    first = run_step(STEP_ONE, tmp_path)
    mongo_lock = tmp_path / "fiftyone" / "db" / "mongod.lock"
    # The first process has exited; its mongod stops with it (lock file emptied), then a new one starts.
    second = run_step(STEP_TWO, tmp_path)
    assert not mongo_lock.exists() or mongo_lock.stat().st_size == 0
    paths = first["paths"]
    by_path = second["by_path"]
    assert second["n"] == 1797 - 2
    assert all(by_path[p][1] == ["checked"] for p in paths[:3])
    assert by_path[paths[3]][0] == "wrong"
    assert paths[4] not in by_path and paths[5] not in by_path
    assert all(by_path[p][1] == [] for p in paths[6:8])
    assert second["log"][-1].endswith("(undone)") and len(second["log"]) == 4


def test_apply_action_does_what_the_page_asked(small_digits: Any) -> None:
    samples = samples_of(small_digits)
    chosen = samples.ids[:3]
    change = ac.apply_action(small_digits, ac.Action("tag", "picked"), chosen, {})
    assert change.action == "tag" and small_digits.count_sample_tags() == {"picked": 3}
    ac.apply_action(small_digits, ac.Action("relabel", "8"), chosen, {})
    assert samples_of(small_digits).labels[:3] == ["8"] * 3
    ac.apply_action(small_digits, ac.Action("fix"), chosen, {chosen[0]: "5"})
    assert samples_of(small_digits).labels[:3] == ["5", "8", "8"]
    with pytest.raises(ac.ActionError, match="Type a tag"):
        ac.apply_action(small_digits, ac.Action("tag", "  "), chosen, {})
    ac.apply_action(small_digits, ac.Action("delete"), chosen, {})
    assert len(small_digits) == 57
    table = ac.log_table(ac.change_log(small_digits))
    assert [row["action"] for row in table] == ["tag", "relabel", "relabel", "delete"]
    assert table[0]["#"] == 1 and table[-1]["samples"] == 3 and table[0]["undone"] is False


def test_the_cleaned_labels_export_is_the_net_change_per_file(small_digits: Any) -> None:
    samples = samples_of(small_digits)
    first, second, third = samples.ids[:3]
    ac.relabel(small_digits, {first: "7", second: "=cmd()"})
    ac.relabel(small_digits, {first: "8"})  # relabelled twice: the first label and the last count
    ac.relabel(small_digits, {third: "5"})
    ac.undo(small_digits)  # the third file's change is undone
    ac.relabel(small_digits, {second: samples.labels[1]})  # and the second one relabelled back
    diff = ac.label_diff(ac.change_log(small_digits))
    assert diff == [(samples.filepaths[0], samples.labels[0], "8")]
    ac.relabel(small_digits, {second: "=cmd()"})
    rows = list(csv.DictReader(io.StringIO(ac.label_diff_csv(ac.change_log(small_digits)))))
    assert {r["filepath"]: r["new_label"] for r in rows}[samples.filepaths[1]] == "'=cmd()"
    assert ac.export_name("digits", "label-fixes") == "digits-label-fixes.csv"
