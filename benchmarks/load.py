"""Load test over HTTP: the portal's pages against the Django admin's, under the same gunicorn.

What it measures: USERS (20) virtual users, each logged in through the real login form,
loop for DURATION (60) seconds: pick a page of their role, GET it, record the status and
latency, think THINK (1) second. The mix is 60 % branch secretaries (different branches
across townships), 20 % township offices, 20 % county office and county inspectors. Then the
same number of users logged in as the superuser `admin` (through /admin/login/) request the
admin peer of each of those pages (the changelist of the same rows, or the admin index for a
page without a peer), so the two sides serve the same mix. Portal and admin phases alternate,
ROUNDS (2) times each. It reports per side the requests, throughput, p50/p95/p99 latency and
errors (a status other than 200, or no answer), the portal's and admin's pages by p95, and the
goal: no errors, p95 under 300 ms, the portal's throughput at least the admin's.

The data is the benchmark county of `seed_demo --scale county` (20 townships × 25 branches),
built on the first run (migrate and seed are run first; both leave existing data alone).

The server is production-like: DEBUG=0, a random SECRET_KEY, ALLOWED_HOSTS=127.0.0.1,
collected and hashed static files (whitenoise's manifest storage), BEHIND_PROXY=1 with the
headers the TLS-terminating nginx adds (X-Forwarded-Proto: https, X-Forwarded-For), so
secure cookies, HTTPS redirects and the CSRF origin check behave as in production. The one
difference: STATIC_ROOT is a scratch directory under the system temp directory (a two-line
settings module written there), so the working tree is not written to.

It starts `gunicorn config.wsgi --bind 127.0.0.1:<free port> --workers WORKERS (2)` itself
against the database in DATABASE_URL, waits for /healthz, and stops the gunicorn process
group at the end, on an error and on Ctrl-C. It only talks to loopback: it refuses a HOST
other than 127.0.0.1 and a database that is not on loopback (it adds demo accounts with a
known password). Use a scratch database:

    createdb -h 127.0.0.1 -U postgres cxzy_load
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cxzy_load .venv/bin/python benchmarks/load.py

Settings (environment): DURATION, USERS, THINK, ROUNDS, WORKERS, SEED (of the page choices),
REDIS_URL (passed on to gunicorn: the cache, as in production). Exit status: 0 when the goal is
met, 1 when it is not, 2 when the run could not be made.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = str(VENV_BIN / "python") if (VENV_BIN / "python").exists() else sys.executable
GUNICORN = str(VENV_BIN / "gunicorn")

HOST = os.environ.get("HOST", "127.0.0.1")
DURATION = float(os.environ.get("DURATION", "60"))
USERS = int(os.environ.get("USERS", "20"))
THINK = float(os.environ.get("THINK", "1"))
ROUNDS = int(os.environ.get("ROUNDS", "2"))
WORKERS = int(os.environ.get("WORKERS", "2"))
SEED = int(os.environ.get("SEED", "1"))
PASSWORD = "demo-pass-2026"  # noqa: S105 -- seed_demo's DEMO_PASSWORD, of the demo accounts
GOAL_P95_MS = 300.0
TOWNSHIPS, BRANCHES = 20, 25  # the county XC of seed_county

# The pages each role really opens; {scorecard} is the secretary's own branch. Checked with
# the test client: the rectifications are at /rectifications/ (not /inspections/...), and an
# inspector may not open /liaison/ (403), so inspectors open the inspections list instead.
SECRETARY_PAGES = ["/", "/commitments/", "/reports/", "/reports/mine/", "{scorecard}", "/members/", "/inbox/"]
OFFICE_PAGES = [
    "/",
    "/overview/",
    "/commitments/",
    "/reports/",
    "/reports/slots/",
    "/members/",
    "/members/?q=王",
    "/units/",
    "/liaison/",
    "/rectifications/",
]
INSPECTOR_PAGES = [page if page != "/liaison/" else "/inspections/" for page in OFFICE_PAGES]
# The admin peer of a portal page: the changelist of the same rows, else the admin index.
ADMIN_PEER = {
    "/members/": "/admin/branches/member/",
    "/members/?q=王": "/admin/branches/member/?q=王",
    "/commitments/": "/admin/commitments/commitment/",
    "/reports/": "/admin/reports/report/",
    "/units/": "/admin/accounts/orgunit/",
    "/liaison/": "/admin/branches/liaisonpoint/",
    "/rectifications/": "/admin/inspections/rectification/",
    "/inspections/": "/admin/inspections/inspection/",
}
UNIT_PK = re.compile(r"/units/\d+/")  # the secretaries' scorecards, reported as one page


def admin_peer(page: str) -> str:
    return ADMIN_PEER.get(page, "/admin/")


# --- refusing anything but loopback ------------------------------------------------------


LOOPBACK = {"", "127.0.0.1", "localhost", "::1"}  # "": a Unix socket or no server (SQLite)


def require_loopback() -> str:
    """The DATABASE_URL to use, after checking that the server and the database are local."""
    if HOST != "127.0.0.1":
        raise RuntimeError(f"load.py only talks to 127.0.0.1, not HOST={HOST!r}.")
    database_url = os.environ.get("DATABASE_URL", "").strip()
    if not database_url:
        raise RuntimeError(
            "Set DATABASE_URL to a scratch database: postgres://postgres@127.0.0.1:5432/cxzy_load"
        )
    db_host = urlsplit(database_url).hostname or ""
    if db_host not in LOOPBACK:
        raise RuntimeError(f"The database must be on loopback (it gets demo accounts), not {db_host!r}.")
    redis_host = urlsplit(os.environ.get("REDIS_URL", "")).hostname or ""
    if redis_host not in LOOPBACK:
        raise RuntimeError(f"REDIS_URL must be on loopback, not {redis_host!r}.")
    return database_url


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


# --- the server --------------------------------------------------------------------------


def server_env(database_url: str, scratch: Path) -> dict[str, str]:
    """Production-like settings, the static files collected into the scratch directory."""
    settings = scratch / "load_settings.py"
    settings.write_text(
        "import os\n\nfrom config.settings import *  # noqa: F403\n\n"
        'STATIC_ROOT = os.environ["LOAD_STATIC_ROOT"]\n'
    )
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="load_settings",
        PYTHONPATH=os.pathsep.join([str(scratch), str(ROOT)]),
        LOAD_STATIC_ROOT=str(scratch / "static"),
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=HOST,
        BEHIND_PROXY="1",
        LOG_LEVEL="WARNING",
    )
    return env


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode:
        sys.stderr.write(result.stdout[-3000:] + result.stderr[-3000:])
        raise RuntimeError(f"manage.py {' '.join(args)} failed ({result.returncode})")
    return result.stdout


def prepare(env: dict[str, str]) -> dict[str, int]:
    """Migrate, seed the county, collect the static files; the branches' pks by code."""
    started = time.perf_counter()
    manage(env, "migrate", "--no-input", "-v", "0")
    manage(env, "seed_demo", "--scale", "county", "--force")
    print(f"migrate + seed_demo --scale county: {time.perf_counter() - started:.1f} s")
    manifest = Path(env["LOAD_STATIC_ROOT"]) / "staticfiles.json"
    newest = max((p.stat().st_mtime for p in (ROOT / "static").rglob("*") if p.is_file()), default=0)
    if not manifest.exists() or manifest.stat().st_mtime < newest:
        started = time.perf_counter()
        manage(env, "collectstatic", "--no-input", "-v", "0")
        print(f"collectstatic into {manifest.parent}: {time.perf_counter() - started:.1f} s")
    code = (
        "import json; from accounts.models import OrgUnit; "
        "print(json.dumps(dict(OrgUnit.objects.filter(code__startswith='XC').values_list('code', 'pk'))))"
    )
    return json.loads(manage(env, "shell", "-c", code).strip().splitlines()[-1])


