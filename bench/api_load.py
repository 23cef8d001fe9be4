"""Load generators of bench/annotations_api.py: wrk (preferred) or a Python asyncio client, and the
requests each scenario makes (list and W3C pages, creates that each make a new mark)."""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from api_doccano import doccano_requests

W3C_ACCEPT = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'
PAGES = 10
WRITERS_PER_CLIENT = 4
# The last writers of the app's half make the bulk requests (annotations_api.time_bulk).
BULK_WRITERS = 8
_create_plans: dict = {}


# --- load generator -------------------------------------------------------------------------------------


async def _read_response(reader) -> tuple[int, bytes, bool]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            key, value = line.split(":", 1)
            headers[key.strip().lower()] = value.strip()
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding") == "chunked":
        chunks = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip(), 16)
            chunk = await reader.readexactly(size + 2)
            if size == 0:
                break
            chunks.append(chunk[:-2])
        body = b"".join(chunks)
    else:
        body = b""
    return status, body, headers.get("connection", "").lower() == "close"


async def _client(port: int, make_request, deadline: float, latencies: list, statuses: dict) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.perf_counter() < deadline:
            request = make_request()
            started = time.perf_counter()
            writer.write(request)
            status, _body, close = await _read_response(reader)
            latencies.append(time.perf_counter() - started)
            statuses[status] = statuses.get(status, 0) + 1
            if close:
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
    finally:
        writer.close()


def run_load(port: int, request_factories: list, duration: float, warmup: float = 1.5) -> dict:
    async def go(seconds: float):
        latencies: list[float] = []
        statuses: dict[int, int] = {}
        deadline = time.perf_counter() + seconds
        started = time.perf_counter()
        await asyncio.gather(*(_client(port, f, deadline, latencies, statuses) for f in request_factories))
        return latencies, statuses, time.perf_counter() - started

    asyncio.run(go(warmup))
    latencies, statuses, elapsed = asyncio.run(go(duration))
    latencies.sort()
    return {
        "rps": len(latencies) / elapsed,
        "p50": statistics.median(latencies) * 1000 if latencies else float("nan"),
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000 if latencies else float("nan"),
        "statuses": statuses,
        "n": len(latencies),
    }


def _request(method: str, path: str, headers: dict, body: bytes = b"") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    if body or method == "POST":
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def factories(kind: str, data: dict, clients: int, ceiling: bool) -> list:
    """One request maker per client connection."""
    made = []
    for c in range(clients):
        if kind in ("list", "w3c"):
            counter = iter(range(10**9))
            headers = {"Authorization": f"Token {data['tokens'][0]}"}
            # Plain JSON said explicitly: a container GET without Accept is JSON-LD (the W3C Protocol's default).
            headers["Accept"] = W3C_ACCEPT if kind == "w3c" and not ceiling else "application/json"
            base = f"/{kind}" if ceiling else f"/api/articles/{data['article']}/annotations/"

            def make(counter=counter, headers=headers, base=base, c=c):
                page = (next(counter) + c) % PAGES + 1
                return _request("GET", f"{base}?page={page}&page_size=100", headers)

        else:
            # Each connection has its own writers and walks words and word pairs with every label,
            # carrying on from run to run: every POST makes a new annotation.
            key = (ceiling, c)
            if key not in _create_plans:
                first = (int(ceiling) * clients + c) * WRITERS_PER_CLIENT
                mine = data["writers"][first : first + WRITERS_PER_CLIENT]
                _create_plans[key] = itertools.cycle(
                    [(w, span, label) for w in mine for label in data["labels"] for span in data["spans"]]
                )
            plan = _create_plans[key]

            def make(plan=plan):
                (user_id, token), (start, end), label = next(plan)
                headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
                if ceiling:
                    body = {
                        "article": data["article"], "revision": data["revision"], "start": start, "end": end,
                        "exact": data["text"][start:end], "label": data["labels"][label], "user": user_id,
                    }  # fmt: skip
                    return _request("POST", "/create", headers, json.dumps(body).encode())
                body = {"kind": "entity", "start": start, "end": end, "label": label}
                return _request("POST", f"/api/articles/{data['article']}/annotations/", headers, json.dumps(body).encode())

        made.append(make)
    return made


# --- wrk -------------------------------------------------------------------------------------------------

