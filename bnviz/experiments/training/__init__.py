"""γ and β trained by gradient descent while μ_B and σ²_B are recomputed for every mini-batch.

One BN layer (bnviz.batchnorm.BatchNorm, PyTorch's conventions) sees a training set of
activations cut into mini-batches, reshuffled every epoch. Its γ and β, one pair per
channel, are trained on one of three tasks; each channel's loss is the mean over its
mini-batch and the layer's loss is the sum over channels, so every channel learns on
its own:

- "reconstruct": L = mean((y - x)^2), the output should give back the input;
- "target":      L = mean((y - t)^2), t = target_mean + target_std * (x - μ) / σ;
- "classify":    L = mean(softplus(y) - label * y), the cross-entropy of sigmoid(y),
                 labels drawn with P(label = 1) = sigmoid(4 * ((x - μ) / σ - 0.5)).

μ and σ here are the training set's own mean and standard deviation per channel.

Two switches, off by default, change the network around the layer:
- affine=False: PyTorch's BatchNorm(affine=False), γ = 1 and β = 0 fixed, nothing of BN learned;
- head="sigmoid" (or "tanh", "ReLU"), squared-error tasks only: BN's output goes on through
  h = f(y) and a next layer out = w·h + b, one weight and one bias per channel, learned with
  γ and β from w = 1, b = 0; the loss is L = mean((out - t)^2) per channel.
The optimum γ*, β* is computed, never typed in: it minimizes the average loss over
every mini-batch the training sees (a quadratic for the first two tasks, solved in
closed form; convex for the classifier, solved by Newton's method).

Momentum of the running statistics is PyTorch's everywhere:
running = (1 - m) * running + m * batch, with the unbiased batch variance.

The package, one idea a module: `settings` (what a training depends on), `data` (the training set, its
targets and mini-batches), `losses`, `optimizers`, `loop` (the training and one step up close), `ends` (where
it ends, whether it settled), `landscape` (the loss over (γ, β) and its optimum), `modes` (train against eval,
momentum's conventions).
"""
