"""The convolutional network of /real-network: its gradients, its three arms, and what is read off them."""

import functools

import numpy as np
import pytest

from bnviz.core.batchnorm import BatchNorm
from bnviz.core.conv import softmax_cross_entropy
from bnviz.core.digits import split
from bnviz.experiments import cnn
from bnviz.experiments.cnn import CNN, NORMS, CNNSettings, init_weights

pytestmark = pytest.mark.numerical
SMALL = CNNSettings(lr=0.1, epochs=2, batch_size=128, seed=3)


@functools.cache
def small() -> cnn.CNNResult:
    return cnn.train(SMALL)


@pytest.mark.parametrize("norm", NORMS)
def test_the_networks_gradients_match_finite_differences(norm):
    train, _ = split()
    x, y = train.x[:6], train.y[:6]
    net = CNN(init_weights(0), norm)
    rng = np.random.default_rng(1)
    if norm == "none":  # biases away from 0: a blank patch's z = b = 0 would sit on ReLU's kink
        for l, c in enumerate(cnn.CHANNELS, start=1):
            net.params[f"conv{l}_bias"][:] = rng.normal(0.0, 0.5, c)
    if norm == "bn":  # γ and β away from 1 and 0, so that their gradients are tested where they matter
        for bn in net.bn:
            bn.gamma, bn.beta = rng.uniform(0.5, 2.0, bn.num_features), rng.normal(0.0, 0.5, bn.num_features)
    grads = net.backward(softmax_cross_entropy(net.forward(x), y)[1])
    learned = net.learned()
    assert set(grads) == set(learned)
    rng = np.random.default_rng(2)
    for name, p in learned.items():
        for i in [tuple(rng.integers(0, s) for s in p.shape) for _ in range(3)]:  # three entries of each
            old, h = p[i], 1e-6
            p[i] = old + h
            up = softmax_cross_entropy(net.forward(x), y)[0]
            p[i] = old - h
            down = softmax_cross_entropy(net.forward(x), y)[0]
            p[i] = old
            assert grads[name][i] == pytest.approx((up - down) / (2 * h), rel=1e-4, abs=1e-7), (name, i)


def test_only_the_network_without_bn_has_convolution_biases_and_only_bn_learns_gamma_and_beta():
    names = {norm: set(CNN(init_weights(0), norm).learned()) for norm in NORMS}
    assert {"conv1_bias", "conv2_bias", "conv3_bias"} <= names["none"]
    assert not any("bias" in n and n.startswith("conv") for n in names["bn"] | names["bn_no_affine"])
    assert {"gamma1", "beta3"} <= names["bn"] and not any(
        n.startswith(("gamma", "beta")) for n in names["bn_no_affine"]
    )


