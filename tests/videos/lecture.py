"""Test media made on the spot: a spoken lecture synthesized with Piper, muxed into a video by ffmpeg."""

from __future__ import annotations

import subprocess
import wave
from pathlib import Path

from core.media.ffmpeg import ffmpeg_binary

# Short paragraphs with distinct, checkable facts. About 45 seconds when spoken.
LECTURE = [
    "Welcome to this short lecture about volcanoes.",
    "Mount Etna in Sicily is the most active volcano in Europe.",
    "Magma that reaches the surface of the earth is called lava.",
    "Fresh lava is very hot. Its temperature is about eleven hundred degrees Celsius.",
    "The Ring of Fire around the Pacific Ocean holds most of the active volcanoes on the planet.",
    "Clouds of hot gas and ash can rush down the slopes of a volcano at great speed.",
    "Thank you for listening, and see you in the next lesson about earthquakes.",
]

# Piper samples noise inside its ONNX graph with no seed, so by default every synthesis sounds a little
# different and Whisper may hear "Edna" one run and "Etna" the next. Without the noise the audio is the same
# bytes every time, and the transcripts the tests check are the same.
DETERMINISTIC_SPEECH = {"noise_scale": 0.0, "noise_w_scale": 0.0}

# Extra paragraphs to make a longer lecture (benchmarks): varied topics, each a few sentences.
EXTRA = [
    "Plate tectonics explains why most volcanoes sit along the edges of the large plates of the crust.",
    "A shield volcano has gentle slopes because its runny lava flows a long way before it cools.",
    "Stratovolcanoes are steep cones built from layers of ash and thick lava, and they erupt explosively.",
    "Scientists measure small earthquakes and the swelling of the ground to forecast eruptions.",
    "Volcanic ash can stop aircraft engines, so airports close when a large ash cloud drifts nearby.",
    "Over long periods, volcanic soil becomes very fertile, which is why farms surround many volcanoes.",
]


def synthesize_lecture(path: Path, paragraphs: list[str] | None = None, silence_s: float = 0.6) -> Path:
    """WAV (Piper's rate) with a pause between paragraphs."""
    from core.ai.local import PiperSpeech

    speech = PiperSpeech()
    paragraphs = paragraphs or LECTURE
    parts: list[bytes] = []
    rate = 22050
    for text in paragraphs:
        part = path.with_suffix(".part.wav")
        speech.synthesize_to_file(text, part, **DETERMINISTIC_SPEECH)
        with wave.open(str(part), "rb") as wav:
            rate = wav.getframerate()
            parts.append(wav.readframes(wav.getnframes()))
        parts.append(b"\x00\x00" * int(rate * silence_s))
        part.unlink()
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"".join(parts))
    return path


def mux_video(audio: Path, video: Path, size: str = "320x180") -> Path:
    """An H.264/AAC MP4 with a plain test picture and the audio track."""
    subprocess.run(
        [
            ffmpeg_binary(),
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"testsrc2=size={size}:rate=10",
            "-i",
            str(audio),
            "-shortest",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-b:a",
            "64k",
            "-movflags",
            "+faststart",
            str(video),
        ],
        check=True,
    )
    return video


def silent_video(video: Path, seconds: float = 3.0) -> Path:
    subprocess.run(
        [
            ffmpeg_binary(),
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"testsrc2=size=160x90:rate=10:duration={seconds}",
            "-f",
            "lavfi",
            "-i",
            f"anullsrc=r=16000:cl=mono:d={seconds}",
            "-shortest",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            str(video),
        ],
        check=True,
    )
    return video


def video_without_audio(video: Path, seconds: float = 2.0) -> Path:
    subprocess.run(
        [
            ffmpeg_binary(),
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"testsrc2=size=160x90:rate=10:duration={seconds}",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-pix_fmt",
            "yuv420p",
            str(video),
        ],
        check=True,
    )
    return video


def cached_lecture_video(paragraphs: list[str] | None = None) -> Path:
    """The lecture video, made once per machine and content (tests in several processes share it)."""
    import hashlib
    import tempfile

    paragraphs = paragraphs or LECTURE
    recipe = "\n".join([*paragraphs, repr(sorted(DETERMINISTIC_SPEECH.items()))])
    digest = hashlib.sha256(recipe.encode()).hexdigest()[:12]
    folder = Path(tempfile.gettempdir()) / "mlstudio-test-media"
    folder.mkdir(exist_ok=True)
    video = folder / f"lecture-{digest}.mp4"
    if not video.is_file():
        audio = synthesize_lecture(folder / f"lecture-{digest}.wav", paragraphs)
        partial = folder / f"lecture-{digest}.part.mp4"
        mux_video(audio, partial)
        partial.replace(video)
    return video
