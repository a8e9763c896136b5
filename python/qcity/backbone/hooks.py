"""Trust-aware routing hooks for the backbone's TrustRouter (seed 000).

TrustRouter calls its ``routingHook`` with event dicts (see TrustRouter.ned):
``init`` once, ``decide`` per message (candidates' ``address``, ``trust``,
``stability``, ``qkdUp``, ``load``, ``hops``), ``outcome`` when a forwarded message's
acknowledgement came back or timed out, ``finish`` at the end of the run. A decide
event is answered with ``{"action": "forward", "next": address}``, ``{"action":
"delay"}`` or ``{"action": "drop"}``; the other events with None.

:func:`trust_threshold` is a classic trust-aware heuristic. :class:`QLearningRouting`
is seed 000's reinforcement-learning router: tabular Q-learning whose state is a
candidate's (trust, QKD-link stability, load), discretised, and whose actions are
forward, delay and drop. Rewards (:data:`REWARDS`): a delivered message earns 1
minus its delay in seconds, a lost one -1, a drop -0.9 (the message is lost
either way; dropping saves the links it would have used, so it pays only when
delivery is nearly hopeless), a delay costs 0.05; a message's steps at a gateway (its
delays, then its forward or drop) are credited with Monte Carlo returns when its fate
is known, discounted by ``discountFactor`` per later step. Each gateway keeps its own
table; episodes (runs with ``learning = true``) continue from the tables the last one
saved in ``qTableDir``, evaluation runs (``learning = false``) act greedily on them.
A candidate with too little evidence (fewer than :data:`MIN_EVIDENCE` faded
observations) is forwarded to rather than judged, so a greedy router still tries
neighbours it knows nothing about. Messages the control centre does not answer
(``packet["acknowledged"]`` false: QoS 0 readings, federated updates) are forwarded or
dropped greedily and never learnt from: no outcome will come for them.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ..hookprotocol import EventHook
from ..routing.candidates import column

ACTIONS = ("forward", "delay", "drop")
FORWARD, DELAY, DROP = range(3)
TRUST_EDGES = (0.2, 0.4, 0.6, 0.8)  # 5 trust bins, and a sixth for too little evidence to judge
MIN_EVIDENCE = 3.0                  # observations (faded) before a neighbour's trust counts
STABILITY_EDGES = (0.5, 0.9)        # stability bins; a link whose QKD is down right now gets its own
LOAD_EDGES = (1, 4)                 # 0, 1-3, 4+ messages queued
N_STATES = (len(TRUST_EDGES) + 2) * (len(STABILITY_EDGES) + 2) * (len(LOAD_EDGES) + 1)

EPSILON_HALF_LIFE = 5  # training episodes after which exploration is halved

#: delivered: 1 - delay_weight * delay (s); lost; dropped; delayed (per delay decision)
REWARDS = {"delivered": 1.0, "delay_weight": 1.0, "lost": -1.0, "drop": -0.9, "delay": -0.05}


def trust_threshold(request: dict) -> dict | None:
    """Forward to the most trusted candidate, preferring those above 0.5 that are least
    loaded (a classic trust-threshold router; never delays or drops)."""
    if request["event"] != "decide":
        return None
    trust, load = column(request, "trust"), column(request, "load")
    trusted = trust >= 0.5
    order = np.lexsort((-trust, load, ~trusted)) if trusted.any() else np.argsort(-trust, kind="stable")
    return {"action": "forward", "next": int(request["candidates"]["address"][order[0]])}


def candidate_states(request: dict) -> np.ndarray:
    """Each candidate's discretised (trust, stability, load) state as one index."""
    trust = np.where(column(request, "evidence") < MIN_EVIDENCE, len(TRUST_EDGES) + 1,
                     np.digitize(column(request, "trust"), TRUST_EDGES))
    up = np.asarray(request["candidates"]["qkdUp"], dtype=bool)
    stability = np.where(up, 1 + np.digitize(column(request, "stability"), STABILITY_EDGES), 0)
    load = np.digitize(column(request, "load"), LOAD_EDGES)
    return (trust * (len(STABILITY_EDGES) + 2) + stability) * (len(LOAD_EDGES) + 1) + load


