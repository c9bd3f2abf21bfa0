"""chiplab.logic: parser, evaluation, truth tables, equivalence, minimization, NAND/NOR forms."""

from __future__ import annotations

import itertools
import random

import pytest

from chiplab.errors import ChipLabError, ExpressionError
from chiplab.logic import (
    GATES,
    Expr,
    TruthTable,
    counterexample,
    equivalent,
    from_minterms,
    minimize,
    parse,
    prime_implicants,
    symbols,
    truth_table,
)

# ---------------------------------------------------------------------------------------------
# parsing: every operator, words and symbols, precedence
# ---------------------------------------------------------------------------------------------

TWO_INPUT = {
    "and": lambda a, b: a & b, "or": lambda a, b: a | b, "xor": lambda a, b: a ^ b,
    "nand": lambda a, b: 1 - (a & b), "nor": lambda a, b: 1 - (a | b), "xnor": lambda a, b: 1 - (a ^ b),
}


@pytest.mark.parametrize("word", sorted(TWO_INPUT))
def test_every_word_operator(word):
    for spelled in (word, word.upper(), word.capitalize()):
        e = parse(f"a {spelled} b")
        assert e.variables == ("a", "b")
        for a, b in itertools.product((0, 1), repeat=2):
            assert e(a=a, b=b) == TWO_INPUT[word](a, b), (spelled, a, b)


@pytest.mark.parametrize("text,fn", [
    ("a & b", lambda a, b: a & b), ("a && b", lambda a, b: a & b), ("a | b", lambda a, b: a | b),
    ("a || b", lambda a, b: a | b), ("a ^ b", lambda a, b: a ^ b), ("~a", lambda a, b: 1 - a),
    ("!a", lambda a, b: 1 - a), ("not a", lambda a, b: 1 - a), ("~~a", lambda a, b: a),
    ("not not not b", lambda a, b: 1 - b),
])
def test_symbol_operators(text, fn):
    e = parse(text)
    for a, b in itertools.product((0, 1), repeat=2):
        assert e.evaluate({"a": a, "b": b}) == fn(a, b)


def test_constants():
    for text, value in [("0", 0), ("1", 1), ("True", 1), ("False", 0), ("true", 1), ("FALSE", 0)]:
        e = parse(text)
        assert e.variables == () and e() == value
    assert parse("a & 1").variables == ("a",)
    assert equivalent("a & 1", "a") and equivalent("a | 1", "1") and equivalent("a ^ 1", "~a")


@pytest.mark.parametrize("text,same_as", [
    ("~a & b", "(~a) & b"),                       # not binds tightest
    ("not a and b", "(not a) and b"),
    ("a & b | c", "(a & b) | c"),                 # and before or
    ("a | b & c", "a | (b & c)"),
    ("a ^ b & c", "a ^ (b & c)"),                 # and before xor
    ("a | b ^ c", "a | (b ^ c)"),                 # xor before or
    ("a nand b | c", "(a nand b) | c"),           # nand at the level of and
    ("a nor b & c", "a nor (b & c)"),             # nor at the level of or
    ("a xnor b & c", "a xnor (b & c)"),           # xnor at the level of xor
    ("a xnor b | c", "(a xnor b) | c"),
    ("a nand b nand c", "(a nand b) nand c"),     # binary operators group from the left
    ("a nor b nor c", "(a nor b) nor c"),
    ("a or b nor c", "(a or b) nor c"),
    ("not a nand b", "(not a) nand b"),
])
def test_precedence(text, same_as):
    # the same tree, not just the same function
    assert parse(text) == parse(same_as)
    assert equivalent(text, same_as)


def test_precedence_changes_the_function():
    # a grouping the other way must give a different function, else the test above could not fail
    assert not equivalent("a nand b nand c", "a nand (b nand c)")
    assert not equivalent("a | b & c", "(a | b) & c")
    assert not equivalent("a ^ b & c", "(a ^ b) & c")
    assert not equivalent("a nor b & c", "(a nor b) & c")