class Server:
    """gunicorn in its own process group, stopped with the group."""

    def __init__(self, env: dict[str, str], port: int, log: Path) -> None:
        self.port = port
        self.log_path = log
        self.log = log.open("wb")
        command = [GUNICORN, "config.wsgi", "--bind", f"{HOST}:{port}", "--workers", str(WORKERS)]
        print("gunicorn " + " ".join(command[1:]), flush=True)
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.process.returncode}):\n{self.tail()}")
            try:
                status, _headers, _body = Session(self.port, "127.0.0.1").request("GET", "/healthz")
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.25)
        raise RuntimeError(f"gunicorn did not answer /healthz within {timeout:.0f} s:\n{self.tail()}")

    def tail(self, lines: int = 30) -> str:
        self.log.flush()
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
            except ProcessLookupError:
                pass
        self.log.close()


# --- a browser session -------------------------------------------------------------------


class Session:
    """One user's cookies over plain HTTP to gunicorn, with the headers nginx would add.

    The cookies are Secure (DEBUG=0); as behind the TLS proxy, they are sent anyway.
    """

    def __init__(self, port: int, client_address: str) -> None:
        self.port = port
        self.origin = f"https://{HOST}:{port}"
        self.client_address = client_address
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, fields: dict[str, str] | None = None, referer: str = ""):
        headers = {
            "Host": f"{HOST}:{self.port}",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": self.client_address,
            "Accept": "text/html",
            "Accept-Language": "zh-CN,zh;q=0.9",
            "User-Agent": "cxzy-load/1",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if fields is not None:
            body = urlencode(fields).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.origin
            headers["Referer"] = self.origin + referer
        connection = http.client.HTTPConnection(HOST, self.port, timeout=60)
        try:
            # Non-ASCII (the search 王) percent-encoded, as a browser sends it.
            connection.request(method, quote(path, safe="/?=&%"), body, headers)
            response = connection.getresponse()
            content = response.read()
            for header in response.msg.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    if morsel["max-age"] == "0" or not morsel.value:
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            return response.status, response.msg, content
        finally:
            connection.close()

    def login(self, login_path: str, username: str, expect: str) -> None:
        """The login form: GET it for the CSRF cookie and token, POST the credentials."""
        status, _headers, content = self.request("GET", login_path)
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content)
        if status != 200 or not match:
            raise RuntimeError(f"{username}: GET {login_path} answered {status} without a CSRF token")
        token = match.group(1).decode()
        fields = {"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD, "next": expect}
        status, headers, _content = self.request("POST", login_path, fields, referer=login_path)
        location = headers.get("Location", "")
        if status != 302 or urlsplit(location).path != expect:
            raise RuntimeError(
                f"{username}: login answered {status} → {location!r}, not a redirect to {expect}"
            )


# --- the virtual users -------------------------------------------------------------------


@dataclass
class User:
    role: str  # secretary, township, county (office or inspector)
    username: str
    pages: list[str]
    client_address: str
    session: Session | None = None


@dataclass
class Sample:
    page: str
    status: int  # 0: no answer
    ms: float
    peered: bool  # a page with an admin changelist as its peer, or that changelist


@dataclass
class Phase:
    side: str
    round: int
    seconds: float = 0.0
    samples: list[Sample] = field(default_factory=list)


def portal_users(pks: dict[str, int]) -> list[User]:
    """USERS users: 60 % secretaries, 20 % township offices, the rest county office/inspectors."""
    secretaries = round(USERS * 0.6)
    townships = round(USERS * 0.2)
    county = USERS - secretaries - townships
    users = []
    for i in range(secretaries):
        code = f"XC{i % TOWNSHIPS + 1:02d}{(i * 7) % BRANCHES + 1:02d}"
        scorecard = f"/units/{pks[code]}/scorecard/"
        pages = [scorecard if page == "{scorecard}" else page for page in SECRETARY_PAGES]
        users.append(User("secretary", f"secretary-{code.lower()}", pages, ""))
    for i in range(townships):
        users.append(User("township", f"town{(i * 5) % TOWNSHIPS + 1:02d}-office", OFFICE_PAGES, ""))
    for i in range(county):
        if i % 2 == 0:
            users.append(User("county", "county-office", OFFICE_PAGES, ""))
        else:
            users.append(User("county", "county-inspector", INSPECTOR_PAGES, ""))
    for n, user in enumerate(users):
        user.client_address = f"10.0.{n // 250}.{n % 250 + 1}"
    return users


def admin_users(portal: list[User]) -> list[User]:
    """As many admin sessions, each requesting the admin peers of one portal user's pages."""
    return [
        User(user.role, "admin", [admin_peer(page) for page in user.pages], f"10.1.{n // 250}.{n % 250 + 1}")
        for n, user in enumerate(portal)
    ]


def log_in(users: list[User], port: int, admin: bool) -> list[float]:
    """Log every user in at once; their login times (GET form + POST) in ms."""
    times: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()

    def one(user: User) -> None:
        user.session = Session(port, user.client_address)
        started = time.perf_counter()
        try:
            if admin:
                user.session.login("/admin/login/?next=/admin/", user.username, "/admin/")
            else:
                user.session.login("/accounts/login/", user.username, "/")
        except (OSError, RuntimeError, http.client.HTTPException) as error:
            with lock:
                failures.append(str(error))
            return
        with lock:
            times.append((time.perf_counter() - started) * 1000)

    threads = [threading.Thread(target=one, args=(user,), daemon=True) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise RuntimeError("login failed:\n  " + "\n  ".join(failures[:5]))
    return times


def preflight(users: list[User]) -> None:
    """One user of each kind opens each of its pages once (and warms the workers): all 200."""
    seen: set[tuple[str, str]] = set()
    failures = []
    for user in users:
        for page in user.pages:
            key = (user.username if user.role == "county" else user.role, page)
            if key in seen:
                continue
            seen.add(key)
            status, headers, _content = user.session.request("GET", page)
            if status != 200:
                failures.append(f"{user.username} GET {page}: {status} {headers.get('Location', '')}")
    if failures:
        raise RuntimeError("pages that do not answer 200:\n  " + "\n  ".join(failures))


def run_phase(phase: Phase, users: list[User], rng: random.Random) -> None:
    """Every user loops until DURATION is over: a page of its role, GET, think."""
    lock = threading.Lock()
    started = time.perf_counter()
    deadline = started + DURATION
    stop = threading.Event()

    def loop(user: User, seed: int) -> None:
        choose = random.Random(seed)
        stop.wait(choose.uniform(0, THINK))  # users do not start in step
        while time.perf_counter() < deadline and not stop.is_set():
            page = choose.choice(user.pages)
            begun = time.perf_counter()
            try:
                status = user.session.request("GET", page)[0]
            except (OSError, http.client.HTTPException):
                status = 0
            label = f"{user.role:9} {UNIT_PK.sub('/units/<pk>/', page)}"
            peered = page in ADMIN_PEER or page in ADMIN_PEER.values()
            sample = Sample(label, status, (time.perf_counter() - begun) * 1000, peered)
            with lock:
                phase.samples.append(sample)
            stop.wait(THINK)

    threads = [
        threading.Thread(target=loop, args=(user, rng.randrange(2**32)), daemon=True) for user in users
    ]
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            thread.join()
    finally:
        stop.set()
    phase.seconds = time.perf_counter() - started


# --- the report --------------------------------------------------------------------------


def percentiles(values: list[float]) -> tuple[float, float, float]:
    if not values:
        return (float("nan"),) * 3
    if len(values) == 1:
        return (values[0],) * 3
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[49], cuts[94], cuts[98]


def summary(phases: list[Phase], peered_only: bool = False) -> dict:
    samples = [s for phase in phases for s in phase.samples if s.peered or not peered_only]
    seconds = sum(phase.seconds for phase in phases)
    p50, p95, p99 = percentiles([s.ms for s in samples])
    errors = [s for s in samples if s.status != 200]
    return {
        "requests": len(samples),
        "throughput": len(samples) / seconds if seconds else 0.0,
        "p50": p50,
        "p95": p95,
        "p99": p99,
        "errors": len(errors),
        "error_statuses": sorted({s.status for s in errors}),
    }


def print_row(label: str, row: dict) -> None:
    statuses = f"  (statuses {row['error_statuses']})" if row["errors"] else ""
    rate = "-" if row["throughput"] is None else f"{row['throughput']:.2f}"
    print(
        f"{label:<16}{row['requests']:>9}{rate:>9}{row['p50']:>8.0f}{row['p95']:>8.0f}"
        f"{row['p99']:>8.0f}{row['errors']:>8}{statuses}"
    )


def print_pages(title: str, phases: list[Phase]) -> None:
    by_page: dict[str, list[float]] = {}
    errors: dict[str, int] = {}
    for phase in phases:
        for s in phase.samples:
            by_page.setdefault(s.page, []).append(s.ms)
            errors[s.page] = errors.get(s.page, 0) + (s.status != 200)
    rows = sorted(((percentiles(ms), page, len(ms)) for page, ms in by_page.items()), key=lambda r: -r[0][1])
    print(f"\n{title} by p95 (ms)                          n     p50     p95  errors")
    for (p50, p95, _p99), page, n in rows:
        print(f"  {page:<44}{n:>5}{p50:>8.0f}{p95:>8.0f}{errors[page]:>8}")


def report(phases: list[Phase], logins: dict[str, list[float]]) -> bool:
    print(
        f"\n{USERS} users, think {THINK:g} s, {ROUNDS} × {DURATION:g} s per side, {WORKERS} gunicorn workers"
    )
    print(f"{'':<16}{'requests':>9}{'req/s':>9}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'errors':>8}")
    for phase in phases:
        print_row(f"{phase.side} round {phase.round}", summary([phase]))
    sides = {side: summary([p for p in phases if p.side == side]) for side in ("portal", "admin")}
    print("-" * 66)
    for side, row in sides.items():
        print_row(f"{side} (all)", row)
    # The admin index stands in for the portal pages without a peer (home, overview, scorecard,
    # inbox ...) and is cheap: the changelists against their portal pages alone, for fairness.
    for side in ("portal", "admin"):
        row = summary([p for p in phases if p.side == side], peered_only=True)
        print_row(f"{side} (peered)", row | {"throughput": None})
    for side, times in logins.items():
        p50, p95, _p99 = percentiles(times)
        print(
            f"logins {side}: {len(times)}, p50 {p50:.0f} ms, p95 {p95:.0f} ms (at once, not in the figures)"
        )
    print_pages("Portal pages", [p for p in phases if p.side == "portal"])
    print_pages("Admin pages", [p for p in phases if p.side == "admin"])

    portal, admin = sides["portal"], sides["admin"]
    checks = [
        (
            f"no errors (portal {portal['errors']}, admin {admin['errors']})",
            portal["errors"] == admin["errors"] == 0,
        ),
        (f"portal p95 {portal['p95']:.0f} ms < {GOAL_P95_MS:.0f} ms", portal["p95"] < GOAL_P95_MS),
        (
            f"portal throughput {portal['throughput']:.2f} req/s ≥ admin's {admin['throughput']:.2f}",
            portal["throughput"] >= admin["throughput"],
        ),
    ]
    print("\nGoal:")
    for text, ok in checks:
        print(f"  [{'ok' if ok else 'FAIL'}] {text}")
    print(f"  (admin p95 {admin['p95']:.0f} ms)")
    return all(ok for _text, ok in checks)


# --- main --------------------------------------------------------------------------------


def interrupted(signum, frame) -> None:
    """Ctrl-C and SIGTERM end the run through main's finally, which stops gunicorn."""
    raise KeyboardInterrupt


def main() -> int:
    signal.signal(signal.SIGINT, interrupted)  # even where a shell started us ignoring it
    signal.signal(signal.SIGTERM, interrupted)
    server = None
    try:
        database_url = require_loopback()
        scratch = Path(tempfile.gettempdir()) / "cxzy-load"
        scratch.mkdir(exist_ok=True)
        env = server_env(database_url, scratch)
        pks = prepare(env)
        port = free_port()
        server = Server(env, port, scratch / "gunicorn.log")
        server.wait_ready()
        portal = portal_users(pks)
        admin = admin_users(portal)
        logins = {"portal": log_in(portal, port, admin=False), "admin": log_in(admin, port, admin=True)}
        preflight(portal)
        preflight(admin)
        rng = random.Random(SEED)
        phases = []
        for n in range(1, ROUNDS + 1):
            for side, users in (("portal", portal), ("admin", admin)):
                phase = Phase(side, n)
                load = os.getloadavg()[0]
                run_phase(phase, users, rng)
                phases.append(phase)
                row = summary([phase])
                print(
                    f"{side} round {n}: {row['requests']} requests, {row['throughput']:.2f} req/s, "
                    f"p95 {row['p95']:.0f} ms, {row['errors']} errors (load average before {load:.1f})",
                    flush=True,
                )
        ok = report(phases, logins)
        if any(s.status != 200 for phase in phases for s in phase.samples):
            print(f"\nLast lines of {server.log_path}:\n{server.tail()}")
        return 0 if ok else 1
    except KeyboardInterrupt:
        print("\nInterrupted.", file=sys.stderr)
        return 2
    except RuntimeError as error:
        print(f"\n{error}", file=sys.stderr)
        return 2
    finally:
        if server is not None:
            server.stop()


if __name__ == "__main__":
    sys.exit(main())
