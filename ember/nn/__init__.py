"""torch.nn: Module, Parameter, layers, containers; `functional` and `init` as submodules."""
from . import functional, init
from .modules.container import ModuleDict, ModuleList, ParameterDict, ParameterList, Sequential
from .modules.flatten import Flatten, Unflatten
from .modules.linear import Bilinear, Identity, Linear
from .modules.module import Module
from .parameter import Parameter

__all__ = ["Bilinear", "Flatten", "Identity", "Linear", "Module", "ModuleDict", "ModuleList",
           "Parameter", "ParameterDict", "ParameterList", "Sequential", "Unflatten",
           "functional", "init"]
