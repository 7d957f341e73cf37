// The web interface in a real browser (ctest label `browser`): Debian's Chromium, headless,
// driven by playwright-core from web/node_modules, against a real `tessera serve` on a free
// loopback port with a fresh store. Users of two organizations sign in; each sees its own
// TLP:RED object and not the other's (not on the home page, not in search, not by URL), both see
// the TLP:CLEAR one; a change without the CSRF token is refused; after signing out the old cookie
// no longer works. Sharing: an indicator shared as TLP:AMBER with a named recipient, its pattern
// checked as typed and its audience previewed, is read by its audience only; a bundle with a bad
// object reports that object. An object's page shows its versions, its relationship graph and its
// sightings. The Sightings page lists, groups and charts per day the sightings each person may
// read, and Home shows the chart. Screenshots of the main pages go to $TESSERA_SCREENSHOTS. The browser may reach
// 127.0.0.1 only.
//
// Environment (tests/browser.cmake sets it): TESSERA_CLI, TESSERA_WEB_BUILD, TESSERA_WEB_SOURCE,
// TESSERA_CHROMIUM, TESSERA_SCREENSHOTS.

import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { cliOn, env, launchChromium, openPage, signInAs, startHub } from "./browser_hub.mjs";

const CLI = env("TESSERA_CLI");
const WEB_BUILD = env("TESSERA_WEB_BUILD");
const SHOTS = env("TESSERA_SCREENSHOTS");
const STEP_MS = 20_000; // one browser step (ASan builds answer slowly)

const dir = mkdtempSync(join(tmpdir(), "tessera-browser-"));
const data = join(dir, "data");
let server;
let base = "";
let browser;
const tokens = {};
const ids = {};
const sightingDays = {};
let collection = "";

const tessera = cliOn(CLI, data);

function indicator(name, pattern, tlpMarking, createdBy) {
  const now = new Date().toISOString().replace(/\.\d+Z$/, ".000Z");
  const id = `indicator--${crypto.randomUUID()}`;
  return {
    type: "indicator",
    spec_version: "2.1",
    id,
    created: now,
    modified: now,
    name,
    pattern,
    pattern_type: "stix",
    valid_from: now,
    created_by_ref: createdBy,
    object_marking_refs: [tlpMarking],
  };
}

