"""``digitnet serve MODEL``: a page to draw digits on, served on this computer.

It listens on 127.0.0.1 (this computer only) unless ``--host`` says otherwise: the page has no login,
so opening it to the network lets anyone there use it.
"""

from __future__ import annotations

import argparse
import ipaddress
import sys
from pathlib import Path

from digitnet.cli import common
from digitnet.errors import DigitnetError


def upload_megabytes(text: str) -> float:
    from digitnet.images.load import MAX_FILE_BYTES
    from digitnet.presets import settings as S

    check = S.number(float, 0, MAX_FILE_BYTES / 1e6, low_open=True,
                     wanted=f"megabytes, more than 0 and at most {MAX_FILE_BYTES / 1e6:g}")
    return common.argument_type(check, "megabytes")(text)


def add_parser(sub) -> None:
    from digitnet.images.load import MAX_FILE_BYTES
    from digitnet.serve import MAX_BODY

    p = sub.add_parser("serve", help="a web page to draw digits on", description=(
        "Serve a page where you draw a digit (or drop a photo) and watch the model's ten probabilities, "
        "plus a JSON API: POST a picture to /api/predict."))
    common.add_model_arg(p)
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1: this computer only; 0.0.0.0 opens it to "
                        "your network)")
    p.add_argument("--port", type=common.port, default=8000, help="port (default 8000; 0 picks a free one)")
    p.add_argument("--max-upload-mb", type=upload_megabytes, default=MAX_BODY / 1e6, metavar="MB",
                   help=f"largest picture accepted, in megabytes (default {MAX_BODY / 1e6:g}, at most "
                        f"{MAX_FILE_BYTES / 1e6:g}: no picture digitnet reads is larger)")
    p.add_argument("--quiet", action="store_true", help="do not log each request")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from digitnet.images.reading import check_digit_model
    from digitnet.io import load_model
    from digitnet.serve import DigitReader, DigitServer
    from digitnet.serve.process import tune_for_serving

    args.model = common.model_path(args.model, quiet=getattr(args, 'json', False))
    model = load_model(args.model)
    check_digit_model(model.network, model.metadata)
    reader = DigitReader(model, name=Path(args.model).name)
    try:
        server = DigitServer((args.host, args.port), reader, max_body=int(args.max_upload_mb * 1e6), quiet=args.quiet)
    except OSError as err:
        raise DigitnetError(f"cannot listen on {args.host}:{args.port} ({err.strerror or err}); "
                            "choose another --port or --host") from None
    if not _is_loopback(args.host):
        print(f"warning: listening on {args.host}: anyone who can reach this computer can use the page",
              file=sys.stderr)
    print(f"serving {args.model} at {server.url}  (Ctrl-C to stop)", flush=True)
    tune_for_serving()  # this process is now the server: BLAS on one thread, freed picture memory returned
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
    finally:
        server.server_close()
    return 0


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
