// 8-bit ripple-carry style adder (purely combinational): sum = a + b + cin.
module adder8 (
    input  wire [7:0] a,
    input  wire [7:0] b,
    input  wire       cin,
    output wire [7:0] sum,
    output wire       cout
);
    assign {cout, sum} = a + b + {7'd0, cin};
endmodule
