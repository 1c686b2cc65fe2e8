"""bnviz: Batch Normalization in NumPy, and the figures that teach it.

The core follows PyTorch's BatchNorm1d/2d (see bnviz.core.batchnorm for the conventions).
This package never imports streamlit: the pages in pages/ are the only UI.
"""

from bnviz.core.batchnorm import BatchNorm, batch_norm_backward, batch_norm_forward, batch_statistics
from bnviz.core.data import DISTRIBUTIONS, PRESETS, ChannelSpec, make_batch, preset
from bnviz.core.norms import KINDS, norm_statistics, normalize, pooled_mask
from bnviz.core.steps import Step, batch_norm_steps

__all__ = [
    "BatchNorm",
    "batch_norm_forward",
    "batch_norm_backward",
    "batch_statistics",
    "batch_norm_steps",
    "Step",
    "normalize",
    "norm_statistics",
    "pooled_mask",
    "KINDS",
    "ChannelSpec",
    "make_batch",
    "preset",
    "PRESETS",
    "DISTRIBUTIONS",
]