def test_the_three_arms_start_from_the_same_weights_and_see_the_same_batches():
    result = small()
    first = {norm: arm.test_accuracy[0] for norm, arm in result.arms.items()}
    # Before training the two BN networks compute the same function (γ = 1, β = 0 in both).
    assert first["bn"] == first["bn_no_affine"]
    schedule = cnn.batch_schedule(len(split().train.y), SMALL.batch_size, SMALL.epochs, SMALL.seed)
    assert len(result["bn"].loss) == len(schedule) == SMALL.epochs * (1285 // 128)
    assert result.epoch_steps.tolist() == [0, 10, 20]
    # Every epoch a permutation of the training images, the rest of a whole batch dropped.
    assert len(np.unique(schedule[:10])) == 1280


def test_the_bn_networks_batchnorm_is_the_cores_with_pytorchs_running_statistics():
    """Replaying the recorded batch statistics with momentum 0.1 gives the network's own running statistics:
    running = 0.9 · running + 0.1 · batch, the variance unbiased (PyTorch's BatchNorm2d)."""
    arm = small()["bn"]
    means, variances = cnn.replay_running(arm, 0.1)
    for bn, mu, var in zip(arm.net.bn, means, variances):
        assert isinstance(bn, BatchNorm) and bn.momentum == 0.1 and not bn.training
        np.testing.assert_allclose(mu[-1], bn.running_mean, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(var[-1], bn.running_var, rtol=1e-12)


def test_another_momentum_gives_other_running_statistics_and_the_same_weights():
    arm = small()["bn"]
    slow, _ = cnn.replay_running(arm, 0.001)
    fast, _ = cnn.replay_running(arm, 1.0)
    np.testing.assert_allclose(fast[0][-1], arm.batch_mean[0][-1])  # momentum 1: the last batch's mean
    assert np.abs(slow[0][-1]).max() < np.abs(fast[0][-1]).max()  # momentum 0.001: still near the start, 0
    with pytest.raises(ValueError, match="momentum must be above 0 and at most 1"):
        cnn.replay_running(arm, 0.0)


def test_resetting_one_channels_gamma_and_beta_changes_that_channel_only_in_a_copy():
    net = small()["bn"].net
    before = net.bn[1].gamma.copy()
    reset = cnn.with_channel_reset(net, 2, 5)
    assert reset.bn[1].gamma[5] == 1.0 and reset.bn[1].beta[5] == 0.0
    np.testing.assert_array_equal(np.delete(reset.bn[1].gamma, 5), np.delete(before, 5))
    np.testing.assert_array_equal(net.bn[1].gamma, before)  # the trained network is left as it was


def test_the_channel_facts_are_gamma_beta_and_the_running_statistics():
    net = small()["bn"].net
    facts = cnn.channel_facts(net, 3)
    np.testing.assert_array_equal(facts.gamma, net.bn[2].gamma)
    np.testing.assert_allclose(facts.sigma, np.sqrt(net.bn[2].running_var + 1e-5))
    assert facts.gamma[facts.by_gamma[0]] == facts.gamma.max()
    with pytest.raises(ValueError, match="only the network with BN and its γ and β"):
        cnn.channel_facts(small()["bn_no_affine"].net, 1)


def test_train_mode_on_the_whole_test_set_normalizes_it_with_its_own_statistics():
    net = small()["bn"].net
    _, test = split()
    accuracies = cnn.train_eval_accuracies(net, batches=(1, len(test.y)))
    assert accuracies["eval"] == net.accuracy(test)[1]
    by_hand = CNN.__new__(CNN)
    by_hand.__dict__.update(net.__dict__)
    by_hand.bn = [BatchNorm(bn.num_features) for bn in net.bn]
    for mine, theirs in zip(by_hand.bn, net.bn):
        mine.gamma, mine.beta = theirs.gamma, theirs.beta
    logits = by_hand.train().forward(test.x)  # a real train-mode forward: the batch's own statistics
    assert accuracies[len(test.y)] == np.mean(logits.argmax(axis=1) == test.y)
    assert all(not bn.training for bn in net.bn)  # and the network is left in eval mode


def test_a_network_whose_values_overflow_stops_and_says_at_which_step():
    huge = {name: w * (1e120 if name.startswith("conv") else 1.0) for name, w in init_weights(0).items()}
    schedule = cnn.batch_schedule(1285, 64, 1, 0)
    arm = cnn.train_arm("none", CNNSettings(epochs=2), huge, schedule)
    assert arm.diverged_at == 1 and arm.net is None and arm.final_accuracy is None and arm.steps_done == 0


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"lr": 0.2}, "lr must be one of 0.01, 0.03, 0.1, 0.3, 1.0"),
        ({"epochs": 3}, "epochs must be one of"),
        ({"batch_size": 1}, "batch_size must be one of 16, 32, 64, 128"),
        ({"seed": -1}, "seed must be a whole number"),
        ({"seed": True}, "seed must be a whole number"),
    ],
)
def test_settings_out_of_range_are_refused_with_the_choices(settings, message):
    with pytest.raises(ValueError, match=message):
        CNNSettings(**settings)


