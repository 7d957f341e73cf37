// A bar chart of numbers per day, drawn by Preact as SVG: no chart library, and no inline style
// (the hub's Content-Security-Policy refuses it): positions are SVG attributes, colours come from
// classes in style.css. The SVG scales with its box (viewBox, width 100%), says what it shows in
// its aria-label, and the same numbers are a table one click away.

export interface DayValue {
  day: string; // YYYY-MM-DD, UTC
  value: number;
  extra?: string; // a second column for the table, e.g. the sum of counts
}

// The `n` days (UTC) ending with the day of `now`, oldest first, as YYYY-MM-DD.
export function lastDays(n: number, now = new Date()): string[] {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const out: string[] = [];
  for (let i = n - 1; i >= 0; i--) out.push(new Date(today - i * 86_400_000).toISOString().slice(0, 10));
  return out;
}

const W = 600;
const H = 160;
const LEFT = 32;
const BOTTOM = 20;
const TOP = 8;

// `noun` names what is counted ("sighting"/"sightings"); `extraLabel` heads the table's second column.
export function DayChart({ data, title, noun, extraLabel, compact = false }: { data: DayValue[]; title: string; noun: [string, string]; extraLabel?: string; compact?: boolean }) {
  const max = Math.max(0, ...data.map((d) => d.value));
  const total = data.reduce((s, d) => s + d.value, 0);
  const busy = data.filter((d) => d.value > 0);
  const plural = (k: number) => `${k} ${k === 1 ? noun[0] : noun[1]}`;
  const first = data[0]?.day ?? "";
  const last = data[data.length - 1]?.day ?? "";
  const peak = busy.find((d) => d.value === max);
  const summary =
    total === 0
      ? `${title}, ${first} to ${last} (UTC): none.`
      : `${title}, ${first} to ${last} (UTC): ${plural(total)} on ${busy.length} ${busy.length === 1 ? "day" : "days"}; the most, ${max}, on ${peak?.day}.`;
  const slot = (W - LEFT) / Math.max(1, data.length);
  const plotH = H - TOP - BOTTOM;
  return (
    <figure class={compact ? "chart compact" : "chart"}>
      <svg class="chart-svg" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={summary} preserveAspectRatio="xMidYMid meet">
        <line class="axis" x1={LEFT} y1={H - BOTTOM} x2={W} y2={H - BOTTOM} />
        <text class="tick" x={LEFT - 4} y={TOP + 8} text-anchor="end" font-size="12">
          {max}
        </text>
        <text class="tick" x={LEFT - 4} y={H - BOTTOM} text-anchor="end" font-size="12">
          0
        </text>
        {data.map((d, i) =>
          d.value > 0 ? (
            <rect key={d.day} class="bar" data-day={d.day} data-value={d.value} x={LEFT + i * slot + slot * 0.15} width={slot * 0.7} y={TOP + plotH - (plotH * d.value) / max} height={(plotH * d.value) / max}>
              <title>{`${d.day}: ${plural(d.value)}`}</title>
            </rect>
          ) : null,
        )}
        <text class="tick" x={LEFT} y={H - 4} font-size="12">
          {first}
        </text>
        <text class="tick" x={W} y={H - 4} text-anchor="end" font-size="12">
          {last}
        </text>
      </svg>
      <figcaption>
        <p class="muted">{summary}</p>
        {busy.length > 0 && (
          <details>
            <summary>The numbers, per day</summary>
            <table class="chart-table">
              <caption class="visually-hidden">{title}, the days with any (UTC)</caption>
              <thead>
                <tr>
                  <th scope="col">Day (UTC)</th>
                  <th scope="col">{noun[1][0].toUpperCase() + noun[1].slice(1)}</th>
                  {extraLabel && <th scope="col">{extraLabel}</th>}
                </tr>
              </thead>
              <tbody>
                {busy.map((d) => (
                  <tr key={d.day}>
                    <th scope="row">{d.day}</th>
                    <td>{d.value}</td>
                    {extraLabel && <td>{d.extra ?? ""}</td>}
                  </tr>
                ))}
              </tbody>
            </table>
            <p class="muted">Days not listed had none.</p>
          </details>
        )}
      </figcaption>
    </figure>
  );
}
