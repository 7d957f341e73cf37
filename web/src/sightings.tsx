// The sightings this person may read (#/sightings): every one, newest first, with what was
// sighted, where and how often; the same grouped by what was sighted; and a chart of sightings
// per day over the last 30 days (also small on Home). From the listing of the search API kept to
// `type=sighting` (docs/search.md, "Listing"), then the sightings themselves and the objects they
// sight from TAXII, 50 ids a request: bounded to the newest MAX_SIGHTINGS added.

import { useEffect, useMemo, useState } from "preact/hooks";
import * as api from "./api";
import { DayChart, lastDays, type DayValue } from "./chart";
import { ErrorNote, nameOf, objectHref, TlpBadge, useFocusHeading, when } from "./ui";

export const MAX_SIGHTINGS = 200;
export const CHART_DAYS = 30;

export interface SightingRow {
  hit: api.SearchHit;
  ref: string; // sighting_of_ref
  sighted: api.StixObject | null; // null: not readable here (or not in this collection)
  count: number | null;
  firstSeen?: string;
  lastSeen?: string;
  when: string; // last seen, else first seen, else when it was added
  where: string[]; // where_sighted_refs
}

const str = (v: unknown) => (typeof v === "string" && v ? v : undefined);

// Groups `items` by `key`, keeping their order.
function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const t of items) {
    const k = key(t);
    const list = out.get(k);
    if (list) list.push(t);
    else out.set(k, [t]);
  }
  return out;
}

// The newest MAX_SIGHTINGS sightings, their fields, and (when `withSighted`) the objects they sight.
export async function loadSightings(withSighted: boolean): Promise<{ rows: SightingRow[]; more: boolean }> {
  const { hits, more } = await api.recentSightings(MAX_SIGHTINGS);
  const byCollection = groupBy(hits, (h) => h.collection);
  const objects = new Map<string, api.StixObject>(); // collection + " " + id
  for (const [collection, list] of byCollection) {
    const found = await api.objectsByIds(
      collection,
      list.map((h) => h.id),
    );
    for (const [id, o] of found) objects.set(collection + " " + id, o);
  }
  const rows: SightingRow[] = hits.map((hit) => {
    const o = objects.get(hit.collection + " " + hit.id);
    const firstSeen = str(o?.first_seen);
    const lastSeen = str(o?.last_seen);
    return {
      hit,
      ref: str(o?.sighting_of_ref) ?? "",
      sighted: null,
      count: typeof o?.count === "number" ? o.count : null,
      firstSeen,
      lastSeen,
      when: lastSeen ?? firstSeen ?? hit.date_added,
      where: Array.isArray(o?.where_sighted_refs) ? o.where_sighted_refs.map(String) : [],
    };
  });
  if (withSighted) {
    for (const [collection, list] of groupBy(rows, (r) => r.hit.collection)) {
      const found = await api.objectsByIds(
        collection,
        list.map((r) => r.ref).filter(Boolean),
      );
      for (const r of list) r.sighted = found.get(r.ref) ?? null;
    }
  }
  // Shown newest seen first (the listing gave them newest shared first).
  const time = (r: SightingRow) => new Date(r.when).getTime() || 0;
  rows.sort((a, b) => time(b) - time(a) || b.hit.date_added.localeCompare(a.hit.date_added));
  return { rows, more };
}

// Sightings per day (UTC, by `when`) over the last CHART_DAYS days, with the sum of their counts.
export function perDay(rows: SightingRow[], now = new Date()): DayValue[] {
  const days = lastDays(CHART_DAYS, now);
  const n = new Map(days.map((d) => [d, { value: 0, sum: 0 }]));
  for (const r of rows) {
    const t = new Date(r.when);
    if (isNaN(t.getTime())) continue;
    const slot = n.get(t.toISOString().slice(0, 10));
    if (!slot) continue;
    slot.value++;
    slot.sum += r.count ?? 0;
  }
  return days.map((day) => ({ day, value: n.get(day)!.value, extra: String(n.get(day)!.sum) }));
}

function useSightings(withSighted: boolean) {
  const [data, setData] = useState<{ rows: SightingRow[]; more: boolean } | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let live = true;
    loadSightings(withSighted).then(
      (d) => live && setData(d),
      (e) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [withSighted]);
  return { data, error };
}

const bound = (more: boolean) => (more ? ` Only the newest ${MAX_SIGHTINGS} shared are counted.` : "");

