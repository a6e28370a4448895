import { ValidationError } from './errors';
import { PSEUDO_PARAMETERS, subVariables } from './intrinsics';
import type { TemplateResource } from './template';

/**
 * Which resource waits for which. "If A refers to B (Ref, Fn::GetAtt, Fn::Sub) or DependsOn B: B is
 * created before A, A is deleted before B, and B is updated before A", and CloudFormation "creates,
 * updates, and deletes resources in parallel to the extent possible"
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-dependson.html).
 */
export class DependencyGraph {
  private readonly dependents = new Map<string, Set<string>>();

  constructor(private readonly dependencies: ReadonlyMap<string, ReadonlySet<string>>) {
    for (const id of dependencies.keys()) this.dependents.set(id, new Set());
    for (const [id, targets] of dependencies) for (const target of targets) this.dependents.get(target)?.add(id);
  }

  /** Logical ids, sorted. */
  public nodes(): string[] {
    return [...this.dependencies.keys()].sort(byId);
  }

  public has(id: string): boolean {
    return this.dependencies.has(id);
  }

  /** What `id` refers to or DependsOn. */
  public dependenciesOf(id: string): ReadonlySet<string> {
    return this.dependencies.get(id) ?? new Set();
  }

  /** What refers to or DependsOn `id`. */
  public dependentsOf(id: string): ReadonlySet<string> {
    return this.dependents.get(id) ?? new Set();
  }
}

/** Builds and validates the graph: every reference must name a parameter, a pseudo parameter or an existing resource, without cycles. */
export function dependencyGraph(
  resources: ReadonlyMap<string, TemplateResource>,
  parameters: ReadonlySet<string>,
  condition: (name: string) => boolean,
): DependencyGraph {
  const dependencies = new Map<string, Set<string>>();
  const unresolved = new Set<string>();
  for (const [id, resource] of resources) {
    const targets = new Set<string>();
    const dependsOn = resource.DependsOn === undefined ? [] : typeof resource.DependsOn === 'string' ? [resource.DependsOn] : resource.DependsOn;
    for (const target of dependsOn) targets.add(target);
    collectReferences(resource.Properties ?? {}, condition, targets);
    for (const target of targets) {
      if (parameters.has(target) || PSEUDO_PARAMETERS.includes(target)) targets.delete(target);
      else if (!resources.has(target)) unresolved.add(target);
    }
    dependencies.set(id, targets);
  }
  // The ValidationErrors CreateStack and UpdateStack answer (texts as quoted in serverless/serverless#4745 and
  // aws/serverless-application-model#1044).
  if (unresolved.size > 0) {
    throw new ValidationError(`Template format error: Unresolved resource dependencies [${[...unresolved].sort(byId).join(', ')}] in the Resources block of the template`);
  }
  const cycle = findCycle(dependencies);
  if (cycle) throw new ValidationError(`Circular dependency between resources: [${cycle.sort(byId).join(', ')}]`);
  return new DependencyGraph(dependencies);
}

/** Logical ids a value refers to. Only the Fn::If branch the condition selects counts. */
function collectReferences(value: unknown, condition: (name: string) => boolean, into: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) collectReferences(item, condition, into);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1) {
    const [key, argument] = entries[0];
    if (key === 'Ref' && typeof argument === 'string') {
      into.add(argument);
      return;
    }
    if (key === 'Fn::GetAtt') {
      into.add(typeof argument === 'string' ? argument.split('.')[0] : String((argument as unknown[])[0]));
      return;
    }
    if (key === 'Fn::Sub') {
      const [text, variables] = typeof argument === 'string' ? [argument, {}] : argument as [string, Record<string, unknown>];
      for (const name of subVariables(text)) if (!(name in variables)) into.add(name.startsWith('AWS::') ? name : name.split('.')[0]);
      collectReferences(variables, condition, into);
      return;
    }
    if (key === 'Fn::If') {
      const [name, whenTrue, whenFalse] = argument as [string, unknown, unknown];
      collectReferences(condition(name) ? whenTrue : whenFalse, condition, into);
      return;
    }
  }
  for (const [, item] of entries) collectReferences(item, condition, into);
}

function findCycle(dependencies: ReadonlyMap<string, ReadonlySet<string>>): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'visiting') return path.slice(path.indexOf(id));
    state.set(id, 'visiting');
    path.push(id);
    for (const target of dependencies.get(id) ?? []) {
      const cycle = visit(target);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const id of [...dependencies.keys()].sort(byId)) {
    const cycle = visit(id);
    if (cycle) return cycle;
  }
  return undefined;
}

export interface WaveOutcome {
  /** Nodes whose run reported failure, in wave order. */
  readonly failed: string[];
  /** Nodes never started because an earlier wave failed (only with stopAfterFailedWave). */
  readonly notStarted: string[];
}

export interface WaveOptions {
  /** Stop before the next wave once a node failed. */
  readonly stopAfterFailedWave: boolean;
  /**
   * Abort the signal each run of the wave is given as soon as one run of the wave fails, so that the others can stop
   * (CloudFormation cancels the operations in flight; see CustomResourceProvider). @default false
   */
  readonly cancelInFlightOnFailure?: boolean;
}

/**
 * Runs `nodes` in waves: every node whose prerequisites (among `nodes`) have finished starts in the
 * same wave, in logical-id order, and the wave's runs proceed concurrently (Promise.all), so two
 * resources without an edge between them really do overlap ("in parallel to the extent possible",
 * aws-attribute-dependson.html; the waves and their order are the simulator's). A failed node counts
 * as finished for its dependents unless `stopAfterFailedWave`, which stops before the next wave.
 */
export async function runWaves(
  nodes: readonly string[],
  prerequisites: (id: string) => Iterable<string>,
  run: (id: string, cancelled: AbortSignal) => Promise<boolean>,
  options: WaveOptions,
): Promise<WaveOutcome> {
  const members = new Set(nodes);
  const remaining = new Set(nodes);
  const failed: string[] = [];
  while (remaining.size > 0) {
    const wave = [...remaining].filter((id) => [...prerequisites(id)].every((p) => !members.has(p) || !remaining.has(p))).sort(byId);
    if (wave.length === 0) throw new Error(`dependency cycle among ${[...remaining].join(', ')}`);
    const cancellation = new AbortController();
    const outcomes = await Promise.all(wave.map(async (id) => {
      const ok = await run(id, cancellation.signal);
      if (!ok && options.cancelInFlightOnFailure) cancellation.abort();
      return ok;
    }));
    wave.forEach((id, i) => {
      remaining.delete(id);
      if (!outcomes[i]) failed.push(id);
    });
    if (failed.length > 0 && options.stopAfterFailedWave) break;
  }
  return { failed, notStarted: [...remaining].sort(byId) };
}

export function byId(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
