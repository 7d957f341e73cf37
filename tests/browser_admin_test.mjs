// The administration and browsing pages in a real browser (ctest label `browser`), as
// tests/browser_test.mjs runs them: Debian's Chromium, headless, playwright-core, a real
// `tessera serve` on a free loopback port with a fresh store, the browser reaching 127.0.0.1 only.
// The admin makes an organization, a user of it and that user's token (shown once), and the new
// user signs in with it; an org-admin is offered only what it may do; an analyst gets the hub's
// refusal when it opens an administration page by URL; a collection of more than 100 objects
// pages forward and back and its type filter narrows the rows. Screenshots go to
// $TESSERA_SCREENSHOTS.
//
// Environment (tests/browser.cmake sets it): TESSERA_CLI, TESSERA_WEB_BUILD, TESSERA_WEB_SOURCE,
// TESSERA_CHROMIUM, TESSERA_SCREENSHOTS.

import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { cliOn, env, launchChromium, openPage, signInAs, startHub } from "./browser_hub.mjs";

const CLI = env("TESSERA_CLI");
const WEB_BUILD = env("TESSERA_WEB_BUILD");
const SHOTS = env("TESSERA_SCREENSHOTS");
const STEP_MS = 20_000; // one browser step (ASan builds answer slowly)

const dir = mkdtempSync(join(tmpdir(), "tessera-browser-admin-"));
const data = join(dir, "data");
let server;
let base = "";
let browser;
const tokens = {};

const BULK_INDICATORS = 130; // more than a page of 100
const BULK_MALWARE = 3;

const tessera = cliOn(CLI, data);

const CLEAR = "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487";

function stix(type, name, createdBy, extra) {
  const now = new Date().toISOString().replace(/\.\d+Z$/, ".000Z");
  return { type, spec_version: "2.1", id: `${type}--${crypto.randomUUID()}`, created: now, modified: now, name, created_by_ref: createdBy, object_marking_refs: [CLEAR], ...extra };
}

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  tessera("init", "--admin-token-file", join(dir, "admin-token"));
  tokens.admin = readFileSync(join(dir, "admin-token"), "utf8").trim();
  const alpha = tessera("org", "add", "Alpha CERT");
  tessera("user", "add", "olga", "--org", "Alpha CERT", "--role", "org-admin");
  tessera("user", "add", "mel", "--org", "Alpha CERT", "--role", "analyst");
  tokens.olga = tessera("token", "create", "olga").split("\n")[0];
  tokens.mel = tessera("token", "create", "mel").split("\n")[0];
  tessera("user", "add", "erin", "--org", "Alpha CERT", "--role", "analyst");
  tokens.erin = tessera("token", "create", "erin", "--label", "erin's feed").split("\n")[0];

  const objects = [];
  for (let i = 1; i <= BULK_INDICATORS; i++) {
    const n = String(i).padStart(3, "0");
    objects.push(stix("indicator", `bulk indicator ${n}`, alpha, { pattern: `[domain-name:value = 'bulk-${n}.example']`, pattern_type: "stix", valid_from: "2024-01-01T00:00:00Z" }));
  }
  for (let i = 1; i <= BULK_MALWARE; i++) objects.push(stix("malware", `bulk malware ${i}`, alpha, { is_family: true }));
  const file = join(dir, "bulk.json");
  writeFileSync(file, JSON.stringify({ type: "bundle", id: `bundle--${crypto.randomUUID()}`, objects }));
  tessera("import", "--org", "Alpha CERT", file);

  ({ server, base } = await startHub(CLI, data, WEB_BUILD));

  browser = await launchChromium(env("TESSERA_WEB_SOURCE"), env("TESSERA_CHROMIUM"));
});

after(async () => {
  await browser?.close();
  server?.kill("SIGTERM");
  rmSync(dir, { recursive: true, force: true });
});

const newPage = () => openPage(browser, base, STEP_MS);

const signIn = (page, user, token = tokens[user]) => signInAs(page, base, user, token);