// Home's small chart, with a link to the Sightings page.
export function SightingsOverTime() {
  const { data, error } = useSightings(false);
  const days = useMemo(() => (data ? perDay(data.rows) : []), [data]);
  return (
    <section aria-labelledby="home-sightings-heading">
      <h2 id="home-sightings-heading">Sightings over time</h2>
      <ErrorNote error={error} />
      {!data && !error && <p class="muted">Loading…</p>}
      {data && <DayChart data={days} title={`Sightings per day, the last ${CHART_DAYS} days`} noun={["sighting", "sightings"]} extraLabel="Sum of counts" compact />}
      {data?.more && <p class="muted">{bound(true)}</p>}
      <p>
        <a href="#/sightings">All the sightings you may read</a>
      </p>
    </section>
  );
}

function SightedLink({ row }: { row: SightingRow }) {
  if (!row.ref) return <>—</>;
  if (!row.sighted) return <code title="not an object you may read in this collection">{row.ref}</code>;
  return <a href={objectHref(row.hit.collection, row.ref)}>{nameOf(row.sighted) || row.ref}</a>;
}

interface Group {
  row: SightingRow; // the newest, for the link
  sightings: number;
  sum: number;
  lastSeen: string;
}

export function SightingsPage({ producers }: { producers: Map<string, string> }) {
  const { data, error } = useSightings(true);
  const heading = useFocusHeading("sightings");
  const rows = data?.rows ?? [];
  const days = useMemo(() => perDay(rows), [data]);
  const groups = useMemo(() => {
    const out: Group[] = [];
    for (const list of groupBy(rows, (r) => r.hit.collection + " " + r.ref).values()) {
      out.push({
        row: list[0],
        sightings: list.length,
        sum: list.reduce((s, r) => s + (r.count ?? 0), 0),
        lastSeen: list.map((r) => r.when).reduce((a, b) => (new Date(b) > new Date(a) ? b : a)),
      });
    }
    return out.sort((a, b) => b.sightings - a.sightings || b.sum - a.sum);
  }, [data]);
  const place = (w: string) => producers.get(w) ?? w;
  return (
    <main id="main">
      <h1 tabIndex={-1} ref={heading}>
        Sightings
      </h1>
      <p class="muted">
        The sightings you may read, the newest {MAX_SIGHTINGS} shared at most, latest seen first.{data ? bound(data.more) : ""} "When" is the last time seen, else the first, else
        when it was shared.
      </p>
      <ErrorNote error={error} />
      {!data && !error && <p aria-live="polite">Loading…</p>}
      {data && rows.length === 0 && <p>No sighting you may read.</p>}
      {data && rows.length > 0 && (
        <>
          <section aria-labelledby="over-time-heading">
            <h2 id="over-time-heading">Over time</h2>
            <DayChart data={days} title={`Sightings per day, the last ${CHART_DAYS} days`} noun={["sighting", "sightings"]} extraLabel="Sum of counts" />
          </section>
          <section aria-labelledby="by-sighted-heading">
            <h2 id="by-sighted-heading">By what was sighted ({groups.length})</h2>
            <div class="table-wrap">
              <table class="sighted-groups">
                <thead>
                  <tr>
                    <th scope="col">Sighted</th>
                    <th scope="col">Sightings</th>
                    <th scope="col">Sum of counts</th>
                    <th scope="col">Last seen</th>
                  </tr>
                </thead>
                <tbody>
                  {groups.map((g) => (
                    <tr key={g.row.hit.collection + g.row.ref}>
                      <td>
                        <SightedLink row={g.row} />
                      </td>
                      <td>{g.sightings}</td>
                      <td>{g.sum}</td>
                      <td>{when(g.lastSeen)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
          <section aria-labelledby="every-sighting-heading">
            <h2 id="every-sighting-heading">Every sighting ({rows.length})</h2>
            <div class="table-wrap">
              <table class="sightings-list">
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">Count</th>
                    <th scope="col">Sighted</th>
                    <th scope="col">Where sighted</th>
                    <th scope="col">TLP</th>
                    <th scope="col">Producer</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r) => (
                    <tr key={r.hit.collection + r.hit.id}>
                      <td>
                        <a href={objectHref(r.hit.collection, r.hit.id)} aria-label={`${when(r.when)}, sighting ${r.hit.id}`}>
                          {when(r.when)}
                        </a>
                      </td>
                      <td>{r.count ?? "—"}</td>
                      <td>
                        <SightedLink row={r} />
                      </td>
                      <td>{r.where.length ? r.where.map(place).join(", ") : "—"}</td>
                      <td>
                        <TlpBadge tlp={r.hit.tlp} />
                      </td>
                      <td>{r.hit.producer || "—"}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        </>
      )}
    </main>
  );
}
