// Browsing (#/collections, #/collections/<id>?type=a,b&added_after=T): the TAXII collections of
// the hub's API root as this person sees them, and a collection's objects a page of 100 at a
// time (TAXII objects/ and its `next` cursor), filtered by type and by time added.

import { useEffect, useRef, useState } from "preact/hooks";
import * as api from "./api";
import { tlpOfObject } from "./tlp";
import { ErrorNote, nameOf, ObjectTable, useFocusHeading } from "./ui";

// The STIX 2.1 types offered as filters (domain and relationship objects, the usual observables).
const TYPES = [
  "indicator",
  "malware",
  "threat-actor",
  "intrusion-set",
  "campaign",
  "attack-pattern",
  "tool",
  "vulnerability",
  "infrastructure",
  "report",
  "note",
  "opinion",
  "grouping",
  "course-of-action",
  "identity",
  "location",
  "observed-data",
  "sighting",
  "relationship",
  "domain-name",
  "ipv4-addr",
  "url",
  "file",
];

export function collectionHref(id: string, filters?: { types: string[]; addedAfter: string }): string {
  const q = new URLSearchParams();
  if (filters?.types.length) q.set("type", filters.types.join(","));
  if (filters?.addedAfter) q.set("added_after", filters.addedAfter);
  const query = q.toString();
  return `#/collections/${encodeURIComponent(id)}${query ? `?${query}` : ""}`;
}

function yesNo(v: boolean) {
  return v ? "yes" : "no";
}

