"""Hooks used by the tests (resolved as "hookfuncs:<name>"; pytest puts tests/ on sys.path)."""


def double_time(args):
    return 2.0 * args["time"]


def echo(args):
    return args


def explode(args):
    raise ZeroDivisionError(f"hook failed on purpose at call {args['call']}")


def wrong_type(args):
    return object()


def plus_one(x):
    return x + 1.0


not_callable = 42


def too_few_servers(args):
    return [0] * (len(args["etc"]) - 1)


def bad_server(args):
    return [99] * len(args["etc"])


class Counter:
    """A stateful hook: each module gets its own instance."""

    def __init__(self):
        self.calls = 0

    def __call__(self, args):
        self.calls += 1
        return float(self.calls)
