"""The convolutional network's trainings that several test files read, trained once per test process."""

import functools

from bnviz.experiments import cnn
from bnviz.experiments.cnn import CNNResult, CNNSettings


@functools.cache
def trained(**settings) -> CNNResult:
    """cnn.train(CNNSettings(**settings)): the page's default run with no arguments (about 2.5 s here)."""
    return cnn.train(CNNSettings(**settings))
