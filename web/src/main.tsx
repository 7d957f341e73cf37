// Tessera's web interface: sign in, what arrived lately, search, an object's page, sharing,
// sightings, sign out.
// Routes live in the URL's fragment (#/search?q=..., #/object/<collection>/<id>), so the hub
// serves one page and every other path stays the APIs'.

import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import * as api from "./api";
import { Admin, administers } from "./admin";
import { CollectionList, CollectionPage } from "./browse";
import { ObjectPage } from "./object";
import { Search } from "./search";
import { SharePage } from "./share";
import { SightingsOverTime, SightingsPage } from "./sightings";
import { ErrorNote, hitRows, ObjectTable, useFocusHeading } from "./ui";
import "./style.css";

type Route =
  | { page: "home" }
  | { page: "search"; q: string; params: string }
  | { page: "object"; collection: string; id: string; version?: string }
  | { page: "share" }
  | { page: "sightings" }
  | { page: "admin"; section: string; params: URLSearchParams }
  | { page: "collections" }
  | { page: "collection"; id: string; params: URLSearchParams };

function parseRoute(hash: string): Route {
  const [path, query = ""] = hash.replace(/^#/, "").split("?", 2);
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  if (parts[0] === "search") return { page: "search", q: new URLSearchParams(query).get("q") ?? "", params: query };
  if (parts[0] === "object" && parts.length === 3) return { page: "object", collection: parts[1], id: parts[2], version: new URLSearchParams(query).get("version") ?? undefined };
  if (parts[0] === "share") return { page: "share" };
  if (parts[0] === "sightings") return { page: "sightings" };
  if (parts[0] === "admin") return { page: "admin", section: parts[1] ?? "", params: new URLSearchParams(query) };
  if (parts[0] === "collections" && parts.length === 1) return { page: "collections" };
  if (parts[0] === "collections" && parts.length === 2) return { page: "collection", id: parts[1], params: new URLSearchParams(query) };
  return { page: "home" };
}

function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseRoute(location.hash));
    addEventListener("hashchange", on);
    return () => removeEventListener("hashchange", on);
  }, []);
  return route;
}

// ---- sign in ----

function SignIn({ onSignedIn }: { onSignedIn: (who: api.WhoAmI) => void }) {
  const [user, setUser] = useState("");
  const [token, setToken] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const heading = useFocusHeading("signin");
  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.signIn(user.trim(), token.trim());
      const who = await api.whoAmI();
      if (!who) throw new Error("signed in, but the hub does not know the session");
      setToken("");
      onSignedIn(who);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return (
    <main id="main" class="narrow">
      <h1 tabIndex={-1} ref={heading}>
        Sign in to Tessera
      </h1>
      <p>Use your user name and one of your API tokens (an administrator makes them for you).</p>
      <form onSubmit={submit} class="stack" aria-describedby="signin-error">
        <label>
          User name
          <input name="user" autoComplete="username" required value={user} onInput={(e) => setUser(e.currentTarget.value)} />
        </label>
        <label>
          API token
          <input name="token" type="password" autoComplete="current-password" required value={token} onInput={(e) => setToken(e.currentTarget.value)} />
        </label>
        <button type="submit" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
        <div id="signin-error">
          <ErrorNote error={error} />
        </div>
      </form>
    </main>
  );
}

// ---- header ----

