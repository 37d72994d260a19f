"""Command line: ``ssm-incidents-mock server`` and ``ssm-incidents-mock moto-server``."""

from __future__ import annotations

import argparse
import sys

from . import __version__
from .server import DEFAULT_HOST, DEFAULT_PORT, add_access_options


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ssm-incidents-mock", description="A mock of AWS Systems Manager Incident Manager (ssm-incidents)."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    server = commands.add_parser("server", help="serve ssm-incidents and ssm-contacts over HTTP (loopback by default)")
    server.add_argument("--host", default=DEFAULT_HOST, help=f"address to bind (default {DEFAULT_HOST}; no auth!)")
    server.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port to bind, 0 for any free one (default {DEFAULT_PORT})"
    )
    onboarding = server.add_mutually_exclusive_group()
    onboarding.add_argument(
        "--strict", dest="strict", action="store_const", const=True, help="require a replication set first (default)"
    )
    onboarding.add_argument(
        "--lenient",
        dest="strict",
        action="store_const",
        const=False,
        help="serve accounts without a replication set as if it held the calling region",
    )
    server.add_argument(
        "--replication-phases",
        action="store_const",
        const=True,
        help="show the replication set CREATING, UPDATING and DELETING for one read each (default: ACTIVE at once)",
    )
    server.add_argument(
        "--verbose", "-v", action="store_true", help="log every request (operation, account, status, latency) to stderr"
    )
    add_access_options(server)
    commands.add_parser(
        "moto-server",
        help="run moto's server (moto_server arguments) with Incident Manager served next to moto's services",
        add_help=False,
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    if args and args[0] == "moto-server":
        from .server import serve_with_moto

        return serve_with_moto(args[1:])
    options = _parser().parse_args(args)
    from .server import serve

    return serve(
        options.host,
        options.port,
        strict=options.strict,
        verbose=options.verbose,
        allowed_hosts=options.allow_host,
        cors_origins=options.cors_origin,
        replication_phases=options.replication_phases,
    )


if __name__ == "__main__":
    sys.exit(main())
