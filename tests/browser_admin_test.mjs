// The administration and browsing pages in a real browser (ctest label `browser`), as
// tests/browser_test.mjs runs them: Debian's Chromium, headless, playwright-core, a real
// `tessera serve` on a free loopback port with a fresh store, the browser reaching 127.0.0.1 only.
// The admin makes an organization, a user of it and that user's token (shown once), and the new
// user signs in with it; an org-admin is offered only what it may do; an analyst gets the hub's
// refusal when it opens an administration page by URL; a collection of more than 100 objects
// pages forward and back and its type filter narrows the rows. Renaming, disabling and deleting
// organizations, users, sharing groups and collections, each checked against what the admin API
// then answers (a refused deletion shows the hub's reason and changes nothing); a member rotates
// its own token and the old one gets 401; a token's "Last used" appears once it is used.
// Screenshots go to $TESSERA_SCREENSHOTS.
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
  // For renaming and deleting: an organization that provided an object (refused: disable it
  // instead) and one with nothing (deleted); a user that never writes (deleted) and one that writes
  // (disabled instead); a token of mel's never used yet (rotated by mel).
  tessera("org", "add", "Echo Labs");
  tessera("org", "add", "Foxtrot Ltd");
  tessera("user", "add", "gus", "--org", "Alpha CERT", "--role", "analyst");
  tokens.gus = tessera("token", "create", "gus").split("\n")[0];
  tessera("user", "add", "hal", "--org", "Alpha CERT", "--role", "analyst");
  tokens.hal = tessera("token", "create", "hal").split("\n")[0];
  tokens.melCron = tessera("token", "create", "mel", "--label", "cron", "--expires", "30d").split("\n")[0];

  const objects = [];
  for (let i = 1; i <= BULK_INDICATORS; i++) {
    const n = String(i).padStart(3, "0");
    objects.push(stix("indicator", `bulk indicator ${n}`, alpha, { pattern: `[domain-name:value = 'bulk-${n}.example']`, pattern_type: "stix", valid_from: "2024-01-01T00:00:00Z" }));
  }
  for (let i = 1; i <= BULK_MALWARE; i++) objects.push(stix("malware", `bulk malware ${i}`, alpha, { is_family: true }));
  const file = join(dir, "bulk.json");
  writeFileSync(file, JSON.stringify({ type: "bundle", id: `bundle--${crypto.randomUUID()}`, objects }));
  tessera("import", "--org", "Alpha CERT", file);
  const echo = join(dir, "echo.json");
  writeFileSync(echo, JSON.stringify({ type: "bundle", id: `bundle--${crypto.randomUUID()}`, objects: [stix("malware", "echo malware", undefined, { is_family: true })].map((o) => (delete o.created_by_ref, o)) }));
  tessera("import", "--org", "Echo Labs", echo);

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
  const [scroll, width, widest] = await page.evaluate(() => {
    const w = document.documentElement.clientWidth;
    // The outermost element that sticks out, to name in the failure.
    const out = [...document.querySelectorAll("body *")].find((e) => !e.closest(".table-wrap") && e.getBoundingClientRect().right > w + 0.5);
    return [document.documentElement.scrollWidth, w, out ? `<${out.tagName.toLowerCase()} class="${out.className}">${(out.textContent ?? "").slice(0, 60)}` : ""];
  });
  assert.ok(scroll <= width, `the page is ${scroll} px wide in a ${width} px window (${widest})`);
  await page.setViewportSize({ width: 1200, height: 800 });
}