const RED = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1";
const AMBER = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421";
const CLEAR = "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487";

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  tessera("init", "--admin-token-file", join(dir, "admin-token"));
  const alpha = tessera("org", "add", "Alpha CERT");
  const bravo = tessera("org", "add", "Bravo SOC");
  tessera("org", "add", "Charlie ISAC");
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

  // An indicator with two versions, a relationship to a malware and a sighting (all CLEAR).
  const t0 = new Date(Date.now() - 3_600_000).toISOString().replace(/\.\d+Z$/, ".000Z");
  const hub = { ...indicator("graph hub indicator", "[domain-name:value = 'graph-hub.example']", CLEAR, alpha), created: t0 };
  const v1 = { ...hub, created: t0, modified: t0, description: "first version" };
  const malware = { type: "malware", spec_version: "2.1", id: `malware--${crypto.randomUUID()}`, created: t0, modified: t0, name: "Graph Loader", is_family: true, created_by_ref: alpha, object_marking_refs: [CLEAR] };
  const rel = { type: "relationship", spec_version: "2.1", id: `relationship--${crypto.randomUUID()}`, created: t0, modified: t0, relationship_type: "indicates", source_ref: hub.id, target_ref: malware.id, created_by_ref: alpha, object_marking_refs: [CLEAR] };
  const sighting = { type: "sighting", spec_version: "2.1", id: `sighting--${crypto.randomUUID()}`, created: t0, modified: t0, sighting_of_ref: hub.id, where_sighted_refs: [alpha], count: 3, first_seen: "2026-01-02T03:04:05.000Z", last_seen: "2026-01-09T03:04:05.000Z", created_by_ref: alpha, object_marking_refs: [CLEAR] };
  // One step further: an actor that uses the malware, shown when the malware's node is expanded.
  const actor = { type: "threat-actor", spec_version: "2.1", id: `threat-actor--${crypto.randomUUID()}`, created: t0, modified: t0, name: "Graph Actor", created_by_ref: alpha, object_marking_refs: [CLEAR] };
  const uses = { ...rel, id: `relationship--${crypto.randomUUID()}`, relationship_type: "uses", source_ref: actor.id, target_ref: malware.id };
  tessera("import", "--org", "Alpha CERT", file("graph1.json", [v1, malware, rel, sighting, actor, uses]));
  tessera("import", "--org", "Alpha CERT", file("graph2.json", [hub]));
  ids.graphHub = hub.id;
  ids.malware = malware.id;

  // More sightings, for the Sightings page: three of Alpha's of the CLEAR indicator, two on the
  // same day two days ago (one CLEAR, one AMBER) and one six days ago; one of Bravo's of the graph
  // hub indicator, yesterday, TLP:RED (Bravo only).
  const daysAgo = (n) => new Date(Date.now() - n * 86_400_000);
  const stamp = (d) => d.toISOString().replace(/\.\d+Z$/, ".000Z");
  const seen = (n, count, of, where, marking, by) => {
    const last = daysAgo(n);
    return { type: "sighting", spec_version: "2.1", id: `sighting--${crypto.randomUUID()}`, created: t0, modified: t0, sighting_of_ref: of, where_sighted_refs: [where], count, first_seen: stamp(new Date(last.getTime() - 3_600_000)), last_seen: stamp(last), created_by_ref: by, object_marking_refs: [marking] };
  };
  sightingDays.two = daysAgo(2).toISOString().slice(0, 10);
  sightingDays.six = daysAgo(6).toISOString().slice(0, 10);
  sightingDays.one = daysAgo(1).toISOString().slice(0, 10);
  tessera("import", "--org", "Alpha CERT", file("sightings-alpha.json", [seen(2, 4, objects.clear.id, alpha, CLEAR, alpha), seen(2, 1, objects.clear.id, alpha, AMBER, alpha), seen(6, 2, objects.clear.id, alpha, CLEAR, alpha)]));
  tessera("import", "--org", "Bravo SOC", file("sightings-bravo.json", [seen(1, 5, hub.id, bravo, RED, bravo)]));

  ({ server, base } = await startHub(CLI, data, WEB_BUILD));
  // The default collection (made by init), where the import put the objects.
  const auth = "Basic " + Buffer.from(`alice:${tokens.alice}`).toString("base64");
  const cols = await (await fetch(`${base}/api/collections/`, { headers: { Authorization: auth, Accept: "application/taxii+json;version=2.1" } })).json();
  collection = cols.collections.find((c) => c.title === "Default").id;

  browser = await launchChromium(env("TESSERA_WEB_SOURCE"), env("TESSERA_CHROMIUM"));
});

after(async () => {
  await browser?.close();
  server?.kill("SIGTERM");
  rmSync(dir, { recursive: true, force: true });
});

const newPage = () => openPage(browser, base, STEP_MS);

const signIn = (page, user, token = tokens[user]) => signInAs(page, base, user, token);

test("the interface's page and files come with their caching and security headers", async () => {
  const index = await fetch(base + "/");
  assert.equal(index.status, 200);
  assert.equal(index.headers.get("cache-control"), "no-cache");
  const csp = index.headers.get("content-security-policy") ?? "";
  for (const part of ["default-src 'self'", "script-src 'self'", "frame-ancestors 'none'"]) assert.ok(csp.includes(part), csp);
  assert.ok(!csp.includes("unsafe-inline"), csp);
  assert.equal(index.headers.get("x-content-type-options"), "nosniff");
  assert.equal(index.headers.get("x-frame-options"), "DENY");
  assert.equal(index.headers.get("referrer-policy"), "no-referrer");
  const html = await index.text();
  assert.ok(!/<script>|<script(?![^>]*\bsrc=)/.test(html), "no inline script");
  const js = /src="(\/assets\/app-[A-Za-z0-9]+\.js)"/.exec(html)?.[1];
  assert.ok(js, html);
  const asset = await fetch(base + js);
  assert.equal(asset.status, 200);
  assert.equal(asset.headers.get("cache-control"), "public, max-age=31536000, immutable");
  assert.match(asset.headers.get("content-type") ?? "", /^text\/javascript/);
  assert.equal(asset.headers.get("x-content-type-options"), "nosniff");
  // The APIs answer as before, without the interface's headers.
  const taxii = await fetch(base + "/taxii2/", { headers: { Accept: "application/taxii+json;version=2.1" } });
  assert.equal(taxii.status, 401);
  assert.equal(taxii.headers.get("content-security-policy"), null);
});