async function signOut(page) {
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByRole("heading", { name: "Sign in to Tessera" }).waitFor();
}

// At 200% zoom a 1200-pixel window is 600 CSS pixels wide: the page must reflow, not scroll sideways
// (a wide table scrolls in its own box).
async function reflowsAt200(page) {
  await page.setViewportSize({ width: 600, height: 800 });
  const [scroll, width] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
  assert.ok(scroll <= width, `the page is ${scroll} px wide in a ${width} px window`);
  await page.setViewportSize({ width: 1200, height: 800 });
}

// Waits until the focused element is the one whose text is `text`: each page moves focus to its
// heading (after it renders, hence the wait).
async function focusIsOn(page, text) {
  try {
    await page.waitForFunction((t) => document.activeElement?.textContent === t, text, { timeout: STEP_MS });
  } catch {
    assert.fail(`focus is on ${JSON.stringify(await page.evaluate(() => document.activeElement?.textContent ?? ""))}, not ${JSON.stringify(text)}`);
  }
}

test("the admin makes an organization, a user and its token; the user signs in, shares an indicator, finds it, sees its page and graph", async () => {
  const { context, page, errors, refusals } = await newPage();
  await signIn(page, "admin");
  const main = page.locator("main");
  await page.getByRole("link", { name: "Administration" }).click();
  await page.getByRole("heading", { name: "Users", level: 1 }).waitFor();

  // An organization.
  await page.getByRole("navigation", { name: "Administration" }).getByRole("link", { name: "Organizations" }).click();
  await page.getByRole("heading", { name: "Organizations", level: 1 }).waitFor();
  await focusIsOn(page, "Organizations");
  // By keyboard: the heading has the focus; Tab leads through the page to the form's field.
  for (let i = 0; i < 10 && (await page.evaluate(() => document.activeElement?.getAttribute("name"))) !== "name"; i++) await page.keyboard.press("Tab");
  await page.keyboard.type("Delta ISAC");
  await page.keyboard.press("Enter");
  await main.getByRole("status").getByText("Added the organization Delta ISAC.").waitFor();
  await main.getByRole("cell", { name: "Delta ISAC", exact: true }).waitFor();
  // The hub's answer to a name taken, beside the form.
  await page.getByLabel("Name", { exact: true }).fill("Alpha CERT");
  await page.getByRole("button", { name: "Add organization" }).click();
  const taken = main.getByRole("form", { name: "Add an organization" }).getByRole("alert");
  await taken.waitFor();
  assert.match(await taken.textContent(), /Alpha CERT.*exists/);

  // A user of it, with the role that may share.
  await page.getByRole("navigation", { name: "Administration" }).getByRole("link", { name: "Users" }).click();
  await page.getByRole("heading", { name: "Users", level: 1 }).waitFor();
  await page.getByLabel("Name", { exact: true }).fill("dana");
  await page.getByLabel("Organization", { exact: true }).selectOption({ label: "Delta ISAC" });
  await page.getByLabel("Role", { exact: true }).selectOption("analyst");
  await page.getByRole("button", { name: "Add user" }).click();
  await main.getByRole("status").getByText("Added dana (analyst).").waitFor();
  const dana = main.getByRole("row").filter({ has: page.getByRole("cell", { name: "dana", exact: true }) });
  await dana.getByRole("cell", { name: "Delta ISAC" }).waitFor();
  await page.screenshot({ path: join(SHOTS, "admin-users.png"), fullPage: true });

  // Its token, shown once.
  await dana.getByRole("link", { name: "Tokens of dana" }).click();
  await page.getByRole("heading", { name: "API tokens of dana" }).waitFor();
  await page.getByLabel("Label").fill("laptop");
  await page.getByLabel(/^Expires in/).fill("30d");
  await page.getByRole("button", { name: "Create token" }).click();
  await page.getByRole("heading", { name: "New token for dana (laptop)" }).waitFor();
  await focusIsOn(page, "New token for dana (laptop)");
  await main.getByText("Copy it now: it will not be shown again.").waitFor();
  const secret = await page.getByLabel("Token", { exact: true }).inputValue();
  assert.match(secret, /^tsr_[0-9a-f]{16}_/);
  await page.getByRole("button", { name: "Copy token" }).click();
  await main.getByRole("status").filter({ hasText: /Copied to the clipboard|press Ctrl\+C/ }).waitFor();
  await page.screenshot({ path: join(SHOTS, "token-created.png"), fullPage: true });
  await page.getByRole("button", { name: "I have copied it" }).click();
  const row = main.getByRole("row").filter({ hasText: "laptop" });
  await row.getByRole("cell", { name: "active" }).waitFor();
  assert.ok(!(await page.content()).includes(secret), "the secret is not on the token list");
  await page.reload();
  await page.getByRole("heading", { name: "API tokens of dana" }).waitFor();
  await row.waitFor();
  assert.ok(!(await page.content()).includes(secret), "nor after reloading");
  await signOut(page);

  // The new user signs in with it, shares an indicator, relates it to a malware by a bundle,
  // finds the indicator by its value, sees its page and its graph, and signs out: issue 13's
  // "new user" journey, in the browser only.
  await signIn(page, "dana", secret);
  await page.getByText("dana · Delta ISAC · analyst").waitFor();
  assert.equal(await page.getByRole("link", { name: "Administration" }).count(), 0);
  await page.getByRole("banner").getByRole("link", { name: "Share", exact: true }).click();
  await page.getByRole("heading", { name: "Share", exact: true }).waitFor();
  const share = (heading) => page.locator("section", { has: page.getByRole("heading", { name: heading }) });
  const form = share("A new indicator");
  await form.getByLabel("Name", { exact: true }).fill("dana journey indicator");
  await form.getByLabel(/^Pattern/).fill("[domain-name:value = 'dana-journey.example']");
  await form.locator(".pattern-valid").getByText("domain-name:value").waitFor();
  await form.getByLabel("TLP").selectOption("green");
  await form.locator(".preview ul.audience").getByText("Delta ISAC").waitFor();
  await form.getByRole("button", { name: "Share the indicator" }).click();
  await form.getByText("Shared: 1 of 1 object added.").waitFor();
  const href = await form.getByRole("link", { name: "Open the new indicator" }).getAttribute("href");
  const indicatorId = decodeURIComponent(href.split("/").pop());
  assert.match(indicatorId, /^indicator--/);
  const malware = stix("malware", "Journey Malware", undefined, { is_family: false });
  delete malware.created_by_ref;
  const now = new Date().toISOString().replace(/\.\d+Z$/, ".000Z");
  const relationship = { type: "relationship", spec_version: "2.1", id: `relationship--${crypto.randomUUID()}`, created: now, modified: now, relationship_type: "indicates", source_ref: indicatorId, target_ref: malware.id, object_marking_refs: [CLEAR] };
  const bundle = join(dir, "journey.json");
  writeFileSync(bundle, JSON.stringify({ type: "bundle", id: `bundle--${crypto.randomUUID()}`, objects: [malware, relationship] }));
  const upload = share("Upload a STIX bundle");
  await upload.getByLabel("Bundle file (JSON)").setInputFiles(bundle);
  await upload.getByRole("button", { name: "Upload the bundle" }).click();
  await upload.getByText("Shared: 2 of 2 objects added.").waitFor();
  await page.getByLabel(/^Search/).fill("dana-journey.example");
  await page.getByLabel(/^Search/).press("Enter");
  await main.getByRole("link", { name: "dana journey indicator" }).click();
  await page.getByRole("heading", { name: "dana journey indicator" }).waitFor();
  await main.locator(".graph canvas").first().waitFor();
  const neighbours = main.locator(".neighbour-list");
  await neighbours.getByRole("link", { name: "Journey Malware" }).waitFor();
  assert.match(await neighbours.locator("li", { hasText: "Journey Malware" }).textContent(), /indicates/);
  await signOut(page);

  assert.deepEqual(refusals, []);
  assert.deepEqual(errors, []);
  await context.close();
});

