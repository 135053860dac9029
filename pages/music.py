from components.planned import show_planned

show_planned(
    "music",
    [
        "Search songs and artists; pick up to five seeds (tracks, artists, genres).",
        "Set minimum, maximum and target for energy, danceability, tempo and more.",
        "Get a playlist with the reason for every track, play it and export it.",
    ],
)
