"""Grading helpers for the Boolean-logic labs (lab00, lab01): exhaustive checks with clear messages.

Hidden tests call the ``check_*`` functions with a reference; each returns quietly when the
student's answer is right and raises :class:`AssertionError` with a message that says what is wrong
(the first input where it differs, the forbidden operator, the gate or literal count) otherwise.
The ``describe_*``/``form`` helpers check only the shape of an answer (types, variables, allowed
operators, limits) and never the function itself, so visible tests can use them without giving the
answer away.

What counts as a bit
    A student's function or list may give a bit as an ``int`` 0/1, a ``bool`` or a NumPy integer or
    NumPy bool with value 0/1: all mean the same bit. Anything else is rejected with a message that
    names it: strings (``'1'``), floats (``1.0``), ``None`` (a forgotten ``return``), other numbers
    (``2``) and any other object. Values are converted to a plain ``int`` before any comparison, so
    an object that overrides ``==`` cannot pass a check.

What counts as an expression
    A string such as ``"a & ~b | c"`` (read with :func:`chiplab.logic.parse`, symbols ``& | ~ ^`` or
    the words ``and or not nand nor xor xnor``) or a :class:`chiplab.logic.Expr`. Operator limits and
    literal counts are read from the text of the answer (``str(expr)`` for an ``Expr``): every binary
    operator is one two-input gate and every NOT is one gate, so ``a & b & c`` is two gates.

Netlists
    A list of gates in order from the inputs to the output, each ``(output, gate, input, ...)``, e.g.
    ``[("n1", "nand", "a", "b"), ("y", "nand", "n1", "n1")]``; every gate counts, used or not.
"""

from __future__ import annotations

import itertools
import numbers
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any

__all__ = [
    "ExpressionForm",
    "as_bit",
    "bit_list",
    "check_bits",
    "check_expression",
    "check_function",
    "check_list_function",
    "check_netlist",
    "check_returns_bits",
    "evaluate",
    "expression_form",
    "form_check",
    "netlist_form",
    "simulate_netlist",
]

# ---------------------------------------------------------------------------------------------
# bits
# ---------------------------------------------------------------------------------------------


def _is_numpy_bool(value: Any) -> bool:
    cls = type(value)
    return cls.__module__ == "numpy" and cls.__name__ in ("bool_", "bool")


def as_bit(value: Any, what: str) -> int:
    """``value`` as the int 0 or 1, or AssertionError saying why it is not a bit (``what`` names it)."""
    if isinstance(value, bool) or _is_numpy_bool(value):
        return 1 if value else 0
    if isinstance(value, numbers.Integral):
        number = int(value)
        if number in (0, 1):
            return number
        raise AssertionError(f"{what} is {number}, but a logic value must be 0 or 1")
    if value is None:
        raise AssertionError(f"{what} is None: did you forget to `return` the result?")
    if isinstance(value, str):
        raise AssertionError(f"{what} is the string {value!r}; give the number 0 or 1, not text")
    if isinstance(value, numbers.Real):
        raise AssertionError(f"{what} is {value!r} (a {type(value).__name__}); give the int 0 or 1")
    raise AssertionError(f"{what} is {value!r} (a {type(value).__name__}); a logic value must be 0 or 1")


def _bits(n: int) -> Iterable[tuple[int, ...]]:
    """Every n-bit input in truth-table order (row 0 = all zeros, first input is the MSB)."""
    return itertools.product((0, 1), repeat=n)


def _call(fn: Callable[..., Any], args: tuple[Any, ...], shown: str) -> Any:
    try:
        return fn(*args)
    except NotImplementedError:
        raise AssertionError(f"{shown} is not written yet: replace `raise NotImplementedError()` with your "
                             "code") from None
    except Exception as exc:  # the student's code failed: say where and how
        raise AssertionError(f"calling {shown} raised {type(exc).__name__}: {exc}") from None


# ---------------------------------------------------------------------------------------------
# references: a callable, an expression text or an Expr
# ---------------------------------------------------------------------------------------------


def _parse(text: str, what: str) -> Any:
    from chiplab.errors import ChipLabError
    from chiplab.logic import parse

    try:
        return parse(text)
    except ChipLabError as exc:
        raise AssertionError(f"{what} could not be read as a Boolean expression:\n{exc}") from None