_WRK_LUA = """
local reqs = {%s}
local accept = %s
local i = 0
request = function()
  i = i + 1
  local r = reqs[(i - 1) %% #reqs + 1]
  local headers = {["Authorization"] = r[3]}
  if r[4] == "POST" then headers["Content-Type"] = "application/json" end
  if accept ~= "" then headers["Accept"] = accept end
  return wrk.format(r[4], r[1], headers, r[2])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH %%d %%d %%d %%d %%d %%d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), e.status, e.connect + e.read + e.write + e.timeout))
end
"""


def _lua_string(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def wrk_requests(kind: str, data: dict, ceiling: bool, count: int) -> list[tuple[str, str, str, str]]:
    """(path, body, Authorization, method) for wrk; creates are new marks each, across runs."""
    token = f"Token {data['tokens'][0]}"
    if kind in ("list", "w3c"):
        base = f"/{kind}" if ceiling else f"/api/articles/{data['article']}/annotations/"
        return [(f"{base}?page={page}&page_size=100", "", token, "GET") for page in range(1, PAGES + 1)]
    key = ("wrk", ceiling)
    if key not in _create_plans:
        half = len(data["writers"]) // 2
        # The app's half less its last BULK_WRITERS (the bulk requests' users), or the ceiling's half.
        mine = data["writers"][half:] if ceiling else data["writers"][: half - BULK_WRITERS]
        _create_plans[key] = iter([(w, span, label) for label in data["labels"] for span in data["spans"] for w in mine])
    made = []
    for (user_id, token), (start, end), label in itertools.islice(_create_plans[key], count):
        if ceiling:
            body = {
                "article": data["article"], "revision": data["revision"], "start": start, "end": end,
                "exact": data["text"][start:end], "label": data["labels"][label], "user": user_id,
            }  # fmt: skip
            made.append(("/create", json.dumps(body), f"Token {token}", "POST"))
        else:
            body = {"kind": "entity", "start": start, "end": end, "label": label}
            made.append((f"/api/articles/{data['article']}/annotations/", json.dumps(body), f"Token {token}", "POST"))
    return made


def run_wrk(port: int, kind: str, data: dict, clients: int, duration: float, ceiling: bool, requests=None,
            warmup: bool = False) -> dict:
    if requests is None:
        requests = wrk_requests(kind, data, ceiling, count=int(2500 * duration) if kind == "create" else 0)
    table = ",".join("{" + ",".join(_lua_string(part) for part in r) + "}" for r in requests)
    # Plain JSON said explicitly: a container GET without Accept is JSON-LD (the W3C Protocol's default).
    accept = W3C_ACCEPT if kind == "w3c" and not ceiling else "application/json"
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False, encoding="utf-8") as script:
        script.write(_WRK_LUA % (table, _lua_string(accept)))
    try:
        done = subprocess.run(
            ["wrk", "-t1", f"-c{clients}", f"-d{duration:.0f}s", "--latency", "-s", script.name, f"http://127.0.0.1:{port}"],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        output = done.stdout
        if (not requests or "BENCH 0 " in output) and not warmup:
            # Seen on a loaded machine: no request answered within a measured run (printed, counted as 0 req/s).
            # A warm-up that gets no answer is normal: a fresh gunicorn worker's first request takes ~2 s.
            print(f"  wrk: no request answered on port {port} ({len(requests)} planned) {done.stderr[-300:]!r}", file=sys.stderr)
    finally:
        os.unlink(script.name)
    line = next(line for line in output.splitlines() if line.startswith("BENCH "))
    n, micros, p50, p99, non_2xx, socket_errors = (int(x) for x in line.split()[1:])
    statuses = {"ok": n - non_2xx}
    if non_2xx:
        statuses["non-2xx"] = non_2xx
    if socket_errors:
        statuses["socket errors"] = socket_errors
    return {"rps": n / (micros / 1e6), "p50": p50 / 1000, "p99": p99 / 1000, "statuses": statuses, "n": n,
            "load": os.getloadavg()[0]}  # fmt: skip


def measure(port: int, kind: str, data: dict, clients: int, duration: float, ceiling: bool, doccano=None,
            warmup: bool = False) -> dict:
    if doccano is not None:
        if not shutil.which("wrk"):
            raise SystemExit("doccano is driven with wrk only: apt-get install wrk")
        return run_wrk(port, kind, data, clients, duration, ceiling, doccano_requests(doccano, data, int(2500 * duration)), warmup)
    if shutil.which("wrk"):
        return run_wrk(port, kind, data, clients, duration, ceiling, warmup=warmup)
    result = run_load(port, factories(kind, data, clients, ceiling), duration)
    return {**result, "load": os.getloadavg()[0]}
