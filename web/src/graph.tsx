// An object's relationships and sightings as a graph (Cytoscape.js, bundled; drawn on canvas),
// from GET /api/v1/objects/{id}/related: the hub says which edges and which objects at their
// other ends the person may read, and nothing else is drawn. Beside the graph, the same nodes as
// a list (links and buttons) so that it is usable without a mouse and by a screen reader:
// "Show its neighbours" (or a click on a node) asks the hub for that node's edges and adds them;
// a double click on a node, or its link, opens its page.
//
// Content-Security-Policy: Cytoscape's renderer adds a <style> element to <head> (for
// `position: relative` on its container) unless an element with the id below already exists.
// The hub allows no inline style, so the page puts a marker element with that id in <head> first
// and style.css carries the rule. The rest of Cytoscape's styling is CSSOM (element.style), which
// the policy allows.

import cytoscape from "cytoscape";
import { useEffect, useRef, useState } from "preact/hooks";
import * as api from "./api";
import { objectHref, TlpBadge } from "./ui";

const CYTOSCAPE_STYLESHEET_ID = "__________cytoscape_stylesheet";

function keepCytoscapeFromInjectingStyle(): void {
  if (document.getElementById(CYTOSCAPE_STYLESHEET_ID)) return;
  const marker = document.createElement("meta");
  marker.id = CYTOSCAPE_STYLESHEET_ID;
  marker.name = "tessera-graph-style";
  marker.content = "the graph's container rule is in the app's stylesheet";
  document.head.prepend(marker);
}

// Node fill by STIX type (the common SDOs); anything else is grey.
const TYPE_COLOUR: Record<string, string> = {
  indicator: "#0a5bc4",
  malware: "#a40e26",
  "threat-actor": "#6f42c1",
  "intrusion-set": "#8250df",
  campaign: "#bf3989",
  "attack-pattern": "#bc4c00",
  tool: "#9a6700",
  vulnerability: "#cf222e",
  identity: "#1a7f37",
  "observed-data": "#57606a",
  infrastructure: "#0969da",
  report: "#4d2d00",
  sighting: "#d1242f",
  location: "#116329",
};
// Node border by TLP (the TLP 2.0 colours; CLEAR and none in greys, since the canvas is white).
const TLP_BORDER: Record<string, string> = { red: "#ff2b2b", "amber+strict": "#ffc000", amber: "#ffc000", green: "#33cc00", clear: "#8c959f", "": "#d0d7de" };

export interface GraphNode {
  id: string;
  type: string;
  name: string;
  tlp: string;
  collection: string;
}

interface GraphEdge {
  id: string;
  source: string;
  target: string;
  label: string;
}

// The edges an answer's relationships and sightings make, between the ends in `known`.
function edgesOf(answer: api.Related, known: Set<string>): GraphEdge[] {
  const out: GraphEdge[] = [];
  for (const e of answer.edges) {
    const o = e.object;
    if (o.type === "relationship") {
      const s = String(o.source_ref ?? "");
      const t = String(o.target_ref ?? "");
      if (known.has(s) && known.has(t)) out.push({ id: o.id, source: s, target: t, label: String(o.relationship_type ?? "related-to") });
    } else if (o.type === "sighting") {
      const of = String(o.sighting_of_ref ?? "");
      const where = Array.isArray(o.where_sighted_refs) ? o.where_sighted_refs.map(String) : [];
      for (const w of where) if (known.has(of) && known.has(w)) out.push({ id: `${o.id} ${w}`, source: of, target: w, label: `sighted${typeof o.count === "number" ? ` ×${o.count}` : ""}` });
    }
  }
  return out;
}

function label(n: GraphNode): string {
  const name = n.name.length > 40 ? n.name.slice(0, 40) + "…" : n.name;
  return `${name || n.id}\n${n.type}`;
}

