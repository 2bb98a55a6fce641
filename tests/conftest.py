"""Shared fixtures: a fresh, per-test seeded Generator."""

import zlib

import numpy as np
import pytest


@pytest.fixture
def rng(request) -> np.random.Generator:
    """A Generator seeded from the test's name, so each test is reproducible on its own."""
    return np.random.default_rng(zlib.crc32(request.node.nodeid.encode()))
