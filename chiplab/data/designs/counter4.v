// 4-bit synchronous up-counter with synchronous reset and count enable.
// Used across ChipLab: synthesis (chiplab.synth), place and route (chiplab.pnr), layout checks.
module counter4 (
    input  wire       clk,
    input  wire       rst,   // synchronous, active high
    input  wire       en,    // count when high
    output reg  [3:0] count
);
    always @(posedge clk) begin
        if (rst)
            count <= 4'd0;
        else if (en)
            count <= count + 4'd1;
    end
endmodule
