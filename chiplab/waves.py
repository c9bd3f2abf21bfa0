"""Waveforms: capture them (from a VCD file or an Amaranth simulation) and draw them like a logic analyser.

A :class:`Waves` holds one :class:`Trace` per signal: the times (in ns) at which the signal changed and
the value it took (an ``int``, or ``None`` for an unknown ``x``/``z`` value). Read one from a VCD file
with :func:`read_vcd`, or get one from :func:`chiplab.hdl.simulate`. In a notebook a ``Waves`` shows itself
as a picture; :meth:`Waves.plot` gives control over what is shown::

    w = read_vcd("dump.vcd")
    w.plot(["clk", "en", "count"], unit="cycles", markers={"overflow": 165})
    w.per_cycle("count")      # what the flip-flops saw at each rising clock edge
"""

from __future__ import annotations

import io
import math
import re
import tempfile
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chiplab.errors import ChipLabError

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = ["Trace", "Waves", "read_vcd", "parse_vcd", "WavesError", "record", "Recording"]

Value = int | float | str | None

_CLOCK_NAMES = ("clk", "clock", "sync_clk", "clk_i", "i_clk")


class WavesError(ChipLabError, ValueError):
    """A waveform could not be read, or a signal asked for is not in it."""


@dataclass
class Trace:
    """One signal's history: ``values[i]`` holds from ``times[i]`` (ns) until the next change."""

    name: str
    width: int
    times: list[float] = field(default_factory=list)
    values: list[Value] = field(default_factory=list)
    kind: str = "wire"  # "wire" (bits), "real" or "string" (e.g. an FSM state name)

    def append(self, time: float, value: Value) -> None:
        """Record a change; repeated values and a later value at the same time are merged."""
        if self.times and self.times[-1] == time:
            self.values[-1] = value
            if len(self.values) > 1 and self.values[-2] == value:
                self.times.pop()
                self.values.pop()
            return
        if self.values and self.values[-1] == value:
            return
        self.times.append(time)
        self.values.append(value)

    def at(self, time: float) -> Value:
        """The value at ``time`` ns (after every change at exactly that time)."""
        i = bisect_right(self.times, time) - 1
        return self.values[i] if i >= 0 else None

    def before(self, time: float) -> Value:
        """The value just before ``time`` ns: what a flip-flop clocked at ``time`` sees."""
        i = bisect_right(self.times, time) - 1
        if i >= 0 and self.times[i] == time:
            i -= 1
        return self.values[i] if i >= 0 else None

    def edges(self, rising: bool = True) -> list[float]:
        """Times of the rising (or falling) edges of a 1-bit signal."""
        want_prev, want_now = (0, 1) if rising else (1, 0)
        return [t for t, prev, now in zip(self.times[1:], self.values, self.values[1:])
                if prev == want_prev and now == want_now]

    def segments(self, end: float) -> list[tuple[float, float, Value]]:
        """(start, stop, value) for each stretch of constant value up to ``end`` ns."""
        out = []
        for i, (t, v) in enumerate(zip(self.times, self.values)):
            stop = self.times[i + 1] if i + 1 < len(self.times) else end
            if stop > t or (i + 1 == len(self.times) and stop >= t):
                out.append((t, max(stop, t), v))
        return out


# --------------------------------------------------------------------------- VCD reading

_UNIT_NS = {"s": 1e9, "ms": 1e6, "us": 1e3, "ns": 1.0, "ps": 1e-3, "fs": 1e-6}


def _parse_timescale(text: str) -> float:
    m = re.fullmatch(r"\s*(1|10|100)\s*([munpf]?s)\s*", text)
    if not m:
        raise WavesError(f"unreadable VCD $timescale {text.strip()!r} (expected e.g. '1 ns')")
    return int(m.group(1)) * _UNIT_NS[m.group(2)]


def _bits_to_int(bits: str, width: int) -> int | None:
    bits = bits.lower()
    if any(c in "xzuwlh-" for c in bits):
        return None
    return int(bits, 2) if bits else 0


