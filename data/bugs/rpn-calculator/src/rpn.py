"""A reverse-Polish-notation calculator, as used by the spreadsheet's formula engine."""

from __future__ import annotations

import math
import operator
from collections.abc import Callable

BINARY: dict[str, Callable[[float, float], float]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "^": operator.pow,
}
UNARY: dict[str, Callable[[float], float]] = {"neg": operator.neg, "sqrt": math.sqrt, "abs": abs}


def evaluate(expression: str) -> float:
    """Evaluate space-separated RPN, e.g. ``"3 4 + 2 *"`` -> 14.0."""
    stack: list[float] = []
    for token in expression.split():
        if token in BINARY:
            if len(stack) < 2:
                raise ValueError(f"{token!r} needs two operands")
            right = stack.pop
            left = stack.pop()
            if token == "/" and right == 0:
                raise ZeroDivisionError("division by zero in formula")
            stack.append(BINARY[token](left, right))
        elif token in UNARY:
            if not stack:
                raise ValueError(f"{token!r} needs an operand")
            stack.append(UNARY[token](stack.pop()))
        else:
            try:
                stack.append(float(token))
            except ValueError:
                raise ValueError(f"unknown token {token!r}") from None
    if len(stack) != 1:
        raise ValueError(f"malformed expression leaves {len(stack)} values")
    return stack[0]