// Waits until the focused element is the one whose text is `text`: each page moves focus to its
// heading, and each action to its outcome (after it renders, hence the wait). Polled from here:
// page.waitForFunction would poll through eval, which the hub's Content-Security-Policy forbids.
async function focusIsOn(page, text) {
  const focused = () => page.evaluate(() => document.activeElement?.textContent ?? "");
  const until = Date.now() + STEP_MS;
  let now = await focused();
  while (now !== text && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 50));
    now = await focused();
  }
  assert.equal(now, text, "the focused element");
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
  for (let i = 0; i < 60 && (await page.evaluate(() => document.activeElement?.getAttribute("name"))) !== "name"; i++) await page.keyboard.press("Tab");
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
  // Disabling asks first; "Yes, disable" has the focus, and Cancel gives it back to "Disable".
  await focusIsOn(page, "Yes, disable erin");
  await erin.getByRole("button", { name: "Cancel" }).click();
  await focusIsOn(page, "Disable erin");
  assert.equal(await works(), 200, "a cancelled disable changes nothing");
  await erin.getByRole("button", { name: "Disable erin" }).click();
  await erin.getByRole("button", { name: "Yes, disable erin" }).click();
  await erin.getByRole("cell", { name: "disabled" }).waitFor();
  await focusIsOn(page, "erin is disabled.");
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
  await row.getByRole("button", { name: "Yes, revoke erin's feed" }).click();
  await row.getByRole("cell", { name: "revoked" }).waitFor();
  assert.equal(await row.getByRole("button").count(), 0, "a revoked token offers no revoke");
  assert.equal(await works(), 401);

  assert.deepEqual(refusals, []);
  assert.deepEqual(errors, []);
  await context.close();
});

// The admin API's answer to `path`, asked with the admin's token apart from the page.
async function asAdmin(path, init = {}) {
  const res = await fetch(`${base}${path}`, { ...init, headers: { Authorization: `Bearer ${tokens.admin}`, Accept: "application/json", "Content-Type": "application/json", ...init.headers } });
  return { status: res.status, body: res.status === 204 ? null : await res.json() };
}
const orgNamed = async (name) => (await asAdmin("/api/v1/orgs")).body.items.find((o) => o.name === name);
const whoamiWith = async (token) => (await fetch(`${base}/api/v1/whoami`, { headers: { Authorization: `Bearer ${token}`, Accept: "application/json" } })).status;

test("the admin renames, disables and enables an organization, and deletes one; a refused deletion shows the hub's reason and changes nothing", async () => {
  const { context, page, errors, refusals } = await newPage();
  await signIn(page, "admin");
  const main = page.locator("main");
  const before = await orgNamed("Echo Labs");
  assert.ok(before && before.disabled === false);
  await page.goto(`${base}/#/admin/orgs`);
  await page.getByRole("heading", { name: "Organizations", level: 1 }).waitFor();
  const rowOf = (name) => main.getByRole("row").filter({ has: page.getByRole("cell", { name, exact: true }) });

  // Rename: the field opens with the name, focused; the identity id stays.
  await rowOf("Echo Labs").getByRole("button", { name: "Rename Echo Labs" }).click();
  const field = page.getByLabel("New name for Echo Labs");
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("name")), "new-name");
  await field.fill("Echo Research");
  await field.press("Enter");
  const echo = rowOf("Echo Research");
  await echo.getByRole("status").getByText(`Renamed Echo Labs to Echo Research; its identity id stays ${before.identity_id}.`).waitFor();
  await focusIsOn(page, `Renamed Echo Labs to Echo Research; its identity id stays ${before.identity_id}.`);
  const renamed = await orgNamed("Echo Research");
  assert.equal(renamed.id, before.id);
  assert.equal(renamed.identity_id, before.identity_id, "a renamed organization keeps its STIX identity id");
  assert.equal(renamed.identity.name, "Echo Research");
  assert.equal(await orgNamed("Echo Labs"), undefined);

  // A name taken: the hub's answer beside the row, the field still open, nothing changed.
  await echo.getByRole("button", { name: "Rename Echo Research" }).click();
  await page.getByLabel("New name for Echo Research").fill("Alpha CERT");
  await page.getByRole("button", { name: "Save name" }).click();
  await echo.getByRole("alert").getByText(/Alpha CERT.*exists/).waitFor();
  await echo.getByRole("button", { name: "Cancel" }).click();
  await focusIsOn(page, "Rename Echo Research");
  assert.equal((await orgNamed("Echo Research")).id, before.id);

  // Deleting an organization that provided an object is refused with the reason, which says to
  // disable it instead; nothing changes.
  const orgsBefore = (await asAdmin("/api/v1/orgs")).body.items;
  await echo.getByRole("button", { name: "Delete Echo Research" }).click();
  await echo.getByRole("group", { name: "Confirm: delete Echo Research" }).getByText("Delete Echo Research? This cannot be undone.").waitFor();
  await echo.getByRole("button", { name: "Yes, delete Echo Research" }).click();
  const refused = echo.getByRole("alert");
  await refused.waitFor();
  const reason = await refused.textContent();
  assert.match(reason, /^Refused: organization 'Echo Research' cannot be deleted: it provided 1 object version\(s\).*disable it instead/);
  await focusIsOn(page, reason);
  await page.screenshot({ path: join(SHOTS, "admin-org-refused.png"), fullPage: true });
  assert.deepEqual((await asAdmin("/api/v1/orgs")).body.items, orgsBefore, "a refused deletion changes nothing");

  // Disable (after a confirmation), then enable.
  await echo.getByRole("button", { name: "Disable Echo Research" }).click();
  await echo.getByRole("button", { name: "Yes, disable Echo Research" }).click();
  await echo.getByRole("cell", { name: "disabled", exact: true }).waitFor();
  await focusIsOn(page, "Echo Research is disabled: its users' tokens and sessions no longer work. Enable undoes it.");
  assert.equal((await orgNamed("Echo Research")).disabled, true);
  await echo.getByRole("button", { name: "Enable Echo Research" }).click();
  await echo.getByRole("cell", { name: "active", exact: true }).waitFor();
  assert.equal((await orgNamed("Echo Research")).disabled, false);

  // The hub's own organization is never disabled: the refusal, and it stays enabled.
  const hub = (await asAdmin("/api/v1/whoami")).body.org;
  const own = rowOf(hub.name);
  await own.getByRole("button", { name: `Disable ${hub.name}` }).click();
  await own.getByRole("button", { name: `Yes, disable ${hub.name}` }).click();
  await own.getByRole("alert").waitFor();
  assert.equal((await orgNamed(hub.name)).disabled, false);

  // An organization with nothing is deleted: the row goes, the page says so (with the focus).
  const foxtrot = await orgNamed("Foxtrot Ltd");
  await rowOf("Foxtrot Ltd").getByRole("button", { name: "Delete Foxtrot Ltd" }).click();
  await rowOf("Foxtrot Ltd").getByRole("button", { name: "Yes, delete Foxtrot Ltd" }).click();
  await main.getByRole("status").getByText("Deleted the organization Foxtrot Ltd.").waitFor();
  await focusIsOn(page, "Deleted the organization Foxtrot Ltd.");
  await rowOf("Foxtrot Ltd").waitFor({ state: "detached" });
  assert.equal((await asAdmin(`/api/v1/orgs/${foxtrot.id}`)).status, 404);
  await reflowsAt200(page);

  assert.deepEqual(refusals, []);
  assert.deepEqual(errors, []);
  await context.close();
});

