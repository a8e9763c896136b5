"""Hook-call overhead: C++ -> Python hook vs a C++ virtual call vs a Python-to-Python call.

Each hook call from C++ takes the GIL, converts a float to Python, calls, converts
the result back and releases the GIL, exactly as a module's call in the event loop.

    python benchmarks/bench_hooks.py [--calls 1000000]
"""

from __future__ import annotations

import argparse
import platform
import sys
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=1_000_000)
    args = ap.parse_args()
    from hookbench import plus_one

    from qcity import _core

    n = args.calls
    hook_ns = min(_core.bench_hook_call("hookbench:plus_one", n) for _ in range(3))
    virtual_ns = min(_core.bench_virtual_call(n * 10) for _ in range(3))
    py_ns = min(timeit.repeat("f(1.0)", globals={"f": plus_one}, number=n, repeat=3)) / n * 1e9
    print(f"hook call overhead ({platform.processor() or platform.machine()}, Python {platform.python_version()})")
    print("| call | ns per call |")
    print("|---|---|")
    print(f"| C++ module -> Python hook (GIL, float in/out) | {hook_ns:.0f} |")
    print(f"| Python -> Python function | {py_ns:.0f} |")
    print(f"| C++ virtual call | {virtual_ns:.1f} |")


if __name__ == "__main__":
    main()