class QLearningRouting(EventHook):
    """Seed 000's RL gateway router (tabular Q-learning), one instance per gateway."""

    def __init__(self) -> None:
        self.episodes = 0
        self.q = np.zeros((N_STATES, len(ACTIONS)))
        self.visits = np.zeros((N_STATES, len(ACTIONS)), dtype=np.int64)
        # (state, action) steps taken for a message at this gateway: delayed ones wait for
        # their message's next decision, forwarded ones for its outcome
        self.pending: dict[int, list[tuple[int, int]]] = {}           # by decision
        self.delayed: dict[tuple[int, int], list[tuple[int, int]]] = {}  # by (source, seq)
        self.table: Path | None = None
        self.lock: Path | None = None
        super().__init__()

    def handlers(self) -> dict:
        return {"init": self._init, "decide": self._decide, "outcome": self._outcome, "finish": self._finish}

    # ---- lifecycle ----------------------------------------------------------------------

    def _init(self, request: dict) -> None:
        p = request["params"]
        self.learning = bool(p["learning"])
        self.epsilon = float(p["epsilon"])
        self.learning_rate, self.discount_factor = float(p["learningRate"]), float(p["discountFactor"])
        for name, value in (("epsilon", self.epsilon), ("learningRate", self.learning_rate),
                            ("discountFactor", self.discount_factor)):
            if not 0 <= value <= 1:
                raise ValueError(f"{name} must be in [0, 1], got {value}")
        self.rng = np.random.default_rng(int(p["seed"]))
        if not p["qTableDir"]:
            if not self.learning:
                raise ValueError("QLearningRouting needs qTableDir (the tables a Training run wrote) unless learning = true")
            return
        folder = Path(p["qTableDir"])
        self.table = folder / f"gateway{request['node']}.npz"
        if self.table.exists():
            with np.load(self.table) as data:
                if data["q"].shape != self.q.shape:
                    raise ValueError(f"{self.table}: Q-table of shape {data['q'].shape}, expected {self.q.shape}")
                self.q, self.visits = data["q"].copy(), data["visits"].copy()
                self.episodes = int(data["episodes"])
        elif not self.learning:
            raise ValueError(f"{self.table} does not exist: train first (config Training, learning = true)")
        # exploration fades as the table matures: epsilon / (1 + episodes / 5)
        self.epsilon /= 1 + self.episodes / EPSILON_HALF_LIFE
        if self.learning:  # one training run at a time per table, or episodes would overwrite each other
            folder.mkdir(parents=True, exist_ok=True)
            self.lock = self.table.with_suffix(".lock")
            try:
                os.close(os.open(self.lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            except FileExistsError:
                self.lock = None
                raise RuntimeError(f"{self.table} is being trained by another run ({self.table.with_suffix('.lock')} "
                                   "exists): run training episodes one at a time (-j 1), or delete the lock "
                                   "if a crashed run left it") from None

    def _finish(self, request: dict) -> None:
        if self.learning and self.table is not None:
            tmp = self.table.with_suffix(".tmp.npz")
            np.savez(tmp, q=self.q, visits=self.visits, episodes=self.episodes + 1)
            os.replace(tmp, self.table)
        if self.lock is not None:
            self.lock.unlink(missing_ok=True)
            self.lock = None

    # ---- acting and learning ------------------------------------------------------------

    def _decide(self, request: dict) -> dict:
        states = candidate_states(request)
        message = (request["packet"]["source"], request["packet"]["seq"])
        forward_values = self.q[states, FORWARD]
        best = int(np.lexsort((column(request, "load"), -forward_values))[0])
        explore = self.learning and self.rng.uniform() < self.epsilon
        if explore:
            best = int(self.rng.integers(len(states)))
        # a message the control centre does not answer never gets an outcome: nothing to learn
        # from it, and no delay (whose cost would be credited at that outcome)
        acknowledged = request["packet"].get("acknowledged", True)
        allowed = [FORWARD, DELAY, DROP] if acknowledged and request["packet"]["delaysLeft"] > 0 else [FORWARD, DROP]
        if column(request, "evidence")[best] < MIN_EVIDENCE:
            # a neighbour with too little evidence is tried, not judged: its state says nothing about
            # it, and delaying or dropping would keep it untried for good (acting greedily never explores)
            allowed = [FORWARD]
        if explore:
            action = allowed[int(self.rng.integers(len(allowed)))]
        else:  # ties: forward first
            action = allowed[int(np.argmax(self.q[states[best], allowed]))]
        if not acknowledged:
            return {"action": "drop"} if action == DROP else {"action": "forward", "next": int(request["candidates"]["address"][best])}
        # the message's (state, action) steps at this gateway so far, this one last
        steps = self.delayed.pop(message, []) + [(int(states[best]), action)]
        if action == DELAY:
            self.delayed[message] = steps
            return {"action": "delay"}
        if action == FORWARD:
            self.pending[request["decision"]] = steps
            return {"action": "forward", "next": int(request["candidates"]["address"][best])}
        if self.learning:
            self._credit(steps, REWARDS["drop"])
        return {"action": "drop"}

    def _outcome(self, request: dict) -> None:
        steps = self.pending.pop(request["decision"], None)
        if steps is None or not self.learning:
            return
        reward = (REWARDS["delivered"] - REWARDS["delay_weight"] * float(request["delay"])
                  if request["delivered"] else REWARDS["lost"])
        self._credit(steps, reward)

    def _credit(self, steps: list[tuple[int, int]], final_reward: float) -> None:
        """Monte Carlo returns: each step earns the final reward, discounted by the steps
        after it, plus the cost of the delays from it on (bootstrapping a delay from the
        next state's best estimate overrated waiting)."""
        n = len(steps)
        for i, (state, action) in enumerate(steps):
            later = n - 1 - i
            self._update(state, action, REWARDS["delay"] * later + self.discount_factor ** later * final_reward)

    def _update(self, state: int, action: int, target: float) -> None:
        self.visits[state, action] += 1
        self.q[state, action] += self.learning_rate * (target - self.q[state, action])