test("the admin renames a user and deletes two: one that never wrote is deleted, one that wrote is disabled instead and says why", async () => {
  const { context, page, errors, refusals } = await newPage();
  // hal writes through the hub (a TAXII status of its own).
  const taxii = { Authorization: "Basic " + Buffer.from(`hal:${tokens.hal}`).toString("base64"), Accept: "application/taxii+json;version=2.1", "Content-Type": "application/taxii+json;version=2.1" };
  const cols = await (await fetch(`${base}/api/collections/`, { headers: taxii })).json();
  const def = cols.collections.find((c) => c.title === "Default" && c.can_write);
  const posted = await fetch(`${base}/api/collections/${def.id}/objects/`, { method: "POST", headers: taxii, body: JSON.stringify({ objects: [stix("malware", "hal's malware", undefined, { is_family: false })].map((o) => (delete o.created_by_ref, o)) }) });
  assert.equal(posted.status, 202);
  const gus = (await asAdmin("/api/v1/users/gus")).body;

  await signIn(page, "admin");
  const main = page.locator("main");
  await page.goto(`${base}/#/admin/users`);
  await page.getByRole("heading", { name: "Users", level: 1 }).waitFor();
  const rowOf = (name) => main.getByRole("row").filter({ has: page.getByRole("cell", { name, exact: true }) });

  await rowOf("gus").getByRole("button", { name: "Rename gus" }).click();
  await page.getByLabel("New name for gus").fill("gustav");
  await page.getByRole("button", { name: "Save name" }).click();
  await rowOf("gustav").getByRole("status").getByText("Renamed gus to gustav; its tokens keep working (an HTTP Basic client gives the new name).").waitFor();
  const renamed = (await asAdmin("/api/v1/users/gustav")).body;
  assert.equal(renamed.id, gus.id);
  assert.equal((await asAdmin("/api/v1/users/gus")).status, 404);
  assert.equal(await whoamiWith(tokens.gus), 200, "its token keeps working");

  await rowOf("gustav").getByRole("button", { name: "Delete gustav" }).click();
  await rowOf("gustav").getByRole("button", { name: "Yes, delete gustav" }).click();
  await main.getByRole("status").getByText("Deleted gustav and its tokens.").waitFor();
  await focusIsOn(page, "Deleted gustav and its tokens.");
  assert.equal((await asAdmin(`/api/v1/users/${gus.id}`)).status, 404);
  assert.equal(await whoamiWith(tokens.gus), 401);

  const hal = rowOf("hal");
  await hal.getByRole("button", { name: "Delete hal" }).click();
  await hal.getByRole("button", { name: "Yes, delete hal" }).click();
  const said = hal.getByRole("status");
  await said.getByText(/^hal was disabled, not deleted: .+\. 1 token revoked\.$/).waitFor();
  await focusIsOn(page, await said.textContent());
  await hal.getByRole("cell", { name: "disabled", exact: true }).waitFor();
  const kept = (await asAdmin("/api/v1/users/hal")).body;
  assert.equal(kept.disabled, true);
  assert.equal(await whoamiWith(tokens.hal), 401);

  // Nobody deletes itself: the admin's own row offers neither delete nor disable.
  assert.equal(await rowOf("admin").getByRole("button", { name: "Delete admin" }).count(), 0);

  assert.deepEqual(refusals, []);
  assert.deepEqual(errors, []);
  await context.close();
});

