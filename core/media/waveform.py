"""The loudness envelope of an audio track, for drawing its waveform."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np

FRAMES_PER_READ = 1 << 20  # about a minute of 16 kHz audio in memory at a time, whatever the length


def waveform_peaks(path: Path, bins: int = 300) -> np.ndarray | None:
    """The peak absolute amplitude (0-1) of each of `bins` equal spans of a 16-bit PCM WAV, scaled so
    that the loudest span is 1; None when the file is missing, unreadable or not 16-bit PCM."""
    try:
        with wave.open(str(path), "rb") as handle:
            if handle.getsampwidth() != 2 or handle.getnframes() == 0:
                return None
            channels, frames = handle.getnchannels(), handle.getnframes()
            edges = np.linspace(0, frames, bins + 1).astype(np.int64)
            peaks = np.zeros(bins, dtype=np.float32)
            done = 0
            while done < frames:
                raw = handle.readframes(FRAMES_PER_READ)
                if not raw:
                    break
                samples = np.abs(np.frombuffer(raw, dtype="<i2").reshape(-1, channels).astype(np.int32)).max(axis=1)
                positions = np.arange(done, done + len(samples))
                which = np.clip(np.searchsorted(edges, positions, side="right") - 1, 0, bins - 1)
                np.maximum.at(peaks, which, samples.astype(np.float32))
                done += len(samples)
    except (OSError, EOFError, wave.Error, ValueError):
        return None
    loudest = float(peaks.max())
    return peaks / loudest if loudest > 0 else peaks
