"""The offline summary: per chapter its most central sentence (main point), the next central ones (sub-points)
and the sentences closest to each sub-point (details)."""

from __future__ import annotations

import numpy as np

from core.videos.study.chapters import (
    central_order,
    chapter_vectors,
)
from core.videos.study.material import StudyMaterial
from core.videos.study.model import (
    Summary,
    SummaryPoint,
)


def summarize(material: StudyMaterial, sub_points: int = 3, details: int = 2) -> Summary:
    points = []
    for chapter, vectors in zip(material.chapters, chapter_vectors(material.chapters, material.vectors), strict=True):
        order = central_order(vectors)
        main, subs = order[0], sorted(order[1 : 1 + sub_points])
        used = {main, *subs}
        children = []
        for sub in subs:
            closeness = vectors @ vectors[sub]
            near = [int(i) for i in np.argsort(-closeness) if int(i) not in used][:details]
            used.update(near)
            children.append(
                SummaryPoint(
                    chapter.sentences[sub].text,
                    chapter.sentences[sub].start,
                    tuple(SummaryPoint(chapter.sentences[i].text, chapter.sentences[i].start) for i in sorted(near)),
                )
            )
        points.append(SummaryPoint(chapter.sentences[main].text, chapter.sentences[main].start, tuple(children)))
    overview_idx = sorted(central_order(material.vectors)[: min(5, len(material.chapters) + 2)])
    overview = tuple(SummaryPoint(material.sentences[i].text, material.sentences[i].start) for i in overview_idx)
    return Summary(overview, tuple(points), tuple(c.title for c in material.chapters))
