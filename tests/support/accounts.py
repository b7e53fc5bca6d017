"""Constants shared by the account tests (imported by name: `conftest` is ambiguous)."""

from __future__ import annotations

from datetime import datetime

from argon2 import PasswordHasher

from desktop.services.context import CHINA

# argon2 at its real cost takes ~50 ms a hash; the rules under test do not depend on the cost.
FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
NOW = datetime(2023, 11, 20, 9, 0, tzinfo=CHINA)
PASSWORDS = {"admin": "Guard2026zz", "clerk": "Desk2026qq", "rev": "Check2026ww", "both": "Twin2026ee", "boss": "Chief2026rr"}