def _as_expr(answer: Any, what: str) -> Any:
    from chiplab.logic import Expr

    if isinstance(answer, Expr):
        return answer
    if isinstance(answer, str):
        if not answer.strip():
            raise AssertionError(f"{what} is an empty string; write a Boolean expression such as 'a & ~b'")
        return _parse(answer, what)
    if callable(answer):
        raise AssertionError(f"{what} is a function; give an expression instead, as a string like 'a & ~b' "
                             "or made with chiplab.logic.parse(...)")
    raise AssertionError(f"{what} is {answer!r} (a {type(answer).__name__}); give a Boolean expression as a "
                         "string like 'a & ~b' or made with chiplab.logic.parse(...)")


def _eval_expr(expr: Any, assignment: dict[str, int]) -> int:
    return as_bit(expr(**{v: assignment[v] for v in expr.variables}), f"the expression {expr}")


def evaluate(answer: Any, name: str = "your expression", **values: int) -> int:
    """The value (0/1) of an expression answer (text or Expr) for the given input values; inputs the
    expression does not use are ignored, a missing one is an AssertionError."""
    expr = _as_expr(answer, name)
    missing = sorted(set(expr.variables) - set(values))
    if missing:
        raise AssertionError(f"{name} uses {', '.join(missing)}, which is not an input here; "
                             f"use only {', '.join(sorted(values))}")
    return _eval_expr(expr, {k: as_bit(v, k) for k, v in values.items()})


def _reference(reference: Any, variables: Sequence[str] | None) -> tuple[Callable[..., int], tuple[str, ...]]:
    """A function of positional bits and the names of its inputs."""
    if callable(reference) and not isinstance(reference, str) and not hasattr(reference, "variables"):
        if variables is None:
            raise ValueError("a callable reference needs its input names (variables=...)")
        return (lambda *bits: as_bit(reference(*bits), "the reference")), tuple(variables)
    expr = _parse(reference, "the reference") if isinstance(reference, str) else reference
    names = tuple(variables) if variables is not None else tuple(expr.variables)
    missing = set(expr.variables) - set(names)
    if missing:
        raise ValueError(f"reference uses variables {sorted(missing)} not in {names}")
    return (lambda *bits: _eval_expr(expr, dict(zip(names, bits)))), names


def _and_list(words: Sequence[str]) -> str:
    words = list(words)
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _assignment_text(names: Sequence[str], bits: Sequence[int]) -> str:
    return ", ".join(f"{n}={b}" for n, b in zip(names, bits))


# ---------------------------------------------------------------------------------------------
# Python functions of bits
# ---------------------------------------------------------------------------------------------


def check_function(
    fn: Any,
    reference: Any,
    n_inputs: int | None = None,
    name: str | None = None,
    hint: str = "",
    variables: Sequence[str] | None = None,
) -> None:
    """``fn(*bits)`` equals ``reference`` for every input combination (an exhaustive check).

    ``reference`` is a function of ``n_inputs`` bits, an expression text or an ``Expr`` (its inputs in
    the order of ``variables``, by default its sorted variables). ``hint`` is added to the message of
    a wrong value (say what the function should do, not the value).
    """
    name = name or getattr(fn, "__name__", "your function")
    if not callable(fn):
        raise AssertionError(f"{name} should be a function (def {name}(...): ...), not {type(fn).__name__}")
    if variables is None and n_inputs is not None and callable(reference) and not isinstance(reference, str) \
            and not hasattr(reference, "variables"):
        variables = [f"x{i}" for i in range(n_inputs)]
    ref, names = _reference(reference, variables)
    if n_inputs is not None and n_inputs != len(names):
        raise ValueError(f"n_inputs={n_inputs} but the reference has inputs {names}")
    for bits in _bits(len(names)):
        shown = f"{name}({', '.join(map(str, bits))})"
        got = as_bit(_call(fn, bits, shown), f"the value of {shown}")
        want = ref(*bits)
        if got != want:
            raise AssertionError(f"your {shown} returned {got}; it should be {want}." + (f" {hint}" if hint else ""))


