"""Boolean expressions, truth tables, equivalence and minimization.

The first stage of the course: a Boolean function written as text (``"a & ~b | c"`` or
``"a and not b or c"``), as a Python expression built from :class:`Expr` objects, as a truth
table, or as a list of minterms. Everything here works on 0/1 integers.

>>> e = parse("a & ~b | c")
>>> e.variables
('a', 'b', 'c')
>>> e(a=1, b=0, c=0)
1
>>> str(minimize(e))
'a & ~b | c'

Conventions used everywhere:

- Row ``i`` of a truth table is the input assignment whose bits spell ``i`` with the *first*
  variable as the most significant bit, so row 0 is all zeros and row ``2**n - 1`` all ones.
- Precedence, tightest first: ``not`` (``~ !``), ``and``/``nand`` (``&``), ``xor``/``xnor``
  (``^``), ``or``/``nor`` (``|``). Binary operators group from the left.
- Where a function takes ``variables``, give a list of names, or one string: ``"a b c"`` or
  ``"a, b, c"``, and a string with no spaces or commas such as ``"abc"`` is read as one name per letter.
- Truth tables and equivalence checks evaluate all rows at once, by using one Python integer as
  a bit vector over the rows, so they stay fast up to about 20 variables.
"""

from __future__ import annotations

import difflib
import html
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from chiplab.errors import ChipLabError, ExpressionError

__all__ = [
    "GATES", "Expr", "TruthTable", "counterexample", "equivalent", "from_minterms", "minimize", "parse",
    "CheckResult", "prime_implicants", "self_check", "symbols", "truth_table",
]

#: largest number of variables a truth table or an equivalence check enumerates
MAX_VARIABLES = 20
#: largest number of variables :func:`minimize` accepts (exact minimization grows fast)
MAX_MINIMIZE_VARIABLES = 10

# ---------------------------------------------------------------------------------------------
# gates on 0/1 integers
# ---------------------------------------------------------------------------------------------


def _bits(name: str, values: Sequence[int], lo: int, hi: int | None) -> list[int]:
    n = len(values)
    if n < lo or (hi is not None and n > hi):
        want = f"exactly {lo}" if hi == lo else f"at least {lo}"
        raise ChipLabError(f"a {name} gate takes {want} input{'s' if lo > 1 else ''}, not {n}")
    out = []
    for v in values:
        if v not in (0, 1):  # True/False compare equal to 1/0
            raise ChipLabError(f"a {name} gate input must be 0 or 1, not {v!r}")
        out.append(int(v))
    return out


def _and(*x: int) -> int:
    return int(all(_bits("AND", x, 2, None)))


def _or(*x: int) -> int:
    return int(any(_bits("OR", x, 2, None)))


def _nand(*x: int) -> int:
    return 1 - int(all(_bits("NAND", x, 2, None)))


def _nor(*x: int) -> int:
    return 1 - int(any(_bits("NOR", x, 2, None)))


def _xor(*x: int) -> int:
    return sum(_bits("XOR", x, 2, None)) & 1


def _xnor(*x: int) -> int:
    return 1 - (sum(_bits("XNOR", x, 2, None)) & 1)


def _not(*x: int) -> int:
    return 1 - _bits("NOT", x, 1, 1)[0]


def _buf(*x: int) -> int:
    return _bits("BUF", x, 1, 1)[0]


#: the gate vocabulary: name -> function on 0/1 ints. NOT and BUF take one input, the others two or
#: more (XOR is 1 when an odd number of inputs is 1, XNOR when an even number is).
GATES: dict[str, Callable[..., int]] = {
    "AND": _and, "OR": _or, "NOT": _not, "NAND": _nand, "NOR": _nor, "XOR": _xor, "XNOR": _xnor, "BUF": _buf,
}

# ---------------------------------------------------------------------------------------------
# expressions
# ---------------------------------------------------------------------------------------------

_LEVEL = {"or": 1, "nor": 1, "xor": 2, "xnor": 2, "and": 3, "nand": 3, "not": 4, "var": 5, "const": 5}
_ASSOCIATIVE = {"and", "or", "xor"}


def _coerce(x: Any) -> Expr:
    if isinstance(x, Expr):
        return x
    if isinstance(x, str):
        return parse(x)
    if x is True or x is False or (isinstance(x, int) and x in (0, 1)):
        return Expr.const(int(x))
    raise ChipLabError(f"cannot use {x!r} in a Boolean expression",
                       hint="combine expressions, 0/1 constants or expression strings")


