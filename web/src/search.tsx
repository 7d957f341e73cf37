// Search (#/search?q=...[&type=T][&tlp=L][&producer=P]): a single observable value is looked up in
// the search index ("do we know this?", with what is related to it), anything else is a full-text
// search; both through the asker's own view (docs/search.md). The filters are the API's own
// parameters, carried in the URL so that a filtered search can be linked and bookmarked.

import { useEffect, useState } from "preact/hooks";
import * as api from "./api";
import { ErrorNote, hitRows, ObjectTable, useFocusHeading } from "./ui";

// Whether `q` reads as one observable value (searched in the index) rather than words.
function looksLikeValue(q: string): boolean {
  if (/\s/.test(q)) return false;
  return /^[0-9a-fA-F:.]+(\/\d+)?$/.test(q) || /^[^@\s]+@[^@\s]+$/.test(q) || /^[a-z][a-z0-9+.-]*:\/\//i.test(q) || /^[0-9a-fA-F]{32,128}$/.test(q) || /^([a-z0-9-]+\.)+[a-z]{2,}$/i.test(q);
}

// Common STIX types offered in the filter (the API takes any type name).
const TYPES = ["indicator", "malware", "threat-actor", "intrusion-set", "campaign", "attack-pattern", "tool", "vulnerability", "identity", "infrastructure", "report", "observed-data", "relationship", "sighting", "ipv4-addr", "ipv6-addr", "domain-name", "url", "file", "email-addr"];
const TLPS = ["clear", "green", "amber", "amber+strict", "red"];

export function searchHref(q: string, filters: api.SearchFilters): string {
  const p = new URLSearchParams({ q });
  for (const key of ["type", "tlp", "producer"] as const) for (const v of filters[key] ?? []) if (v) p.append(key, v);
  return `#/search?${p}`;
}

function Filters({ q, filters, orgs }: { q: string; filters: api.SearchFilters; orgs: api.Organization[] }) {
  const [type, setType] = useState(filters.type?.[0] ?? "");
  const [tlp, setTlp] = useState(filters.tlp?.[0] ?? "");
  const [producer, setProducer] = useState(filters.producer?.[0] ?? "");
  useEffect(() => {
    setType(filters.type?.[0] ?? "");
    setTlp(filters.tlp?.[0] ?? "");
    setProducer(filters.producer?.[0] ?? "");
  }, [JSON.stringify(filters)]);
  function apply(e: Event) {
    e.preventDefault();
    location.hash = searchHref(q, { type: type ? [type] : [], tlp: tlp ? [tlp] : [], producer: producer ? [producer] : [] });
  }
  return (
    <form class="filters" onSubmit={apply} aria-label="Filters">
      <label>
        Type
        <select name="type" value={type} onChange={(e) => setType(e.currentTarget.value)}>
          <option value="">any type</option>
          {TYPES.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </label>
      <label>
        TLP
        <select name="tlp" value={tlp} onChange={(e) => setTlp(e.currentTarget.value)}>
          <option value="">any TLP</option>
          {TLPS.map((t) => (
            <option key={t} value={t}>
              TLP:{t.toUpperCase()}
            </option>
          ))}
        </select>
      </label>
      <label>
        Producer
        <select name="producer" value={producer} onChange={(e) => setProducer(e.currentTarget.value)}>
          <option value="">any producer</option>
          {orgs.map((o) => (
            <option key={o.identity_id} value={o.name}>
              {o.name}
            </option>
          ))}
        </select>
      </label>
      <button type="submit">Apply filters</button>
    </form>
  );
}

export function Search({ q, params }: { q: string; params: string }) {
  const [hits, setHits] = useState<api.SearchHit[] | null>(null);
  const [related, setRelated] = useState<api.SearchHit[]>([]);
  const [next, setNext] = useState<string | undefined>();
  const [error, setError] = useState<unknown>(null);
  const [orgs, setOrgs] = useState<api.Organization[]>([]);
  const byValue = looksLikeValue(q);
  const sp = new URLSearchParams(params);
  const filters: api.SearchFilters = { type: sp.getAll("type"), tlp: sp.getAll("tlp"), producer: sp.getAll("producer") };
  const key = JSON.stringify([q, filters]);
  const heading = useFocusHeading("search" + key);
  useEffect(() => {
    api.organizations().then(setOrgs, () => setOrgs([]));
  }, []);
  useEffect(() => {
    let live = true;
    setHits(null);
    setRelated([]);
    setError(null);
    setNext(undefined);
    (async () => {
      if (byValue) {
        const r = await api.searchValue(q, filters);
        if (live) {
          setHits(r.hits);
          setRelated(r.related);
        }
      } else {
        const r = await api.searchText(q, undefined, filters);
        if (live) {
          setHits(r.hits);
          setNext(r.more ? r.next : undefined);
        }
      }
    })().catch((e) => live && setError(e));
    return () => {
      live = false;
    };
  }, [key]);
  async function more() {
    if (!next) return;
    try {
      const r = await api.searchText(q, next, filters);
      setHits([...(hits ?? []), ...r.hits]);
      setNext(r.more ? r.next : undefined);
    } catch (e) {
      setError(e);
    }
  }
  const filtered = (filters.type?.length ?? 0) + (filters.tlp?.length ?? 0) + (filters.producer?.length ?? 0) > 0;
  return (
    <main id="main">
      <h1 tabIndex={-1} ref={heading}>
        {byValue ? "Do we know " : "Search: "}
        <q>{q}</q>
        {byValue ? "?" : ""}
      </h1>
      <Filters q={q} filters={filters} orgs={orgs} />
      <ErrorNote error={error} />
      {hits === null && !error && <p aria-live="polite">Searching…</p>}
      {hits && (
        <p aria-live="polite">
          {hits.length === 0 ? (byValue ? "Nothing you may read holds this value" : "Nothing you may read matches") + (filtered ? " with these filters." : ".") : `${hits.length}${next ? "+" : ""} found.`}
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
