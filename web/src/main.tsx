// Tessera's web interface: sign in, what arrived lately, search, an object's page, sign out.
// Routes live in the URL's fragment (#/search?q=..., #/object/<collection>/<id>), so the hub
// serves one page and every other path stays the APIs'.

import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import * as api from "./api";
import { tlpOfMarking, tlpOfObject } from "./tlp";
import { ErrorNote, nameOf, ObjectTable, TlpBadge, useFocusHeading, type Row } from "./ui";
import "./style.css";

type Route = { page: "home" } | { page: "search"; q: string } | { page: "object"; collection: string; id: string };

function parseRoute(hash: string): Route {
  const [path, query = ""] = hash.replace(/^#/, "").split("?", 2);
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  if (parts[0] === "search") return { page: "search", q: new URLSearchParams(query).get("q") ?? "" };
  if (parts[0] === "object" && parts.length === 3) return { page: "object", collection: parts[1], id: parts[2] };
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
    </main>
  );
}

function hitRows(list: api.SearchHit[]): Row[] {
  return list.map((h) => ({ id: h.id, type: h.type, name: h.name, tlp: h.tlp, producer: h.producer, collection: h.collection, when: h.date_added }));
}

// ---- search ----

// Whether `q` reads as one observable value (searched in the index) rather than words.
function looksLikeValue(q: string): boolean {
  if (/\s/.test(q)) return false;
  return /^[0-9a-fA-F:.]+(\/\d+)?$/.test(q) || /^[^@\s]+@[^@\s]+$/.test(q) || /^[a-z][a-z0-9+.-]*:\/\//i.test(q) || /^[0-9a-fA-F]{32,128}$/.test(q) || /^([a-z0-9-]+\.)+[a-z]{2,}$/i.test(q);
}

function Search({ q }: { q: string }) {
  const [hits, setHits] = useState<api.SearchHit[] | null>(null);
  const [related, setRelated] = useState<api.SearchHit[]>([]);
  const [next, setNext] = useState<string | undefined>();
  const [error, setError] = useState<unknown>(null);
  const byValue = looksLikeValue(q);
  const heading = useFocusHeading("search" + q);
  useEffect(() => {
    let live = true;
    setHits(null);
    setRelated([]);
    setError(null);
    setNext(undefined);
    (async () => {
      if (byValue) {
        const r = await api.searchValue(q);
        if (live) {
          setHits(r.hits);
          setRelated(r.related);
        }
      } else {
        const r = await api.searchText(q);
        if (live) {
          setHits(r.hits);
          setNext(r.more ? r.next : undefined);
        }
      }
    })().catch((e) => live && setError(e));
    return () => {
      live = false;
    };
  }, [q]);
  async function more() {
    if (!next) return;
    try {
      const r = await api.searchText(q, next);
      setHits([...(hits ?? []), ...r.hits]);
      setNext(r.more ? r.next : undefined);
    } catch (e) {
      setError(e);
    }
  }
  return (
    <main id="main">
      <h1 tabIndex={-1} ref={heading}>
        {byValue ? "Do we know " : "Search: "}
        <q>{q}</q>
        {byValue ? "?" : ""}
      </h1>
      <ErrorNote error={error} />
      {hits === null && !error && <p aria-live="polite">Searching…</p>}
      {hits && (
        <p aria-live="polite">
          {hits.length === 0 ? (byValue ? "Nothing you may read holds this value." : "Nothing you may read matches.") : `${hits.length}${next ? "+" : ""} found.`}
        </p>
      )}
      {hits && hits.length > 0 && <ObjectTable rows={hitRows(hits)} />}
      {next && (
        <button type="button" onClick={more}>
          More results
        </button>
      )}
      {related.length > 0 && (
        <section>
          <h2>Related (relationships and sightings)</h2>
          <ObjectTable rows={hitRows(related)} />
        </section>
      )}
    </main>
  );
}

// ---- an object ----

function FieldValue({ value, producers }: { value: unknown; producers: Map<string, string> }) {
  if (Array.isArray(value)) {
    return (
      <ul class="plain">
        {value.map((v, i) => (
          <li key={i}>
            <FieldValue value={v} producers={producers} />
          </li>
        ))}
      </ul>
    );
  }
  if (value !== null && typeof value === "object") {
    return <pre class="inline-json">{JSON.stringify(value, null, 2)}</pre>;
  }
  const text = String(value);
  const tlp = tlpOfMarking(text);
  if (tlp) {
    return (
      <span>
        <TlpBadge tlp={tlp} /> {text}
      </span>
    );
  }
  const org = producers.get(text);
  return <span class={text.length > 80 ? "long" : ""}>{org ? `${org} (${text})` : text}</span>;
}

function ObjectPage({ collection, id, producers }: { collection: string; id: string; producers: Map<string, string> }) {
  const [obj, setObj] = useState<api.StixObject | null | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const heading = useFocusHeading("object" + id);
  useEffect(() => {
    let live = true;
    setObj(undefined);
    api
      .object(collection, id)
      .then((o) => live && setObj(o))
      .catch((e) => live && setError(e));
    return () => {
      live = false;
    };
  }, [collection, id]);
  const shown = obj ? Object.entries(obj).filter(([k]) => k !== "type" && k !== "id") : [];
  return (
    <main id="main">
      <h1 tabIndex={-1} ref={heading}>
        {obj ? nameOf(obj) || obj.id : "Object"}
      </h1>
      <ErrorNote error={error} />
      {obj === undefined && !error && <p aria-live="polite">Loading…</p>}
      {obj === null && <p>There is no such object in this collection, or none you may read.</p>}
      {obj && (
        <>
          <p>
            <span class="type">{obj.type}</span> <TlpBadge tlp={tlpOfObject(obj)} /> <code>{obj.id}</code>
          </p>
          <dl class="fields">
            {shown.map(([k, v]) => (
              <div key={k}>
                <dt>{k.replace(/_/g, " ")}</dt>
                <dd>
                  <FieldValue value={v} producers={producers} />
                </dd>
              </div>
            ))}
          </dl>
          <details>
            <summary>JSON</summary>
            <pre class="json">{JSON.stringify(obj, null, 2)}</pre>
          </details>
        </>
      )}
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
      {route.page === "search" && <Search q={route.q} />}
      {route.page === "object" && <ObjectPage collection={route.collection} id={route.id} producers={producers} />}
    </>
  );
}

render(<App />, document.getElementById("app")!);