class Expr:
    """A Boolean expression: an immutable tree of variables, constants and gates.

    Make one with :func:`parse`, :func:`symbols`, or :meth:`Expr.var`, and combine them with
    ``&``, ``|``, ``~``, ``^`` and the methods :meth:`nand`, :meth:`nor`, :meth:`xnor`.
    Two expressions compare equal (``==``) when their trees are the same; use :func:`equivalent`
    to ask whether they compute the same function.
    """

    __slots__ = ("op", "args", "name", "value", "_hash")

    def __init__(self, op: str, args: Sequence[Expr] = (), name: str | None = None,
                 value: int | None = None) -> None:
        if op not in _LEVEL:
            raise ChipLabError(f"unknown operation {op!r}")
        self.op = op
        self.args: tuple[Expr, ...] = tuple(args)
        self.name = name
        self.value = value
        self._hash = hash((op, self.args, name, value))

    # -- construction
    @staticmethod
    def var(name: str) -> Expr:
        """A variable named ``name``."""
        if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise ChipLabError(f"{name!r} is not a valid variable name",
                               hint="use letters, digits and _, starting with a letter or _")
        if name.lower() in _KEYWORDS:
            raise ChipLabError(f"{name!r} is a reserved word, not a variable name")
        return Expr("var", name=name)

    @staticmethod
    def const(value: int) -> Expr:
        """The constant 0 or 1."""
        if value not in (0, 1):
            raise ChipLabError(f"a logic constant is 0 or 1, not {value!r}")
        return Expr("const", value=int(value))

    def __and__(self, other: Any) -> Expr:
        return _flat("and", self, _coerce(other))

    def __rand__(self, other: Any) -> Expr:
        return _flat("and", _coerce(other), self)

    def __or__(self, other: Any) -> Expr:
        return _flat("or", self, _coerce(other))

    def __ror__(self, other: Any) -> Expr:
        return _flat("or", _coerce(other), self)

    def __xor__(self, other: Any) -> Expr:
        return _flat("xor", self, _coerce(other))

    def __rxor__(self, other: Any) -> Expr:
        return _flat("xor", _coerce(other), self)

    def __invert__(self) -> Expr:
        return Expr("not", (self,))

    def nand(self, other: Any) -> Expr:
        """``NOT (self AND other)``."""
        return Expr("nand", (self, _coerce(other)))

    def nor(self, other: Any) -> Expr:
        """``NOT (self OR other)``."""
        return Expr("nor", (self, _coerce(other)))

    def xnor(self, other: Any) -> Expr:
        """``NOT (self XOR other)``: 1 when both are equal."""
        return Expr("xnor", (self, _coerce(other)))

    def __bool__(self) -> bool:
        raise ChipLabError("a Boolean expression has no single truth value",
                           hint="use & | ~ (not the Python words and/or/not) to combine expressions, "
                                "equivalent(e1, e2) to compare them, and e(a=1, ...) to evaluate one")

    # -- identity
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Expr):
            return NotImplemented
        return self._hash == other._hash and (self.op, self.args, self.name, self.value) == (
            other.op, other.args, other.name, other.value)

    def __hash__(self) -> int:
        return self._hash

    # -- reading
    @property
    def variables(self) -> tuple[str, ...]:
        """The names of the variables the expression uses, sorted."""
        found: set[str] = set()
        stack = [self]
        while stack:
            e = stack.pop()
            if e.op == "var":
                found.add(e.name)  # type: ignore[arg-type]
            stack.extend(e.args)
        return tuple(sorted(found))

    def evaluate(self, values: Mapping[str, Any]) -> int:
        """The value (0 or 1) for an assignment ``{name: 0 or 1}``; extra names are ignored."""
        env: dict[str, int] = {}
        for name in self.variables:
            if name not in values:
                raise ChipLabError(f"no value given for variable {name!r}",
                                   hint=f"give every variable a value: {', '.join(self.variables)}")
            v = values[name]
            if v not in (0, 1):
                raise ChipLabError(f"variable {name!r} must be 0 or 1 (or False/True), not {v!r}")
            env[name] = int(v)
        return self._eval(env)

    def __call__(self, *args: Any, **values: Any) -> int:
        """``e(a=1, b=0)``, or ``e(1, 0)`` with values for :attr:`variables` in order."""
        if args:
            names = self.variables
            if len(args) != len(names) or values:
                raise ChipLabError(f"give {len(names)} values in the order {names}, or name them: "
                                   f"e({', '.join(f'{n}=...' for n in names)})")
            values = dict(zip(names, args))
        return self.evaluate(values)

    def _eval(self, env: Mapping[str, int]) -> int:
        op = self.op
        if op == "const":
            return self.value  # type: ignore[return-value]
        if op == "var":
            return env[self.name]  # type: ignore[index]
        vals = [a._eval(env) for a in self.args]
        if op == "not":
            return 1 - vals[0]
        if op in ("and", "nand"):
            r = int(all(vals))
        elif op in ("or", "nor"):
            r = int(any(vals))
        else:
            r = sum(vals) & 1
        return 1 - r if op in ("nand", "nor", "xnor") else r

    def _mask(self, masks: Mapping[str, int], full: int, memo: dict[Expr, int]) -> int:
        """The expression over all rows at once: bit i of the result is the output of row i."""
        if self in memo:
            return memo[self]
        op = self.op
        if op == "const":
            r = full if self.value else 0
        elif op == "var":
            r = masks[self.name]  # type: ignore[index]
        else:
            vals = [a._mask(masks, full, memo) for a in self.args]
            if op == "not":
                r = full & ~vals[0]
            elif op in ("and", "nand"):
                r = full
                for v in vals:
                    r &= v
            elif op in ("or", "nor"):
                r = 0
                for v in vals:
                    r |= v
            else:
                r = 0
                for v in vals:
                    r ^= v
            if op in ("nand", "nor", "xnor"):
                r = full & ~r
        memo[self] = r
        return r

    # -- text
    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        return f"Expr({self.to_text()!r})"

    def _repr_latex_(self) -> str:
        return "$" + self.to_text(style="latex") + "$"

    def to_text(self, style: str = "symbols") -> str:
        """The expression as text with the fewest parentheses that keep its meaning.

        ``style="symbols"`` (the default, what ``str()`` gives) uses ``& | ~ ^`` (NAND, NOR and XNOR
        become ``~(...)``); ``"words"`` uses ``and or not xor nand nor xnor``; ``"latex"`` uses
        overbars and the usual algebra signs (``\\cdot + \\oplus``).
        """
        if style not in ("symbols", "words", "latex"):
            raise ChipLabError(f"unknown text style {style!r}", hint="use 'symbols', 'words' or 'latex'")
        return self._text(style)

    def _text(self, style: str) -> str:
        op = self.op
        if op == "const":
            return str(self.value)
        if op == "var":
            return self.name  # type: ignore[return-value]
        if style == "symbols" and op in ("nand", "nor", "xnor"):
            return "~(" + Expr(op[1:] if op != "xnor" else "xor", self.args)._text(style) + ")"
        if style == "latex" and op in ("nand", "nor", "xnor", "not"):
            inner = self.args[0] if op == "not" else Expr({"nand": "and", "nor": "or", "xnor": "xor"}[op],
                                                           self.args)
            return r"\overline{" + inner._text(style) + "}"
        if op == "not":
            a = self.args[0]
            t = a._text(style)
            if style == "words":
                return "not " + (t if _LEVEL[a.op] >= 4 else f"({t})")
            return "~" + (t if _LEVEL[a.op] >= 4 else f"({t})")
        sym = {"symbols": {"and": " & ", "or": " | ", "xor": " ^ "},
               "words": {o: f" {o} " for o in ("and", "or", "xor", "nand", "nor", "xnor")},
               "latex": {"and": r" \cdot ", "or": " + ", "xor": r" \oplus "}}[style][op]
        level = _LEVEL[op]
        parts = []
        for a in self.args:
            t = a._text(style)
            alevel = _LEVEL[a.op]
            if style == "symbols" and a.op in ("nand", "nor", "xnor"):
                alevel = 4  # printed as ~(...)
            elif style == "latex" and a.op in ("nand", "nor", "xnor"):
                alevel = 5  # printed under an overbar
            # same level: no parentheses only in a chain of one associative operator (a & b & c);
            # otherwise keep the grouping explicit, e.g. (a nand b) nand c
            need = alevel < level or (alevel == level and not (a.op == op and op in _ASSOCIATIVE))
            parts.append(f"({t})" if need else t)
        return sym.join(parts)

    # -- structure
    def gate_count(self) -> int:
        """How many gates the expression needs: every NOT, AND, OR, XOR, NAND, NOR, XNOR node counts one
        (whatever its number of inputs); identical sub-expressions count once, as a circuit shares them."""
        return sum(self.gate_counts().values())

    def gate_counts(self) -> dict[str, int]:
        """Gates by kind, e.g. ``{'NAND': 4}`` (identical sub-expressions count once)."""
        seen: set[Expr] = set()
        counts: dict[str, int] = {}
        stack = [self]
        while stack:
            e = stack.pop()
            if e in seen:
                continue
            seen.add(e)
            if e.op not in ("var", "const"):
                counts[e.op.upper()] = counts.get(e.op.upper(), 0) + 1
            stack.extend(e.args)
        return dict(sorted(counts.items()))

    def depth(self) -> int:
        """The number of gates on the longest path from an input to the output."""
        if self.op in ("var", "const"):
            return 0
        return 1 + max(a.depth() for a in self.args)

    def simplify(self) -> Expr:
        """Fold constants (``a & 1 -> a``, ``a | 1 -> 1``...) and remove double negations; the result is
        equivalent to the expression. (For a minimal form, use :func:`minimize`.)"""
        return _simplify(self)

    def to_nand(self) -> Expr:
        """An equivalent expression that uses only 2-input NAND gates (``NOT x`` is ``x NAND x``)."""
        return _universal(_simplify(self), "nand", {})

    def to_nor(self) -> Expr:
        """An equivalent expression that uses only 2-input NOR gates (``NOT x`` is ``x NOR x``)."""
        return _universal(_simplify(self), "nor", {})

    def truth_table(self, variables: Sequence[str] | str | None = None) -> TruthTable:
        """Shorthand for :func:`truth_table` of this expression."""
        return truth_table(self, variables)