def check_returns_bits(fn: Any, n_inputs: int, name: str | None = None) -> None:
    """``fn`` is a function of ``n_inputs`` bits that returns a bit (0/1) for every input; the values
    themselves are not checked (a visible test can use this without giving the answer away)."""
    name = name or getattr(fn, "__name__", "your function")
    if not callable(fn):
        raise AssertionError(f"{name} should be a function (def {name}(...): ...), not {type(fn).__name__}")
    for bits in _bits(n_inputs):
        shown = f"{name}({', '.join(map(str, bits))})"
        as_bit(_call(fn, bits, shown), f"the value of {shown}")


def check_list_function(
    fn: Any,
    reference: Callable[[list[int]], Any],
    name: str | None = None,
    lengths: Iterable[int] = range(0, 7),
    hint: str = "",
) -> None:
    """``fn(bits)`` equals ``reference(bits)`` for every list of 0/1 of each length in ``lengths``.

    Each call gets a fresh list; a function that changes the list it was given fails.
    """
    name = name or getattr(fn, "__name__", "your function")
    if not callable(fn):
        raise AssertionError(f"{name} should be a function (def {name}(bits): ...), not {type(fn).__name__}")
    for n in lengths:
        for bits in _bits(n):
            arg = list(bits)
            shown = f"{name}({list(bits)})"
            got = as_bit(_call(fn, (arg,), shown), f"the value of {shown}")
            if arg != list(bits):
                raise AssertionError(f"{shown} changed the list it was given (to {arg}); leave the input alone")
            want = as_bit(reference(list(bits)), "the reference")
            if got != want:
                raise AssertionError(f"your {shown} returned {got}; it should be {want}." + (f" {hint}" if hint else ""))


# ---------------------------------------------------------------------------------------------
# truth tables written as a list of outputs
# ---------------------------------------------------------------------------------------------


def bit_list(values: Any, n_rows: int, name: str) -> list[int]:
    """``values`` as a list of ``n_rows`` ints 0/1, or AssertionError saying what is wrong with it."""
    if isinstance(values, str | bytes):
        raise AssertionError(f"{name} is a string ({values!r}); write a list of numbers like [0, 1, 1, 0, ...]")
    if hasattr(values, "tolist") and not isinstance(values, list | tuple):
        values = values.tolist()
    if isinstance(values, dict) or not isinstance(values, Sequence):
        raise AssertionError(f"{name} should be a list of {n_rows} values 0/1, not a {type(values).__name__}")
    if len(values) != n_rows:
        raise AssertionError(f"{name} has {len(values)} values; a truth table of this function has {n_rows} rows")
    return [as_bit(v, f"{name}[{i}]") for i, v in enumerate(values)]


def check_bits(values: Any, reference: Any, name: str, variables: Sequence[str] | None = None) -> None:
    """A list of outputs in truth-table order (row 0 = all zeros, first variable = MSB) equals ``reference``."""
    ref, names = _reference(reference, variables)
    got = bit_list(values, 2 ** len(names), name)
    for row, bits in enumerate(_bits(len(names))):
        want = ref(*bits)
        if got[row] != want:
            raise AssertionError(f"{name}[{row}] (the row {_assignment_text(names, bits)}) is {got[row]}; it should "
                                 f"be {want}. Rows go 0..{2 ** len(names) - 1} in binary order, "
                                 f"{names[0]} is the most significant bit.")


# ---------------------------------------------------------------------------------------------
# expressions: the form (operators, literals, gates, sum of products) read from the text
# ---------------------------------------------------------------------------------------------

_WORD_OPS = {"and": "and", "or": "or", "not": "not", "nand": "nand", "nor": "nor", "xor": "xor", "xnor": "xnor"}
_SYMBOL_OPS = {"&": "and", "*": "and", "·": "and", "|": "or", "+": "or", "~": "not", "!": "not", "¬": "not",
               "^": "xor", "'": "not"}
_CONSTANTS = {"0", "1", "true", "false"}
_TOKEN = re.compile(r"\s*(?:([A-Za-z_][A-Za-z0-9_]*)|([01])|(&&|\|\||.))")
_BINARY = {"and", "or", "nand", "nor", "xor", "xnor"}

OPERATOR_NAMES = {"and": "AND", "or": "OR", "not": "NOT", "nand": "NAND", "nor": "NOR", "xor": "XOR",
                  "xnor": "XNOR"}


