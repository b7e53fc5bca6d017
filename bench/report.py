"""results.json and the table in bench/README.md."""

from __future__ import annotations

import json
import os
import platform
import subprocess
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results.json"
README = HERE / "README.md"
BEGIN, END = "<!-- results:begin -->", "<!-- results:end -->"


def machine() -> dict:
    memory = None
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        pass
    return {
        "cores": os.cpu_count(),
        "memory_gb": round(memory / 2**30, 1) if memory else None,
        "cpu": _cpu_model() or platform.processor(),
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        # Other jobs on the machine move the figures: the 1-minute load average when the run ended
        "load_average": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
    }


def _cpu_model() -> str | None:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        return None
    return None


def commit() -> str | None:
    try:
        sha = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True,
                             cwd=HERE.parent, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, cwd=HERE.parent).stdout.strip()
        return sha + ("+uncommitted" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return None


def stamp(results: list[dict], *, persons: int, quick: bool, seconds: float) -> list[dict]:
    """Every figure carries the run's context, so one object stands on its own."""
    context = {"persons": persons, "quick": quick, "machine": machine(),
               "date": datetime.now(UTC).isoformat(timespec="seconds"),
               "commit": commit(), "run_seconds": round(seconds)}
    return [{**r, **context} for r in results]


def _fmt(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.2f}" if value < 100 else f"{value:,.0f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def table(results: list[dict]) -> str:
    lines = ["| figure | value | baseline | ratio | target | met |", "|---|---|---|---|---|---|"]
    for r in results:
        met = {True: "yes", False: "**no**", None: "not measured"}[r["met"]]
        if r["met"] is None and r["value"] is not None:
            met = "—"  # measured, reported without a target
        value = f"{_fmt(r['value'])} {r['unit']}" if r["value"] is not None else "—"
        extra = f" (p50 {_fmt(r['p50'])})" if r.get("p50") is not None else ""
        base = f"{_fmt(r['baseline'])} {r['unit']}" if r["baseline"] is not None else "—"
        lines.append(f"| {r['figure']} | {value}{extra} | {base} | {_fmt(r['ratio'])} | {r['target']} | {met} |")
    notes = [f"- *{r['figure']}*: {r['note']}" for r in results if r.get("note")]
    return "\n".join(lines + [""] + notes)


def load() -> list[dict]:
    try:
        return json.loads(RESULTS.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []


_PREFIXES = {"window start": "startup", "search": "search", "full registration": "registration",
             "yibao-desk calc": "calc", "receipt PDF": "receipt", "roster import": "import",
             "database size": "size"}


def _key(result: dict) -> str | None:
    if result.get("key"):
        return result["key"]
    return next((k for p, k in _PREFIXES.items() if result.get("figure", "").startswith(p)), None)


def merge(previous: list[dict], fresh: list[dict]) -> list[dict]:
    """The previous results with the figures of `fresh` replaced (same `key`) or appended."""
    keys = {_key(r) for r in fresh}
    out, placed = [], False
    for r in previous:
        if _key(r) in keys:
            if not placed:
                out.extend(fresh)
                placed = True
            continue
        out.append(r)
    return out if placed else out + fresh


def write(results: list[dict]) -> None:
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    first = results[0] if results else {}
    m = first.get("machine", {})
    head = (f"Run of {first.get('date')} on {first.get('persons', 0):,} persons"
            f"{' (QUICK)' if first.get('quick') else ''}, commit `{first.get('commit')}`, "
            f"{m.get('cores')} cores, {m.get('memory_gb')} GB, {m.get('cpu')}, Python {m.get('python')}, "
            f"load average {m.get('load_average')} at the end (other jobs on the machine); "
            f"whole run {first.get('run_seconds')} s.")
    block = f"{BEGIN}\n{head}\n\n{table(results)}\n{END}"
    text = README.read_text(encoding="utf-8") if README.exists() else f"# Benchmark\n\n{BEGIN}\n{END}\n"
    if BEGIN in text and END in text:
        before, rest = text.split(BEGIN, 1)
        after = rest.split(END, 1)[1]
        text = before + block + after
    else:
        text += "\n" + block + "\n"
    README.write_text(text, encoding="utf-8")