def parse_vcd(text: str, signals: Iterable[str] | None = None) -> Waves:
    """Parse VCD text into a :class:`Waves` (see :func:`read_vcd`)."""
    tokens = text.split()
    n = len(tokens)
    i = 0
    scale = 1.0
    scope: list[str] = []
    by_id: dict[str, list[Trace]] = {}
    traces: list[Trace] = []

    def until_end(start: int) -> tuple[list[str], int]:
        j = start
        while j < n and tokens[j] != "$end":
            j += 1
        if j >= n:
            raise WavesError("VCD header is cut short: a '$end' is missing")
        return tokens[start:j], j + 1

    # header
    while i < n:
        tok = tokens[i]
        if tok == "$enddefinitions":
            _, i = until_end(i + 1)
            break
        if tok == "$timescale":
            body, i = until_end(i + 1)
            scale = _parse_timescale(" ".join(body))
        elif tok == "$scope":
            body, i = until_end(i + 1)
            scope.append((body[1] if len(body) > 1 else (body[0] if body else "?")).lstrip("\\"))
        elif tok == "$upscope":
            _, i = until_end(i + 1)
            if scope:
                scope.pop()
        elif tok == "$var":
            body, i = until_end(i + 1)
            if len(body) < 4:
                raise WavesError(f"bad VCD $var line: {' '.join(body)!r}")
            vtype, size, ident, ref = body[0], body[1], body[2], body[3].lstrip("\\")
            name = ".".join([*scope, ref])
            kind = "real" if vtype in ("real", "realtime") else "string" if vtype == "string" else "wire"
            try:
                width = int(size)
            except ValueError:
                raise WavesError(f"bad VCD $var width {size!r} for {ref}") from None
            tr = Trace(name=name, width=width, kind=kind)
            traces.append(tr)
            by_id.setdefault(ident, []).append(tr)
        elif tok.startswith("$"):
            _, i = until_end(i + 1)
        else:
            raise WavesError(f"this is not a VCD file (unexpected {tok!r} in the header)")
    else:
        if not traces:
            raise WavesError("this is not a VCD file (no $var and no $enddefinitions found)")

    wanted: set[int] | None = None
    if signals is not None:
        keep = _select(traces, list(signals))
        wanted = {id(t) for t in keep}

    now = 0.0
    last = 0.0
    while i < n:
        tok = tokens[i]
        c = tok[0]
        if c == "#":
            try:
                now = int(tok[1:]) * scale
            except ValueError:
                now = float(tok[1:]) * scale
            last = max(last, now)
            i += 1
        elif c in "01xzXZuUwWlLhH-":
            ident = tok[1:]
            for tr in by_id.get(ident, ()):
                tr.append(now, int(c) if c in "01" else None)
            i += 1
        elif c in "bB":
            ident = tokens[i + 1]
            for tr in by_id.get(ident, ()):
                tr.append(now, _bits_to_int(tok[1:], tr.width))
            i += 2
        elif c in "rR":
            ident = tokens[i + 1]
            try:
                val: Value = float(tok[1:])
            except ValueError:
                val = None
            for tr in by_id.get(ident, ()):
                tr.append(now, val)
            i += 2
        elif c in "sS":
            ident = tokens[i + 1]
            for tr in by_id.get(ident, ()):
                tr.kind = "string"
                tr.append(now, tok[1:])
            i += 2
        elif tok == "$comment":
            while i < n and tokens[i] != "$end":
                i += 1
            i += 1
        else:  # $dumpvars, $dumpall, $dumpon, $dumpoff, $end
            i += 1
    if wanted is not None:
        traces = [t for t in traces if id(t) in wanted]
    return Waves(traces, end=last)