test("the admin renames a sharing group and edits a collection's details; deleting what something depends on is refused, the rest is deleted", async () => {
  const { context, page, errors, refusals } = await newPage();
  await signIn(page, "admin");
  const main = page.locator("main");
  const groupsBefore = (await asAdmin("/api/v1/groups")).body.items;
  const finance = groupsBefore.find((g) => g.name === "finance-isac");
  assert.ok(finance);
  await asAdmin("/api/v1/groups", { method: "POST", body: JSON.stringify({ name: "short-lived" }) });

  await page.goto(`${base}/#/admin/groups`);
  await page.getByRole("heading", { name: "Sharing groups", level: 1 }).waitFor();
  const rowOf = (name) => main.getByRole("row").filter({ has: page.getByRole("cell", { name, exact: true }) });
  // finance-isac is the audience of Finance feed: refused, with the reason; nothing changes.
  await rowOf("finance-isac").getByRole("button", { name: "Delete finance-isac" }).click();
  await rowOf("finance-isac").getByRole("button", { name: "Yes, delete finance-isac" }).click();
  const refused = rowOf("finance-isac").getByRole("alert");
  await refused.waitFor();
  assert.match(await refused.textContent(), /^Refused: sharing group 'finance-isac' cannot be deleted: it is the audience group of 1 collection/);
  const groupsNow = (await asAdmin("/api/v1/groups")).body.items;
  assert.deepEqual(groupsNow.find((g) => g.id === finance.id), finance);

  await rowOf("finance-isac").getByRole("button", { name: "Rename finance-isac" }).click();
  await page.getByLabel("New name for finance-isac").fill("fin-isac");
  await page.getByRole("button", { name: "Save name" }).click();
  await rowOf("fin-isac").getByRole("status").getByText("Renamed finance-isac to fin-isac.").waitFor();
  assert.equal((await asAdmin(`/api/v1/groups/${finance.id}`)).body.name, "fin-isac");

  await rowOf("short-lived").getByRole("button", { name: "Delete short-lived" }).click();
  await rowOf("short-lived").getByRole("button", { name: "Yes, delete short-lived" }).click();
  await main.getByRole("status").getByText("Deleted the sharing group short-lived.").waitFor();
  assert.equal((await asAdmin("/api/v1/groups/short-lived")).status, 404);

  // A collection's details: title, description, alias, default TLP; its id stays.
  await page.getByRole("navigation", { name: "Administration" }).getByRole("link", { name: "Collections" }).click();
  await page.getByRole("heading", { name: "Collections", level: 1 }).waitFor();
  const feed = (await asAdmin("/api/v1/collections")).body.items.find((c) => c.title === "Finance feed");
  await rowOf("Finance feed").getByRole("button", { name: "Edit details of Finance feed" }).click();
  await focusIsOn(page, "Details of Finance feed");
  const edit = page.getByRole("form", { name: "Details of Finance feed" });
  await edit.getByLabel("Title").fill("Banking feed");
  await edit.getByLabel("Description").fill("What banks share");
  await edit.getByLabel(/^Alias/).fill("banking");
  await edit.getByLabel(/^Default TLP/).selectOption("amber");
  await edit.getByRole("button", { name: "Save details" }).click();
  await focusIsOn(page, "Saved Banking feed (alias banking).");
  const after = (await asAdmin(`/api/v1/collections/${feed.id}`)).body;
  assert.deepEqual([after.id, after.title, after.description, after.alias, after.default_tlp], [feed.id, "Banking feed", "What banks share", "banking", "amber"]);
  assert.deepEqual([after.readers, after.writers, after.audience_group], [feed.readers, feed.writers, feed.audience_group], "access stays as it was");
  const banking = main.getByRole("row").filter({ has: page.getByRole("link", { name: "Banking feed" }) });
  await banking.getByRole("cell", { name: "banking", exact: true }).waitFor();
  await page.getByRole("button", { name: "Close" }).click();

  // The default collection holds objects: refused. The empty Banking feed is deleted.
  const all = (await asAdmin("/api/v1/collections")).body.items;
  const defRow = main.getByRole("row").filter({ has: page.getByRole("link", { name: "Default", exact: true }) });
  await defRow.getByRole("button", { name: "Delete Default" }).click();
  await defRow.getByRole("button", { name: "Yes, delete Default" }).click();
  await defRow.getByRole("alert").getByText(/^Refused: collection 'Default' cannot be deleted: /).waitFor();
  assert.deepEqual((await asAdmin("/api/v1/collections")).body.items, all);
  await banking.getByRole("button", { name: "Delete Banking feed" }).click();
  await banking.getByRole("button", { name: "Yes, delete Banking feed" }).click();
  await main.getByRole("status").getByText("Deleted the collection Banking feed.").waitFor();
  await focusIsOn(page, "Deleted the collection Banking feed.");
  assert.equal((await asAdmin(`/api/v1/collections/${feed.id}`)).status, 404);
  // Now nothing holds the group: it may go.
  await page.getByRole("navigation", { name: "Administration" }).getByRole("link", { name: "Sharing groups" }).click();
  await rowOf("fin-isac").getByRole("button", { name: "Delete fin-isac" }).click();
  await rowOf("fin-isac").getByRole("button", { name: "Yes, delete fin-isac" }).click();
  await main.getByRole("status").getByText("Deleted the sharing group fin-isac.").waitFor();
  assert.equal((await asAdmin(`/api/v1/groups/${finance.id}`)).status, 404);

  assert.deepEqual(refusals, []);
  assert.deepEqual(errors, []);
  await context.close();
});

