// The web interface in Firefox (ctest label `browser`): Debian's firefox-esr, headless, driven
// over WebDriver BiDi by puppeteer-core from web/node_modules (no browser download), against a
// real `tessera serve` on a free loopback port with a fresh store. The key scenarios of
// tests/browser_test.mjs, smaller: users of two organizations sign in; each sees its own TLP:RED
// object and not the other's (not on the home page, not in search, not by URL), both see the
// TLP:CLEAR one; an object's page draws its relationship graph (a canvas) with no console error
// (a Content-Security-Policy violation is one); after signing out the old cookie no longer works.
// The browser may reach 127.0.0.1 only (every other request is aborted).
//
// Environment (tests/browser.cmake sets it): TESSERA_CLI, TESSERA_WEB_BUILD, TESSERA_WEB_SOURCE,
// TESSERA_FIREFOX, TESSERA_SCREENSHOTS.

import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { cliOn, env, startHub } from "./browser_hub.mjs";

const CLI = env("TESSERA_CLI");
const WEB_BUILD = env("TESSERA_WEB_BUILD");
const SHOTS = env("TESSERA_SCREENSHOTS");
const STEP_MS = 20_000; // one browser step (ASan builds answer slowly)

const dir = mkdtempSync(join(tmpdir(), "tessera-firefox-"));
const data = join(dir, "data");
let server;
let base = "";
let browser;
const tokens = {};
const ids = {};
let collection = "";

const tessera = cliOn(CLI, data);

const stamp = (d) => d.toISOString().replace(/\.\d+Z$/, ".000Z");

function indicator(name, pattern, tlpMarking, createdBy) {
  const now = stamp(new Date());
  return { type: "indicator", spec_version: "2.1", id: `indicator--${crypto.randomUUID()}`, created: now, modified: now, name, pattern, pattern_type: "stix", valid_from: now, created_by_ref: createdBy, object_marking_refs: [tlpMarking] };
}

const RED = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1";
const CLEAR = "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487";

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  tessera("init", "--admin-token-file", join(dir, "admin-token"));
  const alpha = tessera("org", "add", "Alpha CERT");
  const bravo = tessera("org", "add", "Bravo SOC");
  tessera("user", "add", "alice", "--org", "Alpha CERT", "--role", "analyst");
  tessera("user", "add", "bob", "--org", "Bravo SOC", "--role", "analyst");
  tokens.alice = tessera("token", "create", "alice").split("\n")[0];
  tokens.bob = tessera("token", "create", "bob").split("\n")[0];
  const objects = {
    alphaRed: indicator("alpha red secret", "[domain-name:value = 'alpha-red.example']", RED, alpha),
    bravoRed: indicator("bravo red secret", "[domain-name:value = 'bravo-red.example']", RED, bravo),
    clear: indicator("shared clear indicator", "[ipv4-addr:value = '198.51.100.7']", CLEAR, alpha),
  };
  for (const [key, o] of Object.entries(objects)) ids[key] = o.id;
  const file = (name, list) => {
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify({ type: "bundle", id: `bundle--${crypto.randomUUID()}`, objects: list }));
    return path;
  };
  tessera("import", "--org", "Alpha CERT", file("alpha.json", [objects.alphaRed, objects.clear]));
  tessera("import", "--org", "Bravo SOC", file("bravo.json", [objects.bravoRed]));

  // An indicator related to a malware (both CLEAR): a graph to draw.
  const t0 = stamp(new Date(Date.now() - 3_600_000));
  const hub = { ...indicator("graph hub indicator", "[domain-name:value = 'graph-hub.example']", CLEAR, alpha), created: t0, modified: t0 };
  const malware = { type: "malware", spec_version: "2.1", id: `malware--${crypto.randomUUID()}`, created: t0, modified: t0, name: "Graph Loader", is_family: true, created_by_ref: alpha, object_marking_refs: [CLEAR] };
  const rel = { type: "relationship", spec_version: "2.1", id: `relationship--${crypto.randomUUID()}`, created: t0, modified: t0, relationship_type: "indicates", source_ref: hub.id, target_ref: malware.id, created_by_ref: alpha, object_marking_refs: [CLEAR] };
  tessera("import", "--org", "Alpha CERT", file("graph.json", [hub, malware, rel]));
  ids.graphHub = hub.id;

  ({ server, base } = await startHub(CLI, data, WEB_BUILD));
  const auth = "Basic " + Buffer.from(`alice:${tokens.alice}`).toString("base64");
  const cols = await (await fetch(`${base}/api/collections/`, { headers: { Authorization: auth, Accept: "application/taxii+json;version=2.1" } })).json();
  collection = cols.collections.find((c) => c.title === "Default").id;

  const puppeteer = createRequire(join(env("TESSERA_WEB_SOURCE"), "package.json"))("puppeteer-core");
  browser = await puppeteer.launch({
    browser: "firefox",
    executablePath: env("TESSERA_FIREFOX"),
    headless: true,
    // No background traffic: no updates, no telemetry, no captive-portal or connectivity checks.
    extraPrefsFirefox: {
      "network.captive-portal-service.enabled": false,
      "network.connectivity-service.enabled": false,
      "app.update.enabled": false,
      "browser.safebrowsing.malware.enabled": false,
      "browser.safebrowsing.phishing.enabled": false,
      "datareporting.policy.dataSubmissionEnabled": false,
      "toolkit.telemetry.enabled": false,
    },
  });
});

after(async () => {
  await browser?.close();
  server?.kill("SIGTERM");
  rmSync(dir, { recursive: true, force: true });
});

