"""`yibao-desk`: no arguments opens the window; subcommands serve scripts and auditors."""

from __future__ import annotations

import argparse
import sys

from desktop.commands import admin, calc, certificate, data, documents, hub

# Each module adds its subcommands; keep this list the one place that names them.
COMMANDS = [calc, data, documents, certificate, admin, hub]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="yibao-desk", description="医保窗口经办桌面程序")
    parser.add_argument("--db", help="数据库文件路径（默认在用户数据目录）")
    parser.add_argument("--demo", action="store_true", help="打开演示大厅（演示数据）")
    sub = parser.add_subparsers(dest="command")
    for module in COMMANDS:
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    if getattr(sys, "frozen", False):  # a bundled build: let `calc`'s worker processes start
        import multiprocessing

        multiprocessing.freeze_support()
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        from desktop.ui.app import run

        return run(args)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
