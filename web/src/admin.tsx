// Administration (#/admin/<section>): organizations, users, API tokens, sharing groups and
// collections, through the admin API (/api/v1/, docs/admin.md). The hub decides who may do what:
// these pages only leave out the forms a role cannot use (docs/admin.md's table), and show the
// hub's own answer, a 403 or a 409 included, beside what it refused. Destructive actions (delete,
// disable, revoke, rotate) ask first, in place; after an action the focus moves to its outcome.

import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import * as api from "./api";
import { TlpBadge, useFocusHeading, when } from "./ui";

export type AdminSection = "orgs" | "users" | "tokens" | "groups" | "collections";

const SECTIONS: { key: AdminSection; title: string; roles: string[] }[] = [
  { key: "users", title: "Users", roles: ["admin", "org-admin"] },
  // Every role has its own tokens (the header's "Your tokens" for those who administer nothing).
  { key: "tokens", title: "API tokens", roles: ["admin", "org-admin", "analyst", "read-only", "sync"] },
  { key: "orgs", title: "Organizations", roles: ["admin", "org-admin"] },
  { key: "groups", title: "Sharing groups", roles: ["admin"] },
  { key: "collections", title: "Collections", roles: ["admin"] },
];

// Whether the header shows the "Administration" link to this role.
export function administers(role: string): boolean {
  return role === "admin" || role === "org-admin";
}

// The roles `role` may give (docs/admin.md): an org-admin neither admin nor sync.
function grantableRoles(role: string): api.Role[] {
  return role === "admin" ? api.ROLES : ["org-admin", "analyst", "read-only"];
}

// ---- shared pieces ----

// An error of the API, beside what caused it; a refusal (403) says so in words before the hub's.
function Problem({ error }: { error: unknown }) {
  if (!error) return null;
  const text = error instanceof Error ? error.message : String(error);
  const refused = error instanceof api.ApiError && error.status === 403;
  return (
    <p class="error" role="alert">
      {refused && <strong>Not allowed: </strong>}
      {text}
    </p>
  );
}

function Done({ text }: { text: string }) {
  return (
    <p class="done" role="status">
      {text}
    </p>
  );
}

// Loads what `fetch` answers, again when `deps` change or `reload` is called.
function useLoad<T>(load: () => Promise<T>, deps: unknown[]) {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [round, setRound] = useState(0);
  useEffect(() => {
    let live = true;
    setError(null);
    load().then(
      (d) => live && setData(d),
      (e) => {
        if (!live) return;
        setData(undefined);
        setError(e);
      },
    );
    return () => {
      live = false;
    };
  }, [...deps, round]);
  return { data, error, reload: () => setRound((r) => r + 1) };
}

// Runs a change, keeping its error and success message for the form that asked for it. With
// `focus`, the message (shown by <Outcome>) takes the keyboard focus once it is there: the button
// that asked may be gone (a confirmation closed, a form folded).
function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState("");
  const [round, setRound] = useState(0);
  const message = useRef<HTMLParagraphElement>(null);
  const focusNext = useRef(false);
  useEffect(() => {
    if (!focusNext.current) return;
    focusNext.current = false;
    message.current?.focus();
  }, [round]);
  async function run(fn: () => Promise<string>, focus = false): Promise<boolean> {
    setBusy(true);
    setError(null);
    setDone("");
    try {
      setDone(await fn());
      return true;
    } catch (e) {
      setError(e);
      return false;
    } finally {
      setBusy(false);
      focusNext.current = focus;
      setRound((r) => r + 1);
    }
  }
  return { busy, error, done, run, message };
}

type Action = ReturnType<typeof useAction>;

// The error or the success message of an action, able to take the focus (useAction's `focus`).
function Outcome({ act }: { act: Action }) {
  if (act.error) {
    const text = act.error instanceof Error ? act.error.message : String(act.error);
    const status = act.error instanceof api.ApiError ? act.error.status : 0;
    return (
      <p class="error" role="alert" tabIndex={-1} ref={act.message}>
        {status === 403 && <strong>Not allowed: </strong>}
        {status === 409 && <strong>Refused: </strong>}
        {text}
      </p>
    );
  }
  if (!act.done) return null;
  return (
    <p class="done" role="status" tabIndex={-1} ref={act.message}>
      {act.done}
    </p>
  );
}

// A page's message about a row that is gone (deleted): above the table, taking the focus.
function useNotice() {
  const [text, setText] = useState("");
  const [round, setRound] = useState(0);
  const ref = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (round) ref.current?.focus();
  }, [round]);
  return {
    text,
    ref,
    show: (t: string) => {
      setText(t);
      setRound((r) => r + 1);
    },
  };
}

function Notice({ notice }: { notice: ReturnType<typeof useNotice> }) {
  if (!notice.text) return null;
  return (
    <p class="done" role="status" tabIndex={-1} ref={notice.ref}>
      {notice.text}
    </p>
  );
}

// A destructive action's button ("Delete", named "Delete SUBJECT" to a screen reader) that asks
// first: the question in place of the button, with "Yes, delete" (which takes the focus) and
// "Cancel" (which gives the focus back to the button).
function Confirm({ action, subject, question, busy, onConfirm }: { action: string; subject: string; question: string; busy: boolean; onConfirm: () => void }) {
  const [asking, setAsking] = useState(false);
  const opener = useRef<HTMLButtonElement>(null);
  const yes = useRef<HTMLButtonElement>(null);
  const back = useRef(false);
  useEffect(() => {
    if (asking) yes.current?.focus();
    else if (back.current) {
      back.current = false;
      opener.current?.focus();
    }
  }, [asking]);
  if (!asking) {
    return (
      <button ref={opener} type="button" class="secondary" disabled={busy} onClick={() => setAsking(true)}>
        {action}
        <Hidden> {subject}</Hidden>
      </button>
    );
  }
  const verb = action.toLowerCase();
  return (
    <span class="confirm" role="group" aria-label={`Confirm: ${verb} ${subject}`}>
      <span>{question}</span>
      <button
        ref={yes}
        type="button"
        class="danger"
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        Yes, {verb}
        <Hidden> {subject}</Hidden>
      </button>
      <button
        type="button"
        class="secondary"
        onClick={() => {
          back.current = true;
          setAsking(false);
        }}
      >
        Cancel
      </button>
    </span>
  );
}

