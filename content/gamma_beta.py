"""What the /gamma-beta page shows as text tables: the readout of every channel and the shape
of a distribution before and after BN. The numbers come from bnviz.experiments.gamma_beta,
written with bnviz.numbers.fixed and an ASCII minus, as the page's metrics show them."""

from __future__ import annotations

import numpy as np
import pandas as pd

from bnviz.experiments import gamma_beta
from bnviz.experiments.gamma_beta import Readout
from bnviz.notation import MU_B, STD_B
from bnviz.numbers import fixed, sig

# The readout's two distances, named as a learner can read them; the page's caption says how
# the histogram distance (statisticians' 1-Wasserstein distance, W₁) is computed.
LARGEST = "largest |y − x|"
DISTANCE = "histogram distance y to x"
# shape_statistics' names, with what they measure in plain words.
SHAPE_ROWS = {
    "skewness": "skewness (lopsidedness)",
    "excess kurtosis": "excess kurtosis (heavy tails)",
}


def readout_table(out: Readout) -> pd.DataFrame:
    """The readout of every channel as a table of text, one row per channel.

    Statistics with 4 decimals, distances with 3 significant digits (they reach 1e-15), each as the
    live readouts beside the table write it (ui/live.js: fixed(·, 4), sig(·, 3)).
    Already text, so that showing it costs nothing per drag.
    """
    columns = {
        MU_B: out.mu,
        STD_B: np.sqrt(out.var),
        "γ": out.gamma,
        "β": out.beta,
        "mean of y": out.mean,
        "std of y": out.std,
    }
    table = {name: [fixed(v, 4, minus="-") for v in values] for name, values in columns.items()}
    table[LARGEST] = [sig(v, 3) for v in out.max_abs_diff]
    table[DISTANCE] = [sig(v, 3) for v in out.w1]
    return pd.DataFrame(table, index=pd.Index([f"channel {c}" for c in range(len(out.mu))], name="channel"))


def shape_table(before, after) -> pd.DataFrame:
    """Mean, std, skewness and excess kurtosis of x (before BN) and x_hat (after), as text, each
    shape statistic named with what it measures."""
    stats = {
        "x (before BN)": gamma_beta.shape_statistics(before),
        "x̂ (after BN)": gamma_beta.shape_statistics(after),
    }
    table = {name: {SHAPE_ROWS.get(k, k): fixed(v, 3, minus="-") for k, v in s.items()} for name, s in stats.items()}
    return pd.DataFrame(table)
