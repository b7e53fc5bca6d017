"""The county hub from the command line: `hub …` for its administrator, `sync` and `bundle`
for a window or a township centre. Output is JSON; a refusal is JSON with exit status 2."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import Any

from desktop.commands import refuse
from desktop.errors import Refusal


def _print(value: Any) -> None:
    print(json.dumps(value, ensure_ascii=False, default=str))


def _run(job: Callable[[], Any]) -> int:
    import psycopg

    try:
        _print(job())
    except Refusal as r:
        return refuse(r)
    except psycopg.OperationalError as exc:
        return refuse(Refusal("hub_unreachable", f"连接不上中心库：{str(exc).strip().splitlines()[0]}", "url"))
    return 0


def _init(args: argparse.Namespace) -> int:
    from desktop.hub import schema

    return _run(lambda: schema.init_hub(args.url))


def _add_node(args: argparse.Namespace) -> int:
    from desktop.hub import schema

    return _run(lambda: schema.add_node(args.url, args.hall, args.window))


def _disable_node(args: argparse.Namespace) -> int:
    from desktop.hub import schema

    return _run(lambda: schema.disable_node(args.url, args.hall, args.window))


def _conflicts(args: argparse.Namespace) -> int:
    import psycopg

    from desktop.hub import conflicts

    def job() -> Any:
        with psycopg.connect(args.url) as conn:
            return conflicts.open_conflicts(conn)

    return _run(job)


def _verify(args: argparse.Namespace) -> int:
    from desktop.hub import verify

    result: dict[str, Any] = {}

    def job() -> Any:
        result.update(verify.verify(args.url))
        return result

    code = _run(job)
    return 1 if code == 0 and not result.get("ok") else code


def _hub_import(args: argparse.Namespace) -> int:
    from desktop.hub import bundles

    return _run(lambda: bundles.import_bundle(args.url, args.file))


def _hub_export(args: argparse.Namespace) -> int:
    from desktop.hub import bundles

    return _run(lambda: bundles.export_for(args.url, args.for_node, args.out))


def _bundle(args: argparse.Namespace) -> int:
    from desktop.records import db, paths
    from desktop.sync import bundle

    database = db.open_db(paths.db_path(args.db))
    if args.bundle_command == "export":
        return _run(lambda: bundle.export_bundle(database, args.out))
    return _run(lambda: bundle.import_county(database, args.file))


def _sync(args: argparse.Namespace) -> int:
    from desktop.records import db, paths
    from desktop.sync import sync_once

    return _run(lambda: sync_once(db.open_db(paths.db_path(args.db)), args.hub, batch=args.batch).as_dict())


def register(sub: argparse._SubParsersAction) -> None:
    hub = sub.add_parser("hub", help="县级中心库（PostgreSQL）的管理").add_subparsers(dest="hub_command", required=True)
    p = hub.add_parser("init", help="创建或升级中心库结构（可重复执行）")
    p.add_argument("--url", required=True, help="中心库管理员连接地址 postgresql://…")
    p.set_defaults(func=_init)
    p = hub.add_parser("add-node", help="登记一个窗口或乡镇中心：建立其专用数据库角色，输出连接地址")
    p.add_argument("--url", required=True)
    p.add_argument("--hall", required=True, help="大厅编码（6位）")
    p.add_argument("--window", required=True, help="窗口号（2位）")
    p.set_defaults(func=_add_node)
    p = hub.add_parser("disable-node", help="停用一个节点：不能再连接，也不能再写入")
    p.add_argument("--url", required=True)
    p.add_argument("--hall", required=True)
    p.add_argument("--window", required=True)
    p.set_defaults(func=_disable_node)
    p = hub.add_parser("conflicts", help="未处理的冲突（JSON）")
    p.add_argument("--url", required=True)
    p.set_defaults(func=_conflicts)
    p = hub.add_parser("verify", help="核对每个节点的收据号与审计链；有断开时退出码为 1")
    p.add_argument("--url", required=True)
    p.set_defaults(func=_verify)
    p = hub.add_parser("import", help="导入乡镇中心的数据包（一个事务；重复、顺序不对或被改动的数据包拒绝）")
    p.add_argument("--url", required=True)
    p.add_argument("file")
    p.set_defaults(func=_hub_import)
    p = hub.add_parser("export", help="为乡镇中心导出全县其他节点的记录")
    p.add_argument("--url", required=True)
    p.add_argument("--for", dest="for_node", required=True, help="节点编码，如 320412-09")
    p.add_argument("--out", required=True)
    p.set_defaults(func=_hub_export)
    p = sub.add_parser("bundle", help="无网络的乡镇中心：导出本机业务、导入中心库数据包")
    bundle = p.add_subparsers(dest="bundle_command", required=True)
    p = bundle.add_parser("export", help="导出尚未被中心库确认的本机业务")
    p.add_argument("--out", required=True)
    p.set_defaults(func=_bundle)
    p = bundle.add_parser("import", help="导入中心库导出的全县记录")
    p.add_argument("file")
    p.set_defaults(func=_bundle)
    p = sub.add_parser("sync", help="与中心库同步一次：先上传本窗口的业务，再下载其他窗口的业务")
    p.add_argument("--hub", help="本窗口节点的连接地址（首次需要，之后记住）")
    p.add_argument("--batch", type=int, default=2000, help="每批记录数（每批在两边各是一个事务）")
    p.set_defaults(func=_sync)
