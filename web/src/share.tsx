// Sharing (#/share): a new indicator, written in a form whose pattern the hub checks as it is
// typed, or the objects of a STIX bundle file. Both are posted as TAXII 2.1 envelopes to a
// collection the person may write, with the audience named in the X-Tessera-* headers; the hub
// decides and reports per object (the status resource), and the page shows what it said. Before
// sending, the hub previews who will be able to read (POST /api/v1/collections/{id}/audience).

import { useEffect, useState } from "preact/hooks";
import * as api from "./api";
import { PatternExplanation, usePatternCheck } from "./pattern";
import { TLP2_MARKING, type Tlp } from "./tlp";
import { ErrorNote, objectHref, TlpBadge, useFocusHeading } from "./ui";

// STIX 2.1 indicator-type-ov (an open vocabulary).
const INDICATOR_TYPES = ["anomalous-activity", "anonymization", "benign", "compromised", "malicious-activity", "attribution", "unknown"];
const LEVELS = Object.keys(TLP2_MARKING) as Exclude<Tlp, "">[];
const BATCH = 1000; // objects per envelope of an upload (the hub takes up to 10,000)

function stixNow(): string {
  return new Date().toISOString();
}

// ---- where to, and to whom ----

interface Target {
  collection: string;
  audience: api.Audience;
}

function AudienceFields({ who, orgs, writable, target, onChange, idPrefix }: { who: api.WhoAmI; orgs: api.Organization[]; writable: api.Collection[]; target: Target; onChange: (t: Target) => void; idPrefix: string }) {
  const others = orgs.filter((o) => o.identity_id !== who.org.identity_id);
  const groups = who.sharing_groups ?? [];
  function toggle(identity: string, on: boolean) {
    const set = new Set(target.audience.recipients);
    if (on) set.add(identity);
    else set.delete(identity);
    onChange({ ...target, audience: { ...target.audience, recipients: others.map((o) => o.identity_id).filter((i) => set.has(i)) } });
  }
  return (
    <>
      <label>
        Collection
        <select value={target.collection} onChange={(e) => onChange({ ...target, collection: e.currentTarget.value })} required>
          {writable.map((c) => (
            <option key={c.id} value={c.id}>
              {c.title}
            </option>
          ))}
        </select>
      </label>
      <fieldset>
        <legend>Recipients (optional: named organizations win over a sharing group)</legend>
        {others.length === 0 && <p class="muted">There is no other member organization.</p>}
        <ul class="plain choices">
          {others.map((o) => (
            <li key={o.identity_id}>
              <label class="check">
                <input type="checkbox" name={`${idPrefix}-recipient`} value={o.identity_id} checked={target.audience.recipients.includes(o.identity_id)} onChange={(e) => toggle(o.identity_id, e.currentTarget.checked)} />
                {o.name}
              </label>
            </li>
          ))}
        </ul>
      </fieldset>
      <label>
        Sharing group (optional)
        <select value={target.audience.sharing_group} onChange={(e) => onChange({ ...target, audience: { ...target.audience, sharing_group: e.currentTarget.value } })}>
          <option value="">none: the collection's default audience</option>
          {groups.map((g) => (
            <option key={g.id} value={g.name}>
              {g.name}
            </option>
          ))}
        </select>
      </label>
    </>
  );
}

