"""The maths: BatchNorm with PyTorch's semantics, the other norms, the forward pass as steps, the data."""
