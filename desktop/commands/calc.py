"""`yibao-desk calc`: the headless calculator of shared/spec/calc-api.md."""

from __future__ import annotations

import argparse
import json
import sys
from decimal import Decimal

from desktop.errors import Refusal


def run(args: argparse.Namespace) -> int:
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
    requests = request if isinstance(request, list) else [request]
    answers = [answer_or_error(r, settings=settings) for r in requests]
    body = answers if isinstance(request, list) else answers[0]
    sys.stdout.write(json.dumps(body, ensure_ascii=False, indent=None if isinstance(request, list) else 2))
    sys.stdout.write("\n")
    return 2 if any("error" in a for a in answers) else 0



def register(sub: argparse._SubParsersAction) -> None:
    calc = sub.add_parser("calc", help="无界面计算：读入 JSON 请求，输出 JSON 结果")
    calc.add_argument("--input", help="请求文件（默认读标准输入）")
    calc.add_argument("--setting", action="append", metavar="KEY=VALUE", help="大厅参数，如 critical_illness_threshold=27500")
    calc.set_defaults(func=run)