def read_vcd(path: str | Path, signals: Iterable[str] | None = None) -> Waves:
    """Read a VCD file (from Icarus, Verilator, cocotb, Amaranth, ...) into a :class:`Waves`.

    ``signals`` keeps only these (full dotted names like ``"top.count"``, or short names like ``"count"``).
    Times are converted to ns from the file's ``$timescale``.
    """
    p = Path(path)
    if not p.exists():
        raise WavesError(f"no VCD file at {p}")
    return parse_vcd(p.read_text(errors="replace"), signals)


def _select(traces: Sequence[Trace], names: Sequence[str]) -> list[Trace]:
    out = []
    for name in names:
        out.append(_find(traces, name))
    return out


def _find(traces: Sequence[Trace], name: str) -> Trace:
    for t in traces:
        if t.name == name:
            return t
    matches = [t for t in traces if t.name.endswith("." + name)]
    if len(matches) == 1:
        return matches[0]
    if matches:
        # prefer the shallowest (the top level's port over an internal copy)
        matches.sort(key=lambda t: t.name.count("."))
        if matches[0].name.count(".") < matches[1].name.count("."):
            return matches[0]
        raise WavesError(f"signal name {name!r} is ambiguous: "
                         f"{', '.join(t.name for t in matches[:6])}; use the full name")
    short = sorted({t.name.rsplit('.', 1)[-1] for t in traces})
    raise WavesError(f"no signal {name!r} in these waves; there are: {', '.join(short[:30])}")


# --------------------------------------------------------------------------- Waves