def test_unicode_operators_and_deep_nesting():
    assert parse("¬a ∧ b ∨ c ⊕ d") == parse("~a & b | c ^ d")
    with pytest.raises(ExpressionError, match="nested too deeply"):
        parse("~" * 5000 + "a")
    with pytest.raises(ExpressionError, match="nested too deeply"):
        parse("(" * 3000 + "a" + ")" * 3000)
    assert parse("(" * 50 + "a" + ")" * 50) == parse("a")


def test_identifiers_and_spaces():
    e = parse("  sel_1&(In0|_x9)  ")
    assert e.variables == ("In0", "_x9", "sel_1")
    assert e(sel_1=1, In0=0, _x9=1) == 1
    assert parse("andy & order & nota").variables == ("andy", "nota", "order")  # keywords only as whole words


def _balanced(t: str) -> bool:
    """True when the opening '(' of t closes at its very end."""
    depth = 0
    for i, ch in enumerate(t):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth == 0 and i < len(t) - 1:
            return False
    return True


def test_parse_against_python_on_random_expressions():
    rng = random.Random(2024)
    names = ("a", "b", "c", "d")

    def gen(depth: int) -> tuple[str, str]:
        """Random expression text and the same text for Python (whose & ^ | precedence is ours)."""
        if depth == 0 or rng.random() < 0.25:
            leaf = rng.choice(names + ("0", "1"))
            return leaf, leaf
        k = rng.randrange(4)
        if k == 0:
            t, p = gen(depth - 1)
            atomic = t.isalnum() or (t.startswith("(") and _balanced(t))
            return (f"~{t}" if atomic else f"~({t})"), f"(1 - ({p}))"
        op = rng.choice(["&", "|", "^"])
        (lt, lp), (rt, rp) = gen(depth - 1), gen(depth - 1)
        if rng.random() < 0.5:
            return f"({lt} {op} {rt})", f"({lp} {op} {rp})"
        return f"{lt} {op} {rt}", f"{lp} {op} {rp}"

    for _ in range(300):
        text, py = gen(4)
        e = parse(text)
        expected = [eval(py, {}, dict(zip(names, bits))) for bits in itertools.product((0, 1), repeat=4)]
        assert truth_table(e, names).outputs == expected, text
        again = parse(str(e))
        assert truth_table(again, names).outputs == expected, (text, str(e))
        assert again == e or str(again) == str(e)


# ---------------------------------------------------------------------------------------------
# parse errors: position, what was expected, hints
# ---------------------------------------------------------------------------------------------


def error_of(text: str) -> ExpressionError:
    with pytest.raises(ExpressionError) as info:
        parse(text)
    assert isinstance(info.value, ChipLabError)
    return info.value


def test_error_names_the_column_and_what_was_expected():
    err = error_of("a & (b |)")
    msg = str(err)
    assert "expected a variable, a constant or '('" in msg
    assert "column 9" in msg and "found ')'" in msg
    assert err.position == 8
    lines = msg.splitlines()
    text_line = next(line for line in lines if "a & (b |)" in line)
    caret_line = lines[lines.index(text_line) + 1]
    assert caret_line.index("^") == text_line.index(")")


def test_error_at_the_end():
    msg = str(error_of("a & "))
    assert "column 5" in msg and "end of the expression" in msg
    assert "expected a variable" in str(error_of("not"))


def test_did_you_mean():
    err = error_of("a adn b")
    assert "'and'" in str(err.hint) and "column 3" in str(err)
    assert "'xor'" in error_of("a xro b").hint
    assert "'not'" in error_of("nto a").hint  # the unknown word comes first, the error is at 'a'
    assert "'nand'" in error_of("a nadn b").hint


def test_unbalanced_parentheses():
    err = error_of("(a & b")
    assert "never closed" in str(err) and "column 1" in str(err) and err.position == 0
    err = error_of("a & (b | (c & d)")
    assert "never closed" in str(err) and "column 5" in str(err)
    err = error_of("a & b)")
    assert "no matching '('" in str(err) and "column 6" in str(err)
    assert "expected ')'" in str(error_of("(a & b c)"))


