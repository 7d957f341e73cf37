// What the browser tests (tests/browser_*test.mjs) and the web benchmark (bench/web_bench.mjs)
// share: a real `tessera serve` on a free loopback port, and Debian's Chromium, headless, driven
// by playwright-core from web/node_modules (no browser download), that may reach 127.0.0.1 only.

import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";

// The value of environment variable `name`, which tests/browser.cmake sets; throws when unset.
export function env(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set (tests/browser.cmake sets it)`);
  return v;
}

// A function that runs `cli ARGS... --data data`, asserts it exits 0 and returns what it printed
// (trimmed).
export function cliOn(cli, data) {
  return (...args) => {
    const r = spawnSync(cli, [...args, "--data", data], { encoding: "utf8", timeout: 60_000 });
    assert.equal(r.status, 0, `tessera ${args.join(" ")}: ${r.stderr}`);
    return r.stdout.trim();
  };
}

// Starts `cli serve` on the store in `data` with the web interface built in `webBuild`, on
// 127.0.0.1 and a port the system picks. Resolves to { server, base } (base: "http://127.0.0.1:P")
// once the hub says it listens; rejects with what it printed when it exits first or says nothing
// within `timeoutMs`. The caller stops `server` (SIGTERM).
export function startHub(cli, data, webBuild, { threads = 2, timeoutMs = 30_000 } = {}) {
  const server = spawn(cli, ["serve", "--data", data, "--listen", "127.0.0.1:0", "--threads", String(threads), "--web-dir", webBuild, "--no-access-log"], { stdio: ["ignore", "ignore", "pipe"] });
  return new Promise((resolve, reject) => {
    let err = "";
    const timer = setTimeout(() => reject(new Error(`tessera serve did not start: ${err}`)), timeoutMs);
    server.stderr.on("data", (chunk) => {
      err += chunk;
      const m = /listening on (http:\/\/[^\s]+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve({ server, base: m[1].replace(/\/$/, "") });
      }
    });
    server.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`tessera serve exited ${code}: ${err}`));
    });
  });
}

// Launches the Chromium at `executablePath` headless (without its sandbox when run as root), every
// host name but 127.0.0.1 unresolvable and no background traffic. `webSource` is web/, whose
// node_modules hold playwright-core.
export async function launchChromium(webSource, executablePath) {
  const { chromium } = createRequire(join(webSource, "package.json"))("playwright-core");
  return chromium.launch({
    executablePath,
    headless: true,
    args: [...(process.getuid?.() === 0 ? ["--no-sandbox"] : []), "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1", "--disable-background-networking", "--no-first-run"],
  });
}

// A page in a fresh browser profile whose every request outside the hub at `base` is refused,
// each step waiting at most `stepMs`. `errors` collects the page's errors and console errors (a
// Content-Security-Policy violation is one; the browser's own notes of 401, 403, 404 and 409
// answers are not); `refusals` every 403 the hub answers it.
export async function openPage(browser, base, stepMs) {
  const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
  context.setDefaultTimeout(stepMs);
  await context.route("**/*", (route) => (route.request().url().startsWith(base + "/") ? route.continue() : route.abort()));
  const page = await context.newPage();
  const errors = [];
  const refusals = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => m.type() === "error" && !/status of 40[1349]/.test(m.text()) && errors.push(m.text()));
  page.on("response", (r) => r.status() === 403 && refusals.push(`${r.request().method()} ${r.url()}`));
  return { context, page, errors, refusals };
}

// Signs `user` in with `token` on the hub's sign-in page and waits for the home page.
export async function signInAs(page, base, user, token) {
  await page.goto(base + "/");
  await page.getByLabel("User name").fill(user);
  await page.getByLabel("API token").fill(token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Arrived lately" }).waitFor();
}