def test_the_activation_records_describe_each_blocks_output():
    arm = small()["none"]
    steps = len(arm.loss)
    assert arm.hist.shape == (3, steps, cnn.HIST_BINS)
    sizes = [SMALL.batch_size * c * side * side for c, side in zip(cnn.CHANNELS, cnn.SIDES)]
    assert arm.hist.sum(axis=2).tolist() == [[s] * steps for s in sizes]
    assert np.all((arm.near_zero >= 0) & (arm.near_zero <= 1)) and np.all(arm.act_std >= 0)


def test_resetting_a_blocks_gamma_and_beta_sets_all_its_channels_in_a_copy():
    net = small()["bn"].net
    before = [(bn.gamma.copy(), bn.beta.copy()) for bn in net.bn]
    reset = cnn.with_block_reset(net, 2)
    assert (
        reset.bn[1].gamma.tolist() == [1.0] * cnn.CHANNELS[1] and reset.bn[1].beta.tolist() == [0.0] * cnn.CHANNELS[1]
    )
    for l in (0, 2):  # the other blocks as trained
        np.testing.assert_array_equal(reset.bn[l].gamma, before[l][0])
        np.testing.assert_array_equal(reset.bn[l].beta, before[l][1])
    np.testing.assert_array_equal(reset.bn[1].running_mean, net.bn[1].running_mean)
    np.testing.assert_array_equal(net.bn[1].gamma, before[1][0])  # the trained network is left as it was
    np.testing.assert_array_equal(net.bn[1].beta, before[1][1])
    _, test = split()
    by_channel = net
    for c in range(cnn.CHANNELS[1]):
        by_channel = cnn.with_channel_reset(by_channel, 2, c)
    assert reset.accuracy(test) == by_channel.accuracy(test)  # every channel reset, one at a time


def test_a_trained_result_keeps_no_batch_so_that_a_shared_cache_stays_small():
    """st.cache_data keeps the result pickled and unpickles it for every session: the networks' weights and
    statistics, and the records, not the buffers of their last forward pass (141 MB before, here)."""
    import pickle

    result = small()
    for arm in result.arms.values():
        assert arm.net._caches == [] and arm.net.outputs == [] and all(bn._cache is None for bn in arm.net.bn)
    arm.net.accuracy(split().test)  # reading an accuracy keeps nothing either
    assert arm.net._caches == []
    assert len(pickle.dumps(result)) < 2_000_000


def test_undone_up_to_a_scale_means_gamma_positive_and_beta_over_gamma_equal_to_mu_over_sigma():
    facts = cnn.ChannelFacts(
        1,
        gamma=np.array([4.0, 2.0, -2.0, 1.0]),
        beta=np.array([2.0, 3.0, -1.0, 5.0]),
        mu=np.array([1.0, 1.0, 1.0, 5.0]),
        sigma=np.array([2.0, 2.0, 2.0, 1.0]),
    )
    # Channel 0: γ·x̂ + β = 4(x − 1)/2 + 2 = 2x, undone up to the scale 2; channel 3: (x − 5) + 5 = x, undone exactly as well;
    # channel 1: β/γ = 1.5 ≠ μ/σ = 0.5; channel 2: γ < 0 flips the channel, which no positive scale undoes.
    assert facts.undone_up_to_scale().tolist() == [0, 3]
    assert facts.undone().tolist() == [3]  # γ = σ and β = μ: channel 3 only


def test_train_modes_answers_change_with_the_batch_and_eval_modes_do_not():
    net = small()["bn"].net
    x = split().test.x
    changed = cnn.changed_answers(net, batches=(1, len(x)))
    assert changed[1] == int(np.count_nonzero(net.predict(x, batch_stats_of=1) != net.predict(x)))
    np.testing.assert_array_equal(net.predict(x[:7]), net.predict(x)[:7])  # eval: an image's answer is its own
    assert net.accuracy(split().test)[1] == np.mean(net.predict(x) == split().test.y)