def test_other_errors():
    assert "empty" in str(error_of(""))
    assert "empty" in str(error_of("   "))
    err = error_of("a $ b")
    assert "unexpected character '$' at column 3" in str(err)
    assert "|" in error_of("a + b").hint
    assert "not a logic constant" in str(error_of("a & 2"))
    assert "operator" in error_of("a b").hint
    assert "expected a variable" in str(error_of("a & & b"))
    assert "expected a variable" in str(error_of("()"))
    with pytest.raises(ExpressionError):
        parse(42)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# Expr: evaluation, printing, building in Python
# ---------------------------------------------------------------------------------------------


def test_evaluate_and_call():
    e = parse("a & ~b | c")
    assert e.variables == ("a", "b", "c")
    assert e(a=1, b=0, c=0) == 1 and e(a=1, b=1, c=0) == 0
    assert e(1, 1, 1) == 1  # positional, in the order of .variables
    assert e.evaluate({"a": True, "b": False, "c": False, "unused": 1}) == 1
    with pytest.raises(ChipLabError, match="'c'"):
        e(a=1, b=0)
    with pytest.raises(ChipLabError, match="0 or 1"):
        e(a=2, b=0, c=0)
    with pytest.raises(ChipLabError):
        e(1, 0)


def test_str_is_canonical_with_minimal_parentheses():
    cases = {
        "a and not b or c": "a & ~b | c",
        "((a & b)) | (c)": "a & b | c",
        "(a | b) & c": "(a | b) & c",
        "not (a or b)": "~(a | b)",
        "a nand b": "~(a & b)",
        "a nor b": "~(a | b)",
        "a xnor b": "~(a ^ b)",
        "a ^ (b ^ c)": "a ^ b ^ c",
        "a ^ (b | c)": "a ^ (b | c)",
        "(a ^ b) & c": "(a ^ b) & c",
        "~~a": "~~a",
        "a & (b & c)": "a & b & c",
        "(a | b) | c": "a | b | c",
    }
    for text, canon in cases.items():
        assert str(parse(text)) == canon, text
        assert str(parse(canon)) == canon
    assert parse("a nand b").to_text("words") == "a nand b"
    assert parse("(a nand b) nand c").to_text("words") == "(a nand b) nand c"
    assert parse("a nand (b nand c)").to_text("words") == "a nand (b nand c)"
    assert parse("~a & b").to_text("latex") == r"\overline{a} \cdot b"
    assert repr(parse("a|b")) == "Expr('a | b')"


def test_build_in_python():
    a, b, c = symbols("a b c")
    assert isinstance(a, Expr) and a == Expr.var("a") == parse("a")
    e = a & ~b | c
    assert e == parse("a & ~b | c") and str(e) == "a & ~b | c"
    assert equivalent(a ^ b, "a xor b")
    assert equivalent(a.nand(b), "~(a & b)") and equivalent(a.nor(b), "~(a | b)")
    assert equivalent(a.xnor(b), "~(a ^ b)")
    assert equivalent(a & 1, a) and equivalent(0 | a, a) and equivalent(1 ^ a, ~a)
    assert equivalent(a & "b", "a & b")
    with pytest.raises(ChipLabError, match="no single truth value"):
        bool(a & b)
    with pytest.raises(ChipLabError):
        a & 2  # noqa: B018
    with pytest.raises(ChipLabError):
        Expr.var("and")
    with pytest.raises(ChipLabError):
        Expr.var("2x")
    assert symbols("x, y") == symbols(["x", "y"])
    assert hash(parse("a & b")) == hash(a & b)


def test_simplify():
    assert parse("~~a & 1 | 0").simplify() == parse("a")
    assert parse("a & 0 | b").simplify() == parse("b")
    assert parse("a | 1").simplify() == parse("1")
    assert parse("a ^ 1").simplify() == parse("~a")
    assert parse("1 nand 1").simplify() == parse("0")
    assert parse("a nor 0").simplify() == parse("~a")