test("an org-admin is offered only what it may do, and its clicks meet no refusal", async () => {
  const { context, page, errors, refusals } = await newPage();
  await signIn(page, "olga");
  const main = page.locator("main");
  await page.getByRole("link", { name: "Administration" }).click();
  await page.getByRole("heading", { name: "Users", level: 1 }).waitFor();
  const nav = page.getByRole("navigation", { name: "Administration" });
  assert.deepEqual(await nav.getByRole("link").allTextContents(), ["Users", "API tokens", "Organizations"]);
  await main.getByRole("cell", { name: "mel", exact: true }).waitFor();
  await reflowsAt200(page);
  assert.equal(await main.getByRole("cell", { name: "admin", exact: true }).count(), 0, "the hub's admin is not its to manage");
  const roles = await page.getByLabel("Role", { exact: true }).locator("option").allTextContents();
  assert.deepEqual(roles, ["org-admin", "analyst", "read-only"]);

  await nav.getByRole("link", { name: "Organizations" }).click();
  await page.getByRole("heading", { name: "Organizations", level: 1 }).waitFor();
  await main.getByRole("cell", { name: "Alpha CERT", exact: true }).waitFor();
  assert.equal(await page.getByRole("heading", { name: "Add an organization" }).count(), 0);
  assert.equal(await page.getByRole("button", { name: "Add organization" }).count(), 0);
  await reflowsAt200(page);

  await nav.getByRole("link", { name: "API tokens" }).click();
  await page.getByRole("heading", { name: "API tokens", level: 1 }).waitFor();
  await page.getByRole("heading", { name: "Create a token for olga" }).waitFor();

  assert.deepEqual(refusals, [], "no normal click reaches a 403");
  assert.deepEqual(errors, []);
  await context.close();
});

