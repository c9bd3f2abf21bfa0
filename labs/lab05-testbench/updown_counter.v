// updown_counter: the design under test of lab 05 (the reference: it meets the spec in the notebook).
// 8-bit up/down counter with synchronous reset, parallel load and count enable.
module updown_counter (
    input  wire       clk,
    input  wire       rst,    // synchronous reset, active high: q <= 0 (wins over everything)
    input  wire       load,   // q <= d (wins over counting, works whatever en is)
    input  wire       en,     // count enable
    input  wire       up,     // 1: count up, 0: count down
    input  wire [7:0] d,      // value to load
    output reg  [7:0] q,      // the count
    output wire       tc      // terminal count: en and (up and q == 255, or down and q == 0)
);
    always @(posedge clk) begin
        if (rst)
            q <= 8'd0;
        else if (load)
            q <= d;
        else if (en) begin
            if (up)
                q <= q + 8'd1;
            else
                q <= q - 8'd1;
        end
    end

    assign tc = en && (up ? (q == 8'd255) : (q == 8'd0));
endmodule