# ---------------------------------------------------------------------------------------------
# truth tables
# ---------------------------------------------------------------------------------------------


def test_truth_table_order_and_rows():
    tt = truth_table("a & ~b | c")
    assert isinstance(tt, TruthTable)
    assert tt.variables == ("a", "b", "c")
    assert tt.outputs == [0, 1, 0, 1, 1, 1, 0, 1]
    assert tt.rows[0] == ((0, 0, 0), 0) and tt.rows[4] == ((1, 0, 0), 1) and tt.rows[7] == ((1, 1, 1), 1)
    assert tt.minterms == [1, 3, 4, 5, 7] and tt.maxterms == [0, 2, 6]
    assert len(tt) == 8 and list(tt) == tt.rows
    # the first variable is the MSB, in the order asked for
    tt2 = truth_table("a & ~b", variables=["b", "a"])
    assert tt2.variables == ("b", "a") and tt2.minterms == [1]
    # variables the expression does not use
    assert truth_table("a", "a b").outputs == [0, 0, 1, 1]
    with pytest.raises(ChipLabError, match="c"):
        truth_table("a & c", ["a", "b"])


def test_truth_table_matches_row_by_row_evaluation():
    e = parse("(a xnor b) nand (c nor d) | a & d")
    tt = truth_table(e)
    for inputs, out in tt.rows:
        assert e(**dict(zip(tt.variables, inputs))) == out


def test_truth_table_constructors():
    t1 = TruthTable.from_function(lambda a, b, c: a and not b or c, "a b c")
    assert t1 == truth_table("a & ~b | c")
    t2 = TruthTable.from_outputs([0, 1, 1, 0], ["x", "y"])
    assert t2.minterms == [1, 2] and equivalent(t2.to_expr(), "x ^ y")
    assert TruthTable.from_minterms([1, 2], "x y") == t2
    assert str(t2.to_expr(minimal=False)) == "~x & y | x & ~y"
    with pytest.raises(ChipLabError, match="4 outputs"):
        TruthTable.from_outputs([0, 1, 1], "x y")
    with pytest.raises(ChipLabError):
        TruthTable.from_outputs([0, 1, 2, 0], "x y")
    with pytest.raises(ChipLabError, match="returned"):
        TruthTable.from_function(lambda a, b: 5, "a b")


def test_truth_table_text_and_html():
    tt = truth_table("a & b")
    text = str(tt)
    lines = text.splitlines()
    assert lines[0].split() == ["a", "b", "|", "a", "&", "b"]
    assert [line.split()[-1] for line in lines[2:]] == ["0", "0", "0", "1"]
    page = tt._repr_html_()
    assert page.startswith("<table") and page.count("<tr>") == 5
    assert "a &amp; b" in page


def test_truth_table_is_fast_for_many_variables():
    import time

    names = [f"x{i}" for i in range(16)]
    e = parse(" ^ ".join(names))
    t0 = time.process_time()
    tt = truth_table(e, names)
    assert time.process_time() - t0 < 2.0
    assert sum(tt.outputs) == 1 << 15 and tt.outputs[1] == 1 and tt.outputs[3] == 0


# ---------------------------------------------------------------------------------------------
# equivalence
# ---------------------------------------------------------------------------------------------


def test_de_morgan_and_friends():
    assert equivalent("~(a & b)", "~a | ~b")
    assert equivalent("~(a | b)", "~a & ~b")
    assert equivalent("a nand b", "~a | ~b")
    assert equivalent("a ^ b", "a & ~b | ~a & b")
    assert equivalent("a xnor b", "a & b | ~a & ~b")
    assert equivalent(parse("a & (b | c)"), "a & b | a & c")
    assert not equivalent("~(a & b)", "~a & ~b")
    assert counterexample("~(a & b)", "~a | ~b") is None