// "Rename" (named "Rename SUBJECT"), which unfolds into a field with the current name (focused
// and selected), "Save name" and "Cancel". `onSave` answers whether the hub took the name; the
// field stays open when it did not.
function Rename({ subject, label = "New name", busy, onSave }: { subject: string; label?: string; busy: boolean; onSave: (name: string) => Promise<boolean> }) {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState(subject);
  const field = useRef<HTMLInputElement>(null);
  const opener = useRef<HTMLButtonElement>(null);
  const back = useRef(false);
  useEffect(() => {
    if (open) {
      field.current?.focus();
      field.current?.select();
    } else if (back.current) {
      back.current = false;
      opener.current?.focus();
    }
  }, [open]);
  if (!open) {
    return (
      <button
        ref={opener}
        type="button"
        class="secondary"
        disabled={busy}
        onClick={() => {
          setName(subject);
          setOpen(true);
        }}
      >
        Rename<Hidden> {subject}</Hidden>
      </button>
    );
  }
  async function submit(e: Event) {
    e.preventDefault();
    if (await onSave(name.trim())) setOpen(false);
  }
  return (
    <form class="inline" onSubmit={submit} aria-label={`Rename ${subject}`}>
      <label>
        <span class="visually-hidden">
          {label} for {subject}
        </span>
        <input ref={field} name="new-name" required maxLength={256} value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      <button type="submit" disabled={busy}>
        Save name
      </button>
      <button
        type="button"
        class="secondary"
        onClick={() => {
          back.current = true;
          setOpen(false);
        }}
      >
        Cancel
      </button>
    </form>
  );
}

// Text that names a row to a screen reader ("Disable alice"), shown as "Disable".
function Hidden({ children }: { children: ComponentChildren }) {
  return <span class="visually-hidden">{children}</span>;
}

// A labelled list to choose from. The label is a sibling, not a wrapper: a wrapping label would
// make the chosen option part of the field's name.
function SelectField({ id, label, value, onChange, children }: { id: string; label: string; value: string; onChange: (v: string) => void; children: ComponentChildren }) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
        {children}
      </select>
    </div>
  );
}

function Loading({ what }: { what: string }) {
  return <p aria-live="polite">Loading {what}…</p>;
}

// ---- the page ----

export function Admin({ who, section, params }: { who: api.WhoAmI; section: string; params: URLSearchParams }) {
  const role = who.user.role;
  const shown = SECTIONS.filter((s) => s.roles.includes(role));
  // No section named: the first this role has (a member's own tokens); one named by its URL that
  // the role does not have still opens, to show the hub's refusal.
  const current = (SECTIONS.find((s) => s.key === section)?.key ?? shown[0]?.key ?? "users") as AdminSection;
  return (
    <main id="main">
      {shown.length > 0 && (
        <nav aria-label="Administration" class="subnav">
          {shown.map((s) => (
            <a key={s.key} href={`#/admin/${s.key}`} aria-current={s.key === current ? "page" : undefined}>
              {s.title}
            </a>
          ))}
        </nav>
      )}
      {current === "orgs" && <Orgs role={role} />}
      {current === "users" && <Users who={who} />}
      {current === "tokens" && <Tokens who={who} user={params.get("user") ?? ""} />}
      {current === "groups" && <Groups />}
      {current === "collections" && <Collections />}
    </main>
  );
}

// ---- organizations ----

// An organization's row; an admin also renames, disables or enables, and deletes it. The hub's
// refusal (a 409 saying what holds it: users, objects it provided) stays beside the row.
function OrgRow({ org, admin, onChanged, onDeleted }: { org: api.OrgRecord; admin: boolean; onChanged: () => void; onDeleted: (text: string) => void }) {
  const act = useAction();
  async function rename(name: string): Promise<boolean> {
    const ok = await act.run(async () => {
      const r = await api.patchOrg(org.id, { name });
      return `Renamed ${org.name} to ${r.name}; its identity id stays ${r.identity_id}.`;
    }, true);
    if (ok) onChanged();
    return ok;
  }
  async function setDisabled(disabled: boolean) {
    const ok = await act.run(async () => {
      const r = await api.patchOrg(org.id, { disabled });
      return r.disabled ? `${r.name} is disabled: its users' tokens and sessions no longer work. Enable undoes it.` : `${r.name} is enabled again.`;
    }, true);
    if (ok) onChanged();
  }
  async function remove() {
    if (await act.run(async () => (await api.deleteOrg(org.id), ""), true)) onDeleted(`Deleted the organization ${org.name}.`);
  }
  return (
    <tr>
      <td>{org.name}</td>
      <td>
        <code>{org.identity_id}</code>
      </td>
      {admin && <td>{when(org.created)}</td>}
      {admin && <td>{org.disabled ? <strong>disabled</strong> : "active"}</td>}
      {admin && (
        <td>
          <div class="actions">
            <Rename subject={org.name} busy={act.busy} onSave={rename} />
            {org.disabled ? (
              <button type="button" class="secondary" disabled={act.busy} onClick={() => setDisabled(false)}>
                Enable<Hidden> {org.name}</Hidden>
              </button>
            ) : (
              <Confirm action="Disable" subject={org.name} question={`Disable ${org.name}? Its users' tokens and sessions stop working; nothing is deleted.`} busy={act.busy} onConfirm={() => setDisabled(true)} />
            )}
            <Confirm action="Delete" subject={org.name} question={`Delete ${org.name}? This cannot be undone.`} busy={act.busy} onConfirm={remove} />
          </div>
          <Outcome act={act} />
        </td>
      )}
    </tr>
  );
}