def _flat(op: str, a: Expr, b: Expr) -> Expr:
    args: list[Expr] = []
    for x in (a, b):
        args.extend(x.args if x.op == op else (x,))
    return Expr(op, args)


def symbols(names: str | Sequence[str]) -> tuple[Expr, ...]:
    """Variables to build expressions in Python: ``a, b, c = symbols("a b c")``."""
    return tuple(Expr.var(n) for n in _names(names))


def _names(variables: str | Sequence[str]) -> tuple[str, ...]:
    """Variable names from a sequence, ``"a b c"``, ``"a, b, c"`` or ``"abc"`` (one letter each)."""
    if isinstance(variables, str):
        parts = [p for p in re.split(r"[\s,]+", variables.strip()) if p]
        if len(parts) == 1 and not re.search(r"[\s,]", variables):
            parts = list(parts[0]) if len(parts[0]) > 1 and parts[0].isalpha() else parts
        names = tuple(parts)
    else:
        names = tuple(v.name if isinstance(v, Expr) and v.op == "var" else v for v in variables)
    for n in names:
        if not isinstance(n, str) or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", n):
            raise ChipLabError(f"{n!r} is not a valid variable name")
    if len(set(names)) != len(names):
        raise ChipLabError(f"a variable is named twice in {names}")
    return names


def _simplify(e: Expr) -> Expr:
    op = e.op
    if op in ("var", "const"):
        return e
    args = [_simplify(a) for a in e.args]
    if op == "not":
        a = args[0]
        if a.op == "const":
            return Expr.const(1 - a.value)  # type: ignore[operator]
        if a.op == "not":
            return a.args[0]
        return Expr("not", (a,))
    base = {"nand": "and", "nor": "or", "xnor": "xor"}.get(op, op)
    consts = [a.value for a in args if a.op == "const"]
    rest = [a for a in args if a.op != "const"]
    if base == "and":
        if 0 in consts:
            r: Expr = Expr.const(0)
        else:
            r = Expr.const(1) if not rest else rest[0] if len(rest) == 1 else Expr("and", rest)
    elif base == "or":
        if 1 in consts:
            r = Expr.const(1)
        else:
            r = Expr.const(0) if not rest else rest[0] if len(rest) == 1 else Expr("or", rest)
    else:
        parity = sum(consts) & 1  # type: ignore[arg-type]
        r = Expr.const(0) if not rest else rest[0] if len(rest) == 1 else Expr("xor", rest)
        if parity:
            r = _simplify(Expr("not", (r,)))
    if op != base:
        if r.op == "const":
            return Expr.const(1 - r.value)  # type: ignore[operator]
        if r.op == base and len(r.args) >= 2 and op in ("nand", "nor", "xnor"):
            return Expr(op, r.args)
        return _simplify(Expr("not", (r,)))
    return r


def _universal(e: Expr, kind: str, memo: dict[Expr, Expr]) -> Expr:
    """Rewrite e (already simplified) with 2-input ``kind`` gates only ("nand" or "nor")."""
    if e in memo:
        return memo[e]

    def g(x: Expr, y: Expr) -> Expr:
        return Expr(kind, (x, y))

    def inv(x: Expr) -> Expr:
        if x.op == kind and len(x.args) == 2 and x.args[0] == x.args[1]:
            return x.args[0]  # NOT NOT y = y
        return g(x, x)

    def fold(parts: list[Expr], two: Callable[[Expr, Expr], Expr]) -> Expr:
        r = parts[0]
        for p in parts[1:]:
            r = two(r, p)
        return r

    # 2-input building blocks in terms of `kind`
    if kind == "nand":
        def and2(x: Expr, y: Expr) -> Expr:
            return inv(g(x, y))

        def or2(x: Expr, y: Expr) -> Expr:
            return g(inv(x), inv(y))
    else:
        def and2(x: Expr, y: Expr) -> Expr:
            return g(inv(x), inv(y))

        def or2(x: Expr, y: Expr) -> Expr:
            return inv(g(x, y))

    def xor2(x: Expr, y: Expr) -> Expr:
        t = g(x, y)
        r = g(g(x, t), g(y, t))  # four NANDs make XOR; four NORs make XNOR
        return r if kind == "nand" else inv(r)

    op = e.op
    if op in ("var", "const"):
        r = e
    else:
        args = [_universal(a, kind, memo) for a in e.args]
        if op == "not":
            r = inv(args[0])
        elif op == "and":
            r = fold(args, and2)
        elif op == "or":
            r = fold(args, or2)
        elif op == "xor":
            r = fold(args, xor2)
        elif op == "nand":
            r = g(*args) if kind == "nand" and len(args) == 2 else inv(fold(args, and2))
        elif op == "nor":
            r = g(*args) if kind == "nor" and len(args) == 2 else inv(fold(args, or2))
        else:  # xnor
            r = inv(fold(args, xor2))
    memo[e] = r
    return r