export function CollectionList() {
  const heading = useFocusHeading("collections");
  const [cols, setCols] = useState<api.CollectionInfo[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api.collections().then((c) => setCols(c as api.CollectionInfo[]), setError);
  }, []);
  return (
    <main id="main">
      <h1 tabIndex={-1} ref={heading}>
        Collections
      </h1>
      <p class="muted">The TAXII collections you may see, with what you may do in each.</p>
      <ErrorNote error={error} />
      {cols === null && !error && <p aria-live="polite">Loading…</p>}
      {cols && cols.length === 0 && <p>You may see no collection.</p>}
      {cols && cols.length > 0 && (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Title</th>
                <th scope="col">Description</th>
                <th scope="col">You may read</th>
                <th scope="col">You may write</th>
              </tr>
            </thead>
            <tbody>
              {cols.map((c) => (
                <tr key={c.id}>
                  <td>{c.can_read ? <a href={collectionHref(c.id)}>{c.title}</a> : c.title}</td>
                  <td>{c.description ?? ""}</td>
                  <td>{yesNo(c.can_read)}</td>
                  <td>{yesNo(c.can_write)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </main>
  );
}

// A STIX timestamp as the value of a datetime-local field (the browser's local time), and back.
function toLocalInput(iso: string): string {
  const d = new Date(iso);
  if (isNaN(d.getTime())) return "";
  const local = new Date(d.getTime() - d.getTimezoneOffset() * 60000);
  return local.toISOString().slice(0, 16);
}

function fromLocalInput(value: string): string {
  if (!value) return "";
  const d = new Date(value);
  return isNaN(d.getTime()) ? "" : d.toISOString();
}

// New filters make a new listing: back to its first page, the form showing them.
export function CollectionPage({ id, params, producers }: { id: string; params: URLSearchParams; producers: Map<string, string> }) {
  const types = (params.get("type") ?? "").split(",").filter(Boolean);
  const addedAfter = params.get("added_after") ?? "";
  const filterKey = `${id}|${types.join(",")}|${addedAfter}`;
  return <Listing key={filterKey} id={id} types={types} addedAfter={addedAfter} producers={producers} />;
}

function Listing({ id, types, addedAfter, producers }: { id: string; types: string[]; addedAfter: string; producers: Map<string, string> }) {
  const filterKey = `${id}|${types.join(",")}|${addedAfter}`;
  const heading = useFocusHeading("collection" + filterKey);
  const pageHeading = useRef<HTMLHeadingElement>(null);
  const [title, setTitle] = useState("");
  // The cursors of the pages up to the one shown: [undefined (the first page), next of page 1, …].
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [page, setPage] = useState<api.ObjectsPage | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [chosen, setChosen] = useState<string[]>(types);
  const [after, setAfter] = useState(toLocalInput(addedAfter));
  const moved = useRef(false);

  useEffect(() => {
    api.collections().then((cs) => setTitle(cs.find((c) => c.id === id)?.title ?? ""), () => setTitle(""));
  }, [id]);
  const cursor = cursors[cursors.length - 1];
  useEffect(() => {
    let live = true;
    setPage(null);
    setError(null);
    api.objectsPage(id, { types, addedAfter: addedAfter || undefined, next: cursor }).then(
      (p) => {
        if (!live) return;
        setPage(p);
        if (moved.current) pageHeading.current?.focus();
      },
      (e) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [cursors.length]);

  function apply(e: Event) {
    e.preventDefault();
    location.hash = collectionHref(id, { types: chosen, addedAfter: fromLocalInput(after) });
  }
  function next() {
    if (!page?.next) return;
    moved.current = true;
    setCursors([...cursors, page.next]);
  }
  function previous() {
    if (cursors.length < 2) return;
    moved.current = true;
    setCursors(cursors.slice(0, -1));
  }
  const n = cursors.length;
  const first = (n - 1) * 100 + 1;
  const rows = (page?.objects ?? []).map((o) => ({
    id: o.id,
    type: o.type,
    name: nameOf(o),
    tlp: tlpOfObject(o),
    producer: producers.get(String(o.created_by_ref ?? "")) ?? "",
    collection: id,
    when: page?.dateAdded.get(o.id) ?? "",
  }));
  const filtered = types.length > 0 || addedAfter !== "";
  // Above the table and below it: a keyboard need not pass 100 rows to turn the page.
  const pager = (
    <div class="actions pager">
      {n > 1 && (
        <button type="button" class="secondary" onClick={previous}>
          Previous page
        </button>
      )}
      {page?.more && page.next && (
        <button type="button" onClick={next}>
          Next page
        </button>
      )}
    </div>
  );
  return (
    <main id="main">
      <p>
        <a href="#/collections">All collections</a>
      </p>
      <h1 tabIndex={-1} ref={heading}>
        {title || "Collection"}
      </h1>
      <form class="panel filters" onSubmit={apply} aria-labelledby="filters-heading">
        <h2 id="filters-heading">Filters</h2>
        <fieldset>
          <legend>Types (any of those checked; none: every type)</legend>
          <div class="choices">
            {TYPES.map((t) => (
              <label class="row" key={t}>
                <input type="checkbox" name="type" value={t} checked={chosen.includes(t)} onChange={(e) => setChosen(e.currentTarget.checked ? [...chosen, t] : chosen.filter((x) => x !== t))} />
                {t}
              </label>
            ))}
          </div>
        </fieldset>
        <label>
          Added after (your local time)
          <input type="datetime-local" name="added_after" value={after} onInput={(e) => setAfter(e.currentTarget.value)} />
        </label>
        <div class="actions">
          <button type="submit">Apply filters</button>
          {filtered && <a href={collectionHref(id)}>Clear filters</a>}
        </div>
      </form>
      <ErrorNote error={error} />
      <h2 tabIndex={-1} ref={pageHeading}>
        Page {n}
        {page && page.objects.length > 0 ? `: objects ${first}–${first + page.objects.length - 1}` : ""}
      </h2>
      {page === null && !error && <p aria-live="polite">Loading…</p>}
      {page && page.objects.length === 0 && <p>{filtered ? "No object you may read matches these filters." : "No object you may read is in this collection."}</p>}
      {page && page.objects.length > 0 && (
        <>
          {pager}
          <ObjectTable rows={rows} whenLabel="Date added" />
        </>
      )}
      {pager}
    </main>
  );
}