class ExpressionForm:
    """What an expression is made of, read from its text.

    (A plain class, not a dataclass: hidden tests load this module privately with
    ``autograder.checks.fresh``, outside ``sys.modules``, where dataclasses cannot resolve it.)
    """

    def __init__(self, text: str, variables: tuple[str, ...], operators: Counter, literals: int, gates: int,
                 is_sop: bool, not_only_on_variables: bool, unknown_symbols: tuple[str, ...]) -> None:
        self.text = text
        self.variables = variables
        self.operators = operators
        self.literals = literals
        self.gates = gates
        self.is_sop = is_sop
        self.not_only_on_variables = not_only_on_variables
        self.unknown_symbols = unknown_symbols

    def __repr__(self) -> str:
        return (f"ExpressionForm(text={self.text!r}, literals={self.literals}, gates={self.gates}, "
                f"operators={dict(self.operators)}, is_sop={self.is_sop})")


def _tokens(text: str) -> list[tuple[str, str]]:
    """(kind, value) with kind in var, const, op, '(' , ')', '?'."""
    out: list[tuple[str, str]] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:  # pragma: no cover - the pattern matches any character
            break
        pos = m.end()
        word, const, sym = m.groups()
        if word is not None:
            low = word.lower()
            if low in _WORD_OPS:
                out.append(("op", _WORD_OPS[low]))
            elif low in _CONSTANTS:
                out.append(("const", low))
            else:
                out.append(("var", word))
        elif const is not None:
            out.append(("const", const))
        elif sym in ("&&",):
            out.append(("op", "and"))
        elif sym in ("||",):
            out.append(("op", "or"))
        elif sym in _SYMBOL_OPS:
            out.append(("op" if sym != "'" else "postnot", _SYMBOL_OPS[sym]))
        elif sym in "()":
            out.append((sym, sym))
        elif sym.strip():
            out.append(("?", sym))
    return out


def _is_sop(tokens: list[tuple[str, str]]) -> bool:
    """A sum of products: terms joined by OR, each a product of literals (NOT only on a variable),
    a term possibly wrapped in one pair of parentheses."""
    terms: list[list[tuple[str, str]]] = [[]]
    depth = 0
    for tok in tokens:
        if tok[0] == "(":
            depth += 1
        elif tok[0] == ")":
            depth -= 1
        if depth == 0 and tok == ("op", "or"):
            terms.append([])
        else:
            terms[-1].append(tok)
    for term in terms:
        if len(term) >= 2 and term[0][0] == "(" and term[-1][0] == ")":
            term = term[1:-1]
        if not term or any(t[0] in "()?" or t == ("op", "or") or t[1] in ("nand", "nor", "xor", "xnor")
                           for t in term):
            return False
        factors: list[list[tuple[str, str]]] = [[]]
        for tok in term:
            if tok == ("op", "and"):
                factors.append([])
            else:
                factors[-1].append(tok)
        for f in factors:
            kinds = [t[0] for t in f]
            if kinds not in (["var"], ["op", "var"], ["var", "postnot"], ["const"]):
                return False
            if kinds[0] == "op" and f[0][1] != "not":
                return False
    return True


def _not_only_on_variables(tokens: list[tuple[str, str]]) -> bool:
    for i, tok in enumerate(tokens):
        if tok == ("op", "not") and (i + 1 >= len(tokens) or tokens[i + 1][0] != "var"):
            return False
        if tok[0] == "postnot" and (i == 0 or tokens[i - 1][0] != "var"):
            return False
        if tok[1] in ("nand", "nor", "xnor"):  # an inverted gate is a NOT on more than a variable
            return False
    return True


def expression_form(answer: Any, name: str = "your expression") -> ExpressionForm:
    """Parse ``answer`` (text or Expr) and describe its form; AssertionError if it is not an expression."""
    expr = _as_expr(answer, name)
    if isinstance(answer, str):
        text = answer
    else:  # an Expr: the word style keeps NAND/NOR/XNOR as such (str() writes them as ~(...))
        to_text = getattr(expr, "to_text", None)
        text = to_text("words") if to_text is not None else str(expr)
    tokens = _tokens(text)
    ops = Counter(t[1] for t in tokens if t[0] in ("op", "postnot"))
    return ExpressionForm(
        text=text,
        variables=tuple(expr.variables),
        operators=ops,
        literals=sum(1 for t in tokens if t[0] == "var"),
        gates=sum(ops.values()),
        is_sop=_is_sop(tokens),
        not_only_on_variables=_not_only_on_variables(tokens),
        unknown_symbols=tuple(t[1] for t in tokens if t[0] == "?"),
    )


