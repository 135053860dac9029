"""Music recommender: catalog of tracks with audio features, our own recommendation engine, Spotify client."""
