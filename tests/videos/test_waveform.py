"""The waveform of an audio-only upload: loud where the audio is loud, silent where it is silent."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest

from core.media.waveform import waveform_peaks


def write_wav(path: Path, samples: np.ndarray, rate: int = 16_000) -> Path:
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(rate)
        handle.writeframes(samples.astype("<i2").tobytes())
    return path


def test_peaks_follow_the_loudness_of_each_span(tmp_path: Path) -> None:
    rate = 16_000
    t = np.arange(rate * 3) / rate
    tone = 12_000 * np.sin(2 * np.pi * 220 * t)
    tone[rate : 2 * rate] = 0  # the middle second is silent
    tone[2 * rate :] *= 0.5  # the last second half as loud
    peaks = waveform_peaks(write_wav(tmp_path / "a.wav", tone), bins=30)
    assert peaks is not None and peaks.shape == (30,)
    assert np.allclose(peaks[:10], 1.0, atol=0.02)
    assert np.all(peaks[11:19] == 0)
    assert np.allclose(peaks[21:], 0.5, atol=0.02)


def test_long_audio_is_read_in_pieces_with_the_same_result(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(0)
    noise = rng.integers(-20_000, 20_000, 100_003)
    path = write_wav(tmp_path / "n.wav", noise)
    whole = waveform_peaks(path, bins=7)
    monkeypatch.setattr("core.media.waveform.FRAMES_PER_READ", 4_096)
    assert np.array_equal(waveform_peaks(path, bins=7), whole)


def test_a_missing_or_broken_file_has_no_waveform(tmp_path: Path) -> None:
    assert waveform_peaks(tmp_path / "none.wav") is None
    (tmp_path / "bad.wav").write_bytes(b"RIFF not a wav")
    assert waveform_peaks(tmp_path / "bad.wav") is None
    assert waveform_peaks(write_wav(tmp_path / "empty.wav", np.zeros(0))) is None
