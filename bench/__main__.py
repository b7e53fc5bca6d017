"""`python -m bench [--quick] [--only startup,search,...] [--persons N]`."""

from __future__ import annotations

import argparse
import shutil
import sys
import time

from bench import figures, hall, report

FULL_PERSONS = 1_000_000
QUICK_PERSONS = 50_000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_PERSONS:,} persons, fewer repetitions")
    parser.add_argument("--persons", type=int, help="hall size (default 1 000 000, or 50 000 with --quick)")
    parser.add_argument("--only", help="comma-separated figures: " + ",".join(figures.FIGURES))
    parser.add_argument("--profile", action="store_true",
                        help="pyinstrument each figure into bench/cache/profile-*.txt (pip install pyinstrument)")
    parser.add_argument("--no-write", action="store_true", help="print only; leave results.json and README alone")
    args = parser.parse_args(argv)
    persons = args.persons or (QUICK_PERSONS if args.quick else FULL_PERSONS)
    only = args.only.split(",") if args.only else None

    began = time.perf_counter()
    db = hall.ensure(persons)
    work = figures.scratch()
    run = figures.Run(persons=persons, quick=args.quick, db=db, work=work,
                      profile=hall.CACHE if args.profile else None)
    try:
        results = figures.run_all(run, only)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    elapsed = time.perf_counter() - began
    results = report.stamp(results, persons=persons, quick=args.quick, seconds=elapsed)
    print(report.table(results))
    if not args.no_write:
        if only:  # keep the other figures of the last run, in their order
            results = report.merge(report.load(), results)
        report.write(results)
        print(f"wrote {report.RESULTS} and the table in {report.README}")
    print(f"total {elapsed:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
