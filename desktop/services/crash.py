"""Crash reports: what went wrong where, for the developers, without personal data.

The window catches every exception at the page boundary (ui/pages/base.py) and at Qt's
boundary (ui/app.py's excepthook), shows the clerk a Chinese message and writes one report here.
A report names the exception's type, where it was raised (file, line, function and that line of
our code) and a shape of its message: digits, non-ASCII text, quoted text and everything after
the first colon are masked (in the code lines too), because a message may quote a name, an ID
number or an address.
"""

from __future__ import annotations

import re
import secrets
import traceback
from datetime import datetime
from pathlib import Path

from desktop.records import paths

KEEP = 50  # newest reports kept
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")


def _mask(text: str) -> str:
    text = _QUOTED.sub("'...'", text)
    text = re.sub(r"[0-9]", "#", text)
    return "".join(c if c.isascii() else "*" for c in text)


def masked_message(exc: BaseException) -> str:
    """The exception's message with anything that could be personal data masked."""
    head, colon, _ = str(exc).replace("\n", " ").partition(": ")
    return _mask(head + (": ..." if colon else ""))[:200]


def _frames(exc: BaseException) -> list[str]:
    lines = []
    for frame in traceback.extract_tb(exc.__traceback__):
        where = Path(frame.filename)
        # the package-relative path: a home folder's name is the user's name
        parts = where.parts
        shown = "/".join(parts[parts.index("desktop"):]) if "desktop" in parts else where.name
        lines.append(f"  {shown}:{frame.lineno} in {frame.name}")
        if frame.line:  # our code; its literals masked too (a test's may name a person)
            lines.append("      " + _mask(frame.line.strip()))
    return lines


def report_text(exc: BaseException, where: str, at: datetime) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        release = version("yibao-desk")
    except PackageNotFoundError:
        release = "unknown"
    chain = [exc]
    while chain[-1].__cause__ is not None or chain[-1].__context__ is not None:
        nxt = chain[-1].__cause__ or chain[-1].__context__
        if nxt is None or nxt in chain or len(chain) > 4:
            break
        chain.append(nxt)
    lines = [
        "yibao-desk 错误报告（不含个人信息）",
        f"时间: {at.isoformat(timespec='seconds')}",
        f"版本: {release}",
        f"位置: {where}",
    ]
    for n, item in enumerate(chain):
        lines.append(("错误" if n == 0 else "起因") + f": {type(item).__module__}.{type(item).__qualname__}")
        lines.append(f"说明（已去除数字、中文和引号内文字）: {masked_message(item)}")
        lines.append("调用栈:")
        lines.extend(_frames(item))
    return "\n".join(lines) + "\n"


def write_report(exc: BaseException, where: str, *, at: datetime | None = None) -> Path:
    """Write one report to `paths.log_dir()`; the oldest beyond KEEP are removed."""
    moment = at or datetime.now().astimezone()
    folder = paths.log_dir()
    path = folder / f"crash-{moment:%Y%m%d-%H%M%S}-{secrets.token_hex(3)}.txt"
    path.write_text(report_text(exc, where, moment), encoding="utf-8")
    for old in sorted(folder.glob("crash-*.txt"))[:-KEEP]:
        old.unlink(missing_ok=True)
    return path


def clerk_message(path: Path | None) -> str:
    """What the clerk is told: in Chinese, what to do, where the report is."""
    where = f"错误报告（不含个人信息）已写入：{path}" if path else "错误报告未能写入"
    return (
        "程序内部错误，本次操作没有完成。请按身份证号查询，确认业务是否已保存后再办理；"
        f"如反复出现，请告知管理员。{where}"
    )
