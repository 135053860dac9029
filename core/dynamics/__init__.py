"""Neural-network attractors (after J.C. Sprott): engine, Lyapunov spectrum, classes, search, rendering."""