# ---------------------------------------------------------------------------------------------
# the parser
# ---------------------------------------------------------------------------------------------

_KEYWORDS = {"and", "or", "not", "nand", "nor", "xor", "xnor", "true", "false"}
_TOKEN = re.compile(r"\s*(?:(?P<id>[A-Za-z_][A-Za-z0-9_]*)|(?P<num>[0-9]+)|(?P<op>&&|\|\||[&|~^!()\u00ac\u2227\u2228\u2295]))")
_OPERATOR_WORDS = "&, |, ^, and, or, xor, nand, nor, xnor"


class _Tok:
    __slots__ = ("kind", "text", "pos")

    def __init__(self, kind: str, text: str, pos: int) -> None:
        self.kind, self.text, self.pos = kind, text, pos

    def describe(self) -> str:
        return "the end of the expression" if self.kind == "end" else f"'{self.text}'"


def _tokenize(text: str) -> list[_Tok]:
    toks: list[_Tok] = []
    pos = 0
    n = len(text)
    while True:
        while pos < n and text[pos].isspace():
            pos += 1
        if pos >= n:
            break
        m = _TOKEN.match(text, pos)
        if m is None:
            ch = text[pos]
            hint = ""
            if ch in "+*":
                hint = "write OR as | (or the word or) and AND as & (or the word and)"
            elif ch == "'":
                hint = "write NOT x as ~x (or the word not)"
            elif ch == "=":
                hint = "an expression has no '='; write only the right-hand side"
            raise ExpressionError(f"unexpected character '{ch}' at column {pos + 1}", text, pos, hint)
        start = m.start(m.lastgroup)  # type: ignore[arg-type]
        kind = m.lastgroup
        word = m.group(kind)  # type: ignore[arg-type]
        if kind == "id" and word.lower() in _KEYWORDS:
            low = word.lower()
            if low in ("true", "false"):
                toks.append(_Tok("const", "1" if low == "true" else "0", start))
                toks[-1].text = word
            else:
                toks.append(_Tok(low, word, start))
        elif kind == "op":
            canon = {"&&": "and", "&": "and", "||": "or", "|": "or", "^": "xor", "~": "not", "!": "not",
                     "\u00ac": "not", "\u2227": "and", "\u2228": "or", "\u2295": "xor"}  # also ¬ ∧ ∨ ⊕
            toks.append(_Tok(canon.get(word, word), word, start))
        else:
            toks.append(_Tok(kind, word, start))  # type: ignore[arg-type]
        pos = m.end()
    toks.append(_Tok("end", "", len(text)))
    return toks


def _did_you_mean(word: str) -> str:
    close = difflib.get_close_matches(word.lower(), sorted(_KEYWORDS - {"true", "false"}), n=2, cutoff=0.6)
    if not close:
        return ""
    return "did you mean " + " or ".join(f"'{c}'" for c in close) + "?"


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.toks = _tokenize(text)
        self.i = 0
        self.open_parens: list[_Tok] = []

    @property
    def tok(self) -> _Tok:
        return self.toks[self.i]

    def error(self, expected: str) -> ExpressionError:
        t = self.tok
        if t.kind == "end" and self.open_parens:
            p = self.open_parens[-1]
            return ExpressionError(f"missing ')': the '(' at column {p.pos + 1} is never closed",
                                   self.text, p.pos, "add a ')' to close it (parentheses must balance)")
        if t.kind == ")" and not self.open_parens:
            return ExpressionError(f"unbalanced parentheses: the ')' at column {t.pos + 1} has no matching '('",
                                   self.text, t.pos, "remove it or add the '(' it closes")
        hint = ""
        if t.kind == "id":
            hint = _did_you_mean(t.text)
        if not hint and self.i > 0 and self.toks[self.i - 1].kind == "id":
            hint = _did_you_mean(self.toks[self.i - 1].text)
        if not hint and t.kind in ("id", "const", "num", "(", "not") and expected.startswith("expected an op"):
            hint = "put an operator between two operands, e.g. 'a & b' rather than 'a b'"
        return ExpressionError(f"{expected} at column {t.pos + 1} but found {t.describe()}", self.text, t.pos,
                               hint)

    def take(self) -> _Tok:
        t = self.toks[self.i]
        self.i += 1
        return t

    def parse(self) -> Expr:
        if self.tok.kind == "end":
            raise ExpressionError("the expression is empty", hint="write e.g. 'a & b' or 'a or not b'")
        e = self.parse_or()
        if self.tok.kind != "end":
            raise self.error(f"expected an operator ({_OPERATOR_WORDS}) or the end")
        return e

    def parse_or(self) -> Expr:
        e = self.parse_xor()
        while self.tok.kind in ("or", "nor"):
            kind = self.take().kind
            r = self.parse_xor()
            e = _flat("or", e, r) if kind == "or" else Expr("nor", (e, r))
        return e

    def parse_xor(self) -> Expr:
        e = self.parse_and()
        while self.tok.kind in ("xor", "xnor"):
            kind = self.take().kind
            r = self.parse_and()
            e = _flat("xor", e, r) if kind == "xor" else Expr("xnor", (e, r))
        return e

    def parse_and(self) -> Expr:
        e = self.parse_not()
        while self.tok.kind in ("and", "nand"):
            kind = self.take().kind
            r = self.parse_not()
            e = _flat("and", e, r) if kind == "and" else Expr("nand", (e, r))
        return e

    def parse_not(self) -> Expr:
        if self.tok.kind == "not":
            self.take()
            return Expr("not", (self.parse_not(),))
        return self.parse_atom()

    def parse_atom(self) -> Expr:
        t = self.tok
        if t.kind == "id":
            self.take()
            return Expr("var", name=t.text)
        if t.kind == "const":
            self.take()
            return Expr.const(int(t.text) if t.text in "01" else int(t.text.lower() == "true"))
        if t.kind == "num":
            if t.text in ("0", "1"):
                self.take()
                return Expr.const(int(t.text))
            raise ExpressionError(f"'{t.text}' at column {t.pos + 1} is not a logic constant", self.text, t.pos,
                                  "the constants are 0 and 1 (or False and True)")
        if t.kind == "(":
            self.open_parens.append(self.take())
            e = self.parse_or()
            if self.tok.kind != ")":
                if self.tok.kind == "end":
                    raise self.error("expected ')'")
                raise self.error(f"expected ')' or an operator ({_OPERATOR_WORDS})")
            self.take()
            self.open_parens.pop()
            return e
        raise self.error("expected a variable, a constant or '('")