for (const [user, own, other] of [
  ["alice", "alpha red secret", "bravo red secret"],
  ["bob", "bravo red secret", "alpha red secret"],
]) {
  test(`${user} sees its own TLP:RED object and the CLEAR one, never the other organization's`, async () => {
    const { context, page, errors } = await newPage();
    await page.goto(base + "/");
    await page.getByRole("heading", { name: "Sign in to Tessera" }).waitFor();
    if (user === "alice") await page.screenshot({ path: join(SHOTS, "sign-in.png"), fullPage: true });

    // A wrong token: one clear error, still signed out.
    await page.getByLabel("User name").fill(user);
    await page.getByLabel("API token").fill(tokens[user === "alice" ? "bob" : "alice"]);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").getByText("the credentials are not valid").waitFor();

    await signIn(page, user);
    const main = page.locator("main");
    await main.getByRole("link", { name: own }).waitFor();
    await main.getByRole("link", { name: "shared clear indicator" }).waitFor();
    assert.equal(await main.getByText(other).count(), 0, `${user} must not see ${other}`);
    // Alice's RED indicator; Bob's, and his RED sighting.
    assert.equal(await main.locator(".tlp-red").count(), user === "alice" ? 1 : 2);
    if (user === "alice") await page.screenshot({ path: join(SHOTS, "home.png"), fullPage: true });

    // Words: only what this person may read.
    await page.getByLabel(/^Search/).fill("red secret");
    await page.getByLabel(/^Search/).press("Enter");
    await main.getByRole("link", { name: own }).waitFor();
    assert.equal(await main.getByText(other).count(), 0);
    if (user === "alice") await page.screenshot({ path: join(SHOTS, "search.png"), fullPage: true });
    // A value: the CLEAR indicator, for both.
    await page.getByLabel(/^Search/).fill("198.51.100.7");
    await page.getByRole("button", { name: "Search" }).click();
    await main.getByRole("link", { name: "shared clear indicator" }).waitFor();
    await main.locator(".tlp-clear").first().waitFor();

    // The object's page: fields readable, the JSON one click away.
    await page.goto(`${base}/#/object/${collection}/${ids[user === "alice" ? "alphaRed" : "bravoRed"]}`);
    await page.getByRole("heading", { name: own }).waitFor();
    await main.getByText("TLP:RED").first().waitFor();
    assert.equal(await main.locator(".tlp-red").count(), 2, "the object's TLP, and its marking named");
    await main.getByText("[domain-name:value").first().waitFor();
    await page.getByText("JSON", { exact: true }).click();
    await main.locator("pre.json").getByText('"object_marking_refs"').waitFor();
    if (user === "alice") await page.screenshot({ path: join(SHOTS, "object.png"), fullPage: true });
    // The other organization's object by its URL: as if it did not exist.
    await page.goto(`${base}/#/object/${collection}/${ids[user === "alice" ? "bravoRed" : "alphaRed"]}`);
    await main.getByText("There is no such object in this collection, or none you may read.").waitFor();
    assert.equal(await main.getByText(other).count(), 0);

    assert.deepEqual(errors, []);
    await context.close();
  });
}

