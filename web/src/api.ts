// The hub's HTTP APIs as the interface uses them: the admin API under /api/v1/ (sign-in, who am
// I, organizations, search) and TAXII 2.1 (collections, objects). Every request goes to this
// origin with the session cookie; a request that changes something carries the session's CSRF
// token. Nothing here decides what a person may see: the hub answers only what it may.

const CSRF_KEY = "tessera.csrf";
// The id of the token the session signed in with (not secret: the part of a token before its
// secret, as the token list shows it), so that rotating that token can sign in again.
const TOKEN_ID_KEY = "tessera.session-token";
const TAXII = "application/taxii+json;version=2.1";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

// Called when the hub answers 401 to a signed-in request: the session has ended.
let onSignedOut: () => void = () => {};
export function whenSignedOut(fn: () => void): void {
  onSignedOut = fn;
}

function csrfToken(): string {
  return localStorage.getItem(CSRF_KEY) ?? "";
}

interface RequestOptions {
  body?: unknown;
  accept?: string;
  contentType?: string; // of the body; application/json unless given
  headers?: Record<string, string>;
}

async function request(method: string, path: string, opts: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { ...opts.headers, Accept: opts.accept ?? "application/json" };
  if (opts.body !== undefined) headers["Content-Type"] = opts.contentType ?? "application/json";
  if (method !== "GET" && method !== "HEAD") headers["X-CSRF-Token"] = csrfToken();
  const res = await fetch(path, {
    method,
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    credentials: "same-origin",
    cache: "no-store",
  });
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`;
    try {
      const err = await res.json();
      if (err && typeof err.description === "string") message = err.description;
    } catch {
      // not JSON: keep the status line
    }
    if (res.status === 401 && path !== "/api/v1/session") onSignedOut();
    throw new ApiError(res.status, message);
  }
  return res;
}

async function json<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  return (await request(method, path, opts)).json() as Promise<T>;
}

export interface Session {
  csrf_token: string;
  expires: string;
  user: string;
  role: string;
  org_identity: string;
}

export interface WhoAmI {
  user: { name: string; role: string };
  org: { name: string; identity_id: string };
  sharing_groups?: { id: number; name: string; description?: string }[];
}

export async function signIn(user: string, token: string): Promise<Session> {
  const s = await json<Session>("POST", "/api/v1/session", { body: { user, token } });
  localStorage.setItem(CSRF_KEY, s.csrf_token);
  localStorage.setItem(TOKEN_ID_KEY, /^tsr_([0-9a-f]+)_/.exec(token)?.[1] ?? "");
  return s;
}

export async function signOut(): Promise<void> {
  try {
    await request("DELETE", "/api/v1/session");
  } finally {
    localStorage.removeItem(CSRF_KEY);
    localStorage.removeItem(TOKEN_ID_KEY);
  }
}

// The id of the token this browser's session signed in with; "" when not known.
export function sessionTokenId(): string {
  return localStorage.getItem(TOKEN_ID_KEY) ?? "";
}

// Whether this browser holds the CSRF token of a session (without it, it cannot sign out or
// change anything: it signs in anew).
export function holdsSession(): boolean {
  return csrfToken() !== "";
}

export function forgetSession(): void {
  localStorage.removeItem(CSRF_KEY);
  localStorage.removeItem(TOKEN_ID_KEY);
}

// Who the session belongs to; null when there is no valid session (401).
export async function whoAmI(): Promise<WhoAmI | null> {
  const res = await fetch("/api/v1/whoami", { headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" });
  if (res.status === 401) return null;
  if (!res.ok) throw new ApiError(res.status, `${res.status} ${res.statusText}`);
  return res.json() as Promise<WhoAmI>;
}

export interface Organization {
  id: number;
  name: string;
  identity_id: string;
}

export async function organizations(): Promise<Organization[]> {
  return (await json<{ items: Organization[] }>("GET", "/api/v1/orgs")).items;
}

export interface SearchHit {
  id: string;
  type: string;
  name: string;
  tlp: string;
  producer: string;
  producer_org?: string;
  collection: string;
  date_added: string;
  modified?: string;
  revoked: boolean;
  matched: string;
}

export interface TextResults {
  found: boolean;
  hits: SearchHit[];
  more: boolean;
  next?: string;
}

export interface ValueResult {
  value: string;
  found: boolean;
  hits: SearchHit[];
  related: SearchHit[];
  truncated: boolean;
}

// Search filters (docs/search.md, "Filters"): each name may repeat (any of the values).
export interface SearchFilters {
  type?: string[];
  tlp?: string[];
  producer?: string[];
}

function addFilters(q: URLSearchParams, filters: SearchFilters): void {
  for (const key of ["type", "tlp", "producer"] as const) for (const v of filters[key] ?? []) if (v) q.append(key, v);
}

export async function searchText(text: string, next?: string, filters: SearchFilters = {}): Promise<TextResults> {
  const q = new URLSearchParams({ text, limit: "50" });
  addFilters(q, filters);
  if (next) q.set("next", next);
  return json<TextResults>("GET", `/api/v1/search?${q}`);
}

export async function searchValue(value: string, filters: SearchFilters = {}): Promise<ValueResult> {
  const q = new URLSearchParams({ value });
  addFilters(q, filters);
  const answer = await json<{ results: ValueResult[] }>("GET", `/api/v1/search?${q}`);
  return answer.results[0];
}

// What this person may read that was added after `since`, newest first: a search with no value
// and no text (docs/search.md, "Listing").
export async function arrivedSince(since: Date, limit: number): Promise<TextResults> {
  const q = new URLSearchParams({ added_after: since.toISOString(), limit: String(limit) });
  return json<TextResults>("GET", `/api/v1/search?${q}`);
}

// ---- TAXII ----

export interface Collection {
  id: string;
  title: string;
  can_read: boolean;
  can_write: boolean;
}

export type StixObject = Record<string, unknown> & { id: string; type: string };

interface Envelope {
  more?: boolean;
  next?: string;
  objects?: StixObject[];
}

// The path of the hub's first API root ("/api/"), from discovery.
let apiRoot: Promise<string> | null = null;
export function taxiiRoot(): Promise<string> {
  if (!apiRoot) {
    apiRoot = json<{ api_roots?: string[]; default?: string }>("GET", "/taxii2/", { accept: TAXII }).then((d) => {
      const first = d.default ?? d.api_roots?.[0];
      if (!first) throw new ApiError(404, "this hub has no TAXII API root");
      return new URL(first, location.href).pathname;
    });
    apiRoot.catch(() => (apiRoot = null));
  }
  return apiRoot;
}

export async function collections(): Promise<Collection[]> {
  const root = await taxiiRoot();
  const d = await json<{ collections?: Collection[] }>("GET", `${root}collections/`, { accept: TAXII });
  return d.collections ?? [];
}

// The latest version of object `id` in `collection`; null when the hub answers 404 (no such
// object, or none this person may read: the hub does not say which).
export async function object(collection: string, id: string): Promise<StixObject | null> {
  const root = await taxiiRoot();
  try {
    const page = await json<Envelope>("GET", `${root}collections/${encodeURIComponent(collection)}/objects/${encodeURIComponent(id)}/`, { accept: TAXII });
    const objects = page.objects ?? [];
    return objects.length ? objects[objects.length - 1] : null;
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

// ---- administration (/api/v1/: organizations, users, tokens, sharing groups, collections) ----
// The hub decides who may do what (docs/admin.md); these calls only ask, and a refusal comes back
// as an ApiError carrying the hub's own description.

export type Role = "admin" | "org-admin" | "analyst" | "read-only" | "sync";
export const ROLES: Role[] = ["admin", "org-admin", "analyst", "read-only", "sync"];

export interface OrgRecord extends Organization {
  created?: string;
  disabled?: boolean; // admins only
}

export interface User {
  id: number;
  name: string;
  org_id: number;
  role: Role;
  disabled: boolean;
  created: string;
}

export interface Token {
  id: string;
  user_id: number;
  user: string;
  label: string;
  created: string;
  expires: string | null;
  revoked: boolean;
  status: "active" | "revoked" | "expired";
  last_used: string | null; // when it last authenticated a request, to the minute; null: never
}

export interface IssuedToken extends Token {
  token: string;
}

export interface SharingGroup {
  id: number;
  name: string;
  description: string;
  members: number[];
  created: string;
}

export interface Grants {
  all?: boolean;
  orgs?: (number | string)[];
  groups?: (number | string)[];
}

export type TlpLevel = "clear" | "green" | "amber" | "amber+strict" | "red";
export const TLP_LEVELS: TlpLevel[] = ["clear", "green", "amber", "amber+strict", "red"];

export interface CollectionRecord {
  id: string;
  api_root: string;
  title: string;
  description: string;
  alias: string | null;
  default_tlp: TlpLevel;
  readers: Grants;
  writers: Grants;
  audience_group: number | null;
  created: string;
}

export interface CollectionChange {
  title?: string;
  description?: string;
  alias?: string | null;
  default_tlp?: TlpLevel;
  readers?: Grants | "all";
  writers?: Grants | "all";
  audience_group?: number | string | null;
}

const items = async <T>(path: string): Promise<T[]> => (await json<{ items: T[] }>("GET", path)).items;
const seg = encodeURIComponent;

export const listOrgs = () => items<OrgRecord>("/api/v1/orgs");
export const createOrg = (name: string) => json<OrgRecord>("POST", "/api/v1/orgs", { body: { name } });
// Renames (the identity id stays), disables or enables an organization (admins).
export const patchOrg = (id: number, change: { name?: string; disabled?: boolean }) => json<OrgRecord>("PATCH", `/api/v1/orgs/${id}`, { body: change });
// Deletes an organization (admins); a 409 ApiError says what holds it.
export const deleteOrg = async (id: number): Promise<void> => void (await request("DELETE", `/api/v1/orgs/${id}`));

export const listUsers = (org?: string) => items<User>(`/api/v1/users${org ? `?${new URLSearchParams({ org })}` : ""}`);
// `org` left out: the caller's own organization (what an org-admin creates in).
export const createUser = (name: string, role: Role, org?: number) => json<User>("POST", "/api/v1/users", { body: org === undefined ? { name, role } : { name, org, role } });
export const patchUser = (id: number, change: { disabled?: boolean; role?: Role; name?: string }) => json<User & { revoked_tokens: string[] }>("PATCH", `/api/v1/users/${id}`, { body: change });

// What deleting a user did: deleted it (it never wrote), or disabled it and revoked its tokens,
// saying why in `reason`.
export interface UserRemoval {
  deleted: boolean;
  user: User;
  revoked_tokens: string[];
  reason: string;
}
export const deleteUser = (id: number) => json<UserRemoval>("DELETE", `/api/v1/users/${id}`);

export const listTokens = (user?: string) => items<Token>(`/api/v1/tokens${user ? `?${new URLSearchParams({ user })}` : ""}`);
// `expiresIn` is a duration such as 90d or 1d12h; empty: the token never expires. `user` left
// out (or empty): the caller's own token, which every role may create.
export const createToken = (user: string | undefined, label: string, expiresIn: string) => {
  const body: Record<string, string> = {};
  if (user) body.user = user;
  if (label) body.label = label;
  if (expiresIn) body.expires_in = expiresIn;
  return json<IssuedToken>("POST", "/api/v1/tokens", { body });
};
export const revokeToken = (id: string) => json<Token>("DELETE", `/api/v1/tokens/${seg(id)}`);

// What rotating a token did: the new token (its secret shown once) and the old one, revoked.
// `revokeError` is set when the new token was made but the old one could not be revoked;
// `signedInAgain` when the old one was this session's, which revoking it ended (the hub ends a
// session whose token is revoked), and the browser signed in anew with the new one.
export interface Rotation {
  issued: IssuedToken;
  old: Token;
  revokeError?: unknown;
  signedInAgain?: boolean;
}

// Rotates `old` as `tessera token rotate` does: a new token for the same user with the same label
// and lifetime (from now), then the old one revoked. `self`: the caller's own token (created
// without naming the user, as every role may).
export async function rotateToken(old: Token, self: boolean): Promise<Rotation> {
  let lifetime = "";
  if (old.expires) {
    const seconds = Math.round((Date.parse(old.expires) - Date.parse(old.created)) / 1000);
    if (seconds > 0) lifetime = `${seconds}s`;
  }
  const issued = await createToken(self ? undefined : old.user, old.label, lifetime);
  let revoked: Token;
  try {
    revoked = await revokeToken(old.id);
  } catch (e) {
    return { issued, old, revokeError: e };
  }
  if (!self || old.id !== sessionTokenId()) return { issued, old: revoked };
  // This session's own token: sign in again with the new one before anything else asks the hub
  // (the next request would otherwise be a 401, which signs the page out, secret and all).
  await signIn(issued.user, issued.token);
  return { issued, old: revoked, signedInAgain: true };
}

export const listGroups = () => items<SharingGroup>("/api/v1/groups");
export const createGroup = (name: string, description: string) => json<SharingGroup>("POST", "/api/v1/groups", { body: { name, description } });
export const renameGroup = (id: number, name: string) => json<SharingGroup>("PATCH", `/api/v1/groups/${id}`, { body: { name } });
// A 409 ApiError names what holds the group (a collection, or objects addressed to it).
export const deleteGroup = async (id: number): Promise<void> => void (await request("DELETE", `/api/v1/groups/${id}`));
export const addGroupMember = (group: number, org: number) => json<SharingGroup>("POST", `/api/v1/groups/${group}/members`, { body: { org } });
export const removeGroupMember = (group: number, org: number) => json<SharingGroup>("DELETE", `/api/v1/groups/${group}/members/${org}`);

export const listCollectionRecords = () => items<CollectionRecord>("/api/v1/collections");
export const createCollection = (change: CollectionChange & { title: string }) => json<CollectionRecord>("POST", "/api/v1/collections", { body: change });
export const patchCollection = (id: string, change: CollectionChange) => json<CollectionRecord>("PATCH", `/api/v1/collections/${seg(id)}`, { body: change });
// A 409 ApiError says why (it holds objects, or it is the hub's default collection).
export const deleteCollection = async (id: string): Promise<void> => void (await request("DELETE", `/api/v1/collections/${seg(id)}`));

// ---- browsing a collection (TAXII objects/ and manifest/) ----

export interface CollectionInfo extends Collection {
  description?: string;
}

export interface ObjectsQuery {
  types: string[];
  addedAfter?: string; // a STIX timestamp
  next?: string;
}

export interface ObjectsPage {
  objects: StixObject[];
  more: boolean;
  next?: string;
  dateAdded: Map<string, string>; // object id → date_added of the version shown
}

interface ManifestRecord {
  id: string;
  date_added: string;
  version: string;
}

// One page (at most 100) of the objects of `collection` that match `query`, oldest first, with
// when each was added (from the manifest of the same ids: objects/ does not carry it).
export async function objectsPage(collection: string, query: ObjectsQuery): Promise<ObjectsPage> {
  const root = await taxiiRoot();
  const base = `${root}collections/${seg(collection)}`;
  const q = new URLSearchParams({ limit: "100" });
  if (query.types.length) q.set("match[type]", query.types.join(","));
  if (query.addedAfter) q.set("added_after", query.addedAfter);
  if (query.next) q.set("next", query.next);
  const page = await json<Envelope>("GET", `${base}/objects/?${q}`, { accept: TAXII });
  const objects = page.objects ?? [];
  const dateAdded = new Map<string, string>();
  if (objects.length) {
    const ids = [...new Set(objects.map((o) => o.id))];
    const m = new URLSearchParams({ "match[id]": ids.join(","), limit: "100" });
    const manifest = await json<{ objects?: ManifestRecord[] }>("GET", `${base}/manifest/?${m}`, { accept: TAXII });
    for (const r of manifest.objects ?? []) dateAdded.set(r.id, r.date_added);
  }
  return { objects, more: !!page.more, next: page.more ? page.next : undefined, dateAdded };
}

// The versions of object `id` in `collection` that this person may read, oldest first (TAXII
// `versions/`); [] when the hub answers 404.
export async function versions(collection: string, id: string): Promise<string[]> {
  const root = await taxiiRoot();
  const out: string[] = [];
  let next: string | undefined;
  try {
    for (let i = 0; i < 10; i++) {
      const q = new URLSearchParams({ limit: "100" });
      if (next) q.set("next", next);
      const page = await json<{ more?: boolean; next?: string; versions?: string[] }>("GET", `${root}collections/${encodeURIComponent(collection)}/objects/${encodeURIComponent(id)}/versions/?${q}`, { accept: TAXII });
      out.push(...(page.versions ?? []));
      if (!page.more || !page.next) break;
      next = page.next;
    }
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return [];
    throw e;
  }
  return out;
}

// One version of object `id` (`match[version]`); null when the hub answers 404.
export async function objectVersion(collection: string, id: string, version: string): Promise<StixObject | null> {
  const root = await taxiiRoot();
  const q = new URLSearchParams({ "match[version]": version });
  try {
    const page = await json<Envelope>("GET", `${root}collections/${encodeURIComponent(collection)}/objects/${encodeURIComponent(id)}/?${q}`, { accept: TAXII });
    const objects = page.objects ?? [];
    return objects.length ? objects[objects.length - 1] : null;
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

// Who a post names as the audience of its objects (docs/hub.md, "Who sees an object"):
// recipients win over the sharing group; neither leaves the collection's default.
export interface Audience {
  recipients: string[]; // identity ids of member organizations
  sharing_group: string; // "" when none
}

export interface StatusEntry {
  id: string;
  version?: string;
  message?: string;
}

export interface TaxiiStatus {
  id: string;
  status: "pending" | "complete";
  total_count: number;
  success_count: number;
  failure_count: number;
  pending_count: number;
  successes?: StatusEntry[];
  failures?: StatusEntry[];
  pendings?: StatusEntry[];
}

// Posts `objects` to `collection` as one TAXII 2.1 envelope, naming the audience in the
// X-Tessera-* headers, and follows the status resource until it is complete (the hub writes
// synchronously, so it nearly always is at once).
export async function addObjects(collection: string, objects: StixObject[], audience: Audience): Promise<TaxiiStatus> {
  const root = await taxiiRoot();
  const headers: Record<string, string> = {};
  if (audience.recipients.length) headers["X-Tessera-Recipients"] = audience.recipients.join(", ");
  if (audience.sharing_group) headers["X-Tessera-Sharing-Group"] = audience.sharing_group;
  let status = await json<TaxiiStatus>("POST", `${root}collections/${encodeURIComponent(collection)}/objects/`, { body: { objects }, accept: TAXII, contentType: TAXII, headers });
  for (let i = 0; status.status !== "complete" && i < 60; i++) {
    await new Promise((r) => setTimeout(r, 500));
    status = await json<TaxiiStatus>("GET", `${root}status/${encodeURIComponent(status.id)}/`, { accept: TAXII });
  }
  return status;
}

// ---- patterns, relationships, audiences (/api/v1/) ----

export interface PatternComparison {
  position: number;
  path: string;
  operator: string;
  value: string;
  negated: boolean;
}

export type PatternCheck =
  | { valid: true; warnings: { position: number; message: string }[]; comparisons: PatternComparison[]; single_observation: boolean }
  | { valid: false; error: { position: number; message: string } };

export async function checkPattern(pattern: string): Promise<PatternCheck> {
  return json<PatternCheck>("POST", "/api/v1/patterns/check", { body: { pattern } });
}

export type RelatedEdge = SearchHit & { object: StixObject };

export interface Related {
  id: string;
  edges: RelatedEdge[];
  nodes: SearchHit[];
  truncated: boolean;
}

// The relationships and sightings of `id` and the readable objects at their other ends.
export async function related(id: string, collection?: string): Promise<Related> {
  const q = collection ? `?${new URLSearchParams({ collection })}` : "";
  return json<Related>("GET", `/api/v1/objects/${encodeURIComponent(id)}/related${q}`);
}

export interface AudiencePreview {
  tlp: string;
  organizations: { id: number; name: string; identity: string }[];
  others: number;
  note?: string;
}

// Who would read an object of TLP `tlp` posted into `collection` with `audience`.
export async function previewAudience(collection: string, tlp: string, audience: Audience): Promise<AudiencePreview> {
  const body: Record<string, unknown> = { tlp };
  if (audience.recipients.length) body.recipients = audience.recipients;
  if (audience.sharing_group) body.sharing_group = audience.sharing_group;
  return json<AudiencePreview>("POST", `/api/v1/collections/${encodeURIComponent(collection)}/audience`, { body });
}

// ---- sightings (the Sightings page and Home's chart) ----

// The sightings this person may read, newest added first, at most `max` of them: the listing
// (a search with no value and no text, docs/search.md "Listing") kept to `type=sighting`, paged.
// `more` says there were more than `max`.
export async function recentSightings(max: number): Promise<{ hits: SearchHit[]; more: boolean }> {
  const hits: SearchHit[] = [];
  let next: string | undefined;
  for (;;) {
    const q = new URLSearchParams({ type: "sighting", limit: String(Math.min(1000, max - hits.length)) });
    if (next) q.set("next", next);
    const page = await json<TextResults>("GET", `/api/v1/search?${q}`);
    hits.push(...page.hits);
    if (!page.more || !page.next) return { hits, more: false };
    if (hits.length >= max) return { hits: hits.slice(0, max), more: true };
    next = page.next;
  }
}

// The latest versions of the objects `ids` in `collection` that this person may read (TAXII
// objects/ with match[id], 50 ids a request); those it may not read are simply absent.
export async function objectsByIds(collection: string, ids: string[]): Promise<Map<string, StixObject>> {
  const root = await taxiiRoot();
  const out = new Map<string, StixObject>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += 50) {
    const q = new URLSearchParams({ "match[id]": unique.slice(i, i + 50).join(","), limit: "100" });
    const page = await json<Envelope>("GET", `${root}collections/${seg(collection)}/objects/?${q}`, { accept: TAXII });
    for (const o of page.objects ?? []) out.set(o.id, o);
  }
  return out;
}