test("an analyst has no Administration link, and the page by its URL says the hub refused", async () => {
  const { context, page, errors } = await newPage();
  await signIn(page, "mel");
  assert.equal(await page.getByRole("link", { name: "Administration" }).count(), 0);
  await page.goto(`${base}/#/admin/users`);
  await page.getByRole("heading", { name: "Users", level: 1 }).waitFor();
  const alert = page.locator("main").getByRole("alert");
  await alert.waitFor();
  assert.match(await alert.textContent(), /^Not allowed: \S/);
  await page.screenshot({ path: join(SHOTS, "admin-refused.png") });
  assert.equal(await page.getByRole("button", { name: "Add user" }).count(), 0);
  assert.deepEqual(errors, []);
  await context.close();
});

test("a collection of more than 100 objects pages forward and back, and the type filter narrows it", async () => {
  const { context, page, errors } = await newPage();
  await signIn(page, "mel");
  const main = page.locator("main");
  await page.getByRole("link", { name: "Collections", exact: true }).click();
  await page.getByRole("heading", { name: "Collections", level: 1 }).waitFor();
  await main.getByRole("row").filter({ hasText: "Default" }).getByRole("cell", { name: "yes" }).first().waitFor();
  await main.getByRole("link", { name: "Default" }).click();
  await page.getByRole("heading", { name: "Default", level: 1 }).waitFor();
  await focusIsOn(page, "Default");

  // What mel may read there, as TAXII counts it (the bulk import, and what earlier tests shared).
  const taxii = { Authorization: "Basic " + Buffer.from(`mel:${tokens.mel}`).toString("base64"), Accept: "application/taxii+json;version=2.1" };
  const cols = await (await fetch(`${base}/api/collections/`, { headers: taxii })).json();
  const id = cols.collections.find((c) => c.title === "Default").id;
  const count = async (type) => (await (await fetch(`${base}/api/collections/${id}/manifest/?limit=1000${type ? `&match[type]=${type}` : ""}`, { headers: taxii })).json()).objects.length;
  const total = await count();
  const malware = await count("malware");
  assert.ok(total > 100 && total < 200 && malware >= BULK_MALWARE, `${total} objects, ${malware} malware`);
  const body = main.locator("tbody tr");
  await page.getByRole("heading", { name: "Page 1: objects 1–100" }).waitFor();
  assert.equal(await body.count(), 100);
  const firstRow = await body.first().textContent();
  const cells = await body.first().locator("td").allTextContents();
  assert.equal(cells[2], "TLP:CLEAR");
  assert.equal(cells[3], "Alpha CERT");
  assert.match(cells[4], /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/, "the date added");
  await page.screenshot({ path: join(SHOTS, "browse.png") });
  assert.equal(await page.getByRole("button", { name: "Previous page" }).count(), 0);
  await reflowsAt200(page);

  await page.getByRole("button", { name: "Next page" }).first().click();
  await page.getByRole("heading", { name: `Page 2: objects 101–${total}` }).waitFor();
  await focusIsOn(page, `Page 2: objects 101–${total}`);
  assert.equal(await body.count(), total - 100);
  assert.equal(await page.getByRole("button", { name: "Next page" }).count(), 0);
  const names = await main.locator("tbody tr td:nth-child(2)").allTextContents();
  assert.equal(new Set(names).size, names.length);

  await page.getByRole("button", { name: "Previous page" }).last().click();
  await page.getByRole("heading", { name: "Page 1: objects 1–100" }).waitFor();
  assert.equal(await body.first().textContent(), firstRow);

  await page.getByLabel("malware", { exact: true }).check();
  await page.getByRole("button", { name: "Apply filters" }).click();
  await page.getByRole("heading", { name: `Page 1: objects 1–${malware}` }).waitFor();
  assert.match(page.url(), /type=malware/);
  assert.deepEqual(await main.locator("tbody tr td:first-child").allTextContents(), Array(malware).fill("malware"));
  assert.equal(await page.getByRole("button", { name: "Next page" }).count(), 0);
  // Added after now: nothing.
  await page.getByLabel(/^Added after/).fill("2099-01-01T00:00");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await main.getByText("No object you may read matches these filters.").waitFor();
  await main.getByRole("link", { name: "Clear filters" }).click();
  await page.getByRole("heading", { name: "Page 1: objects 1–100" }).waitFor();

  assert.deepEqual(errors, []);
  await context.close();
});

