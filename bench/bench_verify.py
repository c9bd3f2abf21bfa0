"""cocotb on Icarus vs Verilator: build and run times for a small and a larger design.

Run: ``.venv/bin/python bench/bench_verify.py [--cycles N]``. Prints the figures and the ratios
Verilator / Icarus (below 1: Verilator faster). Both simulators run the same cocotb testbench through
:func:`chiplab.verify.run_cocotb`; Verilator's per-design build cache is off so that its real build time
is measured. Its runtime library (verilated*.o, the same for every design) is compiled once per machine and
reused; ``--cold`` measures a first build, runtime included.
"""

from __future__ import annotations

import argparse
import sys
import time

from chiplab.verify import run_cocotb

SMALL = """\
module adder(input [7:0] a, input [7:0] b, output [8:0] s);
  assign s = a + b;
endmodule
"""

SMALL_TB = """\
import random
import cocotb
from cocotb.triggers import Timer

@cocotb.test()
async def test_adder(dut):
    for _ in range(200):
        a, b = random.randrange(256), random.randrange(256)
        dut.a.value = a
        dut.b.value = b
        await Timer(1, unit="ns")
        assert int(dut.s.value) == a + b
"""

# A larger design: 16 lanes of a 32-bit multiply-accumulate with an LFSR feeding each lane, a checksum
# of all lanes at the output. The testbench clocks it for many cycles from Python (the usual cocotb
# cost), checking the checksum against a Python model every 64 cycles.
LARGE = """\
module mac_array #(parameter LANES = 16) (
  input clk, input rst, input [31:0] seed, output reg [31:0] checksum);
  reg [31:0] lfsr [0:LANES-1];
  reg [31:0] acc [0:LANES-1];
  integer i;
  reg [31:0] x;
  always @(posedge clk) begin
    if (rst) begin
      for (i = 0; i < LANES; i = i + 1) begin
        lfsr[i] <= seed ^ (i * 32'h9E3779B9);
        acc[i] <= 0;
      end
      checksum <= 0;
    end else begin
      x = 0;
      for (i = 0; i < LANES; i = i + 1) begin
        lfsr[i] <= {lfsr[i][30:0], lfsr[i][31] ^ lfsr[i][21] ^ lfsr[i][1] ^ lfsr[i][0]};
        acc[i] <= acc[i] + (lfsr[i][15:0] * lfsr[i][31:16]);
        x = x ^ acc[i];
      end
      checksum <= x;
    end
  end
endmodule
"""

LARGE_TB = """\
import os
import cocotb
from cocotb.clock import Clock
from cocotb.triggers import RisingEdge, ReadOnly

LANES = 16
M = 0xFFFFFFFF

def model(seed, cycles):
    lfsr = [(seed ^ (i * 0x9E3779B9)) & M for i in range(LANES)]
    acc = [0] * LANES
    out = []
    checksum = 0
    for _ in range(cycles):
        x = 0
        for i in range(LANES):
            x ^= acc[i]
        new_lfsr = []
        for i in range(LANES):
            v = lfsr[i]
            fb = ((v >> 31) ^ (v >> 21) ^ (v >> 1) ^ v) & 1
            new_lfsr.append(((v << 1) | fb) & M)
            acc[i] = (acc[i] + (v & 0xFFFF) * (v >> 16)) & M
        lfsr = new_lfsr
        checksum = x
        out.append(checksum)
    return out

@cocotb.test()
async def test_checksum(dut):
    cycles = int(os.environ.get("BENCH_CYCLES", "5000"))
    seed = 0x1234ABCD
    expect = model(seed, cycles)
    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start())
    dut.seed.value = seed
    dut.rst.value = 1
    await RisingEdge(dut.clk)
    await RisingEdge(dut.clk)
    dut.rst.value = 0
    for k in range(cycles):
        await RisingEdge(dut.clk)
        if k % 64 == 63:
            await ReadOnly()
            assert int(dut.checksum.value) == expect[k], f"cycle {k}"
"""


def _run(label: str, design: str, tb: str, simulator: str, cycles: int) -> dict[str, float]:
    t0 = time.monotonic()
    res = run_cocotb(design, tb, simulator=simulator, cache=False, timeout_s=600,
                     extra_env={"BENCH_CYCLES": str(cycles)})
    total = time.monotonic() - t0
    if not res.passed:
        print(res.summary())
        raise SystemExit(f"{label} on {simulator}: the testbench failed")
    sim_ns = sum(t.sim_time_ns for t in res.tests)
    test_wall = sum(t.wall_s for t in res.tests)
    return {"build": res.build_s, "run": res.run_s, "test": test_wall, "total": total, "sim_ns": sim_ns}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cycles", type=int, default=5000, help="clock cycles of the larger design's test")
    ap.add_argument("--cold", action="store_true",
                    help="compile Verilator's runtime library too (a fresh cache: the first build on a machine)")
    args = ap.parse_args(argv)
    if args.cold:
        import tempfile

        tempfile.tempdir = tempfile.mkdtemp(prefix="chiplab-bench-cold-")
    cases = [("small: 8-bit adder, 200 vectors", SMALL, SMALL_TB),
             (f"larger: 16-lane MAC array, {args.cycles} cycles", LARGE, LARGE_TB)]
    print(f"{'design':<42} {'sim':<10} {'build s':>8} {'run s':>8} {'tests s':>8} {'total s':>8}")
    for label, design, tb in cases:
        rows = {}
        for sim in ("icarus", "verilator"):
            r = _run(label, design, tb, sim, args.cycles)
            rows[sim] = r
            print(f"{label:<42} {sim:<10} {r['build']:>8.2f} {r['run']:>8.2f} {r['test']:>8.2f} {r['total']:>8.2f}")
        i, v = rows["icarus"], rows["verilator"]
        print(f"{'':<42} {'ratio V/I':<10} {v['build'] / max(i['build'], 1e-3):>8.1f} "
              f"{v['run'] / max(i['run'], 1e-3):>8.2f} {v['test'] / max(i['test'], 1e-3):>8.2f} "
              f"{v['total'] / max(i['total'], 1e-3):>8.2f}")
    print("(build: compile the HDL; run: start the simulator and run the tests; tests: cocotb's own "
          "wall time of the tests; ratio below 1 means Verilator is faster)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