def test_counterexample_is_a_real_difference():
    cx = counterexample("~(a & b)", "~a & ~b")
    assert cx is not None and set(cx) == {"a", "b"}
    assert parse("~(a & b)").evaluate(cx) != parse("~a & ~b").evaluate(cx)
    assert counterexample("a | b", "a ^ b") == {"a": 1, "b": 1}  # the first differing row
    # different variable sets: the union
    cx = counterexample("a", "a & c")
    assert cx == {"a": 1, "c": 0}
    assert equivalent("a | a & c", "a")
    assert equivalent(truth_table("a & b"), "b & a")


# ---------------------------------------------------------------------------------------------
# minimization
# ---------------------------------------------------------------------------------------------


def literals(e: Expr) -> int:
    return str(e).count("~") + sum(ch.isalpha() for ch in str(e).replace("~", ""))


def cost(e: Expr) -> tuple[int, int]:
    """(terms, literals) of a sum of products."""
    if e.op == "const":
        return (e.value, 0)  # 1 is one product of no literals
    terms = e.args if e.op == "or" else (e,)
    return len(terms), sum(1 if t.op in ("var", "not") else len(t.args) for t in terms)


def brute_minimum(on: set[int], dc: set[int], n: int) -> tuple[int, int]:
    """The least (terms, literals) of any SOP for the function: tries every set of implicant cubes,
    smallest first. Independent of the library's prime-implicant and cover code."""
    rows = range(1 << n)
    on_mask = sum(1 << m for m in on)
    cubes = []
    for cube in itertools.product("01-", repeat=n):
        ms = {m for m in rows if all(c == "-" or int(c) == (m >> (n - 1 - k)) & 1 for k, c in enumerate(cube))}
        if ms <= on | dc and ms & on:
            cubes.append((sum(1 << m for m in ms & on), sum(c != "-" for c in cube)))
    if not on:
        return (0, 0)
    for k in range(1, len(on) + 1):
        best = None
        for combo in itertools.combinations(cubes, k):
            covered = 0
            for c, _ in combo:
                covered |= c
            if covered == on_mask:
                lit = sum(li for _, li in combo)
                best = lit if best is None else min(best, lit)
        if best is not None:
            return (k, best)
    raise AssertionError("unreachable")


def test_minimize_known_functions():
    assert str(minimize("a & b | a & ~b")) == "a"
    assert str(minimize("a & ~b | c")) == "a & ~b | c"
    assert str(minimize([0, 2, 5, 7], "a b c")) == "a & c | ~a & ~c"
    assert str(minimize("a | ~a")) == "1" and str(minimize("a & ~a")) == "0"
    assert str(minimize([], "a b")) == "0"
    # the classic majority function
    maj = minimize("a & b & c | a & b & ~c | a & ~b & c | ~a & b & c")
    assert cost(maj) == (3, 6) and equivalent(maj, "a & b | a & c | b & c")
    # don't cares make it smaller (BCD: rows 10..15 never happen)
    plain = minimize([1, 3, 5, 7, 9], "a b c d")
    with_dc = minimize([1, 3, 5, 7, 9], "a b c d", dont_cares=range(10, 16))
    assert cost(with_dc) < cost(plain) and str(with_dc) == "d"
    # a truth table in, and a minimal SOP out
    assert equivalent(minimize(truth_table("a ^ b ^ c")), "a ^ b ^ c")
    assert cost(minimize("a ^ b ^ c")) == (4, 12)


def test_minimize_with_given_variables():
    e = minimize("a", variables="a b")
    assert str(e) == "a"
    with pytest.raises(ChipLabError, match="variables"):
        minimize([1, 2])
    with pytest.raises(ChipLabError, match="out of range"):
        minimize([9], "a b c")


