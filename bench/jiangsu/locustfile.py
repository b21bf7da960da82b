"""The request mix for `mixed_load.py` (Locust, headless): grid workers report cases and list
their grid's cases through the API with their own bearer tokens, residents open their case's
status page (each from an address of their own, as nginx forwards it), and a bare Django JSON
view on the same server is the anchor. Reads the tokens, points and tracking codes from the JSON
file named by JIANGSU_LOCUST_DATA; the profile from JIANGSU_PROFILE.

Profile "city" (the default): 200 people with the app open at once, each at the pace of a person
on a phone, in the proportions of a city's year. From the 1/10 江苏 volumes:

- 2,000,000 cases a year from 24,650 grid workers: 81 reports per worker a year, one every three
  working days (250 days); reporting is rare beside reading.
- A grid worker opens the case list to see what is dispatched to the grid and how it stands:
  assume 20 list views a working day (about two an hour on a ten-hour shift), and reads each page
  of 20 for 10-40 s (25 s on average) before the next. A report is typed, pinned and sent from the
  phone in 1-2 minutes. Per worker and day: 20 views x 25 s + 0.33 reports x 90 s ~ 9 minutes of
  app time; so the list is asked 60 times for each report (20 / 0.33).
- While the app is open a worker sends a request every ~25 s (a report waits its typing time
  first): 1 / 25 s = 0.04 requests/s per person.
- Residents follow their own cases: if a third of the 2M are residents' reports and each is
  looked up three times, 2M/year in all, or ~0.4/s at the peak hour across 1/10 江苏, against
  ~14/s of worker list views (24,650 x 20 a day over ten hours, x 2 at the peak): 3 in 100
  requests. A resident opens the page, reads it (20-60 s), maybe looks again, and leaves; so at
  any moment about 2 in 100 people with Outpost open are residents: 196 workers and 4 residents
  of 200.
- 200 such people ask for ~200 x 0.04 = 8 requests/s (about 1/4 of the workers 1/10 江苏 has on
  the app at its peak hour: 24,650 x 9 min / 600 min x 2 = 740). Two anchor users (not people:
  a probe each second on the bare JSON view) run beside them.
- Every command room (指挥室) keeps its dispatch board open all day, and the page asks its feed
  every 5 s (command/static/command/board.js). 1/10 江苏 has about 190 rooms (one a street's
  station); beside 200 people (200/740 of the peak) run the same share of them: ~51 boards,
  ~10 requests/s, more than the people's. They poll the rooms of the loaded districts, each
  signed in as that room's duty officer (JIANGSU_BOARDS of them, from mixed_load.py).

Profile "stress" (the earlier runs' rate, kept to find the ceiling): every grid worker sends a
request every 1-3 s (4 list views per report), residents every 2-6 s, a tenth of the users are
anchors: ~85 requests/s for 200 users, ten times the city's.
"""

import json
import os
import random
import time
from pathlib import Path

import gevent
from locust import HttpUser, between, task

DATA = json.loads(Path(os.environ["JIANGSU_LOCUST_DATA"]).read_text(encoding="utf-8"))
CITY = os.environ.get("JIANGSU_PROFILE", "city") == "city"
ANCHORS = int(os.environ.get("JIANGSU_ANCHORS", "2"))  # the city profile's probes
BOARDS = int(os.environ.get("JIANGSU_BOARDS", "0"))  # the city profile's open boards
BOARD_EVERY = 5  # seconds between a board's requests for its feed (board.js)


class GridWorker(HttpUser):
    weight = 49 if CITY else 6
    wait_time = between(10, 40) if CITY else between(1, 3)  # reading the page

    def on_start(self) -> None:
        if CITY:  # people open the app at their own moments, not all in the same second
            gevent.sleep(random.uniform(0, 25))
        worker = random.choice(DATA["workers"])
        self.client.headers["Authorization"] = f"Bearer {worker['token']}"
        self.point = worker["point"]

    @task(1)
    def intake(self) -> None:
        if CITY:
            gevent.sleep(random.uniform(60, 120))  # typing the report, pinning the place
        body = {
            "subtype": random.choice(DATA["subtypes"]),
            "title": "楼道堆放杂物",
            "lon": self.point[0],
            "lat": self.point[1],
        }
        self.client.post("/api/v1/cases", json=body, name="intake POST /api/v1/cases")

    @task(60 if CITY else 4)
    def list_cases(self) -> None:
        self.client.get("/api/v1/cases?limit=20", name="list GET /api/v1/cases")


class Resident(HttpUser):
    weight = 1 if CITY else 3
    wait_time = between(20, 60) if CITY else between(2, 6)

    def on_start(self) -> None:
        if CITY:
            gevent.sleep(random.uniform(0, 40))
        n = random.randrange(1, 250)
        self.client.headers["X-Forwarded-For"] = f"10.{n}.{random.randrange(256)}.7"

    @task
    def status(self) -> None:
        code = random.choice(DATA["tracking"])
        self.client.get(f"/status/{code}/", name="status GET /status/<code>/")


class Board(HttpUser):
    """A command room's dispatch board, open on the room's screen and signed in."""

    if CITY:
        fixed_count = BOARDS
    else:
        weight = 1 if DATA.get("boards") else 0

    def on_start(self) -> None:
        # The rooms opened their boards at their own moments: each keeps its own phase. (Not
        # Locust's constant_pacing, which counts from the user's start and so put every board
        # back in step with the moment it was spawned: all 51 asked within the same 2 s of
        # every 5 s, in bursts no set of independent rooms makes.)
        self.next_poll = time.monotonic() + random.uniform(0, BOARD_EVERY)
        gevent.sleep(self.next_poll - time.monotonic())
        board = random.choice(DATA["boards"])
        # The session cookie is Secure in production: sent as a header over loopback HTTP.
        self.client.headers["Cookie"] = f"sessionid={board['session']}"
        self.feed = f"/command/{board['station']}/board.json"

    def wait_time(self) -> float:
        """Every BOARD_EVERY seconds from the board's own first ask, as setInterval does."""
        self.next_poll += BOARD_EVERY
        return max(0.0, self.next_poll - time.monotonic())

    @task
    def poll(self) -> None:
        self.client.get(self.feed, name="board GET /command/<station>/board.json")


class Anchor(HttpUser):
    if CITY:
        fixed_count = ANCHORS
        wait_time = between(0.5, 1.5)
    else:
        weight = 1
        wait_time = between(1, 3)

    @task
    def anchor(self) -> None:
        self.client.get("/bench/anchor.json", name="anchor GET /bench/anchor.json")