class Waves:
    """A set of signal traces over time (ns), with a clock if one is found.

    ``w["count"]`` is a :class:`Trace`; ``w.value("count", 42.0)`` the value at 42 ns;
    ``w.per_cycle("count")`` the values at each rising clock edge; ``w.plot()`` a picture.
    """

    def __init__(self, traces: Iterable[Trace], end: float | None = None, clock: str | None = None,
                 period: float | None = None) -> None:
        self.traces: list[Trace] = list(traces)
        last = max((t.times[-1] for t in self.traces if t.times), default=0.0)
        self.end: float = float(end) if end is not None and end >= last else last
        self._clock_name = clock
        self._period = period

    # ---- access
    @property
    def names(self) -> list[str]:
        """Full names of the signals, in order."""
        return [t.name for t in self.traces]

    def __getitem__(self, name: str) -> Trace:
        return _find(self.traces, name)

    def __contains__(self, name: object) -> bool:
        try:
            _find(self.traces, str(name))
        except WavesError:
            return False
        return True

    def __len__(self) -> int:
        return len(self.traces)

    def __iter__(self):  # noqa: ANN204
        return iter(self.traces)

    def __repr__(self) -> str:
        clk = f", clock {self.clock.name} @ {self.period:g} ns" if self.clock is not None and self.period else ""
        return f"<Waves {len(self.traces)} signals, {self.end:g} ns{clk}>"

    def value(self, name: str, time: float) -> Value:
        """The value of ``name`` at ``time`` ns (``None`` when unknown)."""
        return self[name].at(time)

    @property
    def clock(self) -> Trace | None:
        """The clock trace: the one named when the waves were made, else a 1-bit signal named clk/clock."""
        if self._clock_name is not None:
            return self[self._clock_name]
        for t in self.traces:
            short = t.name.rsplit(".", 1)[-1].lower()
            if t.width == 1 and (short in _CLOCK_NAMES or short.endswith("_clk")) and len(t.edges()) >= 2:
                return t
        return None

    @property
    def period(self) -> float | None:
        """The clock period in ns (median time between rising edges), or ``None`` with no clock."""
        if self._period is not None:
            return self._period
        clk = self.clock
        if clk is None:
            return None
        e = clk.edges()
        if len(e) < 2:
            return None
        d = sorted(b - a for a, b in zip(e, e[1:]))
        return d[len(d) // 2]

    def clock_edges(self) -> list[float]:
        """Times (ns) of the rising clock edges."""
        clk = self.clock
        if clk is None:
            raise WavesError("these waves have no clock (no 1-bit signal named clk/clock that toggles)",
                             hint="pass clock='name' when you make the Waves, or sample at times you choose")
        return clk.edges()

    def per_cycle(self, names: str | Sequence[str] | None = None) -> Any:
        """Values sampled just before each rising clock edge (what the flip-flops see).

        One name gives a list; several (or none: all but the clock) give a dict of lists.
        """
        edges = self.clock_edges()
        if isinstance(names, str):
            tr = self[names]
            return [tr.before(t) for t in edges]
        chosen = [self[n] for n in names] if names is not None else \
            [t for t in self.traces if t is not self.clock]
        return {t.name.rsplit(".", 1)[-1] if names is None else n: [t.before(e) for e in edges]
                for t, n in zip(chosen, names if names is not None else [None] * len(chosen))}

    def sample(self, name: str, times: Iterable[float]) -> list[Value]:
        """Values of ``name`` at the given times (ns)."""
        tr = self[name]
        return [tr.at(t) for t in times]

    def select(self, names: Sequence[str]) -> Waves:
        """A Waves with only these signals (in this order)."""
        return Waves(_select(self.traces, names), end=self.end, clock=None, period=self._period)

    # ---- writing
    def to_vcd(self, path: str | Path, timescale_ps: int = 1) -> Path:
        """Write the waves as a VCD file (viewable in GTKWave or Surfer)."""
        ids = {}
        lines = ["$comment written by chiplab.waves $end", f"$timescale {timescale_ps} ps $end",
                 "$scope module top $end"]
        for k, t in enumerate(self.traces):
            ident = _vcd_id(k)
            ids[t.name] = ident
            vtype = t.kind if t.kind in ("real", "string") else "wire"
            lines.append(f"$var {vtype} {t.width} {ident} {t.name.replace(' ', '_')} $end")
        lines += ["$upscope $end", "$enddefinitions $end"]
        events: dict[int, list[str]] = {}
        for t in self.traces:
            for time, v in zip(t.times, t.values):
                stamp = int(round(time * 1000 / timescale_ps))
                if t.kind == "string":
                    s = f"s{v if v is not None else 'x'} {ids[t.name]}"
                elif t.kind == "real":
                    s = f"r{v if v is not None else 'nan'} {ids[t.name]}"
                elif t.width == 1:
                    s = f"{'x' if v is None else int(v)}{ids[t.name]}"
                else:
                    s = f"b{'x' if v is None else format(int(v), 'b')} {ids[t.name]}"
                events.setdefault(stamp, []).append(s)
        for stamp in sorted(events):
            lines.append(f"#{stamp}")
            lines.extend(events[stamp])
        lines.append(f"#{int(round(self.end * 1000 / timescale_ps))}")
        p = Path(path)
        p.write_text("\n".join(lines) + "\n")
        return p

    # ---- drawing
    def plot(self, signals: Sequence[str] | None = None, *, start: float | None = None,
             end: float | None = None, unit: str = "ns", radix: str | Mapping[str, str] = "hex",
             labels: Mapping[str, Mapping[int, str]] | None = None,
             markers: Mapping[str, float] | Sequence[float] | None = None,
             cursors: Sequence[float] | None = None, title: str | None = None,
             clock_lines: bool = True, ax: Axes | None = None, width: float = 10.0) -> Axes:
        """Draw the waves like a logic analyser and return the matplotlib Axes (``.figure`` is the Figure).

        Like pandas' ``plot()`` it returns the Axes, so a notebook shows the picture once.

        - ``signals``: names to show, top to bottom (default: all but Yosys' ``$`` temporaries).
        - ``start``/``end``: the window, in ``unit``; ``unit`` is ``"ns"`` or ``"cycles"`` (rising clock
          edge k at x = k).
        - ``radix``: ``"hex"``, ``"dec"``, ``"bin"`` or ``"signed"``, or a dict per signal name.
        - ``labels``: names for values, per signal, e.g. ``{"state": {0: "IDLE", 1: "RUN"}}``.
        - ``markers``: ``{"label": time}`` (or a list of times) drawn as dashed lines.
        - ``cursors``: one or two times; with two, the time between them is shown.
        """
        import matplotlib.pyplot as plt
        from matplotlib.patches import Polygon, Rectangle

        if unit not in ("ns", "cycles"):
            raise WavesError(f"unit must be 'ns' or 'cycles', not {unit!r}")
        traces = _select(self.traces, list(signals)) if signals is not None else \
            [t for t in self.traces if not t.name.rsplit(".", 1)[-1].startswith("$")]  # no Yosys temporaries
        if not traces:
            raise WavesError("there are no signals to plot")
        clk = self.clock
        period = self.period
        t0 = 0.0
        if unit == "cycles":
            if clk is None or not period:
                raise WavesError("unit='cycles' needs a clock in the waves", hint="use unit='ns'")
            t0 = clk.edges()[0]

        def tx(t: float) -> float:  # ns -> x
            return (t - t0) / period if unit == "cycles" else t

        def fx(x: float) -> float:  # x -> ns
            return x * period + t0 if unit == "cycles" else x

        lo_ns = fx(start) if start is not None else 0.0
        hi_ns = fx(end) if end is not None else self.end
        if hi_ns <= lo_ns:
            hi_ns = lo_ns + (period or 1.0)
        x0, x1 = tx(lo_ns), tx(hi_ns)
        span = x1 - x0

        rows = len(traces)
        if ax is None:
            extra_h = 0.25 * bool(markers) + 0.3 * bool(cursors and len(cursors) >= 2)
            fig, ax = plt.subplots(figsize=(width, 0.52 * rows + 0.9 + extra_h), layout="constrained")
        else:
            fig = ax.figure
        ax.set_facecolor("#fbfbfd")
        fig_w_px = fig.get_size_inches()[0] * fig.dpi * 0.82
        px_per_x = fig_w_px / span if span else 1.0
        char_x = 6.8 / px_per_x  # width of one character of the value font, in x units
        slope = min(span * 0.006, (period and tx(t0 + period * 0.12) - tx(t0)) or span * 0.006)
        if unit == "cycles":
            slope = min(span * 0.006, 0.12)

        line_c, fill_c, x_c, clk_c = "#1f5fa8", "#e3eefa", "#d62728", "#4a4a4a"
        radix_of = (lambda n: radix.get(n, radix.get(n.rsplit(".", 1)[-1], "hex"))) if isinstance(radix, Mapping) \
            else (lambda n: radix)
        labels = labels or {}

        yt, ylab = [], []
        for r, tr in enumerate(traces):
            base = rows - 1 - r
            lo, hi = base + 0.18, base + 0.78
            mid = (lo + hi) / 2
            short = tr.name.rsplit(".", 1)[-1]
            yt.append(mid)
            ylab.append(f"{short}[{tr.width - 1}:0]" if tr.width > 1 and tr.kind == "wire" else short)
            if r % 2 == 1:
                ax.add_patch(Rectangle((x0, base), span, 1, color="#f0f1f5", zorder=0, lw=0))
            segs = [(max(a, lo_ns), min(b, hi_ns), v) for a, b, v in tr.segments(self.end)
                    if b > lo_ns and a < hi_ns or (a == b and lo_ns <= a <= hi_ns)]
            if not segs:
                continue
            is_clk = clk is not None and tr is clk
            vlabels = labels.get(tr.name, labels.get(short, {}))
            if tr.width == 1 and tr.kind == "wire" and not vlabels:
                xs, ys = [], []
                for a, b, v in segs:
                    if v is None:
                        ax.add_patch(Rectangle((tx(a), lo), tx(b) - tx(a), hi - lo, facecolor="#fde0e0",
                                               edgecolor=x_c, hatch="////", lw=0.6, zorder=2))
                        xs += [tx(a), tx(b)]
                        ys += [mid, mid]
                        continue
                    y = hi if v else lo
                    xs += [tx(a), tx(b)]
                    ys += [y, y]
                    if v and not is_clk:
                        ax.fill_between([tx(a), tx(b)], lo, hi, color=fill_c, lw=0, zorder=1)
                ax.plot(xs, ys, color=clk_c if is_clk else line_c, lw=1.5, zorder=3,
                        solid_joinstyle="miter")
            else:
                rad = radix_of(tr.name)
                for a, b, v in segs:
                    xa, xb = tx(a), tx(b)
                    s = min(slope, (xb - xa) / 2)
                    pts = [(xa, mid), (xa + s, hi), (xb - s, hi), (xb, mid), (xb - s, lo), (xa + s, lo)]
                    unknown = v is None
                    ax.add_patch(Polygon(pts, closed=True, facecolor="#fde0e0" if unknown else fill_c,
                                         edgecolor=x_c if unknown else line_c, lw=1.2, zorder=2,
                                         hatch="////" if unknown else None))
                    text = "x" if unknown else _format_value(v, tr.width, rad, vlabels)
                    room = (xb - xa - 2 * s) / char_x
                    if room >= len(text) + 0.5:
                        ax.text((xa + xb) / 2, mid, text, ha="center", va="center", fontsize=8.5,
                                family="monospace", color="#102a4c", zorder=4, clip_on=True)
                    elif room >= 2:
                        ax.text((xa + xb) / 2, mid, "…", ha="center", va="center", fontsize=8,
                                color="#102a4c", zorder=4, clip_on=True)

        if clock_lines and clk is not None:
            for e in clk.edges():
                if lo_ns <= e <= hi_ns:
                    ax.axvline(tx(e), color="#b8bccb", lw=0.6, ls=(0, (2, 3)), zorder=0.5)

        top = rows + 0.05
        if markers:
            items = list(markers.items()) if isinstance(markers, Mapping) else [("", m) for m in markers]
            for label, m in items:
                xm = float(m)
                ax.axvline(xm, color="#e07b00", lw=1.4, ls="--", zorder=5)
                if label:
                    ax.text(xm, rows + 0.08, f" {label}", color="#b35f00", fontsize=9, va="bottom",
                            ha="left", clip_on=False)
            top = rows + 0.45
        if cursors:
            names = "AB"
            for k, c in enumerate(list(cursors)[:2]):
                ax.axvline(c, color="#7b2cbf", lw=1.3, zorder=5)
                ax.text(c, -0.05, f" {names[k]}", color="#7b2cbf", fontsize=9, va="top", ha="left",
                        fontweight="bold")
            if len(cursors) >= 2:
                a, b = sorted(list(cursors)[:2])
                d = b - a
                u = "cycles" if unit == "cycles" else "ns"
                extra = f" ({1e3 / d:.4g} MHz)" if unit == "ns" and d > 0 else ""
                ya = top + 0.12
                ax.annotate("", xy=(b, ya), xytext=(a, ya),
                            arrowprops={"arrowstyle": "<->", "color": "#7b2cbf"}, annotation_clip=False)
                ax.text((a + b) / 2, ya + 0.06, f"Δ = {d:g} {u}{extra}", ha="center", va="bottom",
                        color="#7b2cbf", fontsize=9, clip_on=False,
                        bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})
                top = ya + 0.45

        ax.set_xlim(x0, x1)
        ax.set_ylim(-0.05, top)
        ax.set_yticks(yt, ylab, family="monospace", fontsize=10)
        ax.tick_params(axis="y", length=0)
        for side in ("top", "right", "left"):
            ax.spines[side].set_visible(False)
        if unit == "cycles":
            from matplotlib.ticker import MaxNLocator
            ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=min(25, max(2, int(span) + 1))))
            ax.set_xlabel("clock cycle (rising edges)")
        else:
            ax.set_xlabel("time (ns)")
        ax.grid(False)
        if title:
            ax.set_title(title, loc="left", fontsize=11, pad=6)
        return ax

    def _repr_png_(self) -> bytes | None:
        if not self.traces:
            return None
        import matplotlib.pyplot as plt

        fig = self.plot().figure
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=90)
        plt.close(fig)
        return buf.getvalue()

    def save(self, path: str | Path, **plot_args: Any) -> Path:
        """Plot and save as a picture (PNG/SVG/PDF by the file name)."""
        import matplotlib.pyplot as plt

        fig = self.plot(**plot_args).figure
        p = Path(path)
        fig.savefig(p, dpi=110)
        plt.close(fig)
        return p


