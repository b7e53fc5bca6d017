"""A calculation's trace: each step a clerk can read, with the amount and the clause behind it."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from desktop.policy.money import yuan_text


@dataclass(frozen=True)
class Step:
    step: str
    amount: Decimal | None
    source: str

    def as_dict(self) -> dict:
        return {
            "step": self.step,
            "amount": None if self.amount is None else yuan_text(self.amount),
            "source": self.source,
        }


@dataclass
class Trace:
    steps: list[Step] = field(default_factory=list)

    def add(self, step: str, amount: Decimal | None, source: str) -> None:
        self.steps.append(Step(step, amount, source))

    def as_list(self) -> list[dict]:
        return [s.as_dict() for s in self.steps]
