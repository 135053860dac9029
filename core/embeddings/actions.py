"""Actions on a selection: tag, relabel, delete. Persisted in the FiftyOne dataset, each one written to a
change log kept in the dataset's `info`, undoable (newest first), exportable as CSV.

Samples are recorded by file path in the log: a deleted sample that is restored gets a new FiftyOne
id, but keeps its path, label and tags.
"""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from core.embeddings.datasets import LABEL_FIELD, safe_name
from core.errors import UserError
from core.spreadsheet import spreadsheet_cell

LOG_KEY = "mlstudio_changelog"
_lock = threading.Lock()


class ActionError(UserError, ValueError):
    """An action the app cannot do. The message says what to do."""


@dataclass(frozen=True)
class Change:
    number: int
    time: str
    action: str
    detail: str
    samples: list[dict[str, Any]]
    undone: bool = False

    @property
    def summary(self) -> str:
        state = " (undone)" if self.undone else ""
        return f"#{self.number} {self.action} {len(self.samples)} sample(s): {self.detail}{state}"


ActionKind = Literal["tag", "relabel", "fix", "delete"]


@dataclass(frozen=True)
class Action:
    """What the user asked to do with the selection: tag it (value: the tag), relabel it (value: the new
    label), apply the neighbours' labels, or delete it."""

    kind: ActionKind
    value: str = ""


def apply_action(dataset: Any, action: Action, selected: Sequence[str], fixes: Mapping[str, str]) -> Change:
    """Do `action` on the selected samples (`fixes`: the neighbours' label per sample, for "fix")."""
    if action.kind == "tag":
        return tag(dataset, selected, action.value)
    if action.kind == "relabel":
        return relabel(dataset, {sid: action.value for sid in selected})
    if action.kind == "fix":
        return relabel(dataset, fixes)
    return delete(dataset, selected)


def change_log(dataset: Any) -> list[Change]:
    dataset.reload()
    return [Change(**entry) for entry in dataset.info.get(LOG_KEY, [])]


def _append(dataset: Any, action: str, detail: str, samples: list[dict[str, Any]]) -> Change:
    entries = list(dataset.info.get(LOG_KEY, []))
    change = Change(
        number=(entries[-1]["number"] + 1) if entries else 1,
        time=datetime.now(UTC).isoformat(timespec="seconds"),
        action=action,
        detail=detail,
        samples=samples,
    )
    entries.append(change.__dict__)
    dataset.info[LOG_KEY] = entries
    dataset.save()
    return change


def _rows(dataset: Any, sample_ids: Sequence[str]) -> list[dict[str, Any]]:
    if not sample_ids:
        raise ActionError("Nothing is selected. Draw a lasso or a box around some points first.")
    view = dataset.select(list(sample_ids), ordered=True)
    ids, paths, labels, tags = view.values(["id", "filepath", f"{LABEL_FIELD}.label", "tags"])
    if not ids:
        raise ActionError("The selected samples are no longer in the dataset. Select again.")
    return [
        {"id": i, "filepath": p, "label": lab, "tags": list(t or [])}
        for i, p, lab, t in zip(ids, paths, labels, tags, strict=True)
    ]


def tag(dataset: Any, sample_ids: Sequence[str], tag_name: str) -> Change:
    tag_name = tag_name.strip()
    if not tag_name or len(tag_name) > 64:
        raise ActionError("Type a tag of 1 to 64 characters.")
    with _lock:
        dataset.reload()
        rows = [r for r in _rows(dataset, sample_ids) if tag_name not in r["tags"]]
        if not rows:
            raise ActionError(f"Every selected sample already has the tag {tag_name!r}.")
        dataset.select([r["id"] for r in rows]).tag_samples(tag_name)
        return _append(
            dataset,
            "tag",
            tag_name,
            [{"filepath": r["filepath"], "old": None, "new": tag_name} for r in rows],
        )


def relabel(dataset: Any, new_labels: Mapping[str, str]) -> Change:
    """Give each sample id its new label (one label for all, or a proposed fix per sample)."""
    import fiftyone as fo

    cleaned = {sid: label.strip() for sid, label in new_labels.items() if label and label.strip()}
    if not cleaned:
        raise ActionError("Choose or type the new label.")
    with _lock:
        dataset.reload()
        rows = [r for r in _rows(dataset, list(cleaned)) if r["label"] != cleaned[r["id"]]]
        if not rows:
            raise ActionError("The selected samples already have that label.")
        view = dataset.select([r["id"] for r in rows], ordered=True)
        view.set_values(LABEL_FIELD, [fo.Classification(label=cleaned[r["id"]]) for r in rows])
        targets = sorted({cleaned[r["id"]] for r in rows})
        detail = f"-> {targets[0]}" if len(targets) == 1 else "-> proposed labels"
        samples = [{"filepath": r["filepath"], "old": r["label"], "new": cleaned[r["id"]]} for r in rows]
        return _append(dataset, "relabel", detail, samples)