test("the session cookie is out of scripts' reach, changes need the CSRF token, and signing out ends it", async () => {
  const { context, page } = await newPage();
  await signIn(page, "alice");
  const [cookie] = (await context.cookies()).filter((c) => c.name === "tessera_session");
  assert.ok(cookie, "the session cookie is set");
  assert.equal(cookie.httpOnly, true);
  assert.equal(cookie.sameSite, "Strict");
  assert.equal(cookie.path, "/");
  assert.ok(cookie.expires > Date.now() / 1000, "it expires");
  assert.equal(await page.evaluate(() => document.cookie.includes("tessera_session")), false);

  // A change made with the cookie alone, as another site's page would try: refused.
  const refused = await page.evaluate(async () => (await fetch("/api/v1/session", { method: "DELETE" })).status);
  assert.equal(refused, 403);
  const still = await page.evaluate(async () => (await fetch("/api/v1/whoami")).status);
  assert.equal(still, 200, "the refused request changed nothing");

  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByRole("heading", { name: "Sign in to Tessera" }).waitFor();
  const header = { Cookie: `tessera_session=${cookie.value}`, Accept: "application/json" };
  assert.equal((await fetch(base + "/api/v1/whoami", { headers: header })).status, 401);
  assert.equal((await fetch(base + "/taxii2/", { headers: { ...header, Accept: "application/taxii+json;version=2.1" } })).status, 401);
  // Reloading does not bring the session back.
  await page.reload();
  await page.getByRole("heading", { name: "Sign in to Tessera" }).waitFor();
  await context.close();
});

// The share page's two forms.
const shareSection = (page, heading) => page.locator("section", { has: page.getByRole("heading", { name: heading }) });

test("alice shares a TLP:AMBER indicator with a named recipient: checked as typed, previewed, read by its audience only", async () => {
  const { context, page, errors } = await newPage();
  await signIn(page, "alice");
  await page.getByRole("banner").getByRole("link", { name: "Share", exact: true }).click();
  await page.getByRole("heading", { name: "Share", exact: true }).waitFor();
  await page.waitForFunction(() => document.activeElement?.tagName === "H1" && document.activeElement.textContent === "Share"); // focus on the heading
  const form = shareSection(page, "A new indicator");

  // A bad pattern: the hub's message, at the hub's position, marked in the pattern.
  const bad = "[ipv4-addr:value = '1.2.3.4'";
  const auth = "Basic " + Buffer.from(`alice:${tokens.alice}`).toString("base64");
  const check = await (await fetch(`${base}/api/v1/patterns/check`, { method: "POST", headers: { Authorization: auth, "Content-Type": "application/json" }, body: JSON.stringify({ pattern: bad }) })).json();
  assert.equal(check.valid, false, JSON.stringify(check));
  assert.equal(check.error.position, bad.length, `the missing bracket is at the end: ${JSON.stringify(check)}`);
  await form.getByLabel(/^Pattern/).pressSequentially(bad, { delay: 5 });
  await form.locator(".pattern-error").getByText(`position ${check.error.position}: ${check.error.message}`, { exact: true }).waitFor();
  assert.equal(await form.locator(".pattern-marked mark").count(), 1);

  // A good one: valid, its comparison explained.
  await form.getByLabel(/^Pattern/).fill("[ipv4-addr:value = '203.0.113.77']");
  await form.locator(".pattern-valid").getByText("ipv4-addr:value").waitFor();
  assert.equal(await form.locator(".pattern-error").count(), 0);
  await form.getByLabel("Name", { exact: true }).fill("alpha amber share");

  // The preview: AMBER to the collection's readers; with a named recipient, that one only (and
  // the provider); RED without recipients, the provider only.
  const audience = form.locator(".preview ul.audience");
  await form.getByLabel("TLP").selectOption("amber");
  await audience.getByText("Bravo SOC").waitFor();
  await audience.getByText("Charlie ISAC").waitFor();
  await form.getByLabel("Charlie ISAC").check();
  await audience.getByText("Bravo SOC").waitFor({ state: "detached" });
  await audience.getByText("Charlie ISAC").waitFor();
  await audience.getByText("Alpha CERT").waitFor();
  await form.getByLabel("Charlie ISAC").uncheck();
  await form.getByLabel("TLP").selectOption("red");
  await form.locator(".preview .tlp-red").waitFor();
  await audience.getByText("Alpha CERT").waitFor();
  assert.deepEqual(await audience.locator("li").allTextContents(), ["Alpha CERT"]);
  await form.getByLabel("TLP").selectOption("amber");
  await form.getByLabel("Charlie ISAC").check();
  await audience.getByText("Charlie ISAC").waitFor();
  assert.equal(await audience.getByText("Bravo SOC").count(), 0);

  await form.getByRole("button", { name: "Share the indicator" }).click();
  await form.getByText("Shared: 1 of 1 object added.").waitFor();
  await page.screenshot({ path: join(SHOTS, "share.png"), fullPage: true });
  await form.getByRole("link", { name: "Open the new indicator" }).click();
  await page.getByRole("heading", { name: "alpha amber share" }).waitFor();
  await page.locator("main .tlp-amber").first().waitFor();
  const url = page.url();

  // Its producer finds it by its value.
  await page.getByLabel(/^Search/).fill("203.0.113.77");
  await page.getByLabel(/^Search/).press("Enter");
  await page.locator("main").getByRole("link", { name: "alpha amber share" }).waitFor();
  assert.deepEqual(errors, []);
  await context.close();

  // Bravo is not in its audience: not by URL, not by search.
  const b = await newPage();
  await signIn(b.page, "bob");
  await b.page.goto(url);
  await b.page.locator("main").getByText("There is no such object in this collection, or none you may read.").waitFor();
  await b.page.getByLabel(/^Search/).fill("203.0.113.77");
  await b.page.getByLabel(/^Search/).press("Enter");
  await b.page.locator("main").getByText("Nothing you may read holds this value.").waitFor();
  assert.equal(await b.page.getByText("alpha amber share").count(), 0);
  assert.deepEqual(b.errors, []);
  await b.context.close();
});

