from components.planned import show_planned

show_planned(
    "attractors",
    [
        "Tune the network (neurons N, inputs D, scale s, seed) and watch its attractor.",
        "Read its Lyapunov spectrum and class: fixed point, cycle, torus or chaos.",
        "Search for chaotic attractors and map where chaos lives.",
    ],
)
