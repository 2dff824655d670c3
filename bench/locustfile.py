"""The load of a busy intranet, for locust (driven by `bench/load.py`, which sets the environment).

Readers mix 40 % `priorWork`, 20 % nested `cases` pages, 20 % `node`, 10 % the planner
page and 10 % the network page, each waiting a think time drawn between the two numbers
of `LOAD_THINK_SECONDS` (e.g. "1,5"; "0,0" is a closed loop without pauses, which measures
the most the server can answer); one intake client proposes and stores a new need every second.
"""

from __future__ import annotations

import base64
import itertools
import os
import random

from locust import HttpUser, between, constant_pacing, task

PROBLEMS = (
    "Elevane vel feil utdanningsprogram og fell frå i vidaregåande",
    "Barn i familjehem behöver bli lyssnade på när de flyttar",
    "Ledige borgere oplever jobcentret som kontrol frem for hjælp",
    "Older residents need support to keep living at home",
    "Unga arbetssökande saknar kontakter i näringslivet",
)
PRIOR = (
    "query($p: String!) { priorWork(problem: $p, first: 10) { strongCount isNoMatch "
    "edges { node { score confidence case { key title } reasons { kind label } } } } }"
)
CASES = (
    "{ cases(first: 20) { edges { node { key title participants(first: 5) { edges { role node { key name } } } "
    "methods(first: 5) { edges { node { key } } } } } } }"
)
NODE = "query($id: ID!) { node(id: $id) { ... on Case { key title summary country year } } }"
PROPOSE = (
    "mutation($text: String!) { proposeNeed(input: {text: $text, confirm: true, first: 3}) { created need { key } } }"
)
CASE_KEYS = [key for key in os.environ.get("LOAD_CASE_KEYS", "").split(",") if key]
WRITE_KEY = os.environ.get("LOAD_WRITE_KEY", "")
THINK_SECONDS = tuple(float(value) for value in os.environ.get("LOAD_THINK_SECONDS", "0,0").split(","))
_NEEDS = itertools.count()


def _global_id(key: str) -> str:
    return base64.b64encode(f"Case:{key}".encode()).decode()


class Reader(HttpUser):
    """A planner or an intake form reading: searches, lists, single nodes and the two heavy pages."""

    wait_time = between(*THINK_SECONDS)

    def _graphql(self, name: str, query: str, variables: dict[str, str] | None = None) -> None:
        with self.client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, name=name, catch_response=True
        ) as response:
            if response.status_code == 200 and "errors" in response.json():
                response.failure(response.json()["errors"][0]["message"])

    @task(40)
    def prior_work(self) -> None:
        self._graphql("priorWork", PRIOR, {"p": random.choice(PROBLEMS)})

    @task(20)
    def cases_page(self) -> None:
        self._graphql("cases (nested)", CASES)

    @task(20)
    def node(self) -> None:
        self._graphql("node", NODE, {"id": _global_id(random.choice(CASE_KEYS))})

    @task(10)
    def planner_page(self) -> None:
        self.client.get("/", params={"q": random.choice(PROBLEMS), "lang": "nb"}, name="/ (planner page)")

    @task(10)
    def network_page(self) -> None:
        self.client.get("/network", params={"q": random.choice(PROBLEMS), "lang": "nb"}, name="/network")


class IntakeWriter(HttpUser):
    """One intake form storing a new need every second (propose scope)."""

    fixed_count = 1
    wait_time = constant_pacing(1)

    @task
    def propose(self) -> None:
        text = f"Innbyggere i bydel {next(_NEEDS)} trenger raskere svar fra kommunen, skrevet {random.random():.6f}"
        with self.client.post(
            "/graphql",
            json={"query": PROPOSE, "variables": {"text": text}},
            headers={"Authorization": f"Bearer {WRITE_KEY}"},
            name="proposeNeed (write)",
            catch_response=True,
        ) as response:
            body = response.json() if response.status_code == 200 else {}
            if "errors" in body or not body.get("data", {}).get("proposeNeed", {}).get("created"):
                response.failure(str(body.get("errors", "not created"))[:200])
