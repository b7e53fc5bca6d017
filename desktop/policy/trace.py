"""A calculation's trace: each step a clerk can read, with the amount and the clause behind it."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from desktop.policy.citation import Cite, machine, shown
from desktop.policy.money import FEN

# One step: (the clerk's sentence, the amount or None, the citation: a pack's Cite, "<source id>
# §<section>"). A plain tuple: a batch of 100 000 estimates adds close to a million of them.
Step = tuple[str, Decimal | None, str]


class Trace:
    """The steps in order; `add` keeps the amount, `as_list` gives the wire form (yuan text)."""

    __slots__ = ("steps",)

    def __init__(self, steps: list[Step] | None = None) -> None:
        self.steps: list[Step] = [] if steps is None else steps

    def __repr__(self) -> str:
        return f"Trace(steps={self.steps!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Trace) and self.steps == other.steps

    __hash__ = None  # mutable, like the dataclass it was

    def add(self, step: str, amount: Decimal | None, source: str) -> None:
        self.steps.append((step, amount, source))

    def as_list(self) -> list[dict]:
        """Each step as {"step", "amount" (yuan text, rounded half-up to the fen) or None,
        "source" (the API's "<file name> §<section>"), "cited" (what people read: 《title》（文号）§…)}."""
        q, fen, up = Decimal.quantize, FEN, ROUND_HALF_UP
        return [
            {"step": s, "amount": None if a is None else str(q(a, fen, up)),
             "source": src.machine if src.__class__ is Cite else machine(src),
             "cited": src.shown if src.__class__ is Cite else shown(src)}
            for s, a, src in self.steps
        ]