test("a bundle upload reports the object the hub refused, by id; a file that is no bundle is refused in the browser", async () => {
  const { context, page, errors } = await newPage();
  await signIn(page, "alice");
  await page.goto(`${base}/#/share`);
  const upload = shareSection(page, "Upload a STIX bundle");
  const notJson = join(dir, "not-json.json");
  writeFileSync(notJson, "this is not JSON");
  await upload.getByLabel("Bundle file (JSON)").setInputFiles(notJson);
  await upload.getByRole("button", { name: "Upload the bundle" }).click();
  await upload.getByRole("alert").getByText(/^the file is not JSON/).waitFor();

  const good = indicator("uploaded good indicator", "[domain-name:value = 'uploaded.example']", CLEAR, undefined);
  delete good.created_by_ref;
  const broken = { ...indicator("uploaded broken indicator", "[domain-name:value = 'broken.example']", CLEAR, undefined), valid_from: "not a time" };
  delete broken.created_by_ref;
  const path = join(dir, "upload.json");
  writeFileSync(path, JSON.stringify({ type: "bundle", id: `bundle--${crypto.randomUUID()}`, objects: [good, broken] }));
  await upload.getByLabel("Bundle file (JSON)").setInputFiles(path);
  await upload.getByRole("button", { name: "Upload the bundle" }).click();
  await upload.getByText("1 of 2 objects was refused; 1 added.").waitFor();
  const failure = upload.locator("ul.failures li");
  assert.equal(await failure.count(), 1);
  assert.match(await failure.textContent(), new RegExp(`^${broken.id}: .*valid_from`));
  assert.deepEqual(errors, []);
  await context.close();
});

