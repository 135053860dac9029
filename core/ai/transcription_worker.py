"""The local speech recognizer's process: faster-whisper tiny.en in a worker (core.workers)
so that Cancel can stop it at once (a CTranslate2 call cannot be interrupted inside the app's process).

`python -m core.ai.transcription_worker <fd> <model path> <threads>`: loads the model, says ("ready",),
then for each (audio path, prompt, options) job sends ("info", duration), one ("segment", dict) per
recognized segment and ("done",), or ("error", text). A None job ends it.
"""

from __future__ import annotations

import contextlib
import sys
import traceback
from multiprocessing.connection import Connection
from typing import Any

from core.workers import child_connection


def _segment(piece: Any) -> dict[str, Any]:
    return {
        "start": float(piece.start),
        "end": float(piece.end),
        "text": piece.text,
        "avg_logprob": float(piece.avg_logprob),
        "words": [(w.word, float(w.start), float(w.end), float(w.probability)) for w in piece.words or ()],
    }


def serve(connection: Connection, model_path: str, threads: int) -> None:
    from faster_whisper import WhisperModel

    model = WhisperModel(model_path, device="cpu", compute_type="int8", cpu_threads=threads)
    connection.send(("ready",))
    while (job := connection.recv()) is not None:
        audio, prompt, options = job
        try:
            pieces, info = model.transcribe(audio, initial_prompt=prompt, **options)
            connection.send(("info", float(info.duration or 0.0)))
            for piece in pieces:
                connection.send(("segment", _segment(piece)))
            connection.send(("done",))
        except Exception as exc:  # reported to the parent, which logs it and shows a short message
            connection.send(("error", f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"))


if __name__ == "__main__":
    with contextlib.suppress(EOFError, OSError, KeyboardInterrupt):  # the app is gone or stopped this worker
        serve(child_connection(sys.argv), sys.argv[2], int(sys.argv[3]))