function Orgs({ role }: { role: string }) {
  const heading = useFocusHeading("admin-orgs");
  const orgs = useLoad(api.listOrgs, []);
  const notice = useNotice();
  const [name, setName] = useState("");
  const add = useAction();
  async function submit(e: Event) {
    e.preventDefault();
    if (await add.run(async () => `Added the organization ${(await api.createOrg(name.trim())).name}.`)) {
      setName("");
      orgs.reload();
    }
  }
  return (
    <>
      <h1 tabIndex={-1} ref={heading}>
        Organizations
      </h1>
      {role === "admin" && <p class="muted">Renaming keeps an organization's STIX identity id, which its objects cite. One that provided objects cannot be deleted: disable it instead.</p>}
      <Notice notice={notice} />
      <Problem error={orgs.error} />
      {!orgs.data && !orgs.error && <Loading what="organizations" />}
      {orgs.data && (
        <div class="table-wrap">
          <table class="admin-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Identity (STIX id)</th>
                {role === "admin" && <th scope="col">Added</th>}
                {role === "admin" && <th scope="col">State</th>}
                {role === "admin" && <th scope="col">Actions</th>}
              </tr>
            </thead>
            <tbody>
              {orgs.data.map((o) => (
                <OrgRow
                  key={o.id}
                  org={o}
                  admin={role === "admin"}
                  onChanged={orgs.reload}
                  onDeleted={(t) => {
                    notice.show(t);
                    orgs.reload();
                  }}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {role === "admin" && (
        <form class="panel stack" onSubmit={submit} aria-labelledby="org-add">
          <h2 id="org-add">Add an organization</h2>
          <label>
            Name
            <input name="name" required maxLength={256} value={name} onInput={(e) => setName(e.currentTarget.value)} />
          </label>
          <button type="submit" disabled={add.busy}>
            Add organization
          </button>
          <Problem error={add.error} />
          {add.done && <Done text={add.done} />}
        </form>
      )}
    </>
  );
}

// ---- users ----

function UserRow({ user, orgName, who, onChanged, onDeleted }: { user: api.User; orgName: string; who: api.WhoAmI; onChanged: () => void; onDeleted: (text: string) => void }) {
  const [role, setRole] = useState<api.Role>(user.role);
  // Keyed by id, the row keeps its message across the reload a change causes; the choice follows
  // what the hub now says.
  useEffect(() => setRole(user.role), [user.role]);
  const act = useAction();
  const roles = grantableRoles(who.user.role);
  const self = user.name === who.user.name;
  async function changeRole(e: Event) {
    e.preventDefault();
    if (
      await act.run(async () => {
        const r = await api.patchUser(user.id, { role });
        const revoked = r.revoked_tokens.length ? ` ${r.revoked_tokens.length} of its tokens were revoked; make it a new one.` : "";
        return `${user.name} is now ${r.role}.${revoked}`;
      })
    )
      onChanged();
  }
  async function setDisabled(disabled: boolean) {
    if (await act.run(async () => `${user.name} is ${(await api.patchUser(user.id, { disabled })).disabled ? "disabled" : "enabled"}.`, true)) onChanged();
  }
  async function rename(name: string): Promise<boolean> {
    const ok = await act.run(async () => `Renamed ${user.name} to ${(await api.patchUser(user.id, { name })).name}; its tokens keep working (an HTTP Basic client gives the new name).`, true);
    if (ok) onChanged();
    return ok;
  }
  // The hub deletes a user that never wrote; one that did is disabled instead, its tokens revoked
  // (what it wrote keeps its author), and the answer says why.
  async function remove() {
    let removal: api.UserRemoval | undefined;
    const ok = await act.run(async () => {
      removal = await api.deleteUser(user.id);
      if (removal.deleted) return "";
      const n = removal.revoked_tokens.length;
      return `${user.name} was disabled, not deleted: ${removal.reason}. ${n} token${n === 1 ? "" : "s"} revoked.`;
    }, true);
    if (!ok || !removal) return;
    if (removal.deleted) onDeleted(`Deleted ${user.name} and its tokens.`);
    else onChanged();
  }
  return (
    <tr>
      <td>{user.name}</td>
      <td>{orgName}</td>
      <td>{user.role}</td>
      <td>{user.disabled ? <strong>disabled</strong> : "active"}</td>
      <td>{when(user.created)}</td>
      <td>
        <div class="actions">
          <a href={`#/admin/tokens?user=${encodeURIComponent(user.name)}`}>
            Tokens<Hidden> of {user.name}</Hidden>
          </a>
          {!self && (
            <>
              <form class="inline" onSubmit={changeRole}>
                <label class="visually-hidden" for={`role-${user.id}`}>
                  Role of {user.name}
                </label>
                <select id={`role-${user.id}`} value={role} onChange={(e) => setRole(e.currentTarget.value as api.Role)}>
                  {(roles.includes(user.role) ? roles : [user.role, ...roles]).map((r) => (
                    <option key={r} value={r}>
                      {r}
                    </option>
                  ))}
                </select>
                <button type="submit" disabled={act.busy || role === user.role}>
                  Change role<Hidden> of {user.name}</Hidden>
                </button>
              </form>
              {user.disabled ? (
                <button type="button" class="secondary" disabled={act.busy} onClick={() => setDisabled(false)}>
                  Enable<Hidden> {user.name}</Hidden>
                </button>
              ) : (
                <Confirm action="Disable" subject={user.name} question={`Disable ${user.name}? Its tokens and sessions stop working until it is enabled.`} busy={act.busy} onConfirm={() => setDisabled(true)} />
              )}
              <Rename subject={user.name} busy={act.busy} onSave={rename} />
              <Confirm action="Delete" subject={user.name} question={`Delete ${user.name}? A user that wrote through the hub is disabled instead.`} busy={act.busy} onConfirm={remove} />
            </>
          )}
        </div>
        <Outcome act={act} />
      </td>
    </tr>
  );
}

function Users({ who }: { who: api.WhoAmI }) {
  const heading = useFocusHeading("admin-users");
  const users = useLoad(api.listUsers, []);
  const notice = useNotice();
  const orgs = useLoad(api.listOrgs, []);
  const isAdmin = who.user.role === "admin";
  const roles = grantableRoles(who.user.role);
  const [name, setName] = useState("");
  const [org, setOrg] = useState("");
  const [role, setRole] = useState<api.Role>("analyst");
  const add = useAction();
  const orgName = new Map((orgs.data ?? []).map((o) => [o.id, o.name]));
  async function submit(e: Event) {
    e.preventDefault();
    const ok = await add.run(async () => {
      const u = await api.createUser(name.trim(), role, isAdmin && org ? Number(org) : undefined);
      return `Added ${u.name} (${u.role}). Make them a token with "Tokens" in their row.`;
    });
    if (ok) {
      setName("");
      users.reload();
    }
  }
  return (
    <>
      <h1 tabIndex={-1} ref={heading}>
        Users
      </h1>
      {!isAdmin && users.data && <p class="muted">The users of {who.org.name} you manage.</p>}
      <Notice notice={notice} />
      <Problem error={users.error} />
      {!users.data && !users.error && <Loading what="users" />}
      {users.data && (
        <div class="table-wrap">
          <table class="admin-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Organization</th>
                <th scope="col">Role</th>
                <th scope="col">State</th>
                <th scope="col">Created</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {users.data.map((u) => (
                <UserRow
                  key={u.id}
                  user={u}
                  orgName={orgName.get(u.org_id) ?? String(u.org_id)}
                  who={who}
                  onChanged={users.reload}
                  onDeleted={(t) => {
                    notice.show(t);
                    users.reload();
                  }}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {users.data && (
        <form class="panel stack" onSubmit={submit} aria-labelledby="user-add">
          <h2 id="user-add">Add a user</h2>
          <label>
            Name
            <input name="name" required maxLength={256} value={name} onInput={(e) => setName(e.currentTarget.value)} />
          </label>
          {isAdmin ? (
            <SelectField id="user-org" label="Organization" value={org} onChange={setOrg}>
              <option value="">Choose…</option>
              {(orgs.data ?? []).map((o) => (
                <option key={o.id} value={String(o.id)}>
                  {o.name}
                </option>
              ))}
            </SelectField>
          ) : (
            <p>Organization: {who.org.name}</p>
          )}
          <SelectField id="user-role" label="Role" value={role} onChange={(v) => setRole(v as api.Role)}>
            {roles.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </SelectField>
          <button type="submit" disabled={add.busy}>
            Add user
          </button>
          <Problem error={add.error} />
          {add.done && <Done text={add.done} />}
        </form>
      )}
    </>
  );
}

// ---- tokens ----

// A new token's secret, shown this once: copy it (clipboard, or select the field and copy). After
// a rotation it also says which token it replaces, now revoked (or, if revoking failed, that the
// old one still works).
function Secret({ issued, rotation, onDone }: { issued: api.IssuedToken; rotation?: api.Rotation; onDone: () => void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  const field = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState("");
  useEffect(() => heading.current?.focus(), [issued.id]);
  async function copy() {
    try {
      await navigator.clipboard.writeText(issued.token);
      setCopied("Copied to the clipboard.");
    } catch {
      field.current?.focus();
      field.current?.select();
      setCopied("The browser would not copy it: the token is selected, press Ctrl+C (⌘C) to copy it.");
    }
  }
  const old = rotation?.old;
  return (
    <section class="secret" aria-labelledby="secret-heading">
      <h2 id="secret-heading" tabIndex={-1} ref={heading}>
        New token for {issued.user}
        {issued.label ? ` (${issued.label})` : ""}
      </h2>
      {old && !rotation.revokeError && (
        <p>
          It replaces the token <code>{old.id}</code>, which is now revoked: whatever used the old one needs this one.
          {rotation.signedInAgain && " This browser had signed in with the old one and is now signed in with this one."}
        </p>
      )}
      {old && rotation.revokeError !== undefined && (
        <p class="error" role="alert">
          The old token <code>{old.id}</code> could not be revoked and still works: {rotation.revokeError instanceof Error ? rotation.revokeError.message : String(rotation.revokeError)}. Revoke it from the list.
        </p>
      )}
      <p>
        <strong>Copy it now: it will not be shown again.</strong> The hub keeps only a hash of it; if it is lost, revoke it and create another.
      </p>
      <label>
        Token
        <input ref={field} class="token-secret" readOnly value={issued.token} onFocus={(e) => e.currentTarget.select()} />
      </label>
      <div class="actions">
        <button type="button" onClick={copy}>
          Copy token
        </button>
        <button type="button" class="secondary" onClick={onDone}>
          I have copied it
        </button>
      </div>
      {copied && <p role="status">{copied}</p>}
    </section>
  );
}

// A token's row: revoke it, or rotate it (a new token with the same label and lifetime, shown
// once by <Secret>, and this one revoked), each after a confirmation.
function TokenRow({ token, self, onChanged, onRotated }: { token: api.Token; self: boolean; onChanged: () => void; onRotated: (r: api.Rotation) => void }) {
  const act = useAction();
  const label = token.label || token.id;
  // The token this browser's session signed in with (only its own user's).
  const current = self && token.id === api.sessionTokenId();
  async function revoke() {
    if (await act.run(async () => `Revoked ${(await api.revokeToken(token.id)).id}.`, true)) onChanged();
  }
  async function rotate() {
    let rotation: api.Rotation | undefined;
    const ok = await act.run(async () => {
      rotation = await api.rotateToken(token, self);
      return "";
    }, true);
    if (ok && rotation) onRotated(rotation);
  }
  return (
    <tr>
      <td>{token.label || <span class="muted">no label</span>}</td>
      <td>
        <code>{token.id}</code>
        {current && <div class="muted">this browser's sign-in</div>}
      </td>
      <td>{token.user}</td>
      <td>{when(token.created)}</td>
      <td>{token.expires ? when(token.expires) : "never"}</td>
      <td>{token.last_used ? when(token.last_used) : "never"}</td>
      <td>{token.status}</td>
      <td>
        {!token.revoked && (
          <div class="actions">
            <Confirm action="Rotate" subject={label} question={`Rotate ${label}? A new token replaces it and it is revoked at once.${current ? " This browser signed in with it: it signs in again with the new one." : ""}`} busy={act.busy} onConfirm={rotate} />
            <Confirm action="Revoke" subject={label} question={current ? `Revoke ${label}? This browser signed in with it: revoking it signs you out.` : `Revoke ${label}? Whatever uses it stops working.`} busy={act.busy} onConfirm={revoke} />
          </div>
        )}
        <Outcome act={act} />
      </td>
    </tr>
  );
}

// A user's tokens: everyone's own (`#/admin/tokens`, "Your tokens" in the header for a role that
// administers nothing), and those of the users an admin or org-admin manages (`?user=NAME`).
function Tokens({ who, user }: { who: api.WhoAmI; user: string }) {
  const heading = useFocusHeading("admin-tokens" + user);
  const manages = administers(who.user.role);
  const tokens = useLoad(() => api.listTokens(user || undefined), [user]);
  const users = useLoad(() => (manages ? api.listUsers() : Promise.resolve([] as api.User[])), [manages]);
  const [label, setLabel] = useState("");
  const [expires, setExpires] = useState("90d");
  const [issued, setIssued] = useState<{ token: api.IssuedToken; rotation?: api.Rotation } | null>(null);
  const add = useAction();
  useEffect(() => setIssued(null), [user]);
  const owner = user || who.user.name;
  async function submit(e: Event) {
    e.preventDefault();
    const ok = await add.run(async () => {
      // Without naming the user when it is the caller: every role may make its own.
      const t = await api.createToken(owner === who.user.name ? undefined : owner, label.trim(), expires.trim());
      setIssued({ token: t });
      return "";
    });
    if (ok) {
      setLabel("");
      tokens.reload();
    }
  }
  function choose(name: string) {
    location.hash = name ? `#/admin/tokens?user=${encodeURIComponent(name)}` : "#/admin/tokens";
  }
  return (
    <>
      <h1 tabIndex={-1} ref={heading}>
        {user ? `API tokens of ${user}` : manages ? "API tokens" : "Your API tokens"}
      </h1>
      {manages && users.data && (
        <SelectField id="tokens-of" label="Show the tokens of" value={user} onChange={choose}>
          <option value="">{who.user.role === "admin" ? "every user" : "every user you manage"}</option>
          {users.data.map((u) => (
            <option key={u.id} value={u.name}>
              {u.name}
            </option>
          ))}
        </SelectField>
      )}
      {issued && <Secret issued={issued.token} rotation={issued.rotation} onDone={() => setIssued(null)} />}
      <Problem error={tokens.error} />
      {!tokens.data && !tokens.error && <Loading what="tokens" />}
      {tokens.data && tokens.data.length === 0 && <p>No tokens.</p>}
      {tokens.data && tokens.data.length > 0 && (
        <div class="table-wrap">
          <table class="admin-table">
            <thead>
              <tr>
                <th scope="col">Label</th>
                <th scope="col">Id</th>
                <th scope="col">User</th>
                <th scope="col">Created</th>
                <th scope="col">Expires</th>
                <th scope="col">Last used</th>
                <th scope="col">State</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {tokens.data.map((t) => (
                <TokenRow
                  key={t.id}
                  token={t}
                  self={t.user === who.user.name}
                  onChanged={tokens.reload}
                  onRotated={(r) => {
                    setIssued({ token: r.issued, rotation: r });
                    tokens.reload();
                  }}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p class="muted">"Last used" is when the token last opened a request, to the minute.</p>
      <form class="panel stack" onSubmit={submit} aria-labelledby="token-add">
        <h2 id="token-add">Create a token for {owner}</h2>
        <label>
          Label
          <input name="label" maxLength={256} value={label} onInput={(e) => setLabel(e.currentTarget.value)} />
        </label>
        <label>
          Expires in (such as 90d, 12h, 2w or 1d12h; empty: never)
          <input name="expires" value={expires} onInput={(e) => setExpires(e.currentTarget.value)} />
        </label>
        <button type="submit" disabled={add.busy}>
          Create token
        </button>
        <Problem error={add.error} />
      </form>
    </>
  );
}

// ---- sharing groups ----

function GroupRow({ group, orgs, onChanged, onDeleted }: { group: api.SharingGroup; orgs: api.OrgRecord[]; onChanged: () => void; onDeleted: (text: string) => void }) {
  const act = useAction();
  const [add, setAdd] = useState("");
  const name = new Map(orgs.map((o) => [o.id, o.name]));
  const outside = orgs.filter((o) => !group.members.includes(o.id));
  async function addMember(e: Event) {
    e.preventDefault();
    if (!add) return;
    const org = Number(add);
    if (await act.run(async () => (await api.addGroupMember(group.id, org), `${name.get(org)} is a member of ${group.name}.`))) {
      setAdd("");
      onChanged();
    }
  }
  async function remove(org: number) {
    if (await act.run(async () => (await api.removeGroupMember(group.id, org), `${name.get(org) ?? org} left ${group.name}.`))) onChanged();
  }
  async function rename(newName: string): Promise<boolean> {
    const ok = await act.run(async () => `Renamed ${group.name} to ${(await api.renameGroup(group.id, newName)).name}.`, true);
    if (ok) onChanged();
    return ok;
  }
  // Refused (409) while a collection names the group or a stored object is addressed to it.
  async function removeGroup() {
    if (await act.run(async () => (await api.deleteGroup(group.id), ""), true)) onDeleted(`Deleted the sharing group ${group.name}.`);
  }
  return (
    <tr>
      <td>{group.name}</td>
      <td>{group.description}</td>
      <td>
        {group.members.length === 0 && <span class="muted">none</span>}
        <ul class="plain">
          {group.members.map((m) => (
            <li key={m}>
              {name.get(m) ?? m}{" "}
              <button type="button" class="link" disabled={act.busy} onClick={() => remove(m)}>
                Remove<Hidden> {name.get(m) ?? m} from {group.name}</Hidden>
              </button>
            </li>
          ))}
        </ul>
      </td>
      <td>
        {outside.length > 0 && (
          <form class="inline" onSubmit={addMember}>
            <label class="visually-hidden" for={`add-${group.id}`}>
              Organization to add to {group.name}
            </label>
            <select id={`add-${group.id}`} value={add} onChange={(e) => setAdd(e.currentTarget.value)}>
              <option value="">Organization…</option>
              {outside.map((o) => (
                <option key={o.id} value={String(o.id)}>
                  {o.name}
                </option>
              ))}
            </select>
            <button type="submit" disabled={act.busy || !add}>
              Add<Hidden> to {group.name}</Hidden>
            </button>
          </form>
        )}
        <div class="actions">
          <Rename subject={group.name} busy={act.busy} onSave={rename} />
          <Confirm action="Delete" subject={group.name} question={`Delete ${group.name}? Only a group no collection and no object depends on can be deleted.`} busy={act.busy} onConfirm={removeGroup} />
        </div>
        <Outcome act={act} />
      </td>
    </tr>
  );
}

function Groups() {
  const heading = useFocusHeading("admin-groups");
  const groups = useLoad(api.listGroups, []);
  const notice = useNotice();
  const orgs = useLoad(api.listOrgs, []);
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const add = useAction();
  async function submit(e: Event) {
    e.preventDefault();
    if (await add.run(async () => `Added the sharing group ${(await api.createGroup(name.trim(), description.trim())).name}.`)) {
      setName("");
      setDescription("");
      groups.reload();
    }
  }
  return (
    <>
      <h1 tabIndex={-1} ref={heading}>
        Sharing groups
      </h1>
      <p class="muted">Trust communities: a collection's readers, writers or audience may name them.</p>
      <Notice notice={notice} />
      <Problem error={groups.error ?? orgs.error} />
      {!groups.data && !groups.error && <Loading what="sharing groups" />}
      {groups.data && groups.data.length === 0 && <p>No sharing groups yet.</p>}
      {groups.data && groups.data.length > 0 && (
        <div class="table-wrap">
          <table class="admin-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Description</th>
                <th scope="col">Members</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {groups.data.map((g) => (
                <GroupRow
                  key={g.id}
                  group={g}
                  orgs={orgs.data ?? []}
                  onChanged={groups.reload}
                  onDeleted={(t) => {
                    notice.show(t);
                    groups.reload();
                  }}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {groups.data && (
        <form class="panel stack" onSubmit={submit} aria-labelledby="group-add">
          <h2 id="group-add">Add a sharing group</h2>
          <label>
            Name
            <input name="name" required maxLength={256} value={name} onInput={(e) => setName(e.currentTarget.value)} />
          </label>
          <label>
            Description
            <input name="description" maxLength={4096} value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
          </label>
          <button type="submit" disabled={add.busy}>
            Add sharing group
          </button>
          <Problem error={add.error} />
          {add.done && <Done text={add.done} />}
        </form>
      )}
    </>
  );
}

// ---- collections ----

interface GrantChoice {
  all: boolean;
  orgs: number[];
  groups: number[];
}

// A Grants record as ids, whether the hub answered ids or names.
function choiceOf(g: api.Grants, orgs: api.OrgRecord[], groups: api.SharingGroup[]): GrantChoice {
  const id = <T extends { id: number; name: string }>(list: T[], v: number | string) => (typeof v === "number" ? v : (list.find((x) => x.name === v)?.id ?? -1));
  return { all: !!g.all, orgs: (g.orgs ?? []).map((v) => id(orgs, v)), groups: (g.groups ?? []).map((v) => id(groups, v)) };
}

function grantsOf(c: GrantChoice): api.Grants | "all" {
  return c.all ? "all" : { orgs: c.orgs, groups: c.groups };
}

function describeGrants(g: api.Grants, orgs: api.OrgRecord[], groups: api.SharingGroup[]): string {
  if (g.all) return "every organization";
  const name = (list: { id: number; name: string }[], v: number | string) => (typeof v === "number" ? (list.find((x) => x.id === v)?.name ?? `#${v}`) : v);
  const parts = [...(g.orgs ?? []).map((v) => name(orgs, v)), ...(g.groups ?? []).map((v) => `group ${name(groups, v)}`)];
  return parts.length ? parts.join(", ") : "nobody (admins only)";
}

function toggled(list: number[], id: number, on: boolean): number[] {
  return on ? [...list.filter((x) => x !== id), id] : list.filter((x) => x !== id);
}

// Who may read or write: every organization, or the chosen organizations and sharing groups.
function GrantsField({ legend, name, value, onChange, orgs, groups }: { legend: string; name: string; value: GrantChoice; onChange: (c: GrantChoice) => void; orgs: api.OrgRecord[]; groups: api.SharingGroup[] }) {
  return (
    <fieldset class="grants">
      <legend>{legend}</legend>
      <label class="row">
        <input type="radio" name={`${name}-mode`} checked={value.all} onChange={() => onChange({ ...value, all: true })} />
        Every organization
      </label>
      <label class="row">
        <input type="radio" name={`${name}-mode`} checked={!value.all} onChange={() => onChange({ ...value, all: false })} />
        Only these organizations and groups:
      </label>
      <div class="choices">
        {orgs.map((o) => (
          <label class="row" key={`o${o.id}`}>
            <input type="checkbox" disabled={value.all} checked={value.orgs.includes(o.id)} onChange={(e) => onChange({ ...value, orgs: toggled(value.orgs, o.id, e.currentTarget.checked) })} />
            {o.name}
          </label>
        ))}
        {groups.map((g) => (
          <label class="row" key={`g${g.id}`}>
            <input type="checkbox" disabled={value.all} checked={value.groups.includes(g.id)} onChange={(e) => onChange({ ...value, groups: toggled(value.groups, g.id, e.currentTarget.checked) })} />
            group {g.name}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

function AudienceField({ id, value, onChange, groups }: { id: string; value: string; onChange: (v: string) => void; groups: api.SharingGroup[] }) {
  return (
    <SelectField id={id} label="Audience of GREEN and AMBER objects" value={value} onChange={onChange}>
      <option value="">the collection's readers</option>
      {groups.map((g) => (
        <option key={g.id} value={String(g.id)}>
          group {g.name}
        </option>
      ))}
    </SelectField>
  );
}

function EditAccess({ c, orgs, groups, onClose, onSaved }: { c: api.CollectionRecord; orgs: api.OrgRecord[]; groups: api.SharingGroup[]; onClose: () => void; onSaved: () => void }) {
  const [readers, setReaders] = useState(() => choiceOf(c.readers, orgs, groups));
  const [writers, setWriters] = useState(() => choiceOf(c.writers, orgs, groups));
  const [audience, setAudience] = useState(c.audience_group === null ? "" : String(c.audience_group));
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [c.id]);
  const save = useAction();
  async function submit(e: Event) {
    e.preventDefault();
    const ok = await save.run(async () => {
      await api.patchCollection(c.id, { readers: grantsOf(readers), writers: grantsOf(writers), audience_group: audience ? Number(audience) : null });
      return `Saved who may read and write ${c.title}.`;
    });
    if (ok) onSaved();
  }
  return (
    <form class="panel stack" onSubmit={submit} aria-labelledby="access-heading">
      <h2 id="access-heading" tabIndex={-1} ref={heading}>
        Who may read and write {c.title}
      </h2>
      <p class="muted">Applies to objects posted from now on; stored versions keep the grants they were written with.</p>
      <GrantsField legend="Readers" name="edit-readers" value={readers} onChange={setReaders} orgs={orgs} groups={groups} />
      <GrantsField legend="Writers" name="edit-writers" value={writers} onChange={setWriters} orgs={orgs} groups={groups} />
      <AudienceField id="edit-audience" value={audience} onChange={setAudience} groups={groups} />
      <div class="actions">
        <button type="submit" disabled={save.busy}>
          Save access
        </button>
        <button type="button" class="secondary" onClick={onClose}>
          Close
        </button>
      </div>
      <Problem error={save.error} />
      {save.done && <Done text={save.done} />}
    </form>
  );
}

// A collection's title, description, alias and default TLP (PATCH): its id, and so its TAXII
// URLs, stay; an emptied alias is removed.
function EditDetails({ c, onClose, onSaved }: { c: api.CollectionRecord; onClose: () => void; onSaved: () => void }) {
  const [title, setTitle] = useState(c.title);
  const [description, setDescription] = useState(c.description);
  const [alias, setAlias] = useState(c.alias ?? "");
  const [tlp, setTlp] = useState<api.TlpLevel>(c.default_tlp);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [c.id]);
  const save = useAction();
  async function submit(e: Event) {
    e.preventDefault();
    const ok = await save.run(async () => {
      const r = await api.patchCollection(c.id, { title: title.trim(), description: description.trim(), alias: alias.trim() || null, default_tlp: tlp });
      return `Saved ${r.title}${r.alias ? ` (alias ${r.alias})` : ""}.`;
    }, true);
    if (ok) onSaved();
  }
  return (
    <form class="panel stack" onSubmit={submit} aria-labelledby="details-heading">
      <h2 id="details-heading" tabIndex={-1} ref={heading}>
        Details of {c.title}
      </h2>
      <p class="muted">
        Its id <code>{c.id}</code>, in its TAXII URLs, stays. The default TLP applies to objects posted from now on without a marking.
      </p>
      <label>
        Title
        <input name="title" required maxLength={256} value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
      </label>
      <label>
        Description
        <input name="description" maxLength={4096} value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
      </label>
      <label>
        Alias (empty: none)
        <input name="alias" maxLength={256} value={alias} onInput={(e) => setAlias(e.currentTarget.value)} />
      </label>
      <SelectField id="edit-tlp" label="Default TLP (for objects without a marking)" value={tlp} onChange={(v) => setTlp(v as api.TlpLevel)}>
        {api.TLP_LEVELS.map((t) => (
          <option key={t} value={t}>
            TLP:{t.toUpperCase()}
          </option>
        ))}
      </SelectField>
      <div class="actions">
        <button type="submit" disabled={save.busy}>
          Save details
        </button>
        <button type="button" class="secondary" onClick={onClose}>
          Close
        </button>
      </div>
      <Outcome act={save} />
    </form>
  );
}

// A collection's actions: edit its access or details (a panel below the table), delete it.
function CollectionActions({ c, onEdit, onDeleted }: { c: api.CollectionRecord; onEdit: (what: "access" | "details") => void; onDeleted: (text: string) => void }) {
  const act = useAction();
  async function remove() {
    if (await act.run(async () => (await api.deleteCollection(c.id), ""), true)) onDeleted(`Deleted the collection ${c.title}.`);
  }
  return (
    <>
      <div class="actions">
        <button type="button" class="secondary" onClick={() => onEdit("access")}>
          Edit access<Hidden> of {c.title}</Hidden>
        </button>
        <button type="button" class="secondary" onClick={() => onEdit("details")}>
          Edit details<Hidden> of {c.title}</Hidden>
        </button>
        <Confirm action="Delete" subject={c.title} question={`Delete ${c.title}? Only an empty collection, not the hub's default, can be deleted.`} busy={act.busy} onConfirm={remove} />
      </div>
      <Outcome act={act} />
    </>
  );
}

function Collections() {
  const heading = useFocusHeading("admin-collections");
  const cols = useLoad(api.listCollectionRecords, []);
  const orgs = useLoad(api.listOrgs, []);
  const groups = useLoad(api.listGroups, []);
  const [editing, setEditing] = useState<{ id: string; what: "access" | "details" } | null>(null);
  const notice = useNotice();
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  const [alias, setAlias] = useState("");
  const [tlp, setTlp] = useState<api.TlpLevel>("amber");
  const [readers, setReaders] = useState<GrantChoice>({ all: true, orgs: [], groups: [] });
  const [writers, setWriters] = useState<GrantChoice>({ all: true, orgs: [], groups: [] });
  const [audience, setAudience] = useState("");
  const add = useAction();
  const o = orgs.data ?? [];
  const g = groups.data ?? [];
  async function submit(e: Event) {
    e.preventDefault();
    const ok = await add.run(async () => {
      const change: api.CollectionChange & { title: string } = { title: title.trim(), description: description.trim(), default_tlp: tlp, readers: grantsOf(readers), writers: grantsOf(writers) };
      if (alias.trim()) change.alias = alias.trim();
      if (audience) change.audience_group = Number(audience);
      return `Added the collection ${(await api.createCollection(change)).title}.`;
    });
    if (ok) {
      setTitle("");
      setDescription("");
      setAlias("");
      setTlp("amber");
      setReaders({ all: true, orgs: [], groups: [] });
      setWriters({ all: true, orgs: [], groups: [] });
      setAudience("");
      cols.reload();
    }
  }
  const editedCollection = cols.data?.find((c) => c.id === editing?.id);
  return (
    <>
      <h1 tabIndex={-1} ref={heading}>
        Collections
      </h1>
      <Notice notice={notice} />
      <Problem error={cols.error ?? orgs.error ?? groups.error} />
      {!cols.data && !cols.error && <Loading what="collections" />}
      {cols.data && (
        <div class="table-wrap">
          <table class="admin-table">
            <thead>
              <tr>
                <th scope="col">Title</th>
                <th scope="col">Alias</th>
                <th scope="col">Default TLP</th>
                <th scope="col">Readers</th>
                <th scope="col">Writers</th>
                <th scope="col">Audience</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {cols.data.map((c) => (
                <tr key={c.id}>
                  <td>
                    <a href={`#/collections/${encodeURIComponent(c.id)}`}>{c.title}</a>
                    {c.description && <div class="muted">{c.description}</div>}
                  </td>
                  <td>{c.alias ?? "—"}</td>
                  <td>
                    <TlpBadge tlp={c.default_tlp} />
                  </td>
                  <td>{describeGrants(c.readers, o, g)}</td>
                  <td>{describeGrants(c.writers, o, g)}</td>
                  <td>{c.audience_group === null ? "readers" : `group ${g.find((x) => x.id === c.audience_group)?.name ?? c.audience_group}`}</td>
                  <td>
                    <CollectionActions
                      c={c}
                      onEdit={(what) => setEditing({ id: c.id, what })}
                      onDeleted={(t) => {
                        if (editing?.id === c.id) setEditing(null);
                        notice.show(t);
                        cols.reload();
                      }}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {editedCollection && editing?.what === "details" && (
        <EditDetails
          key={editedCollection.id}
          c={editedCollection}
          onClose={() => setEditing(null)}
          onSaved={() => {
            cols.reload();
          }}
        />
      )}
      {editedCollection && editing?.what === "access" && orgs.data && groups.data && (
        <EditAccess
          key={editedCollection.id}
          c={editedCollection}
          orgs={o}
          groups={g}
          onClose={() => setEditing(null)}
          onSaved={() => {
            cols.reload();
          }}
        />
      )}
      {cols.data && (
        <form class="panel stack" onSubmit={submit} aria-labelledby="collection-add">
          <h2 id="collection-add">Add a collection</h2>
          <label>
            Title
            <input name="title" required maxLength={256} value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
          </label>
          <label>
            Description
            <input name="description" maxLength={4096} value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
          </label>
          <label>
            Alias (optional, a short name in TAXII URLs)
            <input name="alias" maxLength={256} value={alias} onInput={(e) => setAlias(e.currentTarget.value)} />
          </label>
          <SelectField id="new-tlp" label="Default TLP (for objects without a marking)" value={tlp} onChange={(v) => setTlp(v as api.TlpLevel)}>
            {api.TLP_LEVELS.map((t) => (
              <option key={t} value={t}>
                TLP:{t.toUpperCase()}
              </option>
            ))}
          </SelectField>
          <GrantsField legend="Readers" name="new-readers" value={readers} onChange={setReaders} orgs={o} groups={g} />
          <GrantsField legend="Writers" name="new-writers" value={writers} onChange={setWriters} orgs={o} groups={g} />
          <AudienceField id="new-audience" value={audience} onChange={setAudience} groups={g} />
          <button type="submit" disabled={add.busy}>
            Add collection
          </button>
          <Problem error={add.error} />
          {add.done && <Done text={add.done} />}
        </form>
      )}
    </>
  );
}
