// 8-bit multiply-accumulate: acc <= acc + a * b, 20-bit accumulator (about 440 sky130 hd cells).
// The largest design in the P&R bench (bench/bench_flow.py --designs mac8).
module mac8 (
    input  wire        clk,
    input  wire        rst,   // synchronous, active high: clears the accumulator
    input  wire        en,    // accumulate when high
    input  wire [7:0]  a,
    input  wire [7:0]  b,
    output reg  [19:0] acc
);
    always @(posedge clk) begin
        if (rst)
            acc <= 20'd0;
        else if (en)
            acc <= acc + a * b;
    end
endmodule
