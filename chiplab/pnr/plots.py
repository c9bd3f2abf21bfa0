"""Pictures of a place-and-route run: the annealing cost, the placement, the congestion map, a maze search."""

from __future__ import annotations

from typing import Any

from chiplab.pnr.lefdef import macro


def _axes(ax: Any, size: tuple[float, float] = (6, 4)) -> Any:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt  # noqa: PLC0415

    return plt.subplots(figsize=size)[1]


def plot_cost(history: list[dict], ax: Any = None) -> Any:
    """Wirelength (HPWL) and temperature per annealing stage (``PnRResult.placement_history``)."""
    ax = _axes(ax)
    stages = [h["stage"] for h in history]
    ax.plot(stages, [h["cost_um"] for h in history], "b.-", label="HPWL (um)")
    ax.set_xlabel("temperature stage")
    ax.set_ylabel("total half-perimeter wirelength (um)", color="b")
    t = ax.twinx()
    t.semilogy(stages, [h["T"] / 1000 for h in history], "r--", label="T")
    t.set_ylabel("temperature (um of HPWL)", color="r")
    ax.set_title("Simulated annealing: cost goes down as T falls")
    return ax


def plot_placement(result: Any, ax: Any = None) -> Any:
    """The placed cells (logic blue, flip-flops orange, taps green, fillers grey) and I/O pins."""
    from matplotlib.patches import Rectangle  # noqa: PLC0415

    ax = _axes(ax, (6, 6))
    for cell, x, y, _orient in result.instances.values():
        m = macro(cell)
        if cell.startswith(("fill", "decap")):
            colour = "0.85"
        elif cell.startswith("tap"):
            colour = "tab:green"
        elif cell.startswith(("df", "dl")):
            colour = "tab:orange"
        else:
            colour = "tab:blue"
        ax.add_patch(Rectangle((x, y), m.width / 1000, m.height / 1000, facecolor=colour, edgecolor="k", lw=0.3))
    ax.set_xlim(0, result.die_um[0])
    ax.set_ylim(0, result.die_um[1])
    ax.set_aspect("equal")
    ax.set_xlabel("x (um)")
    ax.set_ylabel("y (um)")
    ax.set_title(f"{result.design}: {result.cells} cells, utilization {result.utilization:.2f}")
    return ax


def plot_congestion(result: Any, ax: Any = None) -> Any:
    """Fraction of routing-grid nodes used per tile (8 x 8 grid points), over the die."""
    ax = _axes(ax, (6, 5))
    im = ax.imshow(result.congestion, origin="lower", cmap="inferno", vmin=0, vmax=1,
                   extent=(0, result.die_um[0], 0, result.die_um[1]))
    ax.figure.colorbar(im, ax=ax, label="routing nodes used")
    ax.set_title("Congestion")
    ax.set_xlabel("x (um)")
    ax.set_ylabel("y (um)")
    return ax


def plot_search(grid: Any, trace: list[int], path: list[int] | None = None, layer: int = 0, ax: Any = None) -> Any:
    """The nodes an A* search expanded (in order, light to dark) on one layer, and the path it found."""
    import numpy as np  # noqa: PLC0415

    ax = _axes(ax, (6, 5))
    order = np.full((grid.ny, grid.nx), np.nan)
    for k, v in enumerate(trace):
        lay, i, j = grid.unpack(v)
        if lay == layer and np.isnan(order[j, i]):
            order[j, i] = k
    blocked = np.array([[grid.owner[grid.nid(layer, i, j)] == -2 for i in range(grid.nx)]
                        for j in range(grid.ny)])
    ax.imshow(blocked, origin="lower", cmap="Greys", alpha=0.6)
    ax.imshow(order, origin="lower", cmap="viridis_r", alpha=0.8)
    if path:
        pts = [grid.unpack(v) for v in path]
        ax.plot([p[1] for p in pts], [p[2] for p in pts], "r-", lw=2)
    ax.set_title(f"A* search: {len(trace)} nodes expanded")
    ax.set_xlabel("column")
    ax.set_ylabel("track")
    return ax