def _format_value(v: Value, width: int, radix: str, labels: Mapping[int, str]) -> str:
    if v is None:
        return "x"
    if isinstance(v, str):
        return v
    if isinstance(v, float):
        return f"{v:.4g}"
    if v in labels:
        return str(labels[v])
    if radix == "dec":
        return str(v)
    if radix == "signed":
        return str(v - (1 << width) if width and v >= 1 << (width - 1) else v)
    if radix == "bin":
        return format(v, f"0{width}b")
    if radix == "hex":
        return format(v, f"0{max(1, math.ceil(width / 4))}X") if width > 1 else str(v)
    raise WavesError(f"radix must be 'hex', 'dec', 'bin' or 'signed', not {radix!r}")


def _vcd_id(k: int) -> str:
    chars = [chr(c) for c in range(33, 127)]
    s = ""
    while True:
        s = chars[k % len(chars)] + s
        k //= len(chars)
        if k == 0:
            return s
        k -= 1


# --------------------------------------------------------------------------- recording an Amaranth Simulator


@dataclass
class Recording:
    """Filled in when the ``with record(sim, ...)`` block ends: ``.waves`` holds the traces."""

    waves: Waves | None = None


@contextmanager
def record(sim: Any, traces: Sequence[Any] | Mapping[str, Any], clock_ns: float | None = None,
           vcd: str | Path | None = None) -> Iterator[Recording]:
    """Record signals of an Amaranth ``Simulator`` you drive yourself, every time they change::

        sim = Simulator(dut); sim.add_clock(10e-9); sim.add_testbench(bench)
        with record(sim, [dut.en, dut.count]) as rec:
            sim.run()
        rec.waves.plot()

    ``traces`` are Signals (named by their ``.name``) or a dict ``{"label": signal}``; the ``sync`` clock
    is added as ``clk``. ``clock_ns`` sets the clock period if it cannot be measured.
    """
    chosen = list(traces.items()) if isinstance(traces, Mapping) else [(getattr(s, "name", None), s) for s in traces]
    for label, s in chosen:
        if label is None or not hasattr(s, "shape"):
            raise WavesError(f"cannot record {s!r}: give Signals, or a dict of label -> Signal")
    rec = Recording()
    with tempfile.TemporaryDirectory(prefix="chiplab-rec-") as tmp:
        path = Path(vcd) if vcd is not None else Path(tmp) / "rec.vcd"
        with sim.write_vcd(str(path), traces=[s for _, s in chosen]):
            yield rec
        raw = read_vcd(path)
    out = []
    clk = [t for t in raw.traces if t.name == "bench.top.clk"]
    if clk and not any(label == "clk" or s.name == "clk" for label, s in chosen):
        out.append(Trace("clk", 1, clk[0].times, clk[0].values))  # the sync clock, for cycles and edges
    for label, s in chosen:
        want = s.name
        cands = [t for t in raw.traces if t.name == f"bench.top.{want}"] or \
            sorted((t for t in raw.traces if t.name.rsplit(".", 1)[-1] == want), key=lambda t: t.name.count("."))
        if cands:
            t = cands[0]
            out.append(Trace(str(label), t.width, t.times, t.values, t.kind))
    rec.waves = Waves(out, end=raw.end, period=clock_ns)
