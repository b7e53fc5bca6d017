"""`yibao-desk calc`: the headless calculator of shared/spec/calc-api.md."""

from __future__ import annotations

import argparse
import gc
import json
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


def _run(args: argparse.Namespace) -> int:
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
            message = f"大厅参数“{item}”无效，应写成 键=数值，例如 critical_illness_threshold=27500"
            print(json.dumps({"error": Refusal("invalid_amount", message, "setting").as_dict()}, ensure_ascii=False))
            return 2
        settings[key.strip()] = number
    if not isinstance(request, list):
        answer = answer_or_error(request, settings=settings)
        sys.stdout.write(json.dumps(answer, ensure_ascii=False, indent=2))
        sys.stdout.write("\n")
        return 2 if "error" in answer else 0
    return _batch(request, settings)


CHUNK = 1000  # answers encoded together: one json.dumps per chunk, memory flat whatever the batch


def _batch(requests: list, settings: dict) -> int:
    """A batch, answered in order and written as it goes.

    The text is exactly json.dumps(answers, ensure_ascii=False): each chunk is encoded as a list
    and written without its brackets, chunks joined by the encoder's own item separator.
    """
    from desktop.policy.api import answer_or_error
    from desktop.policy.loader import bundled

    packs = bundled()
    write = sys.stdout.write
    # the answers are fresh trees of dicts, lists and strings: no cycle to look for
    encode = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode
    refused = False
    write("[")
    for start in range(0, len(requests), CHUNK):
        answers = [answer_or_error(r, packs, settings) for r in requests[start:start + CHUNK]]
        refused = refused or any("error" in a for a in answers)
        if start:
            write(", ")
        write(encode(answers)[1:-1])
    write("]\n")
    return 2 if refused else 0


def register(sub: argparse._SubParsersAction) -> None:
    calc = sub.add_parser("calc", help="无界面计算：读入 JSON 请求，输出 JSON 结果")
    calc.add_argument("--input", help="请求文件（默认读标准输入）")
    calc.add_argument("--setting", action="append", metavar="KEY=VALUE", help="大厅参数，如 critical_illness_threshold=27500")
    calc.set_defaults(func=run)
