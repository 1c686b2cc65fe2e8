"""The figures' colours stay apart for colour-blind learners: every pair a learner must tell apart
(before / after BN, with / without BN) is simulated as seen with protanopia, deuteranopia and
tritanopia, and the simulated colours must still differ clearly.

Simulation: Machado, Oliveira & Fernandes (2009), "A physiologically-based model for simulation of
color vision deficiency", IEEE TVCG 15(6), severity 1.0 matrices, applied to linear sRGB. Distance:
CIELAB ΔE*ab (CIE 1976) under D65; 2.3 is a just-noticeable difference, and MIN_DELTA_E asks for about
ten times that, the size of the gap between two neighbouring Okabe–Ito colours.
"""

import itertools

import numpy as np
import pytest

from bnviz.figures import network, steps
from bnviz.figures.common import BN_WITHOUT_GAMMA_BETA, COLORS, OKABE_ITO

MACHADO = {
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]],
    "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]],
}
VISION = {"typical": np.eye(3)} | {name: np.array(m) for name, m in MACHADO.items()}
SRGB_TO_XYZ = np.array(
    [[0.4124564, 0.3575761, 0.1804375], [0.2126729, 0.7151522, 0.0721750], [0.0193339, 0.1191920, 0.9503041]]
)
MIN_DELTA_E = 20.0


def linear_rgb(hex_color: str) -> np.ndarray:
    """'#rrggbb' -> linear sRGB, shape (3,), in [0, 1] (the sRGB transfer function undone)."""
    c = np.array([int(hex_color[i : i + 2], 16) for i in (1, 3, 5)]) / 255.0
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def lab(rgb: np.ndarray) -> np.ndarray:
    """Linear sRGB, shape (3,) -> CIELAB (L*, a*, b*) under D65."""
    t = SRGB_TO_XYZ @ np.clip(rgb, 0.0, 1.0) / SRGB_TO_XYZ.sum(axis=1)
    f = np.where(t > (6 / 29) ** 3, np.cbrt(t), t / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def seen_apart(a: str, b: str, vision: str) -> float:
    """ΔE*ab between colours a and b as a learner with `vision` sees them."""
    m = VISION[vision]
    return float(np.linalg.norm(lab(m @ linear_rgb(a)) - lab(m @ linear_rgb(b))))


# Pairs drawn together that a learner must tell apart, and where they meet.
PAIRS = {
    "x before BN, y after (every page)": (COLORS["x"], COLORS["y"]),
    "x and x̂ (Drag γ and β; μ_B and σ_B, per-channel question)": (COLORS["x"], COLORS["x_hat"]),
    "x̂ and y (Drag γ and β's three histograms)": (COLORS["x_hat"], COLORS["y"]),
    "your y and the target (Match the target)": (COLORS["y"], COLORS["target"]),
    "the straight middle and the flat ends (the sigmoid question)": (COLORS["target"], COLORS["x_hat"]),
    "the true value and the batch statistics (Make a batch)": (COLORS["target"], COLORS["x"]),
    "γ and β over training (the per-channel question)": (COLORS["y"], COLORS["running"]),
}
# Each step of /steps shows its input beside its output.
STEP_ORDER = ["x", "centre", "normalize", "scale", "shift"]
PAIRS |= {
    f"step {a} -> {b} (Step through BN)": (steps.ARRAY_COLOR[a], steps.ARRAY_COLOR[b])
    for a, b in itertools.pairwise(STEP_ORDER)
}
# /network: every network against every other, the one with BN but without γ and β included.
NETWORKS = dict.fromkeys(network.NET_COLORS.values())
PAIRS |= {f"networks {a} and {b} (Why BN helps)": (a, b) for a, b in itertools.combinations(NETWORKS, 2)}
PAIRS["class 0 and class 1 (Why BN helps)"] = network.CLASS_COLORS


def test_the_simulation_matches_published_values():
    # Greys are seen unchanged by everyone; black and white are 100 apart (L* from 0 to 100).
    for vision in VISION:
        assert seen_apart("#7f7f7f", "#7f7f7f", vision) == 0.0
        assert seen_apart("#000000", "#ffffff", vision) == pytest.approx(100.0, abs=0.01)
    # Red and green, the classic confusion: far apart for typical vision, close for a deuteranope.
    assert seen_apart("#d62728", "#2ca02c", "typical") > 100
    assert seen_apart("#d62728", "#2ca02c", "deuteranopia") < 10


@pytest.mark.parametrize("vision", list(VISION))
def test_colours_a_learner_must_tell_apart_stay_apart(vision):
    close = {
        name: round(seen_apart(a, b, vision), 1)
        for name, (a, b) in PAIRS.items()
        if seen_apart(a, b, vision) < MIN_DELTA_E
    }
    assert not close, f"with {vision}, these pairs differ by less than ΔE {MIN_DELTA_E}: {close}"


def test_the_palette_is_okabe_ito_and_the_third_network_has_a_colour_of_its_own():
    assert COLORS["x"] == OKABE_ITO["blue"] and COLORS["y"] == OKABE_ITO["vermillion"]
    assert network.NET_COLORS == {"none": COLORS["x"], "bn": COLORS["y"], "bn_no_affine": BN_WITHOUT_GAMMA_BETA}
