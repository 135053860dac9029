from components.planned import show_planned

show_planned(
    "videos",
    [
        "Take a video link, an uploaded video or audio file, or a subtitle file.",
        "Write a transcript with timestamps; click a line to jump the player there.",
        "Answer questions about the video, citing the moments it used; ask and listen by voice.",
        "Build a summary in three levels, a quiz and flashcards with spaced repetition.",
    ],
)
