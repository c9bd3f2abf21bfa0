"""ChipLab: the Python package behind the ChipLab semiconductor design course.

One module per stage of the path a design takes (see DESIGN.md):
``logic`` (Boolean algebra), ``widgets`` (interactive explorers), and later
``hdl``, ``verify``, ``synth``, ``spice``, ``pdk``, ``pnr``, ``layout``, ``timing``.
"""

from chiplab.errors import ChipLabError

__all__ = ["ChipLabError", "__version__"]
__version__ = "0.1.0"
