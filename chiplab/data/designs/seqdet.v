// Moore finite-state machine: detects the serial bit sequence 1011 (overlapping) on input `din`.
// `found` is high for one clock cycle after the last bit of each 1011 has been clocked in.
module seqdet (
    input  wire clk,
    input  wire rst,    // synchronous, active high
    input  wire din,
    output wire found
);
    localparam [2:0] IDLE = 3'd0,  // nothing matched
                     S1   = 3'd1,  // seen 1
                     S10  = 3'd2,  // seen 10
                     S101 = 3'd3,  // seen 101
                     HIT  = 3'd4;  // seen 1011
    reg [2:0] state;
    reg [2:0] next;

    always @(*) begin
        case (state)
            IDLE:    next = din ? S1   : IDLE;
            S1:      next = din ? S1   : S10;
            S10:     next = din ? S101 : IDLE;
            S101:    next = din ? HIT  : S10;
            HIT:     next = din ? S1   : S10;
            default: next = IDLE;
        endcase
    end

    always @(posedge clk) begin
        if (rst)
            state <= IDLE;
        else
            state <= next;
    end

    assign found = (state == HIT);
endmodule