def delete(dataset: Any, sample_ids: Sequence[str]) -> Change:
    with _lock:
        dataset.reload()
        rows = _rows(dataset, sample_ids)
        dataset.delete_samples([r["id"] for r in rows])
        samples = [{"filepath": r["filepath"], "old": r["label"], "new": None, "tags": r["tags"]} for r in rows]
        return _append(dataset, "delete", f"{len(rows)} removed from the dataset (files kept)", samples)


def undo(dataset: Any) -> Change:
    """Revert the newest change that is not undone yet; return it."""
    import fiftyone as fo
    from fiftyone import ViewField as F

    with _lock:
        dataset.reload()
        entries = list(dataset.info.get(LOG_KEY, []))
        open_entries = [i for i, e in enumerate(entries) if not e.get("undone")]
        if not open_entries:
            raise ActionError("There is nothing to undo.")
        index = open_entries[-1]
        entry = entries[index]
        paths = [s["filepath"] for s in entry["samples"]]
        matching = dataset.match(F("filepath").is_in(paths))
        if entry["action"] == "tag":
            matching.untag_samples(entry["detail"])
        elif entry["action"] == "relabel":
            old = {s["filepath"]: s["old"] for s in entry["samples"]}
            ids, current_paths = matching.values(["id", "filepath"])
            view = dataset.select(ids, ordered=True)
            view.set_values(
                LABEL_FIELD,
                [fo.Classification(label=old[p]) if old[p] is not None else None for p in current_paths],
            )
        elif entry["action"] == "delete":
            present = set(matching.values("filepath"))
            dataset.add_samples(
                [
                    fo.Sample(
                        filepath=s["filepath"],
                        tags=list(s.get("tags", [])),
                        **({LABEL_FIELD: fo.Classification(label=s["old"])} if s["old"] is not None else {}),
                    )
                    for s in entry["samples"]
                    if s["filepath"] not in present
                ],
                progress=False,
            )
        entry = {**entry, "undone": True}
        entries[index] = entry
        dataset.info[LOG_KEY] = entries
        dataset.save()
        return Change(**entry)


def log_table(changes: Sequence[Change]) -> list[dict[str, Any]]:
    """One row per change, for the page's change-log table."""
    return [
        {
            "#": c.number,
            "time (UTC)": c.time,
            "action": c.action,
            "samples": len(c.samples),
            "detail": c.detail,
            "undone": c.undone,
        }
        for c in changes
    ]


def log_csv(changes: Sequence[Change]) -> str:
    """One row per affected sample: change number, time, action, file, old value, new value, undone."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["change", "time", "action", "filepath", "old", "new", "undone"])
    for change in changes:
        for sample in change.samples:
            writer.writerow(
                [
                    change.number,
                    change.time,
                    change.action,
                    _csv_safe(sample["filepath"]),
                    _csv_safe(sample.get("old")),
                    _csv_safe(sample.get("new")),
                    change.undone,
                ]
            )
    return out.getvalue()


def label_diff(changes: Sequence[Change]) -> list[tuple[str, str, str]]:
    """The cleaned labels as a diff: (file, label at first, label now) for every file whose label the kept
    (not undone) relabels changed, however many times; files relabelled back to their label drop out."""
    first: dict[str, str] = {}
    now: dict[str, str] = {}
    for change in changes:
        if change.action != "relabel" or change.undone:
            continue
        for sample in change.samples:
            first.setdefault(sample["filepath"], str(sample.get("old")))
            now[sample["filepath"]] = str(sample.get("new"))
    return [(path, first[path], now[path]) for path in sorted(now) if first[path] != now[path]]


def label_diff_csv(changes: Sequence[Change]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["filepath", "old_label", "new_label"])
    for row in label_diff(changes):
        writer.writerow([_csv_safe(value) for value in row])
    return out.getvalue()


def _csv_safe(value: Any) -> str:
    """Text that a spreadsheet will not run as a formula."""
    return str(spreadsheet_cell("" if value is None else str(value)))


def export_name(dataset_name: str, what: str = "changes") -> str:
    return f"{safe_name(dataset_name)}-{what}.csv"
