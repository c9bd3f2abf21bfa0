# ruff: noqa
# expected: 1
# base: blank
# description: the blank starter with only frame_bits written (right); no hardware yet.
# %% cell: frame_bits
def frame_bits(byte):
    bits = [0]
    for i in range(8):
        bits.append((byte >> i) & 1)
    bits.append(1)
    return bits
