// The web interface's timings on a store of N objects (issue 13; docs/benchmarks.md, "Web
// interface"), in Debian's Chromium, headless, driven by playwright-core from web/node_modules,
// against a real `tessera serve` on a free loopback port. The store: gen_stix's objects (each id
// once, as bench_lib.sh keeps them) imported as the organization of the user who signs in, so
// that every object is that user's to read. Measured, each --runs times, in a fresh browser
// profile (nothing cached) unless it says otherwise:
//   - first load: from asking for http://127.0.0.1:PORT/ to the sign-in form ready;
//   - sign in to home: from clicking "Sign in" to the home page's table of what arrived lately
//     showing its rows (the session made, whoami, the listing of the newest objects);
//   - home, reloaded: the home page loaded again with the session (assets from the cache) to its
//     rows;
//   - a page of 100: a collection's page (#/collections/ID) from asking for it to its 100 rows,
//     and from clicking "Next page" to the next 100 rows, different ones.
// Every timed answer is checked: the home table shows 50 rows, newest first, each page 100 rows
// and the next page none of the first's. Times are the wall clock around the browser's work as
// the test driver sees it (a few ms of driver overhead included). Prints p50, p95 and max of each.
//
//   node bench/web_bench.mjs --tessera BIN --gen GEN_STIX --web-dir DIR [--count 100000]
//                            [--runs 10] [--chromium /usr/bin/chromium]
// Exit 1 on a wrong answer, 2 on a setup failure.

import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { launchChromium, startHub } from "../tests/browser_hub.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const args = { count: "100000", runs: "10", chromium: "/usr/bin/chromium" };
for (let i = 2; i < process.argv.length; i += 2) {
  const name = process.argv[i].replace(/^--/, "").replace(/-/g, "_");
  if (!(name in args) && !["tessera", "gen", "web_dir"].includes(name)) fail(2, `unknown option ${process.argv[i]}`);
  args[name] = process.argv[i + 1];
}
for (const need of ["tessera", "gen", "web_dir"]) if (!args[need]) fail(2, `--${need.replace("_", "-")} is required`);
const RUNS = Number(args.runs);

function fail(code, message) {
  console.error(`web_bench: ${message}`);
  process.exit(code);
}

const dir = mkdtempSync(join(tmpdir(), "tessera-web-bench-"));
const data = join(dir, "data");
let server;
let browser;

function tessera(...a) {
  const r = spawnSync(args.tessera, [...a, "--data", data], { encoding: "utf8", maxBuffer: 1 << 26 });
  if (r.status !== 0) fail(2, `tessera ${a.join(" ")}: ${r.stderr}`);
  return r.stdout.trim();
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function report(name, times) {
  const s = [...times].sort((a, b) => a - b);
  const f = (x) => x.toFixed(0).padStart(6);
  console.log(`${name.padEnd(34)} p50 ${f(percentile(s, 50))} ms  p95 ${f(percentile(s, 95))} ms  max ${f(s[s.length - 1])} ms  (${s.length} runs)`);
}

async function main() {
  // The store.
  const generated = join(dir, "generated.ndjson");
  const gen = spawnSync(args.gen, ["--count", args.count, "--format", "ndjson", "-o", generated], { encoding: "utf8" });
  if (gen.status !== 0) fail(2, `gen_stix: ${gen.stderr}`);
  const seen = new Set();
  const kept = readFileSync(generated, "utf8")
    .split("\n")
    .filter((line) => {
      const m = /"id":"([^"]+)"/.exec(line);
      if (!m || seen.has(m[1])) return false;
      seen.add(m[1]);
      return true;
    });
  writeFileSync(generated, kept.join("\n") + "\n");
  tessera("init");
  tessera("org", "add", "Bench CERT");
  tessera("user", "add", "analyst", "--org", "Bench CERT", "--role", "analyst");
  const token = tessera("token", "create", "analyst").split("\n")[0];
  let t0 = Date.now();
  tessera("import", "--org", "Bench CERT", generated);
  console.log(`# store: ${kept.length} objects imported in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  let base;
  ({ server, base } = await startHub(args.tessera, data, args.web_dir, { timeoutMs: 60_000 }));
  const auth = "Basic " + Buffer.from(`analyst:${token}`).toString("base64");
  const cols = await (await fetch(`${base}/api/collections/`, { headers: { Authorization: auth, Accept: "application/taxii+json;version=2.1" } })).json();
  const collection = cols.collections.find((c) => c.title === "Default").id;
  const newest = (await (await fetch(`${base}/api/v1/search?limit=1`, { headers: { Authorization: auth } })).json()).hits[0].id;

  browser = await launchChromium(join(here, "..", "web"), args.chromium);
  const times = { first: [], signin: [], reload: [], page: [], next: [] };
  const rowIds = (page) => page.$$eval("main table tbody tr a", (as) => as.map((a) => a.getAttribute("href")));
  for (let run = 0; run < RUNS; run++) {
    const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    context.setDefaultTimeout(30_000);
    const page = await context.newPage();
    t0 = Date.now();
    await page.goto(base + "/");
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    times.first.push(Date.now() - t0);

    await page.getByLabel("User name").fill("analyst");
    await page.getByLabel("API token").fill(token);
    t0 = Date.now();
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.locator("main table tbody tr").nth(49).waitFor();
    times.signin.push(Date.now() - t0);
    const home = await rowIds(page);
    if (home.length !== 50) fail(1, `the home page shows ${home.length} rows, not 50`);
    if (!home[0].endsWith(encodeURIComponent(newest))) fail(1, `the home page's first row is ${home[0]}, not the newest object ${newest}`);

    t0 = Date.now();
    await page.reload();
    await page.locator("main table tbody tr").nth(49).waitFor();
    times.reload.push(Date.now() - t0);

    t0 = Date.now();
    await page.goto(`${base}/#/collections/${encodeURIComponent(collection)}`);
    await page.locator("main table tbody tr").nth(99).waitFor();
    times.page.push(Date.now() - t0);
    const first = await rowIds(page);
    if (first.length !== 100) fail(1, `a collection's page shows ${first.length} rows, not 100`);

    t0 = Date.now();
    await page.getByRole("button", { name: "Next page" }).first().click();
    // (Locators, not waitForFunction: the hub's Content-Security-Policy forbids eval.)
    await page.locator(`main table tbody tr:first-child a[href="${first[0]}"]`).waitFor({ state: "detached" });
    await page.locator("main table tbody tr").nth(99).waitFor();
    times.next.push(Date.now() - t0);
    const second = await rowIds(page);
    if (second.some((h) => first.includes(h))) fail(1, "the next page repeats rows of the first");
    await context.close();
  }
  console.log(`# ${new Date().toISOString()}, ${kept.length} objects, Chromium headless on loopback`);
  report("first load (sign-in form)", times.first);
  report("sign in to home (50 rows)", times.signin);
  report("home reloaded (50 rows)", times.reload);
  report("collection page (100 rows)", times.page);
  report("next page (100 rows)", times.next);
}

try {
  await main();
} catch (e) {
  console.error(`web_bench: ${e.stack ?? e}`);
  process.exitCode = 2;
} finally {
  await browser?.close();
  server?.kill("SIGTERM");
  rmSync(dir, { recursive: true, force: true });
}