@pytest.mark.parametrize("n", [2, 3])
def test_minimize_is_minimal_against_brute_force(n):
    rng = random.Random(100 + n)
    for _ in range(60 if n == 3 else 30):
        on = {m for m in range(1 << n) if rng.random() < 0.5}
        dc = {m for m in range(1 << n) if m not in on and rng.random() < 0.2}
        got = minimize(sorted(on), "abcd"[:n], dont_cares=dc)
        outs = truth_table(got, tuple("abcd"[:n])).outputs
        assert all(outs[m] == 1 for m in on) and all(outs[m] == 0 for m in range(1 << n) if m not in on | dc)
        assert cost(got) == brute_minimum(on, dc, n), (on, dc, str(got))


def test_minimize_is_minimal_against_brute_force_4_variables():
    rng = random.Random(7)
    for _ in range(12):
        on = {m for m in range(16) if rng.random() < 0.45}
        got = minimize(sorted(on), "abcd")
        assert equivalent(got, from_minterms(on, "abcd"))
        assert cost(got) == brute_minimum(on, set(), 4), (sorted(on), str(got))


@pytest.mark.slow
def test_minimize_up_to_8_variables_is_correct_and_quick():
    import time

    rng = random.Random(12345)
    names = "a b c d e f g h".split()
    for n in (5, 6, 7, 8):
        for _ in range(4):
            on = sorted(m for m in range(1 << n) if rng.random() < 0.5)
            dc = [m for m in range(1 << n) if m not in on and rng.random() < 0.1]
            t0 = time.process_time()
            got = minimize(on, names[:n], dont_cares=dc)
            assert time.process_time() - t0 < 10.0  # the first hard case also imports scipy
            outs = truth_table(got, names[:n]).outputs
            assert [m for m in range(1 << n) if outs[m] and m not in dc] == on
            # every term is a prime implicant, and no term can be dropped
            terms = got.args if got.op == "or" else (got,)
            for i in range(len(terms)):
                rest = [t for j, t in enumerate(terms) if j != i]
                if rest:
                    shorter = rest[0] if len(rest) == 1 else Expr("or", rest)
                    outs2 = truth_table(shorter, names[:n]).outputs
                    assert any(outs2[m] == 0 for m in on), "a redundant term"


def test_integer_programming_fallback_agrees(monkeypatch):
    """Hard cover problems go to scipy's MILP solver after a node budget: both give the same cost."""
    import chiplab.logic as logic

    rng = random.Random(99)
    cases = [sorted(m for m in range(64) if rng.random() < 0.5) for _ in range(6)]
    exact = [cost(minimize(on, "a b c d e f")) for on in cases]
    monkeypatch.setattr(logic, "_NODE_BUDGET", 0)
    for on, want in zip(cases, exact):
        got = minimize(on, "a b c d e f")
        assert cost(got) == want and equivalent(got, from_minterms(on, "abcdef"))


def test_prime_implicants():
    assert prime_implicants([0, 1, 2, 5, 6, 7], 3) == ["-01", "-10", "0-0", "00-", "1-1", "11-"]
    assert prime_implicants([3], 2, dont_cares=[1]) == ["-1"]


def test_from_minterms():
    e = from_minterms([1, 2], ["a", "b"])
    assert str(e) == "~a & b | a & ~b"
    assert str(from_minterms([], "a b")) == "0"
    assert truth_table(from_minterms([0, 5, 6], "abc"), "a b c").minterms == [0, 5, 6]
    with pytest.raises(ChipLabError):
        from_minterms([8], "abc")


# ---------------------------------------------------------------------------------------------
# NAND/NOR forms, gate counts, the gate vocabulary
# ---------------------------------------------------------------------------------------------


def only(e: Expr, kind: str) -> bool:
    if e.op in ("var", "const"):
        return True
    return e.op == kind and len(e.args) == 2 and all(only(a, kind) for a in e.args)


@pytest.mark.parametrize("text", [
    "a", "~a", "a & b", "a | b", "a ^ b", "a xnor b", "a nand b", "a nor b", "a & b & c | ~d",
    "(a ^ b ^ c) & (a | ~d)", "a & ~b | c", "(a nor b) xnor (c nand d)", "1", "a & 0 | b",
])
def test_to_nand_and_to_nor(text):
    e = parse(text)
    n, r = e.to_nand(), e.to_nor()
    assert only(n, "nand") and only(r, "nor")
    assert equivalent(n, e) and equivalent(r, e)
    assert equivalent(parse(str(n)), e)