def parse(text: str | Expr) -> Expr:
    """Read a Boolean expression.

    Operators: ``~ !`` or ``not``; ``&`` or ``and``; ``nand``; ``^`` or ``xor``; ``xnor``; ``|`` or
    ``or``; ``nor``. Constants ``0 1 True False``; parentheses; variables are identifiers
    (``[A-Za-z_][A-Za-z0-9_]*``). Precedence: not > and/nand > xor/xnor > or/nor.

    Raises :class:`chiplab.errors.ExpressionError` saying where the text goes wrong and what was
    expected there. An :class:`Expr` is returned unchanged.
    """
    if isinstance(text, Expr):
        return text
    if not isinstance(text, str):
        raise ExpressionError(f"an expression must be text, not {type(text).__name__}")
    try:
        return _Parser(text).parse()
    except RecursionError:
        raise ExpressionError("the expression is nested too deeply to read",
                              hint="use fewer nested parentheses or NOTs") from None


# ---------------------------------------------------------------------------------------------
# truth tables
# ---------------------------------------------------------------------------------------------


def _variable_masks(names: Sequence[str]) -> tuple[dict[str, int], int]:
    """For n variables: each variable's column as a bit vector over the 2**n rows, and the all-ones mask."""
    n = len(names)
    if n > MAX_VARIABLES:
        raise ChipLabError(f"{n} variables make 2**{n} rows: too many to enumerate (at most {MAX_VARIABLES})")
    rows = 1 << n
    full = (1 << rows) - 1
    masks = {}
    for k, name in enumerate(names):
        half = 1 << (n - 1 - k)  # rows i with bit (n-1-k) set: the upper half of each period of 2*half rows
        block = ((1 << half) - 1) << half
        period = 2 * half
        masks[name] = block * (full // ((1 << period) - 1))
    return masks, full


def _outputs_mask(e: Expr, names: Sequence[str]) -> int:
    missing = set(e.variables) - set(names)
    if missing:
        raise ChipLabError(f"the expression uses {', '.join(sorted(missing))}, which "
                           f"{'is' if len(missing) == 1 else 'are'} not among the variables {tuple(names)}")
    masks, full = _variable_masks(names)
    return e._mask(masks, full, {})


class TruthTable:
    """A Boolean function of ``variables`` as its list of outputs, one per input row.

    Row ``i`` is the assignment whose bits spell ``i`` with the first variable as the most significant
    bit (row 0 = all zeros). ``rows`` pairs each input tuple with its output; ``minterms`` lists the
    rows whose output is 1. In a notebook the table shows itself as HTML.
    """

    def __init__(self, variables: Sequence[str] | str, outputs: Sequence[int], name: str = "f") -> None:
        self.variables: tuple[str, ...] = _names(variables)
        outs = []
        for v in outputs:
            if v not in (0, 1):
                raise ChipLabError(f"a truth-table output must be 0 or 1, not {v!r}")
            outs.append(int(v))
        if len(outs) != 1 << len(self.variables):
            raise ChipLabError(f"{len(self.variables)} variables need {1 << len(self.variables)} outputs, "
                               f"got {len(outs)}")
        self.outputs: list[int] = outs
        self.name = name

    @classmethod
    def from_outputs(cls, outputs: Sequence[int], variables: Sequence[str] | str, name: str = "f") -> TruthTable:
        """A table from its output column (row 0 first)."""
        return cls(variables, outputs, name)

    @classmethod
    def from_function(cls, fn: Callable[..., Any], variables: Sequence[str] | str, name: str = "f") -> TruthTable:
        """A table from a Python function called with one 0/1 argument per variable, in order:
        ``TruthTable.from_function(lambda a, b: a and not b, "a b")``."""
        names = _names(variables)
        outs = []
        for i in range(1 << len(names)):
            bits = tuple((i >> (len(names) - 1 - k)) & 1 for k in range(len(names)))
            v = fn(*bits)
            if v not in (0, 1):
                raise ChipLabError(f"the function returned {v!r} for inputs {dict(zip(names, bits))}",
                                   hint="return 0/1 or False/True")
            outs.append(int(v))
        return cls(names, outs, name)

    @classmethod
    def from_minterms(cls, minterms: Iterable[int], variables: Sequence[str] | str, name: str = "f") -> TruthTable:
        """A table that is 1 exactly on the given rows."""
        names = _names(variables)
        ones = _check_minterms(minterms, len(names))
        return cls(names, [int(i in ones) for i in range(1 << len(names))], name)

    @property
    def rows(self) -> list[tuple[tuple[int, ...], int]]:
        n = len(self.variables)
        return [(tuple((i >> (n - 1 - k)) & 1 for k in range(n)), out) for i, out in enumerate(self.outputs)]

    @property
    def minterms(self) -> list[int]:
        return [i for i, v in enumerate(self.outputs) if v]

    @property
    def maxterms(self) -> list[int]:
        return [i for i, v in enumerate(self.outputs) if not v]

    def to_expr(self, minimal: bool = True) -> Expr:
        """The function as an expression: a minimal sum of products, or (``minimal=False``) the canonical
        sum of minterms."""
        return minimize(self) if minimal else from_minterms(self.minterms, self.variables)

    def __len__(self) -> int:
        return len(self.outputs)

    def __iter__(self) -> Iterator[tuple[tuple[int, ...], int]]:
        return iter(self.rows)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TruthTable):
            return NotImplemented
        return self.variables == other.variables and self.outputs == other.outputs

    def __hash__(self) -> int:
        return hash((self.variables, tuple(self.outputs)))

    def __repr__(self) -> str:
        return f"TruthTable(variables={self.variables}, outputs={self.outputs})"

    def __str__(self) -> str:
        head = list(self.variables) + [self.name]
        widths = [max(1, len(h)) for h in head]
        lines = [" ".join(h.rjust(w) for h, w in zip(head, widths))]
        lines[0] = " ".join(h.rjust(w) for h, w in zip(head[:-1], widths)) + " | " + head[-1]
        lines.append("-" * len(lines[0]))
        for inputs, out in self.rows:
            left = " ".join(str(b).rjust(w) for b, w in zip(inputs, widths))
            lines.append(f"{left} | {out}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        th = "padding:2px 10px;border-bottom:2px solid #444;text-align:center;font-family:monospace"
        td = "padding:1px 10px;text-align:center;font-family:monospace"
        sep = "border-left:2px solid #444;"
        cells = "".join(f'<th style="{th}">{html.escape(v)}</th>' for v in self.variables)
        cells += f'<th style="{th};{sep}">{html.escape(self.name)}</th>'
        out = [f'<table style="border-collapse:collapse;margin:4px 0"><thead><tr>{cells}</tr></thead><tbody>']
        for inputs, v in self.rows:
            bg = "background:#d9f2d9;font-weight:bold;" if v else "color:#777;"
            row = "".join(f'<td style="{td}">{b}</td>' for b in inputs)
            row += f'<td style="{td};{sep}{bg}">{v}</td>'
            out.append(f"<tr>{row}</tr>")
        out.append("</tbody></table>")
        return "".join(out)


def _as_expr(x: Expr | str | TruthTable) -> Expr:
    if isinstance(x, Expr):
        return x
    if isinstance(x, TruthTable):
        return from_minterms(x.minterms, x.variables)
    if isinstance(x, str):
        return parse(x)
    raise ChipLabError(f"expected an expression (text or Expr), not {type(x).__name__}")


def truth_table(expr: Expr | str | TruthTable, variables: Sequence[str] | str | None = None) -> TruthTable:
    """The truth table of an expression (text or :class:`Expr`). ``variables`` fixes the column order and
    may name variables the expression does not use; by default the expression's own, sorted."""
    if isinstance(expr, TruthTable):
        if variables is not None and _names(variables) != expr.variables:
            raise ChipLabError(f"this truth table has variables {expr.variables}, not {_names(variables)}")
        return expr
    e = _as_expr(expr)
    names = _names(variables) if variables is not None else e.variables
    mask = _outputs_mask(e, names)
    outs = [(mask >> i) & 1 for i in range(1 << len(names))]
    return TruthTable(names, outs, name=str(e) if len(str(e)) <= 40 else "f")


# ---------------------------------------------------------------------------------------------
# equivalence
# ---------------------------------------------------------------------------------------------


def _pair(e1: Expr | str | TruthTable, e2: Expr | str | TruthTable) -> tuple[tuple[str, ...], int, int]:
    a, b = _as_expr(e1), _as_expr(e2)
    names = tuple(sorted(set(a.variables) | set(b.variables)))
    return names, _outputs_mask(a, names), _outputs_mask(b, names)


def equivalent(e1: Expr | str | TruthTable, e2: Expr | str | TruthTable) -> bool:
    """True when both compute the same output for every assignment of the union of their variables."""
    _, m1, m2 = _pair(e1, e2)
    return m1 == m2


def counterexample(e1: Expr | str | TruthTable, e2: Expr | str | TruthTable) -> dict[str, int] | None:
    """``None`` when equivalent, else the first assignment (in truth-table order) where they differ."""
    names, m1, m2 = _pair(e1, e2)
    diff = m1 ^ m2
    if not diff:
        return None
    row = (diff & -diff).bit_length() - 1
    n = len(names)
    return {v: (row >> (n - 1 - k)) & 1 for k, v in enumerate(names)}


# ---------------------------------------------------------------------------------------------
# minimization: Quine-McCluskey prime implicants, then an exact minimum cover
# ---------------------------------------------------------------------------------------------


def _check_minterms(minterms: Iterable[int], n: int) -> set[int]:
    out = set()
    for m in minterms:
        if isinstance(m, bool) or not isinstance(m, int) or not 0 <= m < (1 << n):
            raise ChipLabError(f"minterm {m!r} is out of range for {n} variables (0..{(1 << n) - 1})")
        out.add(m)
    return out


def prime_implicants(on: Iterable[int], n: int, dont_cares: Iterable[int] = ()) -> list[str]:
    """The prime implicants of a function of n variables as cubes: one character per variable, ``'1'``,
    ``'0'`` or ``'-'`` (absent), first variable first (Quine-McCluskey)."""
    care = _check_minterms(on, n) | _check_minterms(dont_cares, n)
    # a cube is (value, mask): mask bits are the absent variables, value has 0 there
    current = {(m, 0) for m in care}
    primes: set[tuple[int, int]] = set()
    while current:
        merged: set[tuple[int, int]] = set()
        used: set[tuple[int, int]] = set()
        by_mask: dict[int, set[int]] = {}
        for v, mk in current:
            by_mask.setdefault(mk, set()).add(v)
        for mk, values in by_mask.items():
            for v in values:
                for bit in range(n):
                    b = 1 << bit
                    if mk & b or v & b:
                        continue
                    if v | b in values:
                        merged.add((v, mk | b))
                        used.add((v, mk))
                        used.add((v | b, mk))
        primes |= current - used
        current = merged
    return sorted(_cube_text(v, mk, n) for v, mk in primes)


def _cube_text(v: int, mk: int, n: int) -> str:
    return "".join("-" if mk >> (n - 1 - k) & 1 else str(v >> (n - 1 - k) & 1) for k in range(n))


def _cube_minterms(cube: str) -> list[int]:
    n = len(cube)
    free = [n - 1 - k for k, c in enumerate(cube) if c == "-"]
    base = sum(1 << (n - 1 - k) for k, c in enumerate(cube) if c == "1")
    out = []
    for combo in range(1 << len(free)):
        m = base
        for j, bit in enumerate(free):
            if combo >> j & 1:
                m |= 1 << bit
        out.append(m)
    return out


def _minimum_cover(on: set[int], primes: list[str]) -> list[str]:
    """A cover of `on` by primes with the fewest terms, then the fewest literals (branch and bound)."""
    if not on:
        return []
    n = len(primes[0])
    weight = (n + 1) * (len(on) + 1)  # one more term always costs more than any number of literals
    cost = [weight + sum(c != "-" for c in p) for p in primes]  # integers: exact for the MILP too
    covers = [frozenset(m for m in _cube_minterms(p) if m in on) for p in primes]
    by_minterm: dict[int, list[int]] = {m: [] for m in on}
    for j, cov in enumerate(covers):
        for m in cov:
            by_minterm[m].append(j)

    best: list[Any] = [None, float("inf")]
    nodes = [0]

    def lower_bound(left: set[int], allowed: set[int]) -> float:
        # minterms that share no prime each need their own: the cheapest prime for each is a bound
        bound = 0.0
        taken: set[int] = set()
        for m in sorted(left, key=lambda m: len(by_minterm[m])):
            cands = [j for j in by_minterm[m] if j in allowed]
            if not cands:
                return float("inf")
            if taken.isdisjoint(cands):
                taken.update(cands)
                bound += min(cost[j] for j in cands)
        return bound

    def search(left: set[int], allowed: set[int], chosen: list[int], spent: float) -> None:
        nodes[0] += 1
        if nodes[0] > _NODE_BUDGET:
            raise _OverBudget
        chosen = list(chosen)
        left = set(left)
        allowed = set(allowed)
        # reduce: essential primes (a minterm only one allowed prime covers) and dominated primes
        changed = True
        while changed and left:
            changed = False
            for m in list(left):
                if m not in left:
                    continue
                cands = [j for j in by_minterm[m] if j in allowed]
                if not cands:
                    return
                if len(cands) == 1:
                    j = cands[0]
                    chosen.append(j)
                    spent += cost[j]
                    left -= covers[j]
                    allowed.discard(j)
                    changed = True
            useful = sorted((j for j in allowed if covers[j] & left), key=lambda j: (cost[j], j))
            allowed = set(useful)
            # prime j is dominated by k if k covers all j covers (of what is left) and costs no more
            cover_left = {j: covers[j] & left for j in useful}
            for j in useful:
                if j not in allowed:
                    continue
                for k in useful:
                    if k != j and k in allowed and cost[k] <= cost[j] and cover_left[j] <= cover_left[k] and (
                            cover_left[j] != cover_left[k] or k < j):
                        allowed.discard(j)
                        changed = True
                        break
        if spent >= best[1]:
            return
        if not left:
            best[0], best[1] = chosen, spent
            return
        if spent + lower_bound(left, allowed) >= best[1]:
            return
        m = min(left, key=lambda m: (sum(1 for j in by_minterm[m] if j in allowed), m))
        cands = sorted((j for j in by_minterm[m] if j in allowed), key=lambda j: (-len(covers[j] & left), cost[j]))
        for j in cands:
            search(left - covers[j], allowed - {j}, chosen + [j], spent + cost[j])
            allowed = allowed - {j}  # later branches need not consider j: that case is explored

    try:
        search(set(on), set(range(len(primes))), [], 0.0)
    except _OverBudget:
        chosen = _milp_cover(sorted(on), covers, cost)
        if chosen is not None:
            return [primes[j] for j in chosen]
        best[1] = float("inf")  # no solver: finish the exact search however long it takes
        nodes[0] = -(10**18)
        search(set(on), set(range(len(primes))), [], 0.0)
    return [primes[j] for j in best[0]]  # type: ignore[union-attr]


#: branch-and-bound nodes before a hard cover problem goes to an integer-programming solver
_NODE_BUDGET = 300


class _OverBudget(Exception):
    pass


def _milp_cover(on: list[int], covers: list[frozenset[int]], cost: list[int]) -> list[int] | None:
    """The exact minimum-cost cover as a 0/1 integer program (scipy's HiGHS), or None without scipy."""
    try:
        import numpy as np
        from scipy.optimize import Bounds, LinearConstraint, milp
    except ImportError:  # pragma: no cover - scipy is part of the course environment
        return None
    index = {m: i for i, m in enumerate(on)}
    a = np.zeros((len(on), len(covers)))
    for j, cov in enumerate(covers):
        for m in cov:
            a[index[m], j] = 1
    res = milp(c=np.array(cost, dtype=float), integrality=np.ones(len(covers)), bounds=Bounds(0, 1),
               constraints=LinearConstraint(a, lb=np.ones(len(on)), ub=np.inf),
               options={"mip_rel_gap": 0.0})
    if res.x is None:  # pragma: no cover - a cover by all primes always exists
        return None
    return [j for j, x in enumerate(res.x) if x > 0.5]


def _cube_expr(cube: str, names: Sequence[str]) -> Expr:
    lits = [Expr("var", name=v) if c == "1" else Expr("not", (Expr("var", name=v),))
            for c, v in zip(cube, names) if c != "-"]
    if not lits:
        return Expr.const(1)
    return lits[0] if len(lits) == 1 else Expr("and", lits)


def _sop(cubes: Sequence[str], names: Sequence[str]) -> Expr:
    if not cubes:
        return Expr.const(0)
    terms = [_cube_expr(c, names) for c in cubes]
    return terms[0] if len(terms) == 1 else Expr("or", terms)


def minimize(x: Expr | str | TruthTable | Iterable[int], variables: Sequence[str] | str | None = None,
             dont_cares: Iterable[int] = ()) -> Expr:
    """A minimal sum of products equivalent to ``x``: the fewest product terms, then the fewest literals.

    ``x`` is an expression (text or :class:`Expr`), a :class:`TruthTable`, or a list of minterms (then
    ``variables`` is needed). ``dont_cares`` are rows whose output may be 0 or 1. Uses Quine-McCluskey
    for the prime implicants and an exact branch-and-bound cover (fine up to about 8 variables).
    Returns the constant 0 or 1 when the function is constant.
    """
    if isinstance(x, TruthTable):
        names = x.variables if variables is None else _names(variables)
        if names != x.variables:
            raise ChipLabError(f"this truth table has variables {x.variables}, not {names}")
        on = set(x.minterms)
    elif isinstance(x, (Expr, str)):
        e = _as_expr(x)
        names = _names(variables) if variables is not None else e.variables
        if len(names) > MAX_MINIMIZE_VARIABLES:
            raise ChipLabError(f"minimize handles at most {MAX_MINIMIZE_VARIABLES} variables, not {len(names)}")
        mask = _outputs_mask(e, names)
        on = {i for i in range(1 << len(names)) if mask >> i & 1}
    else:
        if variables is None:
            raise ChipLabError("minimize(list of minterms) needs variables=...",
                               hint="e.g. minimize([1, 3, 7], variables='a b c')")
        names = _names(variables)
        on = _check_minterms(x, len(names))
    n = len(names)
    if n > MAX_MINIMIZE_VARIABLES:
        raise ChipLabError(f"minimize handles at most {MAX_MINIMIZE_VARIABLES} variables, not {n}")
    dc = _check_minterms(dont_cares, n) - on
    if not on:
        return Expr.const(0)
    if len(on) + len(dc) == 1 << n:
        return Expr.const(1)
    primes = prime_implicants(on, n, dc)
    cover = _minimum_cover(on, primes)
    order = {"1": 0, "0": 1, "-": 2}
    cover.sort(key=lambda c: [order[ch] for ch in c])
    return _sop(cover, names)


def from_minterms(minterms: Iterable[int], variables: Sequence[str] | str) -> Expr:
    """The canonical sum of products: one full product term per minterm, in minterm order
    (the constant 0 when there are none)."""
    names = _names(variables)
    n = len(names)
    ones = sorted(_check_minterms(minterms, n))
    return _sop([format(m, f"0{n}b") if n else "" for m in ones], names)


# ---------------------------------------------------------------------------------------------
# self-checks for exercises
# ---------------------------------------------------------------------------------------------


class CheckResult:
    """The outcome of :func:`self_check`: true when the answer passed; shows its message in a notebook."""

    def __init__(self, ok: bool, message: str) -> None:
        self.ok = ok
        self.message = ("\u2714 " if ok else "\u2718 ") + message

    def __bool__(self) -> bool:
        return self.ok

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return self.message


def self_check(answer: Any, spec: Expr | str | TruthTable | Callable[..., Any],
               variables: Sequence[str] | str | None = None, only: Iterable[str] | None = None,
               max_gates: int | None = None) -> CheckResult:
    """Check an exercise answer against a specification and say what is wrong (never the solution).

    Returns a :class:`CheckResult`: true when the answer passes; as the last line of a notebook cell it
    shows its message (``print()`` it elsewhere).

    ``answer``: an expression (text or :class:`Expr`), a :class:`TruthTable`, or a list of outputs in
    truth-table order. ``spec``: an expression, a truth table, or a Python function of 0/1 arguments
    (one per variable, in the order of ``variables``). ``only``: the gate kinds the answer may use, e.g.
    ``{"NAND"}`` (``"NOT"`` for ``~``); ``max_gates``: the most gates allowed (see
    :meth:`Expr.gate_count`).
    """
    def say(ok: bool, text: str) -> CheckResult:
        return CheckResult(ok, text)

    if answer is None or answer is Ellipsis or (isinstance(answer, str) and answer.strip() in ("", "...")):
        return say(False, "not answered yet: replace the placeholder with your answer and run the cell again")
    # the specification as a truth table
    if isinstance(spec, TruthTable):
        ref = spec
    elif isinstance(spec, (Expr, str)):
        e = _as_expr(spec)
        ref = truth_table(e, _names(variables) if variables is not None else e.variables)
    elif callable(spec):
        if variables is None:
            raise ChipLabError("self_check with a Python function as the specification needs variables=...")
        ref = TruthTable.from_function(spec, variables)
    else:
        raise ChipLabError(f"cannot use a {type(spec).__name__} as a specification")
    names = ref.variables
    # the answer as a truth table over the same variables
    answer_expr: Expr | None = None
    try:
        if isinstance(answer, TruthTable):
            if set(answer.variables) != set(names):
                return say(False, f"your table has variables {answer.variables}; the function has {names}")
            got = [from_minterms(answer.minterms, answer.variables).evaluate(dict(zip(names, bits)))
                   for bits, _ in ref.rows]
        elif isinstance(answer, (Expr, str)):
            answer_expr = _as_expr(answer)
            extra = sorted(set(answer_expr.variables) - set(names))
            if extra:
                return say(False, f"your expression uses {', '.join(extra)}, which the function does not have "
                                  f"(its inputs are {', '.join(names)})")
            got = truth_table(answer_expr, names).outputs
        elif isinstance(answer, (list, tuple)):
            if len(answer) != len(ref.outputs):
                return say(False, f"give {len(ref.outputs)} outputs (one per row), not {len(answer)}")
            if any(v not in (0, 1) for v in answer):
                return say(False, "every output must be 0 or 1")
            got = [int(v) for v in answer]
        else:
            return say(False, f"expected an expression, a truth table or a list of outputs, not "
                              f"{type(answer).__name__}")
    except ExpressionError as err:
        return say(False, f"your expression cannot be read:\n{err}")
    wrong = [i for i, (g, r) in enumerate(zip(got, ref.outputs)) if g != r]
    if wrong:
        bits, want = ref.rows[wrong[0]]
        where = ", ".join(f"{v}={b}" for v, b in zip(names, bits))
        more = f" ({len(wrong)} of {len(got)} rows differ)" if len(wrong) > 1 else " (1 row differs)"
        return say(False, f"not yet: for {where} your answer gives {got[wrong[0]]}, but it should be {want}{more}")
    if answer_expr is not None and only is not None:
        allowed = {k.upper() for k in only}
        used = set(answer_expr.gate_counts())
        bad = sorted(used - allowed)
        if bad:
            return say(False, f"the function is right, but it uses {', '.join(bad)}; only "
                              f"{', '.join(sorted(allowed))} allowed here")
    if answer_expr is not None and max_gates is not None and answer_expr.gate_count() > max_gates:
        return say(False, f"the function is right, but it takes {answer_expr.gate_count()} gates; "
                          f"can you do it with {max_gates}?")
    extra_info = f" ({answer_expr.gate_count()} gates)" if answer_expr is not None else ""
    return say(True, f"correct{extra_info}")