// A page in a fresh browser context whose every request outside the hub is aborted. `errors`
// collects page errors and console errors (the browser's notes of 401/403/404/409 answers aside).
async function newPage() {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_MS);
  await page.setViewport({ width: 1200, height: 800 });
  await page.setRequestInterception(true);
  page.on("request", (r) => (r.url().startsWith(base + "/") ? r.continue() : r.abort()));
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => m.type() === "error" && !/status of 40[1349]|40[1349] \(/.test(m.text()) && errors.push(m.text()));
  return { context, page, errors };
}

// Waits until an element matching `selector` (CSS) whose text contains `text` is present.
const waitText = (page, selector, text) =>
  page.waitForFunction((s, t) => [...document.querySelectorAll(s)].some((e) => e.textContent.includes(t)), {}, selector, text);
const countText = (page, selector, text) =>
  page.evaluate((s, t) => [...document.querySelectorAll(s)].filter((e) => e.textContent.includes(t)).length, selector, text);
const mainHas = (page, text) => page.evaluate((t) => document.querySelector("main")?.textContent.includes(t) ?? false, text);

// Fills the labelled field (its label's text starts with `label`).
async function fill(page, label, value) {
  const handle = await page.waitForFunction((l) => [...document.querySelectorAll("label")].find((e) => e.textContent.trim().startsWith(l))?.control, {}, label);
  await handle.asElement().click({ count: 3 });
  await handle.asElement().type(value);
}

async function signIn(page, user) {
  await page.goto(base + "/");
  await waitText(page, "h1, h2", "Sign in to Tessera");
  await fill(page, "User name", user);
  await fill(page, "API token", tokens[user]);
  await (await page.waitForSelector("::-p-aria([name='Sign in'][role='button'])")).click();
  await waitText(page, "h1, h2", "Arrived lately");
}

for (const [user, own, other] of [
  ["alice", "alpha red secret", "bravo red secret"],
  ["bob", "bravo red secret", "alpha red secret"],
]) {
  test(`Firefox: ${user} sees its own TLP:RED object and the CLEAR one, never the other organization's`, async () => {
    const { context, page, errors } = await newPage();
    await signIn(page, user);
    await waitText(page, "main a", own);
    await waitText(page, "main a", "shared clear indicator");
    assert.equal(await mainHas(page, other), false, `${user} must not see ${other} on the home page`);
    if (user === "alice") await page.screenshot({ path: join(SHOTS, "firefox-home.png"), fullPage: true });

    // Words: only what this person may read.
    await fill(page, "Search", "red secret");
    await page.keyboard.press("Enter");
    await waitText(page, "main a", own);
    assert.equal(await mainHas(page, other), false, `${user} must not find ${other}`);

    // The object's page, then the other organization's by its URL: as if it did not exist.
    await page.goto(`${base}/#/object/${collection}/${ids[user === "alice" ? "alphaRed" : "bravoRed"]}`);
    await waitText(page, "h1", own);
    await waitText(page, "main", "TLP:RED");
    await page.goto(`${base}/#/object/${collection}/${ids.clear}`);
    await waitText(page, "h1", "shared clear indicator");
    await page.goto(`${base}/#/object/${collection}/${ids[user === "alice" ? "bravoRed" : "alphaRed"]}`);
    await waitText(page, "main", "There is no such object in this collection, or none you may read.");
    assert.equal(await mainHas(page, other), false);

    assert.deepEqual(errors, []);
    await context.close();
  });
}

test("Firefox: an object's page draws its relationship graph, with no console error or CSP violation", async () => {
  const { context, page, errors } = await newPage();
  await signIn(page, "alice");
  await page.goto(`${base}/#/object/${collection}/${ids.graphHub}`);
  await waitText(page, "h1", "graph hub indicator");
  await waitText(page, "main .neighbour-list a", "Graph Loader");
  await page.waitForSelector("main .graph canvas");
  // Cytoscape drew on it: a canvas of the graph's size with some pixel that is not blank.
  const drawn = await page.waitForFunction(() => [...document.querySelectorAll("main .graph canvas")].some((c) => {
    if (!c.width || !c.height) return false;
    const px = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    for (let i = 3; i < px.length; i += 4) if (px[i] !== 0) return true;
    return false;
  }));
  assert.ok(await drawn.jsonValue());
  assert.match(await page.$eval("main .neighbour-list", (e) => e.textContent), /indicates/);
  await page.screenshot({ path: join(SHOTS, "firefox-object-graph.png"), fullPage: true });
  assert.deepEqual(errors, [], "no error, and no Content-Security-Policy violation");
  await context.close();
});

test("Firefox: signing out ends the session; the old cookie no longer works", async () => {
  const { context, page, errors } = await newPage();
  await signIn(page, "alice");
  const cookie = (await page.cookies()).find((c) => c.name === "tessera_session");
  assert.ok(cookie, "the session cookie is set");
  assert.equal(cookie.httpOnly, true);
  assert.equal(cookie.sameSite, "Strict");
  assert.equal(await page.evaluate(() => document.cookie.includes("tessera_session")), false);
  const header = { Cookie: `tessera_session=${cookie.value}`, Accept: "application/json" };
  assert.equal((await fetch(base + "/api/v1/whoami", { headers: header })).status, 200);

  await (await page.waitForSelector("::-p-aria([name='Sign out'][role='button'])")).click();
  await waitText(page, "h1, h2", "Sign in to Tessera");
  assert.equal((await fetch(base + "/api/v1/whoami", { headers: header })).status, 401);
  await page.reload();
  await waitText(page, "h1, h2", "Sign in to Tessera");
  assert.deepEqual(errors, []);
  await context.close();
});
