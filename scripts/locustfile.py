"""Locust users for `make loadtest` (scripts/loadtest.py): browsers of the demo district and API clients.

Each simulated user logs in through the real log-in form (demo_staff or demo_liaison, roles without a
second factor) and takes a bearer token from POST /api/v1/auth/token, then walks the main pages.
The password is the load_demo default unless JINGUO_LOADTEST_PASSWORD says otherwise.
"""

import json
import os
import random
import re
import time

from locust import FastHttpUser, between, events, task

PASSWORD = os.environ.get("JINGUO_LOADTEST_PASSWORD", "Jinguo-Demo-2026!")
WAIT_MIN = float(os.environ.get("JINGUO_LOADTEST_WAIT_MIN", "0.2"))
WAIT_MAX = float(os.environ.get("JINGUO_LOADTEST_WAIT_MAX", "1.0"))
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SEARCHES = ["局", "区", "医院", "教育", "税务"]
# Every request's (start, name, milliseconds, ok), written at exit for scripts/loadtest.py's percentiles.
TIMES_FILE = os.environ.get("JINGUO_LOADTEST_TIMES")
TIMES: list[tuple[float, str, float, bool]] = []
LOGGED_IN: list[float] = []  # when each user finished logging in


@events.request.add_listener
def _record(request_type, name, response_time, response_length, exception=None, **kwargs) -> None:
    TIMES.append((time.time() - response_time / 1000, name, response_time, exception is None))


class DemoUser(FastHttpUser):
    wait_time = between(WAIT_MIN, WAIT_MAX)
    username = "demo_staff"

    def on_start(self) -> None:
        self.unit_ids: list[int] = []
        self.token = ""
        with self.client.get("/accounts/login/", name="/accounts/login/ [GET]", catch_response=True) as page:
            found = CSRF.search(page.text or "")
            if not found:
                page.failure("no CSRF token on the log-in page")
                return
        form = {"csrfmiddlewaretoken": found.group(1), "username": self.username, "password": PASSWORD}
        with self.client.post(
            "/accounts/login/",
            data=form,
            name="/accounts/login/ [POST]",
            allow_redirects=False,
            catch_response=True,
        ) as answer:
            if answer.status_code != 302:
                answer.failure(f"log-in answered {answer.status_code}")
        with self.client.post(
            "/api/v1/auth/token", json={"username": self.username, "password": PASSWORD}, catch_response=True
        ) as answer:
            if answer.status_code == 200:
                self.token = answer.json()["token"]
            else:
                answer.failure(f"token endpoint answered {answer.status_code}")
        units = self.api("/api/v1/units?limit=200", name="/api/v1/units")
        if units is not None:
            self.unit_ids = [u["id"] for u in units.get("items", [])]
        LOGGED_IN.append(time.time())

    def api(self, path: str, *, name: str) -> dict | None:
        if not self.token:
            return None
        with self.client.get(path, headers={"Authorization": f"Bearer {self.token}"}, name=name) as answer:
            return answer.json() if answer.status_code == 200 else None

    @task(2)
    def home(self) -> None:
        self.client.get("/", name="/ (home → dashboard)")

    @task(2)
    def dashboard(self) -> None:
        self.client.get("/dashboard/", name="/dashboard/")

    @task(4)
    def unit_list(self) -> None:
        self.client.get("/orgs/units/", name="/orgs/units/")

    @task(2)
    def unit_search(self) -> None:
        self.client.get(f"/orgs/units/?q={random.choice(SEARCHES)}&status=active", name="/orgs/units/?q=")

    @task(4)
    def unit_detail(self) -> None:
        if self.unit_ids:
            self.client.get(f"/orgs/units/{random.choice(self.unit_ids)}/", name="/orgs/units/<pk>/")

    @task(3)
    def api_units(self) -> None:
        self.api("/api/v1/units", name="/api/v1/units")

    @task(2)
    def api_unit(self) -> None:
        if self.unit_ids:
            self.api(f"/api/v1/units/{random.choice(self.unit_ids)}", name="/api/v1/units/<id>")

    @task(1)
    def login_page(self) -> None:
        self.client.get("/accounts/login/", name="/accounts/login/ [GET]")


class LiaisonUser(DemoUser):
    """A unit's liaison sees one unit: lighter lists, same pages."""

    weight = 1
    username = "demo_liaison"


DemoUser.weight = 3


@events.quitting.add_listener
def _keep_exit_code(environment, **kwargs) -> None:
    # scripts/loadtest.py judges the run (5xx, locks) from the server's own log and locust's CSV.
    environment.process_exit_code = 0
    if TIMES_FILE:
        with open(TIMES_FILE, "w") as f:
            json.dump({"times": TIMES, "logged_in": LOGGED_IN}, f)
