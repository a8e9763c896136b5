"""``qcity kme certs`` and ``qcity kme serve``."""

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import QcityError
from .etsi014 import Limits


def add_parser(sub) -> None:
    p = sub.add_parser("kme", help="a live key management entity: keys of a run to applications over "
                       "ETSI GS QKD 014 (HTTPS, mutual TLS)")
    kme_sub = p.add_subparsers(dest="kme_command", required=True)
    pc = kme_sub.add_parser("certs", help="make a test CA, the KME's server certificate and one client "
                            "certificate per SAE (its common name is the SAE ID)")
    pc.add_argument("folder", help="where to write ca.pem, kme.pem/.key and <SAE>.pem/.key")
    pc.add_argument("--sae", action="append", default=[], metavar="SAE_ID", help="an SAE (repeatable)")
    pc.add_argument("--keys", nargs="+", default=[], metavar="KEYFILE",
                    help="also every SAE named in these key files (or folders of *.keys)")
    pc.add_argument("--server-name", action="append", default=[], metavar="NAME",
                    help="host name or address of the KME (repeatable; default localhost, 127.0.0.1, ::1)")
    pc.add_argument("--debug", action="store_true", help="show Python tracebacks")
    pc.set_defaults(func=_cmd_certs)
    ps = kme_sub.add_parser("serve", help="serve the keys of key files a run exported (KeyManager keyExportDir), "
                            "or of a simulation the server runs itself (--simulate)")
    ps.add_argument("keys", nargs="*", metavar="KEYFILE", help="key files, or folders of *.keys files")
    ps.add_argument("--simulate", metavar="INIFILE", help="run this simulation beside the server and serve the keys "
                    "its links deliver as they come (implies --follow)")
    ps.add_argument("-c", "--config", default="General", help="--simulate: the configuration (default General)")
    ps.add_argument("-r", "--run", type=int, default=0, help="--simulate: the run number (default 0)")
    ps.add_argument("--sim-time-limit", help="--simulate: overrides sim-time-limit, e.g. 600s")
    ps.add_argument("--keys-dir", default="kme-keys", help="--simulate: where the run writes its key files "
                    "(default kme-keys; key files left there by an earlier run are removed)")
    ps.add_argument("--certs", required=True, metavar="FOLDER", help="folder made by `qcity kme certs`")
    ps.add_argument("--store", default="kme.db", help="the durable key store (default kme.db; kept across restarts)")
    ps.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    ps.add_argument("--port", type=int, default=8443, help="port (default 8443; 0: any free port)")
    ps.add_argument("--follow", action="store_true",
                    help="keep reading the key files as a simulation running beside the server writes them "
                    "(and the folders named, for key files that appear)")
    ps.add_argument("--pace", type=float, metavar="X", help="release each key block when X times the wall-clock "
                    "time since start reaches its simulated time (1: real time)")
    ps.add_argument("--key-size", type=int, default=Limits().key_size,
                    help=f"default key size in bits (default {Limits().key_size}, as KeyManager's)")
    ps.add_argument("--max-key-per-request", type=int, default=Limits().max_key_per_request,
                    help=f"default {Limits().max_key_per_request}, as KeyManager's")
    ps.add_argument("--debug", action="store_true", help="show Python tracebacks")
    ps.set_defaults(func=_cmd_serve)


def _cmd_certs(args) -> int:
    from .certs import make_test_pki
    from .keyfile import KeyFileReader, key_files

    saes = list(args.sae)
    for path in key_files(args.keys):
        reader = KeyFileReader(path)
        for _ in reader.blocks():
            break
        saes += [s for s in reader.header.sae_ids if s not in saes]
    if not saes:
        raise QcityError("name the SAEs with --sae or --keys")
    names = tuple(args.server_name) or ("localhost", "127.0.0.1", "::1")
    paths = make_test_pki(args.folder, saes, names)
    for name, p in paths.items():
        print(f"{name}: {p.cert} {p.key}")
    return 0


def _cmd_serve(args) -> int:
    try:
        from .server import KmeConfig, run_kme
    except ImportError as e:
        raise QcityError(f"the live KME needs aiohttp ({e.name} is missing): pip install 'qcity[kme]'") from None
    from .keyfile import key_files

    certs = Path(args.certs)
    for f in ("ca.pem", "kme.pem", "kme.key"):
        if not (certs / f).is_file():
            raise QcityError(f"{certs / f} is missing: make the certificates with `qcity kme certs {certs} ...`")
    if args.pace is not None and not args.pace > 0:
        raise QcityError(f"--pace must be positive, got {args.pace}")
    simulation = None
    if args.simulate:
        from .cosim import CoSimulation
        simulation = CoSimulation(Path(args.simulate), args.config, args.run, Path(args.keys_dir),
                                  args.sim_time_limit)
    elif not args.keys:
        raise QcityError("name the key files to serve, or a simulation to run with --simulate")
    try:
        limits = Limits(key_size=args.key_size, max_key_per_request=args.max_key_per_request)
    except ValueError as e:
        raise QcityError(str(e)) from None
    config = KmeConfig(store=Path(args.store), key_paths=key_files(args.keys), ca=certs / "ca.pem",
                       cert=certs / "kme.pem", key=certs / "kme.key", host=args.host, port=args.port,
                       key_folders=[Path(k) for k in args.keys if Path(k).is_dir()]
                       + ([simulation.key_dir] if simulation else []),
                       follow=args.follow or simulation is not None, pace=args.pace, limits=limits)

    def ready(port: int) -> None:
        source = (f"simulation {args.simulate} -c {args.config} -r {args.run}" if simulation
                  else f"{len(config.key_paths)} key file(s)")
        print(f"KME listening on https://{args.host}:{port} (store {config.store}, {source})",
              file=sys.stderr, flush=True)

    import asyncio  # here, not at the top: every qcity command builds this parser, only serve needs these
    import signal

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await run_kme(config, ready, stop, simulation)

    try:
        asyncio.run(main())
    except OSError as e:
        raise QcityError(f"cannot listen on {args.host}:{args.port}: {e.strerror}") from None
    return 0
