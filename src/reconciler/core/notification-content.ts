import { ChangeLine } from './labels';
import { RunReport } from './report';

/** Quiet runs (nothing changed, nothing wrong) send no Teams or SNS message. */
export function worthNotifying(report: RunReport): boolean {
  const c = report.counts;
  return c.created + c.deleted + c.provisioned + c.failed + c.unknown + c.deletionsRefused > 0
    || report.errors.length > 0
    || report.notices.length > 0
    || ['invalid-config', 'no-config', 'failed'].includes(report.outcome);
}

export function headline(report: RunReport): string {
  const c = report.counts;
  const what = report.outcome === 'invalid-config' ? 'config invalid, nothing changed'
    : report.outcome === 'no-config' ? 'no config parameter, nothing changed'
      : report.outcome === 'failed' ? 'run failed, nothing changed'
        : `${c.created} created, ${c.deleted} deleted, ${c.provisioned} re-provisioned, ${c.failed} failed${c.deletionsRefused ? `, ${c.deletionsRefused} deletions refused` : ''}`;
  return `Identity Center assignments: ${what}${report.dryRun ? ' (dry run)' : ''}`;
}

/** A plain-text summary for SNS and logs: counts, refusals, errors and up to `maxLines` changes. */
export function summaryText(report: RunReport, maxLines = 50): string {
  const lines = [
    headline(report),
    `run ${report.runId}, outcome ${report.outcome}, ${(report.durationMs / 1000).toFixed(1)} s, config revision ${report.configRevision ?? 'unknown'}`,
    `${report.counts.rules} rules, ${report.counts.accounts} accounts, ${report.counts.desired} desired and ${report.counts.current} current managed assignments; `
      + `${report.counts.foreign} assignments of managed principals to unmanaged permission sets left alone`,
    ...report.refusals.map((r) => `REFUSED: ${r.message}`),
    ...report.errors.slice(0, 20).map((e) => `ERROR: ${e}`),
    ...report.notices.slice(0, 20).map((n) => `NOTE: ${n}`),
    ...report.changes.filter((c) => c.status !== 'succeeded').slice(0, maxLines).map((c) => `FAILED: ${changeText(c)}`),
    ...report.changes.filter((c) => c.status === 'succeeded').slice(0, maxLines).map(changeText),
  ];
  if (report.continuation) lines.push('The run stopped for time; a continuation is queued.');
  return lines.join('\n');
}

export function changeText(c: ChangeLine): string {
  const who = c.principal ? `${c.principal} ` : '';
  return `${c.action} ${who}${c.permissionSet} in ${c.account}${c.status && c.status !== 'succeeded' ? ` [${c.status}${c.reason ? `: ${c.reason}` : ''}]` : ''}`;
}

/** A Microsoft Teams message with an Adaptive Card, as Workflows webhooks accept it. */
export function teamsMessage(report: RunReport, maxLines = 20): unknown {
  const facts = Object.entries({
    'Outcome': report.outcome,
    'Created': report.counts.created,
    'Deleted': report.counts.deleted,
    'Re-provisioned': report.counts.provisioned,
    'Failed': report.counts.failed,
    'Deletions refused': report.counts.deletionsRefused,
  }).map(([title, value]) => ({ title, value: String(value) }));
  const problems = [...report.refusals.map((r) => r.message), ...report.errors].slice(0, maxLines);
  const notes = report.notices.slice(0, maxLines);
  const changes = report.changes.slice(0, maxLines).map(changeText);
  return {
    type: 'message',
    attachments: [{
      contentType: 'application/vnd.microsoft.card.adaptive',
      content: {
        $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
        type: 'AdaptiveCard',
        version: '1.4',
        body: [
          { type: 'TextBlock', size: 'Medium', weight: 'Bolder', text: headline(report), wrap: true },
          { type: 'FactSet', facts },
          ...problems.map((text) => ({ type: 'TextBlock', text, wrap: true, color: 'Attention' })),
          ...notes.map((text) => ({ type: 'TextBlock', text, wrap: true, color: 'Warning' })),
          ...changes.map((text) => ({ type: 'TextBlock', text, wrap: true, spacing: 'None', fontType: 'Monospace' })),
          ...(report.changes.length > maxLines ? [{ type: 'TextBlock', text: `... and ${report.changes.length - maxLines} more changes`, isSubtle: true }] : []),
        ],
      },
    }],
  };
}