// Who will be able to read, as the hub answers it, refreshed 300 ms after the choice changes.
function AudiencePreview({ target, tlp }: { target: Target; tlp: string }) {
  const [preview, setPreview] = useState<api.AudiencePreview | null>(null);
  const [error, setError] = useState<unknown>(null);
  const key = JSON.stringify([target, tlp]);
  useEffect(() => {
    if (!target.collection) return;
    let live = true;
    setPreview(null);
    setError(null);
    const timer = setTimeout(() => {
      api.previewAudience(target.collection, tlp, target.audience).then(
        (p) => {
          if (!live) return;
          setPreview(p);
          setError(null);
        },
        (e) => {
          if (!live) return;
          setPreview(null);
          setError(e);
        },
      );
    }, 300);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [key]);
  return (
    <section class="preview" aria-labelledby="preview-heading" aria-live="polite">
      <h2 id="preview-heading">Who will be able to read it</h2>
      <ErrorNote error={error} />
      {!preview && !error && <p class="muted">Asking the hub…</p>}
      {preview && (
        <>
          <p>
            <TlpBadge tlp={preview.tlp} /> {preview.organizations.length} organization{preview.organizations.length === 1 ? "" : "s"}
            {preview.others > 0 ? ` and ${preview.others} other${preview.others === 1 ? "" : "s"} you may not see` : ""}:
          </p>
          <ul class="audience">
            {preview.organizations.map((o) => (
              <li key={o.identity}>{o.name}</li>
            ))}
          </ul>
          {preview.note && <p class="muted">{preview.note}</p>}
        </>
      )}
    </section>
  );
}

// ---- what the hub said ----

function StatusReport({ status, collection, subject }: { status: api.TaxiiStatus; collection: string; subject?: string }) {
  const failures = status.failures ?? [];
  const successes = status.successes ?? [];
  const notes = successes.filter((s) => s.message);
  return (
    <div class="status" role="status">
      {failures.length === 0 ? (
        <p class="ok">
          Shared: {status.success_count} of {status.total_count} object{status.total_count === 1 ? "" : "s"} added.{" "}
          {subject && successes.some((s) => s.id === subject) && <a href={objectHref(collection, subject)}>Open the new indicator</a>}
        </p>
      ) : (
        <>
          <p class="error">
            {failures.length} of {status.total_count} object{status.total_count === 1 ? "" : "s"} {failures.length === 1 ? "was" : "were"} refused; {status.success_count} added.
          </p>
          <ul class="failures">
            {failures.map((f, i) => (
              <li key={i}>
                <code>{f.id}</code>: {f.message ?? "refused"}
              </li>
            ))}
          </ul>
        </>
      )}
      {notes.length > 0 && (
        <ul class="notes">
          {notes.map((n, i) => (
            <li key={i}>
              <code>{n.id}</code>: {n.message}
            </li>
          ))}
        </ul>
      )}
      {successes.length > 1 && (
        <details>
          <summary>Added ({successes.length})</summary>
          <ul>
            {successes.map((s, i) => (
              <li key={i}>
                <a href={objectHref(collection, s.id)}>{s.id}</a>
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}

// ---- a new indicator ----

function NewIndicator({ who, orgs, writable }: { who: api.WhoAmI; orgs: api.Organization[]; writable: api.Collection[] }) {
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [pattern, setPattern] = useState("");
  const [types, setTypes] = useState<string[]>([]);
  const [validFrom, setValidFrom] = useState(stixNow);
  const [tlp, setTlp] = useState<Exclude<Tlp, "">>("amber");
  const [target, setTarget] = useState<Target>({ collection: writable[0]?.id ?? "", audience: { recipients: [], sharing_group: "" } });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<{ status: api.TaxiiStatus; id: string; collection: string } | null>(null);
  const check = usePatternCheck(pattern);

  async function submit(e: Event) {
    e.preventDefault();
    setError(null);
    setResult(null);
    const valid = new Date(validFrom.trim());
    if (isNaN(valid.getTime())) {
      setError(new Error(`valid from: "${validFrom}" is not a time (RFC 3339, e.g. ${stixNow()})`));
      return;
    }
    const now = stixNow();
    const indicator: api.StixObject = {
      type: "indicator",
      spec_version: "2.1",
      id: `indicator--${crypto.randomUUID()}`,
      created: now,
      modified: now,
      name: name.trim(),
      pattern,
      pattern_type: "stix",
      valid_from: valid.toISOString(),
      object_marking_refs: [TLP2_MARKING[tlp]],
    };
    if (description.trim()) indicator.description = description.trim();
    if (types.length) indicator.indicator_types = types;
    if (who.org.identity_id) indicator.created_by_ref = who.org.identity_id;
    setBusy(true);
    try {
      const status = await api.addObjects(target.collection, [indicator], target.audience);
      setResult({ status, id: indicator.id, collection: target.collection });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="new-indicator">
      <h2 id="new-indicator">A new indicator</h2>
      <form class="stack share-form" onSubmit={submit}>
        <label>
          Name
          <input name="name" required value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <label>
          Description (optional)
          <textarea name="description" rows={3} value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
        </label>
        <label>
          Pattern (STIX patterning; checked as you type)
          <textarea name="pattern" class="mono" rows={3} required spellcheck={false} aria-describedby="pattern-check" placeholder="[ipv4-addr:value = '203.0.113.7']" value={pattern} onInput={(e) => setPattern(e.currentTarget.value)} />
        </label>
        <PatternExplanation state={check} id="pattern-check" />
        <fieldset>
          <legend>Indicator types (optional)</legend>
          <ul class="plain choices">
            {INDICATOR_TYPES.map((t) => (
              <li key={t}>
                <label class="check">
                  <input type="checkbox" name="indicator_types" value={t} checked={types.includes(t)} onChange={(e) => setTypes(e.currentTarget.checked ? [...types, t] : types.filter((x) => x !== t))} />
                  {t}
                </label>
              </li>
            ))}
          </ul>
        </fieldset>
        <label>
          Valid from (RFC 3339, UTC)
          <input name="valid_from" class="mono" required value={validFrom} onInput={(e) => setValidFrom(e.currentTarget.value)} />
        </label>
        <label>
          TLP
          <select name="tlp" value={tlp} onChange={(e) => setTlp(e.currentTarget.value as Exclude<Tlp, "">)}>
            {LEVELS.map((l) => (
              <option key={l} value={l}>
                TLP:{l.toUpperCase()}
              </option>
            ))}
          </select>
        </label>
        <AudienceFields who={who} orgs={orgs} writable={writable} target={target} onChange={setTarget} idPrefix="indicator" />
        <AudiencePreview target={target} tlp={tlp} />
        <button type="submit" disabled={busy || !target.collection}>
          {busy ? "Sharing…" : "Share the indicator"}
        </button>
        <ErrorNote error={error} />
        {result && <StatusReport status={result.status} collection={result.collection} subject={result.id} />}
      </form>
    </section>
  );
}

// ---- a bundle file ----

// The objects of a STIX bundle read from `text`, or an error saying what the file is instead.
export function bundleObjects(text: string): api.StixObject[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new Error(`the file is not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!doc || typeof doc !== "object" || Array.isArray(doc) || (doc as Record<string, unknown>).type !== "bundle") {
    throw new Error('the file is JSON but not a STIX bundle (an object with "type": "bundle")');
  }
  const objects = (doc as Record<string, unknown>).objects;
  if (objects === undefined) return [];
  if (!Array.isArray(objects)) throw new Error('the bundle\'s "objects" is not a list');
  objects.forEach((o, i) => {
    if (!o || typeof o !== "object" || Array.isArray(o)) throw new Error(`objects[${i}] of the bundle is not a JSON object`);
  });
  return objects as api.StixObject[];
}

function BundleUpload({ who, orgs, writable }: { who: api.WhoAmI; orgs: api.Organization[]; writable: api.Collection[] }) {
  const [file, setFile] = useState<File | null>(null);
  const [target, setTarget] = useState<Target>({ collection: writable[0]?.id ?? "", audience: { recipients: [], sharing_group: "" } });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<{ status: api.TaxiiStatus; collection: string } | null>(null);

  async function submit(e: Event) {
    e.preventDefault();
    setError(null);
    setResult(null);
    if (!file) {
      setError(new Error("choose a bundle file first"));
      return;
    }
    setBusy(true);
    try {
      const objects = bundleObjects(await file.text());
      if (objects.length === 0) throw new Error("the bundle holds no objects: nothing to share");
      // One status summing the envelopes' statuses.
      const sum: api.TaxiiStatus = { id: "", status: "complete", total_count: 0, success_count: 0, failure_count: 0, pending_count: 0, successes: [], failures: [] };
      for (let i = 0; i < objects.length; i += BATCH) {
        const s = await api.addObjects(target.collection, objects.slice(i, i + BATCH), target.audience);
        sum.total_count += s.total_count;
        sum.success_count += s.success_count;
        sum.failure_count += s.failure_count;
        sum.pending_count += s.pending_count;
        sum.successes!.push(...(s.successes ?? []));
        sum.failures!.push(...(s.failures ?? []));
      }
      setResult({ status: sum, collection: target.collection });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="upload-bundle">
      <h2 id="upload-bundle">Upload a STIX bundle</h2>
      <p class="muted">Each object keeps its own markings; the hub judges each one alone and says why it refuses one.</p>
      <form class="stack share-form" onSubmit={submit}>
        <label>
          Bundle file (JSON)
          <input type="file" name="bundle" accept=".json,application/json,application/stix+json" onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)} />
        </label>
        <AudienceFields who={who} orgs={orgs} writable={writable} target={target} onChange={setTarget} idPrefix="bundle" />
        <button type="submit" disabled={busy || !target.collection}>
          {busy ? "Uploading…" : "Upload the bundle"}
        </button>
        <ErrorNote error={error} />
        {result && <StatusReport status={result.status} collection={result.collection} />}
      </form>
    </section>
  );
}

// ---- the page ----

export function SharePage({ who }: { who: api.WhoAmI }) {
  const [writable, setWritable] = useState<api.Collection[] | null>(null);
  const [orgs, setOrgs] = useState<api.Organization[]>([]);
  const [error, setError] = useState<unknown>(null);
  const heading = useFocusHeading("share");
  useEffect(() => {
    let live = true;
    Promise.all([api.collections(), api.organizations()]).then(
      ([cols, list]) => {
        if (!live) return;
        setWritable(cols.filter((c) => c.can_write));
        setOrgs(list);
      },
      (e) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, []);
  return (
    <main id="main">
      <h1 tabIndex={-1} ref={heading}>
        Share
      </h1>
      <ErrorNote error={error} />
      {writable === null && !error && <p aria-live="polite">Loading…</p>}
      {writable && writable.length === 0 && <p>There is no collection you may write into.</p>}
      {writable && writable.length > 0 && (
        <div class="share">
          <NewIndicator who={who} orgs={orgs} writable={writable} />
          <BundleUpload who={who} orgs={orgs} writable={writable} />
        </div>
      )}
    </main>
  );
}
