"""Save a layer's activations for bnviz ("Make a batch" → "Bring your own activations").

A forward hook records what a layer outputs, which is what a BatchNorm after it would
normalize. Run with PyTorch installed: `python examples/save_activations.py`. It wrote
examples/activations_conv.npy, shape (N, C, H, W) = (16, 4, 8, 8), float32.
For a fully connected layer (nn.Linear) the same lines save shape (N, C).
"""

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

torch.manual_seed(0)
model = nn.Sequential(
    nn.Conv2d(3, 8, kernel_size=3, padding=1),
    nn.ReLU(),
    nn.MaxPool2d(2),
    nn.Conv2d(8, 4, kernel_size=3, padding=1),  # the layer we look at
    nn.ReLU(),
)
# 16 smooth 16 × 16 images of unit variance (averaging 25 pixels divides the std by 5)
images = 5 * F.avg_pool2d(torch.randn(16, 3, 20, 20), kernel_size=5, stride=1)

saved = {}


def save_output(module, inputs, output):
    saved["acts"] = output.detach().cpu().numpy()


handle = model[3].register_forward_hook(save_output)  # any layer: model.layer1[0].conv1, ...
with torch.no_grad():
    model(images)
handle.remove()

acts = saved["acts"]  # (N, C, H, W) for a conv layer, (N, C) for nn.Linear
np.save("examples/activations_conv.npy", acts.astype(np.float32))  # loads on bnviz as it is
print(acts.shape, acts.mean(axis=(0, 2, 3)).round(3), acts.std(axis=(0, 2, 3)).round(3))
