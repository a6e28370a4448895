import type { ScenarioResult } from './bench';

/** The results as a markdown table, for the README. */
export function writeTable(results: ScenarioResult[]): string {
  const header = '| scenario | accounts | assignments | Identity Center reads | naive reads | reads vs naive | writes | simulated s | invocations '
    + '| ops/s | quota limit ops/s | of limit | time to access s | peak RSS MB |';
  const rule = '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|';
  const rows = results.map((r) => [
    r.name, r.accounts, r.assignments, r.apiCalls.identityCenterRead, r.naiveReadCalls,
    `${((100 * r.apiCalls.identityCenterRead) / r.naiveReadCalls).toFixed(1)}%`,
    r.apiCalls.write, r.wallSeconds, r.invocations, r.opsPerSecond, r.quotaLimitOpsPerSecond,
    throughputRun(r) ? `${((100 * r.opsPerSecond) / r.quotaLimitOpsPerSecond).toFixed(0)}%` : '-',
    r.timeToAccessSeconds ?? '-',
    r.peakRssMb,
  ].join(' | '));
  return [header, rule, ...rows.map((r) => `| ${r} |`)].join('\n') + '\n';
}

/** A bar chart of the throughput each scenario reached against the quota limit, as SVG. */
export function writeChart(results: ScenarioResult[]): string {
  const bars = results.filter(throughputRun);
  const width = 840;
  const rowHeight = 56;
  const left = 360;
  const plot = width - left - 40;
  const height = 70 + rowHeight * Math.max(1, bars.length) + 40;
  const max = Math.max(1, ...bars.map((r) => Math.max(r.quotaLimitOpsPerSecond, r.opsPerSecond))) * 1.1;
  const x = (v: number) => left + (plot * v) / max;
  const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const rows = bars.map((r, i) => {
    const y = 60 + i * rowHeight;
    return [
      `<text x="${left - 10}" y="${y + 22}" text-anchor="end" font-size="12">${escape(r.name)}</text>`,
      `<rect x="${left}" y="${y + 8}" width="${x(r.opsPerSecond) - left}" height="22" fill="#2b7bb9"/>`,
      `<text x="${x(r.opsPerSecond) + 4}" y="${y + 24}" font-size="12">${r.opsPerSecond} ops/s (${((100 * r.opsPerSecond) / r.quotaLimitOpsPerSecond).toFixed(0)}%)</text>`,
      `<line x1="${x(r.quotaLimitOpsPerSecond)}" x2="${x(r.quotaLimitOpsPerSecond)}" y1="${y}" y2="${y + 38}" stroke="#c0392b" stroke-width="3"/>`,
      `<text x="${x(r.quotaLimitOpsPerSecond)}" y="${y + 50}" text-anchor="middle" font-size="11" fill="#c0392b">limit ${r.quotaLimitOpsPerSecond}</text>`,
    ].join('\n');
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>
<text x="20" y="28" font-size="16" font-weight="bold">Assignment operations per second against the Identity Center quota limit</text>
<text x="20" y="46" font-size="12" fill="#555">bars: achieved (simulated time); red: limit = min(20 TPS / 2, 15 outstanding / mean latency)</text>
${rows.join('\n')}
</svg>
`;
}

/** A run whose operations measure throughput (not the few of a new account, measured as time to access). */
function throughputRun(r: ScenarioResult): boolean {
  return r.operations > 0 && r.timeToAccessSeconds === undefined;
}
