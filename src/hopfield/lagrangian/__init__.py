"""Lagrangian formulation of associative memory and hierarchical associative memory (HAM).

- :mod:`.lagrangians` — layer Lagrangians ``L(x)``, activations ``g = ∇L``, Legendre energies.
- :mod:`.two_layer` — feature/memory network of Krotov & Hopfield (2021) and models A, B, C.
- :mod:`.general` — fully connected network with block Lagrangians (Krotov 2021).
- :mod:`.ham` — hierarchical associative memory: layers, dense and convolutional synapses.
- :mod:`.integrate` — Euler, adaptive Heun–Euler and SciPy integrators with fixed-point stopping.

Everything accepts NumPy arrays or torch tensors (torch is imported only when a tensor is given).
See Theory reference §9–§10.
"""


from . import integrate
from .general import GeneralNetwork
from .ham import HAM, AbstractSynapse, ConvSynapse, DenseSynapse, HAMResult, Layer
from .integrate import IntegrationResult
from .lagrangians import (
    LAGRANGIANS,
    Abs,
    AbstractLagrangian,
    Exponential,
    FunctionLagrangian,
    Identity,
    LayerNorm,
    Polynomial,
    RectifiedPolynomial,
    RePU,
    Sigmoid,
    Softmax,
    SphericalNorm,
    Tanh,
    make_lagrangian,
)
from .two_layer import (
    AbstractEffectiveModel,
    ModelA,
    ModelB,
    ModelC,
    TwoLayerNetwork,
    separation_lagrangian,
)

__all__ = [
    "HAM",
    "LAGRANGIANS",
    "Abs",
    "AbstractEffectiveModel",
    "AbstractLagrangian",
    "AbstractSynapse",
    "ConvSynapse",
    "DenseSynapse",
    "Exponential",
    "FunctionLagrangian",
    "GeneralNetwork",
    "HAMResult",
    "Identity",
    "IntegrationResult",
    "Layer",
    "LayerNorm",
    "ModelA",
    "ModelB",
    "ModelC",
    "Polynomial",
    "RePU",
    "RectifiedPolynomial",
    "Sigmoid",
    "Softmax",
    "SphericalNorm",
    "Tanh",
    "TwoLayerNetwork",
    "integrate",
    "make_lagrangian",
    "separation_lagrangian",
]
