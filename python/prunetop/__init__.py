"""prunetop's bridge to PyTorch: a run log the dashboard watches (`prunetop watch LOG`), the
dashboard's knobs taken between steps, and a gradual magnitude pruner that follows them."""

from .commands import Command, CommandError, CommandFile
from .network import describe as describe_network
from .pruner import GradualPruner
from .runlog import RunLog

__all__ = ["RunLog", "GradualPruner", "CommandFile", "Command", "CommandError", "describe_network"]
