"""prunetop's bridge to PyTorch."""