test("an object's page: its versions, its pattern explained, its relationship graph and its sightings", async () => {
  const { context, page, errors } = await newPage();
  await signIn(page, "alice");
  await page.goto(`${base}/#/object/${collection}/${ids.graphHub}`);
  await page.getByRole("heading", { name: "graph hub indicator" }).waitFor();
  const main = page.locator("main");
  await main.getByRole("heading", { name: "Versions (2)" }).waitFor();
  await main.locator(".pattern-valid").getByText("domain-name:value").waitFor();
  // The graph: a canvas, and its nodes in the list beside it.
  const list = main.locator(".neighbour-list");
  await list.getByRole("link", { name: "Graph Loader" }).waitFor();
  await main.locator(".graph canvas").first().waitFor();
  assert.match(await list.locator("li", { hasText: "Graph Loader" }).textContent(), /indicates/);
  assert.equal(await list.getByRole("link", { name: "Graph Actor" }).count(), 0, "two steps away: not yet shown");
  // By keyboard: the list's button, as a mouse would click the node.
  await list.getByRole("button", { name: "Show its neighbours: Graph Loader" }).focus();
  await page.keyboard.press("Enter");
  await list.locator("li", { hasText: "Graph Loader" }).getByText("(neighbours shown)").waitFor();
  await list.getByRole("link", { name: "Graph Actor" }).waitFor();
  assert.match(await list.locator("li", { has: page.getByRole("link", { name: "Graph Actor" }) }).textContent(), /it uses Graph Loader/);
  // The sighting: count, first and last seen, where.
  const row = main.locator("table.sightings tbody tr");
  assert.equal(await row.count(), 1);
  const cells = await row.locator("td").allTextContents();
  assert.equal(cells[0], "3");
  assert.equal(cells[1], "2026-01-02 03:04:05Z");
  assert.equal(cells[2], "2026-01-09 03:04:05Z");
  assert.equal(cells[3], "Alpha CERT");
  await page.screenshot({ path: join(SHOTS, "object-graph.png"), fullPage: true });

  // The older version opens by its link.
  await main.locator("ol.versions a").first().click();
  await main.getByText("An older version.").waitFor();
  await main.locator(".fields").getByText("first version", { exact: true }).waitFor();
  // From the neighbour list to the neighbour's page.
  await page.goto(`${base}/#/object/${collection}/${ids.graphHub}`);
  await list.getByRole("link", { name: "Graph Loader" }).click();
  await page.getByRole("heading", { name: "Graph Loader" }).waitFor();
  await main.locator(".neighbour-list").getByRole("link", { name: "graph hub indicator" }).waitFor();
  assert.deepEqual(errors, [], "no error, and no Content-Security-Policy violation (Cytoscape injects no style)");
  await context.close();
});

