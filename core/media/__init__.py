"""Media handling: ffmpeg probing/extraction/splitting, yt-dlp downloads, upload checks."""
