// The pieces every page of the web interface shares: links to objects, the TLP badge, error
// notes, times, focus on a page's heading, and the table of objects.

import { useEffect, useRef } from "preact/hooks";
import type { SearchHit } from "./api";
import { tlpLabel, type Tlp } from "./tlp";

export function objectHref(collection: string, id: string): string {
  return `#/object/${encodeURIComponent(collection)}/${encodeURIComponent(id)}`;
}

// Moves keyboard focus to a page's heading when the page changes, so a screen reader announces it.
export function useFocusHeading(key: string) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => ref.current?.focus(), [key]);
  return ref;
}

export function TlpBadge({ tlp }: { tlp: Tlp | string }) {
  const cls = tlp ? `tlp tlp-${tlp.replace("+", "-")}` : "tlp tlp-none";
  return <span class={cls}>{tlpLabel(tlp)}</span>;
}

export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  const text = error instanceof Error ? error.message : String(error);
  return (
    <p class="error" role="alert">
      {text}
    </p>
  );
}

export function when(iso: string | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  return isNaN(d.getTime()) ? iso : d.toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");
}

export function nameOf(o: Record<string, unknown>): string {
  for (const key of ["name", "value", "pattern", "path", "subject", "body"]) {
    const v = o[key];
    if (typeof v === "string" && v) return v.length > 200 ? v.slice(0, 200) + "…" : v;
  }
  return "";
}

// A search's hits (api.SearchHit) as rows of ObjectTable.
export function hitRows(list: SearchHit[]): Row[] {
  return list.map((h) => ({ id: h.id, type: h.type, name: h.name, tlp: h.tlp, producer: h.producer, collection: h.collection, when: h.date_added }));
}

export interface Row {
  id: string;
  type: string;
  name: string;
  tlp: Tlp | string;
  producer: string;
  collection: string;
  when: string;
}

// `whenLabel` heads the column of times (what `Row.when` is on that page).
export function ObjectTable({ rows, whenLabel = "When" }: { rows: Row[]; whenLabel?: string }) {
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Type</th>
            <th scope="col">Name</th>
            <th scope="col">TLP</th>
            <th scope="col">Producer</th>
            <th scope="col">{whenLabel}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.collection + r.id}>
              <td>{r.type}</td>
              <td>
                <a href={objectHref(r.collection, r.id)}>{r.name || r.id}</a>
              </td>
              <td>
                <TlpBadge tlp={r.tlp} />
              </td>
              <td>{r.producer || "—"}</td>
              <td>{when(r.when)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
