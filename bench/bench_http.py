"""Shared by the Python halves of the HTTP benchmarks (by_id_bench.sh, search_bench.py): one
keep-alive connection that times each request, the percentiles reported, and the count of wrong
answers that makes a benchmark exit 1."""

import http.client
import sys
import time
import urllib.parse


class Client:
    """One keep-alive HTTP connection to `base` (http://host:port), sending `headers` (the
    Authorization among them) with every request."""

    def __init__(self, base, headers):
        u = urllib.parse.urlparse(base)
        self.conn = http.client.HTTPConnection(u.hostname, u.port)
        self.headers = headers

    def request(self, method, target, body=None, headers=None):
        """(seconds, status, body): the client's time from sending the request to the last byte
        of the answer."""
        h = dict(self.headers, **(headers or {}))
        t0 = time.perf_counter()
        self.conn.request(method, target, body=body, headers=h)
        r = self.conn.getresponse()
        data = r.read()
        return time.perf_counter() - t0, r.status, data

    def get(self, target):
        return self.request("GET", target)


def p50_p99_ms(times):
    """The median and the 99th percentile of `times` (seconds), in milliseconds."""
    times = sorted(times)
    return (times[len(times) // 2] * 1e3, times[min(len(times) - 1, int(len(times) * 0.99))] * 1e3)


class Checks:
    """Counts wrong answers; the first few are printed with what was wrong."""

    def __init__(self, shown=5):
        self.wrong = 0
        self.shown = shown

    def check(self, kind, ok, detail):
        if not ok:
            self.wrong += 1
            if self.wrong <= self.shown:
                print(f"wrong answer ({kind}): {detail}", file=sys.stderr)
        return ok

    def exit_if_wrong(self):
        if self.wrong:
            print(f"{self.wrong} wrong answers", file=sys.stderr)
            sys.exit(1)


def print_latency_table(results, width=48):
    """`results`: {kind: (p50 ms, p99 ms)}, printed in their order."""
    print(f"{'request':{width}} {'p50 ms':>8} {'p99 ms':>8}")
    for kind, (p50, p99) in results.items():
        print(f"{kind:{width}} {p50:8.2f} {p99:8.2f}")
