"""Polling cycle benchmark: N feeds on a loopback server, Nashra's Fetcher vs plain httpx.

    .venv/bin/python bench/bench_fetch.py --feeds 30000

A server process answers on 127.0.0.1..127.0.0.<hosts> (one port, keep-alive): each feed has an
ETag; the first cycle is unconditional, in the second every feed is asked conditionally and 5 %
have changed (200 with a new ETag), the rest answer 304. Each client runs in its own process so
peak RSS (getrusage) is its own: Nashra's Fetcher (SSRF guard, total deadline, bounded gzip,
per-host cap) and, as the baseline, plain ``httpx.AsyncClient`` GETs of the same URLs without
the guards (same worker count, same conditional logic). Figures are printed with the ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import resource
import subprocess
import sys
import time
from typing import Any

CHANGED_EVERY = 20  # 5 % of feeds change between the cycles
ITEM = (
    "<item><title>خبر عاجل رقم {n} من المصدر</title><link>http://example.org/{n}</link>"
    "<description>نص الخبر كما نشرته الوكالة، مع تفاصيل إضافية عن الحدث.</description></item>"
)


def feed_body(i: int, version: int) -> bytes:
    items = "".join(ITEM.format(n=i * 100 + version * 10 + k) for k in range(8))
    return f'<?xml version="1.0" encoding="utf-8"?><rss><channel>{items}</channel></rss>'.encode()


# --------------------------------------------------------------------------------- server


async def _serve(hosts: list[str], port_out: Any) -> None:
    asked: dict[str, int] = {}

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                line = await reader.readline()
                if not line:
                    return
                path = line.split(b" ")[1].decode()
                inm = None
                while (raw := await reader.readline()) not in (b"\r\n", b""):
                    if raw[:14].lower() == b"if-none-match:":
                        inm = raw[14:].strip().decode()
                times = asked.get(path, 0)
                asked[path] = times + 1
                i = int(path.rsplit("/", 1)[1])
                version = 1 if times > 0 and i % CHANGED_EVERY == 0 else 0
                etag = f'"{i}-{version}"'
                if inm == etag:
                    head = f"HTTP/1.1 304 Not Modified\r\nETag: {etag}\r\n\r\n"
                    writer.write(head.encode())
                else:
                    body = feed_body(i, version)
                    head = (
                        "HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml; charset=utf-8\r\n"
                        f"ETag: {etag}\r\nContent-Length: {len(body)}\r\n\r\n"
                    )
                    writer.write(head.encode() + body)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.close()

    first = await asyncio.start_server(handle, hosts[0], 0, backlog=4096)
    port = first.sockets[0].getsockname()[1]
    for host in hosts[1:]:
        await asyncio.start_server(handle, host, port, backlog=4096)
    port_out.put(port)
    await asyncio.Event().wait()


def serve(hosts: list[str], port_out: Any) -> None:
    asyncio.run(_serve(hosts, port_out))


# --------------------------------------------------------------------------------- clients


async def _cycle(get: Any, urls: list[str], etags: dict[str, str], workers: int) -> dict[str, Any]:
    queue: asyncio.Queue[str] = asyncio.Queue()
    for url in urls:
        queue.put_nowait(url)
    counts = {"conditional": 0, "not_modified": 0, "changed": 0, "errors": 0}

    async def worker() -> None:
        while not queue.empty():
            url = queue.get_nowait()
            tag = etags.get(url)
            counts["conditional"] += tag is not None
            try:
                status, new_tag = await get(url, tag)
            except Exception:
                counts["errors"] += 1
                continue
            if status == 304:
                counts["not_modified"] += 1
            else:
                counts["changed"] += tag is not None
                if new_tag:
                    etags[url] = new_tag

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(workers)))
    counts["seconds"] = time.perf_counter() - started
    return counts


async def _client(which: str, urls: list[str], workers: int) -> dict[str, Any]:
    etags: dict[str, str] = {}
    if which == "nashra":
        from nashra.fetch import Fetcher, FetchPolicy

        policy = FetchPolicy(
            allow_networks=("127.0.0.0/8",), per_host_concurrency=8, max_connections=workers
        )
        async with Fetcher(policy) as fetcher:

            async def get(url: str, tag: str | None) -> tuple[int, str | None]:
                got = await fetcher.get(url, kind="feed", etag=tag)
                return got.status, got.etag

            cycles = [await _cycle(get, urls, etags, workers) for _ in range(2)]
    else:
        import httpx

        limits = httpx.Limits(max_connections=workers, max_keepalive_connections=workers)
        async with httpx.AsyncClient(limits=limits, trust_env=False) as client:

            async def get(url: str, tag: str | None) -> tuple[int, str | None]:
                headers = {"If-None-Match": tag} if tag else {}
                response = await client.get(url, headers=headers)
                return response.status_code, response.headers.get("etag")

            cycles = [await _cycle(get, urls, etags, workers) for _ in range(2)]
    rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"cycles": cycles, "peak_rss_mib": rss_mib}


def client_main(which: str, base: str, feeds: int, hosts: int, workers: int) -> None:
    urls = [f"{base.format(h=1 + i % hosts)}/{which}/feed/{i}" for i in range(feeds)]
    print(json.dumps(asyncio.run(_client(which, urls, workers))))


# --------------------------------------------------------------------------------- driver


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--feeds", type=int, default=30_000)
    parser.add_argument("--hosts", type=int, default=50, help="distinct loopback addresses")
    parser.add_argument("--workers", type=int, default=100, help="fetches in flight at once")
    parser.add_argument("--client", choices=["nashra", "httpx"], help=argparse.SUPPRESS)
    parser.add_argument("--base", help=argparse.SUPPRESS)
    parser.add_argument("--quick", action="store_true", help="3,000 feeds instead of 30,000")
    args = parser.parse_args()
    if args.quick:
        args.feeds = min(args.feeds, 3_000)
    if args.client:
        client_main(args.client, args.base, args.feeds, args.hosts, args.workers)
        return

    port_out: Any = multiprocessing.Queue()
    hosts = [f"127.0.0.{h}" for h in range(1, args.hosts + 1)]
    server = multiprocessing.Process(target=serve, args=(hosts, port_out), daemon=True)
    server.start()
    port = port_out.get(timeout=30)
    base = f"http://127.0.0.{{h}}:{port}"
    results: dict[str, dict[str, Any]] = {}
    try:
        for which in ("nashra", "httpx"):
            cmd = [sys.executable, __file__, "--client", which, "--base", base]
            cmd += ["--feeds", str(args.feeds), "--hosts", str(args.hosts)]
            cmd += ["--workers", str(args.workers)]
            out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
            results[which] = json.loads(out)
    finally:
        server.terminate()

    print(f"bench_fetch: {args.feeds} feeds on {args.hosts} loopback hosts, {args.workers} workers")
    print(f"{'':28}{'nashra':>12}{'httpx':>12}{'ratio':>8}")

    def row(label: str, a: float, b: float, fmt: str = "{:>12.1f}") -> None:
        ratio = a / b if b else float("nan")
        print(f"{label:28}{fmt.format(a)}{fmt.format(b)}{ratio:>8.2f}")

    n, h = results["nashra"], results["httpx"]
    for k, name in enumerate(("cycle 1 (unconditional)", "cycle 2 (conditional)")):
        row(
            f"{name} feeds/s",
            args.feeds / n["cycles"][k]["seconds"],
            args.feeds / h["cycles"][k]["seconds"],
        )
    row(
        "whole run seconds",
        sum(c["seconds"] for c in n["cycles"]),
        sum(c["seconds"] for c in h["cycles"]),
    )
    row("peak RSS MiB", n["peak_rss_mib"], h["peak_rss_mib"])
    second = n["cycles"][1]
    print(
        f"cycle 2: conditional requests {second['conditional'] / args.feeds:.1%}, "
        f"304 answers {second['not_modified'] / args.feeds:.1%}, "
        f"changed {second['changed']}, errors nashra {second['errors']} + "
        f"{n['cycles'][0]['errors']} / httpx {h['cycles'][0]['errors'] + h['cycles'][1]['errors']}"
    )


if __name__ == "__main__":
    main()