function Header({ who, onSignOut }: { who: api.WhoAmI; onSignOut: () => void }) {
  const [q, setQ] = useState("");
  function search(e: Event) {
    e.preventDefault();
    if (q.trim()) location.hash = `#/search?q=${encodeURIComponent(q.trim())}`;
  }
  return (
    <header class="bar">
      <a class="skip" href="#main">
        Skip to content
      </a>
      <a class="brand" href="#/">
        Tessera
      </a>
      <form role="search" onSubmit={search} class="search">
        <label for="q" class="visually-hidden">
          Search: a value (IP, domain, URL, hash, e-mail) or words
        </label>
        <input id="q" name="q" type="search" placeholder="IP, domain, hash or words" value={q} onInput={(e) => setQ(e.currentTarget.value)} />
        <button type="submit">Search</button>
      </form>
      <nav aria-label="Pages" class="pages">
        <a href="#/collections">Collections</a>
        <a href="#/sightings">Sightings</a>
        <a href="#/share">Share</a>
        {administers(who.user.role) ? <a href="#/admin">Administration</a> : <a href="#/admin/tokens">Your tokens</a>}
      </nav>
      <span class="who">
        {who.user.name} · {who.org.name} · {who.user.role}
      </span>
      <button type="button" class="signout" onClick={onSignOut}>
        Sign out
      </button>
    </header>
  );
}

// ---- home ----

const RECENT_DAYS = 30;
const RECENT_SHOWN = 50;

function Home() {
  const [recent, setRecent] = useState<api.TextResults | null>(null);
  const [error, setError] = useState<unknown>(null);
  const heading = useFocusHeading("home");
  useEffect(() => {
    let live = true;
    const since = new Date(Date.now() - RECENT_DAYS * 24 * 3600 * 1000);
    api.arrivedSince(since, RECENT_SHOWN).then(
      (r) => live && setRecent(r),
      (e) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, []);
  return (
    <main id="main">
      <h1 tabIndex={-1} ref={heading}>
        Arrived lately
      </h1>
      <p class="muted">
        What you may read that was shared in the last {RECENT_DAYS} days, newest first{recent?.more ? ` (the latest ${RECENT_SHOWN})` : ""}.
      </p>
      <ErrorNote error={error} />
      {recent === null && !error && <p aria-live="polite">Loading…</p>}
      {recent && recent.hits.length === 0 && <p>Nothing you may read arrived in the last {RECENT_DAYS} days.</p>}
      {recent && recent.hits.length > 0 && <ObjectTable rows={hitRows(recent.hits)} />}
      <SightingsOverTime />
    </main>
  );
}

// ---- the app ----

function App() {
  const [who, setWho] = useState<api.WhoAmI | null | undefined>(undefined);
  const [producers, setProducers] = useState<Map<string, string>>(new Map());
  const route = useRoute();
  useEffect(() => {
    api.whenSignedOut(() => {
      api.forgetSession();
      setWho(null);
    });
    // A cookie without its CSRF token (storage cleared) could read but not sign out: sign in anew.
    if (!api.holdsSession()) setWho(null);
    else api.whoAmI().then(setWho, () => setWho(null));
  }, []);
  useEffect(() => {
    if (!who) return;
    api.organizations().then(
      (orgs) => setProducers(new Map(orgs.map((o) => [o.identity_id, o.name]))),
      () => setProducers(new Map()),
    );
  }, [who]);
  async function signOut() {
    try {
      await api.signOut();
    } catch {
      // The session is gone either way; the page below says so.
    }
    setWho(null);
    location.hash = "#/";
  }
  if (who === undefined) return <p class="narrow">Loading…</p>;
  if (who === null) return <SignIn onSignedIn={setWho} />;
  return (
    <>
      <Header who={who} onSignOut={signOut} />
      {route.page === "home" && <Home />}
      {route.page === "search" && <Search q={route.q} params={route.params} />}
      {route.page === "object" && <ObjectPage collection={route.collection} id={route.id} version={route.version} producers={producers} />}
      {route.page === "share" && <SharePage who={who} />}
      {route.page === "sightings" && <SightingsPage producers={producers} />}
      {route.page === "admin" && <Admin who={who} section={route.section} params={route.params} />}
      {route.page === "collections" && <CollectionList />}
      {route.page === "collection" && <CollectionPage id={route.id} params={route.params} producers={producers} />}
    </>
  );
}

render(<App />, document.getElementById("app")!);