def test_gate_counts():
    x = parse("a ^ b").to_nand()
    assert x.gate_count() == 4 and x.gate_counts() == {"NAND": 4}  # the classic four-NAND XOR
    assert parse("a ^ b").to_nor().gate_count() == 5
    assert parse("~a").to_nand().gate_count() == 1
    assert parse("a & b").to_nand().gate_count() == 2
    assert parse("a | b").to_nand().gate_count() == 3
    assert parse("a & b | ~c").gate_count() == 3
    assert parse("a & b | a & b").gate_count() == 2  # shared sub-expression counts once
    assert parse("a & b | ~c").gate_counts() == {"AND": 1, "NOT": 1, "OR": 1}
    assert parse("a").gate_count() == 0
    assert parse("a & ~b | c").depth() == 3


def test_gates_vocabulary():
    assert set(GATES) == {"AND", "OR", "NOT", "NAND", "NOR", "XOR", "XNOR", "BUF"}
    for a, b in itertools.product((0, 1), repeat=2):
        assert GATES["AND"](a, b) == a & b and GATES["OR"](a, b) == a | b and GATES["XOR"](a, b) == a ^ b
        assert GATES["NAND"](a, b) == 1 - (a & b) and GATES["NOR"](a, b) == 1 - (a | b)
        assert GATES["XNOR"](a, b) == 1 - (a ^ b)
    assert GATES["NOT"](0) == 1 and GATES["NOT"](1) == 0 and GATES["BUF"](1) == 1
    assert GATES["AND"](1, 1, 1, 0) == 0 and GATES["OR"](0, 0, 0, 1) == 1
    assert GATES["XOR"](1, 1, 1) == 1 and GATES["XNOR"](1, 1, 1) == 0
    assert GATES["NAND"](True, True) == 0
    with pytest.raises(ChipLabError):
        GATES["AND"](1)
    with pytest.raises(ChipLabError):
        GATES["NOT"](1, 0)
    with pytest.raises(ChipLabError):
        GATES["OR"](2, 0)


# ---------------------------------------------------------------------------------------------
# exercise self-checks
# ---------------------------------------------------------------------------------------------


def test_self_check():
    from chiplab.logic import CheckResult, self_check

    def spec(a, b):
        return a != b

    r = self_check("a & ~b | ~a & b", spec, "a b", only={"AND", "OR", "NOT"})
    assert isinstance(r, CheckResult) and r and "correct" in repr(r) and str(r) == r.message
    r = self_check("a ^ b", spec, "a b", only={"AND", "OR", "NOT"})
    assert not r and "uses XOR" in r.message
    r = self_check("a & b", spec, "a b")
    assert not r
    assert "for a=0, b=1 your answer gives 0, but it should be 1" in r.message and "3 of 4" in r.message
    assert "a ^ b" not in r.message and "~" not in r.message  # the message never shows a solution
    r = self_check("a adn b", "a ^ b")
    assert not r and "did you mean 'and'" in r.message
    for placeholder in (None, ..., "...", ""):
        r = self_check(placeholder, "a ^ b")
        assert not r and "not answered yet" in r.message
    assert self_check([1, 0, 0, 1], "a xnor b") and not self_check([1, 0, 0], "a xnor b")
    r = self_check("a | c", "a ^ b")
    assert not r and "uses c" in r.message
    assert self_check(truth_table("b & a"), "a & b")
    a, b = symbols("a b")
    t = a.nand(b)
    assert self_check(t.nand(t), "a & b", only={"NAND"}, max_gates=2)
    r = self_check(parse("a & b").to_nand().nand(1).nand(1), "a & b", only={"NAND"}, max_gates=2)
    assert not r and "can you do it with 2" in r.message
    with pytest.raises(ChipLabError):
        self_check("a", spec)  # a Python function needs variables
