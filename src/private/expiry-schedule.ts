import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';

/**
 * Above this many distinct future instants, one `rate(15 minutes)` rule replaces the one-time
 * rules: each one-time rule is an EventBridge rule (300 per bus by default) whose ARN the queue
 * policy names, and an SQS policy holds at most 8,192 bytes and 20 statements
 * (SQSDeveloperGuide/quotas-policies.html), which the other triggers already use much of.
 */
export const MAX_ONE_TIME_TRIGGERS = 10;

/** How a run is started after each rule's expiry, without a deploy. */
export type ExpiryTriggers =
  | { readonly oneTime: ReadonlyArray<{ readonly id: string; readonly at: Date; readonly schedule: events.Schedule }> }
  | { readonly periodic: events.Schedule }
  | { readonly none: true };

/**
 * One one-time cron rule per distinct minute in which an expiry falls, firing in the minute after
 * it. A schedule's finest resolution is one minute, and the target runs some seconds after the
 * rule triggers (EventBridge user guide, eb-run-lambda-schedule.html): the minute after the
 * instant is the first that always starts the run after it, at most about two minutes late. The
 * cron's year field makes it fire once (`cron(M H D MON ? YYYY)`, years 1970-2199,
 * eb-scheduled-rule-pattern.html). No charge of its own (EventBridge prices custom events, not
 * AWS service events such as a scheduled rule's) and one run per instant, where a
 * `rate(15 minutes)` schedule would run 96 full reconciles a day until the next deploy; that
 * schedule is kept only for more instants than the queue policy holds rules for. Instants already
 * past at `nowMs` (synth time) get nothing: the first run after the deploy applies them.
 * (EventBridge Scheduler's one-time `at()` schedules would avoid the queue policy, at the cost of a
 * role and another service; the automation's other schedule is a rule too.)
 */
export function expiryTriggers(expiriesEpochSeconds: readonly number[], nowMs: number): ExpiryTriggers {
  const minutes = [...new Set(expiriesEpochSeconds.filter((s) => s * 1000 > nowMs).map((s) => Math.floor(s / 60) + 1))].sort((a, b) => a - b);
  if (minutes.length === 0) return { none: true };
  if (minutes.length > MAX_ONE_TIME_TRIGGERS) return { periodic: events.Schedule.rate(Duration.minutes(15)) };
  return {
    oneTime: minutes.map((minute) => {
      const at = new Date(minute * 60_000);
      const schedule = events.Schedule.cron({
        minute: String(at.getUTCMinutes()),
        hour: String(at.getUTCHours()),
        day: String(at.getUTCDate()),
        month: String(at.getUTCMonth() + 1),
        year: String(at.getUTCFullYear()),
      });
      return { id: `Expiry${at.toISOString().slice(0, 16).replace(/[-:T]/g, '')}`, at, schedule };
    }),
  };
}
