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


def route_as_string(request):
    return str(request["candidates"]["address"][0])


def route_to_nobody(request):
    return 10_000


def route_drop_all(request):
    return -1


def route_first_candidate_checked(request):
    c = request["candidates"]
    n = len(c["address"])
    assert n >= 1 and all(len(v) == n for v in c.values())
    assert all(h < request["hops"] for h in c["hops"]), "candidates must be closer to a gateway"
    assert all(0 < q <= 1 for q in c["linkQuality"]) and all(d > 0 for d in c["delay"])
    return int(c["address"][0])


def backbone_as_int(request):
    return 3 if request["event"] == "decide" else None


def backbone_unknown_action(request):
    return {"action": "teleport"} if request["event"] == "decide" else None


def backbone_to_nobody(request):
    return {"action": "forward", "next": 99} if request["event"] == "decide" else None


def backbone_forward_without_next(request):
    return {"action": "forward"} if request["event"] == "decide" else None


def wrong_length_alerts(args: dict) -> dict:
    """A broken flowIdsHook: one alert too few."""
    return {"alerts": [False] * (len(args["flows"]["saddr"]) - 1)}


def impossible_bound(args):
    """A 'lower bound' above any schedule's makespan."""
    return 1e9
