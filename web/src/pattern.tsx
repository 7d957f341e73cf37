// A STIX pattern checked by the hub (POST /api/v1/patterns/check) and explained: an invalid one
// shown with a caret under the offending character and "position N: why"; a valid one with its
// warnings and the comparisons it makes. The hub's parser is the only judge: nothing here parses.

import { useEffect, useState } from "preact/hooks";
import * as api from "./api";
import { ErrorNote } from "./ui";

export type CheckState = { pattern: string; result: api.PatternCheck | null; error: unknown; busy: boolean };

// Checks `pattern` `delayMs` after it last changed (as it is typed); an empty pattern is not
// checked. A later answer replaces an earlier one; an answer for text since changed is dropped.
export function usePatternCheck(pattern: string, delayMs = 300): CheckState {
  const [state, setState] = useState<CheckState>({ pattern: "", result: null, error: null, busy: false });
  useEffect(() => {
    if (!pattern.trim()) {
      setState({ pattern, result: null, error: null, busy: false });
      return;
    }
    let live = true;
    setState((s) => ({ ...s, busy: true }));
    const timer = setTimeout(() => {
      api.checkPattern(pattern).then(
        (result) => live && setState({ pattern, result, error: null, busy: false }),
        (error) => live && setState({ pattern, result: null, error, busy: false }),
      );
    }, delayMs);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [pattern, delayMs]);
  return state;
}

// The pattern with the character at byte offset `position` marked (a caret line below it).
function Marked({ pattern, position }: { pattern: string; position: number }) {
  // The API counts bytes of UTF-8; the page counts UTF-16 code units: convert.
  const bytes = new TextEncoder().encode(pattern);
  const at = new TextDecoder().decode(bytes.slice(0, Math.min(position, bytes.length))).length;
  const before = pattern.slice(0, at);
  const ch = pattern.slice(at, at + 1);
  const after = pattern.slice(at + 1);
  const lineStart = before.lastIndexOf("\n") + 1;
  const column = at - lineStart;
  return (
    <pre class="pattern-marked" aria-hidden="true">
      {before}
      <mark>{ch || " "}</mark>
      {after}
      {"\n"}
      {" ".repeat(column)}^
    </pre>
  );
}

export function PatternExplanation({ state, id }: { state: CheckState; id?: string }) {
  const { pattern, result, error } = state;
  return (
    <div class="pattern-check" id={id} aria-live="polite">
      <ErrorNote error={error} />
      {result && !result.valid && (
        <div class="pattern-invalid">
          <p class="error">
            Invalid pattern: <span class="pattern-error">position {result.error.position}: {result.error.message}</span>
          </p>
          <Marked pattern={pattern} position={result.error.position} />
        </div>
      )}
      {result && result.valid && (
        <div class="pattern-valid">
          <p class="ok">
            Valid STIX pattern{result.single_observation ? " (one observation)" : " (several observations)"}.
          </p>
          {result.warnings.length > 0 && (
            <ul class="warnings">
              {result.warnings.map((w, i) => (
                <li key={i}>
                  Warning at position {w.position}: {w.message}
                </li>
              ))}
            </ul>
          )}
          {result.comparisons.length > 0 && (
            <div class="table-wrap">
              <table class="comparisons">
                <caption>What it compares</caption>
                <thead>
                  <tr>
                    <th scope="col">Property</th>
                    <th scope="col">Operator</th>
                    <th scope="col">Value</th>
                  </tr>
                </thead>
                <tbody>
                  {result.comparisons.map((c, i) => (
                    <tr key={i}>
                      <td>
                        <code>{c.path}</code>
                      </td>
                      <td>
                        {c.negated ? "NOT " : ""}
                        {c.operator}
                      </td>
                      <td>
                        <code>{c.value}</code>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </div>
      )}
    </div>
  );
}