test("the admin makes a sharing group with a member, and a collection it reads, then opens it to all", async () => {
  const { context, page, errors, refusals } = await newPage();
  await signIn(page, "admin");
  const main = page.locator("main");
  await page.goto(`${base}/#/admin/groups`);
  await page.getByRole("heading", { name: "Sharing groups", level: 1 }).waitFor();
  const addGroup = page.getByRole("form", { name: "Add a sharing group" });
  await addGroup.getByLabel("Name", { exact: true }).fill("finance-isac");
  await addGroup.getByLabel("Description").fill("Banks");
  await addGroup.getByRole("button", { name: "Add sharing group" }).click();
  await addGroup.getByRole("status").getByText("Added the sharing group finance-isac.").waitFor();
  const group = main.getByRole("row").filter({ hasText: "finance-isac" });
  await group.getByLabel("Organization to add to finance-isac").selectOption({ label: "Alpha CERT" });
  await group.getByRole("button", { name: "Add to finance-isac" }).click();
  await group.getByRole("button", { name: "Remove Alpha CERT from finance-isac" }).waitFor();

  await page.getByRole("navigation", { name: "Administration" }).getByRole("link", { name: "Collections" }).click();
  await page.getByRole("heading", { name: "Collections", level: 1 }).waitFor();
  const add = page.getByRole("form", { name: "Add a collection" });
  await add.getByLabel("Title").fill("Finance feed");
  await add.getByLabel(/^Alias/).fill("finance");
  await add.getByLabel(/^Default TLP/).selectOption("green");
  const readers = add.getByRole("group", { name: "Readers" });
  await readers.getByLabel(/^Only these/).check();
  await readers.getByLabel("group finance-isac").check();
  const writers = add.getByRole("group", { name: "Writers" });
  await writers.getByLabel(/^Only these/).check();
  await writers.getByLabel("Alpha CERT").check();
  await add.getByLabel(/^Audience/).selectOption({ label: "group finance-isac" });
  await add.getByRole("button", { name: "Add collection" }).click();
  await add.getByRole("status").getByText("Added the collection Finance feed.").waitFor();
  const row = main.getByRole("row").filter({ hasText: "Finance feed" });
  await row.getByRole("cell", { name: "group finance-isac" }).first().waitFor();
  await row.getByRole("cell", { name: "Alpha CERT", exact: true }).waitFor();
  await row.getByText("TLP:GREEN").waitFor();

  await row.getByRole("button", { name: "Edit access of Finance feed" }).click();
  const edit = page.getByRole("form", { name: "Who may read and write Finance feed" });
  await focusIsOn(page, "Who may read and write Finance feed");
  await edit.getByRole("group", { name: "Readers" }).getByLabel("Every organization").check();
  await edit.getByRole("button", { name: "Save access" }).click();
  await edit.getByRole("status").getByText("Saved who may read and write Finance feed.").waitFor();
  await page.screenshot({ path: join(SHOTS, "admin-collections.png"), fullPage: true });
  await row.getByRole("cell", { name: "every organization" }).waitFor();
  // What the hub now holds, asked apart from the page.
  const auth = { Authorization: `Bearer ${tokens.admin}`, Accept: "application/json" };
  const cols = await (await fetch(`${base}/api/v1/collections`, { headers: auth })).json();
  const feed = cols.items.find((c) => c.title === "Finance feed");
  assert.equal(feed.readers.all, true);
  assert.equal(feed.default_tlp, "green");
  assert.equal(feed.alias, "finance");
  assert.notEqual(feed.audience_group, null);

  await page.getByRole("navigation", { name: "Administration" }).getByRole("link", { name: "Sharing groups" }).click();
  await group.getByRole("button", { name: "Remove Alpha CERT from finance-isac" }).click();
  await group.getByText("none").waitFor();

  assert.deepEqual(refusals, []);
  assert.deepEqual(errors, []);
  await context.close();
});

