"""The music view's form in a link: short, canonical, and forgiving of bad values."""

from core.music.link import (
    CAP_RANGE,
    LIMIT_RANGE,
    MusicLink,
    SeedRef,
    Tuning,
    decode_link,
    encode_link,
)


def full_link() -> MusicLink:
    return MusicLink(
        catalog="generated-1a2b",
        seeds=[
            SeedRef("track", "4uLU6hMCjMI75M1A2tKUQC"),
            SeedRef("artist", "Earth, Wind & Fire"),
            SeedRef("artist", "100% Pure"),
            SeedRef("genre", "rock"),
        ],
        tuning=Tuning(
            minimums={"energy": 0.5, "duration_ms": 150_000.0},
            maximums={"acousticness": 0.3, "loudness": -4.5},
            targets={"danceability": 0.8, "key": 7.0},
            limit=30,
            per_artist_cap=1,
            diversity=0.55,
            target_weight=2.25,
        ),
        listed=True,
    )


def test_an_untouched_view_is_a_bare_url() -> None:
    assert encode_link(MusicLink()) == {}
    assert encode_link(MusicLink(catalog="c", listed=True)) == {"catalog": "c"}  # no list without seeds


def test_a_link_round_trips_with_awkward_names() -> None:
    link = full_link()
    params = encode_link(link)
    assert params["seeds"] == "track:4uLU6hMCjMI75M1A2tKUQC,artist:Earth%2C Wind & Fire,artist:100%25 Pure,genre:rock"
    assert params["min"] == "energy:0.5,duration_ms:150000"
    assert params["target"] == "danceability:0.8,key:7"
    assert params["limit"] == "30" and params["cap"] == "1" and params["variety"] == "0.55"
    assert params["strength"] == "2.25" and params["list"] == "1"
    decoded, problems = decode_link(params)
    assert problems == []
    assert decoded == link
    assert encode_link(decoded) == params  # canonical: restoring a link does not rewrite it


def test_defaults_are_left_out() -> None:
    tuning = Tuning(limit=LIMIT_RANGE.default, per_artist_cap=CAP_RANGE.default)
    params = encode_link(MusicLink(seeds=[SeedRef("genre", "jazz")], tuning=tuning))
    assert params == {"seeds": "genre:jazz"}


def test_bad_values_are_reported_and_fall_back_to_defaults() -> None:
    link, problems = decode_link(
        {
            "seeds": "genre:rock,planet:mars,track:",
            "min": "energy:0.4,loudness:-99,bogus:1,tempo:fast",
            "max": "energy:0.2",
            "target": "valence:0.9",
            "limit": "500",
            "cap": "two",
            "variety": "0.5",
            "strength": "nan?",
        }
    )
    assert link.seeds == [SeedRef("genre", "rock")]
    # energy's min is above its max: neither is used; the other bad ones are dropped one by one.
    assert link.tuning.minimums == {} and link.tuning.maximums == {}
    assert link.tuning.targets == {"valence": 0.9}
    assert link.tuning.limit == LIMIT_RANGE.default and link.tuning.per_artist_cap == CAP_RANGE.default
    assert link.tuning.diversity == 0.5 and link.tuning.target_weight == 1.0
    text = " ".join(problems)
    assert "“planet:mars” is not a seed" in text and "“track:” is not a seed" in text
    assert "Loudness (dB) (-99) is outside -60–5" in text
    assert "“bogus” is not an audio feature" in text
    assert "Tempo (BPM) (“fast”) is not a number" in text
    assert "Energy: the minimum is above the maximum" in text
    assert "The number of tracks (500) is outside 5–50" in text
    assert "The cap per artist (“two”) is not a whole number" in text
    assert "Target strength (“nan?”) is not a number" in text
    assert len(problems) == 9


def test_more_than_five_seeds_and_repeats() -> None:
    link, problems = decode_link({"seeds": ",".join(f"genre:g{i}" for i in [1, 1, 2, 3, 4, 5, 6])})
    assert [s.value for s in link.seeds] == ["g1", "g2", "g3", "g4", "g5"]
    assert problems == ["At most 5 seeds: “g6” was left out."]


def test_tuning_makes_the_engine_query() -> None:
    tuning = full_link().tuning
    query = tuning.query([])
    assert query.minimums == tuning.minimums and query.minimums is not tuning.minimums
    assert (query.limit, query.per_artist_cap, query.diversity, query.target_weight) == (30, 1, 0.55, 2.25)