test("search filters pass to the API: TLP and type keep what they name", async () => {
  const { context, page, errors } = await newPage();
  await signIn(page, "alice");
  await page.goto(`${base}/#/search?q=${encodeURIComponent("secret")}`);
  const main = page.locator("main");
  await main.getByRole("link", { name: "alpha red secret" }).waitFor();
  await main.getByLabel("TLP").selectOption("clear");
  await main.getByRole("button", { name: "Apply filters" }).click();
  await main.getByText("Nothing you may read matches with these filters.").waitFor();
  assert.match(page.url(), /tlp=clear/);
  await main.getByLabel("TLP").selectOption("red");
  await main.getByLabel("Type").selectOption("indicator");
  await main.getByRole("button", { name: "Apply filters" }).click();
  await main.getByRole("link", { name: "alpha red secret" }).waitFor();
  await main.getByLabel("Producer").selectOption("Bravo SOC");
  await main.getByRole("button", { name: "Apply filters" }).click();
  await main.getByText("Nothing you may read matches with these filters.").waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

test("the Sightings page: what each person may read, grouped by what was sighted, and per day over 30 days; Home's chart", async () => {
  const { context, page, errors } = await newPage();
  await signIn(page, "alice");
  const main = page.locator("main");
  // Home: the small chart, its link.
  const home = main.locator("section", { has: page.getByRole("heading", { name: "Sightings over time" }) });
  await home.locator("svg[role=img] rect.bar").first().waitFor();
  assert.equal(await home.locator("svg rect.bar").count(), 2);
  assert.match(await home.locator("svg[role=img]").getAttribute("aria-label"), /: 3 sightings on 2 days; the most, 2, on /);

  await page.getByRole("banner").getByRole("link", { name: "Sightings", exact: true }).click();
  await page.getByRole("heading", { name: "Sightings", exact: true, level: 1 }).waitFor();
  await main.getByRole("heading", { name: "Every sighting (4)" }).waitFor();
  const rows = main.locator("table.sightings-list tbody tr");
  const table = [];
  for (const row of await rows.all()) table.push((await row.locator("td").allTextContents()).slice(1));
  // Count, sighted, where, TLP, producer; not Bravo's RED one.
  const sorted = table.map((r) => r.join(" | ")).sort();
  assert.deepEqual(sorted, [
    "1 | shared clear indicator | Alpha CERT | TLP:AMBER | Alpha CERT",
    "2 | shared clear indicator | Alpha CERT | TLP:CLEAR | Alpha CERT",
    "3 | graph hub indicator | Alpha CERT | TLP:CLEAR | Alpha CERT",
    "4 | shared clear indicator | Alpha CERT | TLP:CLEAR | Alpha CERT",
  ]);
  assert.equal(await main.locator("table.sightings-list .tlp-red").count(), 0);
  // Latest seen first.
  assert.ok((await rows.nth(0).locator("td").first().textContent()).startsWith(sightingDays.two));
  assert.equal(await rows.nth(3).locator("td").first().textContent(), "2026-01-09 03:04:05Z");
  assert.equal(await main.locator("table.sightings-list").getByRole("link", { name: "shared clear indicator" }).count(), 3);
  // Grouped by what was sighted: the counts summed.
  const groups = main.locator("table.sighted-groups tbody tr");
  assert.equal(await groups.count(), 2);
  assert.deepEqual((await groups.nth(0).locator("td").allTextContents()).slice(0, 3), ["shared clear indicator", "3", "7"]);
  assert.deepEqual((await groups.nth(1).locator("td").allTextContents()).slice(0, 3), ["graph hub indicator", "1", "3"]);
  // Over time: one bar per day with sightings, and the same numbers as text.
  const chart = main.locator("section", { has: page.getByRole("heading", { name: "Over time" }) });
  const bars = chart.locator("svg[role=img] rect.bar");
  assert.equal(await bars.count(), 2);
  assert.deepEqual(await bars.evaluateAll((l) => l.map((b) => `${b.dataset.day}=${b.dataset.value}`)), [`${sightingDays.six}=1`, `${sightingDays.two}=2`]);
  const label = await chart.locator("svg[role=img]").getAttribute("aria-label");
  assert.match(label, new RegExp(`: 3 sightings on 2 days; the most, 2, on ${sightingDays.two}\\.$`));
  await chart.getByText("The numbers, per day").click();
  const perDay = [];
  for (const row of await chart.locator("table.chart-table tbody tr").all()) perDay.push((await row.locator("th, td").allTextContents()).join(" "));
  assert.deepEqual(perDay, [`${sightingDays.six} 1 2`, `${sightingDays.two} 2 5`]);
  await page.screenshot({ path: join(SHOTS, "sightings.png"), fullPage: true });
  // At 200% zoom (600 CSS pixels) the page reflows: nothing wider than the window.
  await page.setViewportSize({ width: 600, height: 800 });
  const [scroll, width] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
  assert.ok(scroll <= width, `the page is ${scroll} px wide in a ${width} px window`);
  await page.setViewportSize({ width: 1200, height: 800 });
  // From the table to the sighted object's page.
  await main.locator("table.sighted-groups").getByRole("link", { name: "graph hub indicator" }).click();
  await page.getByRole("heading", { name: "graph hub indicator" }).waitFor();
  assert.deepEqual(errors, [], "no error, and no Content-Security-Policy violation");
  await context.close();

  // Bob: his RED sighting too (of Alpha's CLEAR indicator), yesterday.
  const b = await newPage();
  await signIn(b.page, "bob");
  await b.page.goto(`${base}/#/sightings`);
  const bm = b.page.locator("main");
  await bm.getByRole("heading", { name: "Every sighting (5)" }).waitFor();
  const red = bm.locator("table.sightings-list tbody tr", { has: b.page.locator(".tlp-red") });
  assert.equal(await red.count(), 1);
  assert.deepEqual((await red.locator("td").allTextContents()).slice(1), ["5", "graph hub indicator", "Bravo SOC", "TLP:RED", "Bravo SOC"]);
  const hubGroup = bm.locator("table.sighted-groups tbody tr", { has: b.page.getByRole("link", { name: "graph hub indicator" }) });
  assert.deepEqual((await hubGroup.locator("td").allTextContents()).slice(0, 3), ["graph hub indicator", "2", "8"]);
  const bobChart = bm.locator("section", { has: b.page.getByRole("heading", { name: "Over time" }) });
  assert.equal(await bobChart.locator("svg rect.bar").count(), 3);
  assert.match(await bobChart.locator("svg[role=img]").getAttribute("aria-label"), /: 4 sightings on 3 days; the most, 2, on /);
  assert.deepEqual(b.errors, []);
  await b.context.close();
});