test("the admin disables and enables a user, changes its role and revokes its token; the hub honours each", async () => {
  const { context, page, errors, refusals } = await newPage();
  await signIn(page, "admin");
  const main = page.locator("main");
  // Whether erin's token opens the API now (asked apart from the page).
  const works = async () => (await fetch(`${base}/api/v1/whoami`, { headers: { Authorization: `Bearer ${tokens.erin}`, Accept: "application/json" } })).status;
  assert.equal(await works(), 200);

  await page.goto(`${base}/#/admin/users`);
  const erin = main.getByRole("row").filter({ has: page.getByRole("cell", { name: "erin", exact: true }) });
  await erin.getByRole("button", { name: "Disable erin" }).click();
  await erin.getByRole("cell", { name: "disabled" }).waitFor();
  await main.getByRole("status").getByText("erin is disabled.").waitFor();
  assert.equal(await works(), 401);
  await erin.getByRole("button", { name: "Enable erin" }).click();
  await erin.getByRole("cell", { name: "active" }).waitFor();
  assert.equal(await works(), 200);

  await erin.getByLabel("Role of erin").selectOption("read-only");
  await erin.getByRole("button", { name: "Change role of erin" }).click();
  await main.getByRole("status").getByText("erin is now read-only.").waitFor();
  await erin.getByRole("cell", { name: "read-only", exact: true }).waitFor();
  assert.equal(await works(), 200, "a change between these roles keeps the tokens");

  await erin.getByRole("link", { name: "Tokens of erin" }).click();
  await page.getByRole("heading", { name: "API tokens of erin" }).waitFor();
  const row = main.getByRole("row").filter({ hasText: "erin's feed" });
  await row.getByRole("button", { name: "Revoke erin's feed" }).click();
  await row.getByRole("cell", { name: "revoked" }).waitFor();
  assert.equal(await row.getByRole("button").count(), 0, "a revoked token offers no revoke");
  assert.equal(await works(), 401);

  assert.deepEqual(refusals, []);
  assert.deepEqual(errors, []);
  await context.close();
});
