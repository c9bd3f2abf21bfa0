// 16-bit synchronous up-counter (counter4.v widened): a mid-size design for the P&R bench.
module counter16 (
    input  wire        clk,
    input  wire        rst,   // synchronous, active high
    input  wire        en,    // count when high
    output reg  [15:0] count
);
    always @(posedge clk) begin
        if (rst)
            count <= 16'd0;
        else if (en)
            count <= count + 16'd1;
    end
endmodule
