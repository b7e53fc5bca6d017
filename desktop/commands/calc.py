"""`yibao-desk calc`: the headless calculator of shared/spec/calc-api.md."""

from __future__ import annotations

import argparse
import contextlib
import gc
import itertools
import json
import os
import sys
from decimal import Decimal

from desktop.errors import Refusal


def run(args: argparse.Namespace) -> int:
    # A calculation makes no reference cycles and what a batch reads and writes lives for the
    # whole command: the cyclic collector would only walk the same requests and packs again and
    # again (a tenth of a 100 000-request batch). Memory is freed by reference counting as before.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _run(args)
    finally:
        if was_enabled:
            gc.enable()


def unknown_settings(settings: dict) -> Refusal | None:
    """A key no pack reads would be ignored without a word: refuse it, naming the keys there are."""
    from desktop.policy.loader import bundled
    from desktop.policy.pack import settings_of

    known = settings_of(bundled().packs)
    wrong = [k for k in settings if k not in known]
    if not wrong:
        return None
    listing = "；".join(f"{k}（{label}）" for k, label in sorted(known.items()))
    return Refusal("unknown_setting", f"政策包不使用大厅参数“{'、'.join(wrong)}”。可用的参数：{listing}", "setting")


# The packs a batch answers with (the hall's when --db is given); forked workers inherit them.
_PACKS = None


def _hall(path: str) -> tuple[object, dict]:
    """The packs (bundled + imported) and policy settings of the hall whose database is `path`,
    so `calc --db F` answers as that hall's window does."""
    from desktop.policy import loader
    from desktop.records import db
    from desktop.services import hall

    database = db.open_db(path)
    try:
        return loader.with_hall_packs(hall.packs_dir(database)), hall.policy_settings(database)
    finally:
        database.close()


def _run(args: argparse.Namespace) -> int:
    global _PACKS
    from desktop.policy.api import answer_or_error

    text = open(args.input, encoding="utf-8").read() if args.input else sys.stdin.read()
    try:
        request = json.loads(text)
    except json.JSONDecodeError as exc:
        out = {"error": Refusal("invalid_json", f"输入不是有效的 JSON：第{exc.lineno}行第{exc.colno}列 {exc.msg}").as_dict()}
        print(json.dumps(out, ensure_ascii=False))
        return 2
    settings = {}
    for item in args.setting or []:
        key, _, value = item.partition("=")
        try:
            number = Decimal(value.strip())
        except ArithmeticError:
            number = Decimal("NaN")
        if not key.strip() or not number.is_finite():
            message = f"大厅参数“{item}”无效，应写成 键=数值，例如 resident_disposable_income_last_year=50000"
            print(json.dumps({"error": Refusal("invalid_amount", message, "setting").as_dict()}, ensure_ascii=False))
            return 2
        settings[key.strip()] = number
    unknown = unknown_settings(settings)
    if unknown:
        print(json.dumps({"error": unknown.as_dict()}, ensure_ascii=False))
        return 2
    if getattr(args, "db", None):
        if not os.path.isfile(args.db):
            refusal = Refusal("not_found", f"数据库文件“{args.db}”不存在", "db")
            print(json.dumps({"error": refusal.as_dict()}, ensure_ascii=False))
            return 2
        _PACKS, hall_settings = _hall(args.db)
        settings = {**hall_settings, **settings}  # --setting overrides the hall's for a what-if
    if not isinstance(request, list):
        answer = answer_or_error(request, packs=_PACKS, settings=settings)
        sys.stdout.write(json.dumps(answer, ensure_ascii=False, indent=2))
        sys.stdout.write("\n")
        return 2 if "error" in answer else 0
    return _batch(request, settings, jobs_for(len(request), getattr(args, "jobs", None)))


CHUNK = 1000  # answers encoded together: one json.dumps per chunk, memory flat whatever the batch
# A batch this large is shared among worker processes, one per core (the answers are
# independent and pure); below it, starting the workers costs more than it saves.
PARALLEL_FROM = 20_000
WORKER_CHUNK = 5 * CHUNK


def _answers(requests: list, settings: dict) -> tuple[str, bool]:
    """A slice of a batch answered and encoded: the list's text without its brackets, and
    whether any request was refused. Runs in the command's process or in a worker."""
    from desktop.policy.api import answer_or_error
    from desktop.policy.loader import bundled

    packs = _PACKS or bundled()
    # the answers are fresh trees of dicts, lists and strings: no cycle to look for
    encode = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode
    parts, refused = [], False
    for start in range(0, len(requests), CHUNK):
        answers = [answer_or_error(r, packs, settings) for r in requests[start:start + CHUNK]]
        refused = refused or any("error" in a for a in answers)
        parts.append(encode(answers)[1:-1])
    return ", ".join(parts), refused


def _worker_start() -> None:
    gc.disable()  # as in the command itself (see run)


def jobs_for(count: int, asked: int | None) -> int:
    """How many processes answer a batch of `count`: `--jobs` when given, else one per core
    for a large batch."""
    if asked is not None:
        return max(1, asked)
    if count < PARALLEL_FROM:
        return 1
    return max(1, min(os.cpu_count() or 1, 8))


def _batch(requests: list, settings: dict, jobs: int = 1) -> int:
    """A batch, answered in order and written as it goes.

    The text is exactly json.dumps(answers, ensure_ascii=False): each slice is encoded as a list
    and written without its brackets, slices joined by the encoder's own item separator. With
    several jobs the slices are answered by worker processes and written in the batch's order.
    """
    from desktop.policy.loader import bundled

    if _PACKS is None:
        bundled()  # read once here: forked workers inherit the packs
    write = sys.stdout.write
    refused = False
    slices = [requests[i:i + WORKER_CHUNK] for i in range(0, len(requests), WORKER_CHUNK)]
    write("[")
    with contextlib.ExitStack() as stack:
        if jobs > 1 and len(slices) > 1:
            from concurrent.futures import ProcessPoolExecutor

            pool = stack.enter_context(
                ProcessPoolExecutor(max_workers=min(jobs, len(slices)), initializer=_worker_start)
            )
            results = pool.map(_answers, slices, itertools.repeat(settings))
        else:
            results = map(_answers, slices, itertools.repeat(settings))
        for n, (text, any_refused) in enumerate(results):
            write(", " if n and text else "")
            write(text)
            refused = refused or any_refused
    write("]\n")
    return 2 if refused else 0


def register(sub: argparse._SubParsersAction) -> None:
    calc = sub.add_parser("calc", help="无界面计算：读入 JSON 请求，输出 JSON 结果")
    calc.add_argument("--input", help="请求文件（默认读标准输入）")
    calc.add_argument("--setting", action="append", metavar="KEY=VALUE", help="大厅参数（政策来源未给出的数值），如 resident_disposable_income_last_year=50000")
    calc.add_argument("--db", metavar="F",
                      help="大厅数据库文件：使用该大厅导入的政策包和大厅参数（与该大厅窗口的结果一致）")
    calc.add_argument("--jobs", type=int, metavar="N",
                      help=f"批量计算使用的进程数（默认：{PARALLEL_FROM} 条以上按处理器核数）")
    calc.set_defaults(func=run)
