# ruff: noqa
# expected: 7
# description: the testbench is the full solution, but the model's terminal_count ignores en (tc = 1 at 255 or 0 even while the counter is not counting), so part 1 fails its hidden test.
# %% cell: model
def counter_next(q, rst, load, en, up, d):
    if rst:
        return 0
    if load:
        return d
    if en:
        return (q + 1) % 256 if up else (q - 1) % 256
    return q


def terminal_count(q, en, up):
    return int(q == (255 if up else 0))
