// An object's page (#/object/<collection>/<id>[?version=V]): its fields, its versions (TAXII
// versions/, each one openable), for an indicator its pattern as the hub checks and explains it,
// its relationships and sightings as a graph with the same as a list, and its sightings in a
// table. Everything comes from TAXII and /api/v1/ as this person may read it: an object the
// person may not read is answered as one that does not exist, as the API answers it.

import { useEffect, useMemo, useState } from "preact/hooks";
import * as api from "./api";
import type { GraphNode } from "./graph";
import { PatternExplanation, usePatternCheck } from "./pattern";
import { tlpOfMarking, tlpOfObject } from "./tlp";
import { ErrorNote, nameOf, objectHref, TlpBadge, useFocusHeading, when } from "./ui";

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

// The graph's module (Cytoscape, most of the interface's code) is loaded with the first graph.
type GraphModule = typeof import("./graph");
let graphModule: Promise<GraphModule> | null = null;

function Graph(props: { center: GraphNode; initial: api.Related }) {
  const [mod, setMod] = useState<GraphModule | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let live = true;
    graphModule ??= import("./graph");
    graphModule.then(
      (m) => live && setMod(m),
      (e) => {
        graphModule = null;
        if (live) setError(e);
      },
    );
    return () => {
      live = false;
    };
  }, []);
  if (error) return <ErrorNote error={error} />;
  if (!mod) return <p class="muted">Loading the graph…</p>;
  return <mod.RelatedGraph {...props} />;
}

function versionHref(collection: string, id: string, version: string): string {
  return `${objectHref(collection, id)}?version=${encodeURIComponent(version)}`;
}

function Versions({ collection, id, shown, list }: { collection: string; id: string; shown: string; list: string[] }) {
  const latest = list[list.length - 1];
  return (
    <section aria-labelledby="versions-heading">
      <h2 id="versions-heading">Versions ({list.length})</h2>
      <ol class="versions">
        {list.map((v) => (
          <li key={v}>
            {v === shown ? (
              <strong aria-current="page">
                {when(v)} (shown{v === latest ? ", latest" : ""})
              </strong>
            ) : (
              <a href={versionHref(collection, id, v)}>
                {when(v)}
                {v === latest ? " (latest)" : ""}
              </a>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}

function PatternSection({ pattern }: { pattern: string }) {
  const check = usePatternCheck(pattern, 0);
  return (
    <section aria-labelledby="pattern-heading">
      <h2 id="pattern-heading">Its pattern, checked</h2>
      <pre class="mono">{pattern}</pre>
      {check.busy && !check.result && <p class="muted">Checking…</p>}
      <PatternExplanation state={check} />
    </section>
  );
}

function Sightings({ edges, producers, names }: { edges: api.RelatedEdge[]; producers: Map<string, string>; names: Map<string, string> }) {
  const sightings = edges.filter((e) => e.object.type === "sighting");
  return (
    <section aria-labelledby="sightings-heading">
      <h2 id="sightings-heading">Sightings ({sightings.length})</h2>
      {sightings.length === 0 ? (
        <p class="muted">No sighting you may read.</p>
      ) : (
        <div class="table-wrap">
          <table class="sightings">
            <thead>
              <tr>
                <th scope="col">Count</th>
                <th scope="col">First seen</th>
                <th scope="col">Last seen</th>
                <th scope="col">Where sighted</th>
                <th scope="col">TLP</th>
                <th scope="col">Sighting</th>
              </tr>
            </thead>
            <tbody>
              {sightings.map((e) => {
                const o = e.object;
                const where = Array.isArray(o.where_sighted_refs) ? o.where_sighted_refs.map(String) : [];
                return (
                  <tr key={e.collection + o.id}>
                    <td>{typeof o.count === "number" ? o.count : "—"}</td>
                    <td>{when(typeof o.first_seen === "string" ? o.first_seen : undefined) || "—"}</td>
                    <td>{when(typeof o.last_seen === "string" ? o.last_seen : undefined) || "—"}</td>
                    <td>{where.length ? where.map((w) => producers.get(w) ?? names.get(w) ?? w).join(", ") : "—"}</td>
                    <td>
                      <TlpBadge tlp={e.tlp} />
                    </td>
                    <td>
                      <a href={objectHref(e.collection, o.id)}>{e.producer ? `by ${e.producer}` : o.id}</a>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export function ObjectPage({ collection, id, version, producers }: { collection: string; id: string; version?: string; producers: Map<string, string> }) {
  const [obj, setObj] = useState<api.StixObject | null | undefined>(undefined);
  const [versions, setVersions] = useState<string[]>([]);
  const [related, setRelated] = useState<api.Related | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [relatedError, setRelatedError] = useState<unknown>(null);
  const heading = useFocusHeading("object" + id + (version ?? ""));
  useEffect(() => {
    let live = true;
    setObj(undefined);
    setError(null);
    (version ? api.objectVersion(collection, id, version) : api.object(collection, id)).then(
      (o) => live && setObj(o),
      (e) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [collection, id, version]);
  // Versions and relationships belong to the object, not to the version shown.
  useEffect(() => {
    let live = true;
    setVersions([]);
    setRelated(null);
    setRelatedError(null);
    api.versions(collection, id).then(
      (v) => live && setVersions(v),
      () => live && setVersions([]),
    );
    api.related(id, collection).then(
      (r) => live && setRelated(r),
      (e) => live && setRelatedError(e),
    );
    return () => {
      live = false;
    };
  }, [collection, id]);

  const center: GraphNode | null = useMemo(() => (obj ? { id: obj.id, type: obj.type, name: nameOf(obj), tlp: tlpOfObject(obj), collection } : null), [obj, collection]);
  const names = useMemo(() => new Map((related?.nodes ?? []).map((n) => [n.id, n.name])), [related]);
  const shown = obj ? Object.entries(obj).filter(([k]) => k !== "type" && k !== "id") : [];
  const shownVersion = obj ? String(obj.modified ?? obj.created ?? "") : "";
  const isStixPattern = obj?.type === "indicator" && typeof obj.pattern === "string" && (obj.pattern_type === undefined || obj.pattern_type === "stix");
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
            {version && versions.length > 0 && shownVersion !== versions[versions.length - 1] && (
              <>
                {" "}
                <strong>An older version.</strong> <a href={objectHref(collection, id)}>Open the latest</a>
              </>
            )}
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
          {isStixPattern && <PatternSection pattern={String(obj.pattern)} />}
          {versions.length > 0 && <Versions collection={collection} id={id} shown={shownVersion} list={versions} />}
          <section aria-labelledby="graph-heading">
            <h2 id="graph-heading">Relationships and sightings</h2>
            <ErrorNote error={relatedError} />
            {!related && !relatedError && <p class="muted">Loading…</p>}
            {related && center && <Graph center={center} initial={related} />}
          </section>
          {related && <Sightings edges={related.edges} producers={producers} names={names} />}
        </>
      )}
    </main>
  );
}
