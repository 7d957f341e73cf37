// The hub's HTTP APIs as the interface uses them: the admin API under /api/v1/ (sign-in, who am
// I, organizations, search) and TAXII 2.1 (collections, objects). Every request goes to this
// origin with the session cookie; a request that changes something carries the session's CSRF
// token. Nothing here decides what a person may see: the hub answers only what it may.

const CSRF_KEY = "tessera.csrf";
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

async function request(method: string, path: string, opts: { body?: unknown; accept?: string } = {}): Promise<Response> {
  const headers: Record<string, string> = { Accept: opts.accept ?? "application/json" };
  if (opts.body !== undefined) headers["Content-Type"] = "application/json";
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

async function json<T>(method: string, path: string, opts: { body?: unknown; accept?: string } = {}): Promise<T> {
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
}

export async function signIn(user: string, token: string): Promise<Session> {
  const s = await json<Session>("POST", "/api/v1/session", { body: { user, token } });
  localStorage.setItem(CSRF_KEY, s.csrf_token);
  return s;
}

export async function signOut(): Promise<void> {
  try {
    await request("DELETE", "/api/v1/session");
  } finally {
    localStorage.removeItem(CSRF_KEY);
  }
}

// Whether this browser holds the CSRF token of a session (without it, it cannot sign out or
// change anything: it signs in anew).
export function holdsSession(): boolean {
  return csrfToken() !== "";
}

export function forgetSession(): void {
  localStorage.removeItem(CSRF_KEY);
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

export async function searchText(text: string, next?: string): Promise<TextResults> {
  const q = new URLSearchParams({ text, limit: "50" });
  if (next) q.set("next", next);
  return json<TextResults>("GET", `/api/v1/search?${q}`);
}

export async function searchValue(value: string): Promise<ValueResult> {
  const q = new URLSearchParams({ value });
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