export function RelatedGraph({ center, initial }: { center: GraphNode; initial: api.Related }) {
  const [nodes, setNodes] = useState<Map<string, GraphNode>>(() => new Map());
  const [edges, setEdges] = useState<Map<string, GraphEdge>>(() => new Map());
  const [expanded, setExpanded] = useState<Set<string>>(() => new Set());
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [truncated, setTruncated] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  const cy = useRef<cytoscape.Core | null>(null);
  const expandRef = useRef<(id: string) => void>(() => {});

  function merge(base: Map<string, GraphNode>, baseEdges: Map<string, GraphEdge>, answer: api.Related) {
    const n = new Map(base);
    for (const h of answer.nodes) if (!n.has(h.id)) n.set(h.id, { id: h.id, type: h.type, name: h.name, tlp: h.tlp, collection: h.collection });
    const e = new Map(baseEdges);
    for (const edge of edgesOf(answer, new Set(n.keys()))) e.set(edge.id, edge);
    return { n, e };
  }

  // The centre and its neighbours, anew for each object.
  useEffect(() => {
    const { n, e } = merge(new Map([[center.id, center]]), new Map(), initial);
    setNodes(n);
    setEdges(e);
    setExpanded(new Set([center.id]));
    setTruncated(initial.truncated);
    setError(null);
  }, [center.id, initial]);

  async function expand(id: string) {
    const node = nodes.get(id);
    if (!node || expanded.has(id)) return;
    setBusy(id);
    setError(null);
    try {
      const answer = await api.related(id, node.collection);
      const { n, e } = merge(nodes, edges, answer);
      setNodes(n);
      setEdges(e);
      setExpanded(new Set([...expanded, id]));
      if (answer.truncated) setTruncated(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  }
  expandRef.current = expand;

  // One Cytoscape instance per page; torn down with it.
  useEffect(() => {
    if (!box.current) return;
    keepCytoscapeFromInjectingStyle();
    const c = cytoscape({
      container: box.current,
      minZoom: 0.2,
      maxZoom: 1.5,
      style: [
        {
          selector: "node",
          style: {
            "background-color": "data(colour)",
            "border-color": "data(border)",
            "border-width": 4,
            label: "data(label)",
            "text-wrap": "wrap",
            "text-valign": "bottom",
            "text-margin-y": 4,
            "font-size": 11,
            color: "#1b1f24",
            width: 28,
            height: 28,
          },
        },
        { selector: "node.centre", style: { width: 40, height: 40, "border-width": 6 } },
        {
          selector: "edge",
          style: {
            width: 2,
            "line-color": "#8c959f",
            "target-arrow-color": "#8c959f",
            "target-arrow-shape": "triangle",
            "curve-style": "bezier",
            label: "data(label)",
            "font-size": 10,
            color: "#57606a",
            "text-rotation": "autorotate",
            "text-background-color": "#ffffff",
            "text-background-opacity": 1,
          },
        },
      ],
    });
    c.on("tap", "node", (ev) => expandRef.current(ev.target.id()));
    c.on("dbltap", "node", (ev) => {
      const col = ev.target.data("collection");
      if (col) location.hash = objectHref(col, ev.target.id());
    });
    cy.current = c;
    return () => {
      c.destroy();
      cy.current = null;
    };
  }, []);

  // Draw what is known: add what is new, then lay the whole out again.
  useEffect(() => {
    const c = cy.current;
    if (!c) return;
    let added = false;
    for (const n of nodes.values()) {
      if (c.getElementById(n.id).nonempty()) continue;
      c.add({ group: "nodes", data: { id: n.id, label: label(n), colour: TYPE_COLOUR[n.type] ?? "#8c959f", border: TLP_BORDER[n.tlp] ?? TLP_BORDER[""], collection: n.collection }, classes: n.id === center.id ? "centre" : "" });
      added = true;
    }
    for (const e of edges.values()) {
      if (c.getElementById(e.id).nonempty()) continue;
      c.add({ group: "edges", data: { id: e.id, source: e.source, target: e.target, label: e.label } });
      added = true;
    }
    if (added) c.layout({ name: "cose", animate: false, padding: 30, nodeDimensionsIncludeLabels: true } as cytoscape.LayoutOptions).run();
  }, [nodes, edges]);

  const neighbours = [...nodes.values()].filter((n) => n.id !== center.id);
  const relation = (id: string) =>
    [...edges.values()]
      .filter((e) => e.source === id || e.target === id)
      .map((e) => {
        // A sentence: "it indicates this object", "Fancy Bear uses it".
        const other = e.source === id ? e.target : e.source;
        const otherName = other === center.id ? "this object" : nodes.get(other)?.name || other;
        return e.source === id ? `it ${e.label} ${otherName}` : `${otherName} ${e.label} it`;
      });

  return (
    <div class="graph-wrap">
      <div class="graph" ref={box} role="img" aria-label={`Graph of ${nodes.size} objects and ${edges.size} relationships or sightings; the list beside it holds the same`} />
      <div class="neighbours">
        <h3 id="neighbours-heading">Objects in the graph ({neighbours.length})</h3>
        {truncated && <p class="muted">The hub listed only the first of many edges.</p>}
        {error ? <p class="error" role="alert">{error instanceof Error ? error.message : String(error)}</p> : null}
        {neighbours.length === 0 && <p class="muted">No related object you may read.</p>}
        <ul class="plain neighbour-list" aria-labelledby="neighbours-heading">
          {neighbours.map((n) => (
            <li key={n.id}>
              <TlpBadge tlp={n.tlp} /> <span class="type">{n.type}</span> <a href={objectHref(n.collection, n.id)}>{n.name || n.id}</a>
              <span class="muted relation"> {relation(n.id).join("; ")}</span>{" "}
              {expanded.has(n.id) ? (
                <span class="muted">(neighbours shown)</span>
              ) : (
                <button type="button" class="small" disabled={busy !== null} onClick={() => expand(n.id)} aria-label={`Show its neighbours: ${n.name || n.id}`}>
                  {busy === n.id ? "Loading…" : "Show its neighbours"}
                </button>
              )}
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