def form_check(
    answer: Any,
    name: str,
    variables: Sequence[str] | None = None,
    only: Iterable[str] | None = None,
    max_literals: int | None = None,
    max_gates: int | None = None,
    sop: bool = False,
    not_on_variables_only: bool = False,
) -> ExpressionForm:
    """Check the shape of an expression answer (not its function): readable, uses only ``variables``,
    only the operators in ``only`` (names such as 'and', 'not', 'nand'), within the literal/gate limits,
    a sum of products if ``sop``, NOT applied only to single variables if ``not_on_variables_only``.
    """
    form = expression_form(answer, name)
    if variables is not None:
        extra = sorted(set(form.variables) - set(variables))
        if extra:
            raise AssertionError(f"{name} uses {', '.join(extra)}, which {'is' if len(extra) == 1 else 'are'} not "
                                 f"an input here; use only {', '.join(variables)}")
    if only is not None:
        allowed = {o.lower() for o in only}
        if form.unknown_symbols:
            raise AssertionError(f"{name} uses the symbol(s) {' '.join(form.unknown_symbols)}, which the checker "
                                 "does not know; write the operators as & | ~ ^ or as words")
        banned = sorted(op for op in form.operators if op not in allowed)
        if banned:
            allowed_text = _and_list([OPERATOR_NAMES.get(o, o.upper()) for o in sorted(allowed)])
            raise AssertionError(f"{name} uses {_and_list([OPERATOR_NAMES[o] for o in banned])}; "
                                 f"only {allowed_text} {'is' if len(allowed) == 1 else 'are'} allowed here")
    if not_on_variables_only and not form.not_only_on_variables:
        raise AssertionError(f"{name} applies NOT to more than a single variable; push every NOT inward "
                             "(De Morgan) until it sits directly on a variable")
    if sop and not form.is_sop:
        raise AssertionError(f"{name} is not a sum of products: write product terms of literals joined by OR, "
                             "e.g. 'a & ~b | c' (no parentheses around sums, NOT only on single variables)")
    if max_literals is not None and form.literals > max_literals:
        raise AssertionError(f"{name} has {form.literals} literals; it can be done with at most {max_literals}. "
                             "Combine product terms that differ in one variable.")
    if max_gates is not None and form.gates > max_gates:
        raise AssertionError(f"{name} needs {form.gates} gates (each 2-input operator and each NOT is one); "
                             f"the limit is {max_gates}")
    return form


def check_expression(
    answer: Any,
    reference: Any,
    name: str = "your expression",
    variables: Sequence[str] | None = None,
    **form_limits: Any,
) -> None:
    """``answer`` is equivalent to ``reference`` over every input, and meets the ``form_limits`` of
    :func:`form_check` (only=..., max_literals=..., max_gates=..., sop=..., not_on_variables_only=...).

    The message of a wrong function names the first input (in truth-table order) where it differs.
    """
    ref, names = _reference(reference, variables)
    form_check(answer, name, variables=names, **form_limits)
    expr = _as_expr(answer, name)
    for bits in _bits(len(names)):
        assignment = dict(zip(names, bits))
        got = _eval_expr(expr, assignment)
        want = ref(*bits)
        if got != want:
            raise AssertionError(f"{name} is wrong for {_assignment_text(names, bits)}: it gives {got}, "
                                 f"but the function is {want} there")


# ---------------------------------------------------------------------------------------------
# gate netlists
# ---------------------------------------------------------------------------------------------

GATE_FUNCTIONS: dict[str, Callable[[Sequence[int]], int]] = {
    "and": lambda xs: int(all(xs)),
    "or": lambda xs: int(any(xs)),
    "nand": lambda xs: 1 - int(all(xs)),
    "nor": lambda xs: 1 - int(any(xs)),
    "xor": lambda xs: sum(xs) % 2,
    "xnor": lambda xs: 1 - sum(xs) % 2,
    "not": lambda xs: 1 - xs[0],
    "buf": lambda xs: xs[0],
}


