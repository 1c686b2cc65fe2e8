"""What /real-network says of its default run holds for every seed of CLAIM_SEEDS, at every SIMD level.

The page's sentences give the run's own numbers, and say a few things only when the run shows them
(content.real_network: `_silenced`, `_chosen_sparsity`). These tests check that, at the default settings
the lesson and the page open on, the run shows them on every seed: the network without BN reads fewer
test digits than both BN networks, most of its activations end exactly 0, and with γ and β the last block
ends sparser than without them, with its β below 0. scripts/test.sh runs them at three SIMD levels.
"""

import numpy as np
import pytest

from bnviz.experiments import cnn
from bnviz.figures.network import NAMES
from content.common import CLAIM_SEEDS
from content.real_network import block_summary, channels_summary, worst
from helpers.cnn_runs import trained

pytestmark = pytest.mark.numerical


@pytest.mark.parametrize("seed", CLAIM_SEEDS)
def test_at_the_default_settings_the_network_without_bn_learns_least_and_goes_silent(seed):
    result = trained(seed=seed)
    none = result["none"]
    # The lesson's prediction: "which network reads the fewest test digits right?" has one answer.
    assert worst(result) == (NAMES["none"],)
    assert none.final_accuracy < min(result["bn"].final_accuracy, result["bn_no_affine"].final_accuracy) - 0.1
    for block in (1, 2, 3):  # "over 80 % of them are exactly 0", said of every block
        assert "Without BN, over 80% of them are exactly 0" in block_summary(result, block)


@pytest.mark.parametrize("seed", CLAIM_SEEDS)
def test_with_gamma_and_beta_the_last_block_goes_sparse_and_without_them_it_cannot(seed):
    result = trained(seed=seed)
    said = block_summary(result, 3)
    assert "With γ and β, far more of them are 0 than without" in said
    beta = result["bn"].net.bn[2].beta
    assert np.mean(beta < 0) > 0.5  # "the learned β is below 0 in k of the block's channels": most of them


@pytest.mark.parametrize("seed", CLAIM_SEEDS)
def test_gamma_and_beta_never_undo_the_normalization(seed):
    net = trained(seed=seed)["bn"].net
    for block in (1, 2, 3):
        assert "BN was not undone" in channels_summary(cnn.channel_facts(net, block))
