// alu_pipe: the design verified in module 05. A small ALU with a one-cycle pipeline and a valid flag.
// At each rising clock edge: if in_valid, the result of (a op b) is registered into y and carry, and
// out_valid becomes 1 in the next cycle; otherwise out_valid becomes 0 (y and carry keep their values).
// op: 0 = ADD (carry = carry out), 1 = SUB (carry = borrow, a < b), 2 = AND, 3 = XOR (carry = 0).
// rst is synchronous and active high: it clears out_valid, y and carry.
module alu_pipe (
    input  wire       clk,
    input  wire       rst,
    input  wire       in_valid,
    input  wire [1:0] op,
    input  wire [7:0] a,
    input  wire [7:0] b,
    output reg        out_valid,
    output reg  [7:0] y,
    output reg        carry,
    output wire       zero       // y == 0 (combinational)
);
    always @(posedge clk) begin
        if (rst) begin
            out_valid <= 1'b0;
            y <= 8'd0;
            carry <= 1'b0;
        end else begin
            out_valid <= in_valid;
            if (in_valid) begin
                case (op)
                    2'd0: {carry, y} <= {1'b0, a} + {1'b0, b};
                    2'd1: {carry, y} <= {1'b0, a} - {1'b0, b};
                    2'd2: {carry, y} <= {1'b0, a & b};
                    default: {carry, y} <= {1'b0, a ^ b};
                endcase
            end
        end
    end

    assign zero = (y == 8'd0);
endmodule