def netlist_form(
    netlist: Any,
    inputs: Sequence[str],
    output: str,
    name: str = "your netlist",
    only: Iterable[str] | None = None,
    max_gates: int | None = None,
    max_fanin: int = 2,
) -> list[tuple[str, str, tuple[str, ...]]]:
    """Check a netlist's shape: well-formed gates in order, allowed gate types, fan-in, the output
    driven, the gate count within ``max_gates``. Returns the gates as (output, type, inputs)."""
    if isinstance(netlist, str | bytes) or not isinstance(netlist, Sequence):
        raise AssertionError(f"{name} should be a list of gates like [('n1', 'nand', 'a', 'b'), ...], "
                             f"not a {type(netlist).__name__}")
    allowed = None if only is None else {g.lower() for g in only}
    known = set(inputs)
    gates: list[tuple[str, str, tuple[str, ...]]] = []
    for i, gate in enumerate(netlist, 1):
        if isinstance(gate, str | bytes) or not isinstance(gate, Sequence) or len(gate) < 3:
            raise AssertionError(f"gate {i} of {name} is {gate!r}; write each gate as (output, type, input, ...)")
        out, kind, *ins = gate
        if not all(isinstance(x, str) for x in (out, kind, *ins)):
            raise AssertionError(f"gate {i} of {name} is {gate!r}; names and the gate type must be strings")
        kind = kind.lower()
        if kind not in GATE_FUNCTIONS:
            raise AssertionError(f"gate {i} of {name} has the unknown type {kind!r}; "
                                 f"use one of {', '.join(sorted(GATE_FUNCTIONS))}")
        if allowed is not None and kind not in allowed:
            raise AssertionError(f"gate {i} of {name} is a {kind.upper()}; only "
                                 f"{_and_list([g.upper() for g in sorted(allowed)])} gates are allowed here")
        if kind in ("not", "buf") and len(ins) != 1:
            raise AssertionError(f"gate {i} of {name} is a {kind.upper()} with {len(ins)} inputs; it takes one")
        if kind not in ("not", "buf") and not 2 <= len(ins) <= max_fanin:
            raise AssertionError(f"gate {i} of {name} ({out}) has {len(ins)} input(s); use gates with 2"
                                 + (f" to {max_fanin}" if max_fanin > 2 else "") + " inputs")
        for x in ins:
            if x not in known:
                raise AssertionError(f"gate {i} of {name} ({out}) reads {x!r} before anything drives it; list the "
                                     f"gates in order from the inputs ({', '.join(inputs)}) to the output")
        if out in known:
            raise AssertionError(f"gate {i} of {name} drives {out!r}, which is already "
                                 f"{'an input' if out in inputs else 'driven by an earlier gate'}")
        known.add(out)
        gates.append((out, kind, tuple(ins)))
    if output not in known - set(inputs):
        raise AssertionError(f"no gate of {name} drives the output {output!r}")
    if max_gates is not None and len(gates) > max_gates:
        raise AssertionError(f"{name} has {len(gates)} gates; the limit is {max_gates} "
                             "(a gate's output may feed several gates: share it instead of building it twice)")
    return gates


def simulate_netlist(netlist: Any, values: dict[str, int], output: str | None = None) -> dict[str, int] | int:
    """Every net's value for the input ``values``; just ``output``'s value when it is given."""
    nets = {k: as_bit(v, f"input {k}") for k, v in values.items()}
    gates = netlist_form(netlist, list(values), output or netlist[-1][0], max_fanin=64)
    for out, kind, ins in gates:
        nets[out] = GATE_FUNCTIONS[kind]([nets[x] for x in ins])
    return nets if output is None else nets[output]


def check_netlist(
    netlist: Any,
    reference: Any,
    inputs: Sequence[str],
    output: str,
    name: str = "your netlist",
    only: Iterable[str] | None = None,
    max_gates: int | None = None,
    max_fanin: int = 2,
) -> None:
    """The netlist's ``output`` equals ``reference`` (over ``inputs``) for every input, within the limits."""
    gates = netlist_form(netlist, inputs, output, name, only, max_gates, max_fanin)
    ref, names = _reference(reference, inputs)
    for bits in _bits(len(names)):
        nets = dict(zip(names, bits))
        for out, kind, ins in gates:
            nets[out] = GATE_FUNCTIONS[kind]([nets[x] for x in ins])
        want = ref(*bits)
        if nets[output] != want:
            raise AssertionError(f"{name} is wrong for {_assignment_text(names, bits)}: {output} is {nets[output]}, "
                                 f"but it should be {want}")