test("a member opens its own tokens, sees when each was last used, rotates one (the old one then gets 401) and creates one", async () => {
  const { context, page, errors, refusals } = await newPage();
  await signIn(page, "mel");
  const main = page.locator("main");
  assert.equal(await page.getByRole("link", { name: "Administration" }).count(), 0);
  await page.getByRole("banner").getByRole("link", { name: "Your tokens" }).click();
  await page.getByRole("heading", { name: "Your API tokens", level: 1 }).waitFor();
  await focusIsOn(page, "Your API tokens");
  assert.deepEqual(await page.getByRole("navigation", { name: "Administration" }).getByRole("link").allTextContents(), ["API tokens"]);
  const cron = main.getByRole("row").filter({ hasText: "cron" });
  const cells = async (row) => row.locator("td").allTextContents();
  await cron.waitFor();
  // Columns: label, id, user, created, expires, last used, state, actions.
  assert.equal((await cells(cron))[5], "never");

  // One use, then the page shows when (the hub writes a use from a thread of its own: wait for it).
  assert.equal(await whoamiWith(tokens.melCron), 200);
  const melTokens = async () => (await asAdmin("/api/v1/tokens?user=mel")).body.items;
  const cronId = (await melTokens()).find((t) => t.label === "cron").id;
  for (let i = 0; i < 100 && !(await melTokens()).find((t) => t.id === cronId).last_used; i++) await new Promise((r) => setTimeout(r, 100));
  const lastUsed = (await melTokens()).find((t) => t.id === cronId).last_used;
  assert.ok(lastUsed, "the hub recorded the use");
  await page.reload();
  await page.getByRole("heading", { name: "Your API tokens", level: 1 }).waitFor();
  await cron.waitFor();
  assert.match((await cells(cron))[5], /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
  assert.equal((await cells(cron))[5], lastUsed.replace("T", " ").replace(/\.\d+Z$/, "Z"));

  // Rotate it: asked first; the new secret shown once, the old token revoked.
  await cron.getByRole("button", { name: "Rotate cron" }).click();
  await cron.getByText("Rotate cron? A new token replaces it and it is revoked at once.").waitFor();
  await cron.getByRole("button", { name: "Yes, rotate cron" }).click();
  await page.getByRole("heading", { name: "New token for mel (cron)" }).waitFor();
  await focusIsOn(page, "New token for mel (cron)");
  await main.getByText(`It replaces the token ${cronId}, which is now revoked`).waitFor();
  const secret = await page.getByLabel("Token", { exact: true }).inputValue();
  assert.match(secret, /^tsr_[0-9a-f]{16}_/);
  assert.equal(await whoamiWith(tokens.melCron), 401, "the old token is refused");
  assert.equal(await whoamiWith(secret), 200, "the new one works");
  const now = await melTokens();
  assert.equal(now.find((t) => t.id === cronId).status, "revoked");
  const fresh = now.find((t) => t.label === "cron" && t.id !== cronId);
  assert.equal(fresh.status, "active");
  assert.equal(Date.parse(fresh.expires) - Date.parse(fresh.created), 30 * 24 * 3600 * 1000, "the same lifetime, from now");
  await page.getByRole("button", { name: "I have copied it" }).click();
  await main.getByRole("row").filter({ hasText: cronId }).getByRole("cell", { name: "revoked" }).waitFor();
  assert.ok(!(await page.content()).includes(secret), "the secret is not on the list");

  // A new token of its own.
  await page.getByRole("heading", { name: "Create a token for mel" }).waitFor();
  await page.getByLabel("Label").fill("laptop");
  await page.getByRole("button", { name: "Create token" }).click();
  await page.getByRole("heading", { name: "New token for mel (laptop)" }).waitFor();
  assert.equal(await whoamiWith(await page.getByLabel("Token", { exact: true }).inputValue()), 200);
  await page.getByRole("button", { name: "I have copied it" }).click();

  // The token this browser signed in with: marked, and rotating it signs in again with the new
  // one (the hub ends a session whose token is revoked), so the page and its secret stay.
  const signInId = (await melTokens()).find((t) => t.label === "").id;
  const own = main.getByRole("row").filter({ hasText: signInId });
  await own.getByText("this browser's sign-in").waitFor();
  await own.getByRole("button", { name: `Rotate ${signInId}` }).click();
  await own.getByText(/This browser signed in with it: it signs in again with the new one\.$/).waitFor();
  await own.getByRole("button", { name: `Yes, rotate ${signInId}` }).click();
  await main.getByText("This browser had signed in with the old one and is now signed in with this one.", { exact: false }).waitFor();
  const renewed = await page.getByLabel("Token", { exact: true }).inputValue();
  assert.equal(await whoamiWith(tokens.mel), 401);
  assert.equal(await whoamiWith(renewed), 200);
  tokens.mel = renewed;
  await own.getByRole("cell", { name: "revoked" }).waitFor();
  await page.reload();
  await page.getByRole("heading", { name: "Your API tokens", level: 1 }).waitFor();
  const renewedId = (await melTokens()).find((t) => t.label === "" && t.status === "active").id;
  await main.getByRole("row").filter({ hasText: renewedId }).getByText("this browser's sign-in").waitFor();
  await page.screenshot({ path: join(SHOTS, "own-tokens.png"), fullPage: true });
  await reflowsAt200(page);

  assert.deepEqual(refusals, [], "a member's own tokens meet no refusal");
  assert.deepEqual(errors, []);
  await context.close();
});
