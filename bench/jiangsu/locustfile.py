"""The city's request mix for `mixed_load.py` (Locust, headless): grid workers report cases and
list their grid's cases through the API with their own bearer tokens, residents open their
case's status page (each from an address of their own, as nginx forwards it), and a bare Django
JSON view on the same server is the anchor. Reads the tokens, points and tracking codes from the
JSON file named by JIANGSU_LOCUST_DATA."""

import json
import os
import random
from pathlib import Path

from locust import HttpUser, between, task

DATA = json.loads(Path(os.environ["JIANGSU_LOCUST_DATA"]).read_text(encoding="utf-8"))


class GridWorker(HttpUser):
    weight = 6
    wait_time = between(1, 3)

    def on_start(self) -> None:
        worker = random.choice(DATA["workers"])
        self.client.headers["Authorization"] = f"Bearer {worker['token']}"
        self.point = worker["point"]

    @task(1)
    def intake(self) -> None:
        body = {
            "subtype": random.choice(DATA["subtypes"]),
            "title": "楼道堆放杂物",
            "lon": self.point[0],
            "lat": self.point[1],
        }
        self.client.post("/api/v1/cases", json=body, name="intake POST /api/v1/cases")

    @task(4)
    def list_cases(self) -> None:
        self.client.get("/api/v1/cases?limit=20", name="list GET /api/v1/cases")


class Resident(HttpUser):
    weight = 3
    wait_time = between(2, 6)

    def on_start(self) -> None:
        n = random.randrange(1, 250)
        self.client.headers["X-Forwarded-For"] = f"10.{n}.{random.randrange(256)}.7"

    @task
    def status(self) -> None:
        code = random.choice(DATA["tracking"])
        self.client.get(f"/status/{code}/", name="status GET /status/<code>/")


class Anchor(HttpUser):
    weight = 1
    wait_time = between(1, 3)

    @task
    def anchor(self) -> None:
        self.client.get("/bench/anchor.json", name="anchor GET /bench/anchor.json")
