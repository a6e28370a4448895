import { IConstruct } from 'constructs';

/**
 * The problems found in one construct's input, collected so that a user sees all of them at once,
 * then thrown together, each line naming the construct's path (as aws-cdk's ValidationError does).
 */
export class Problems {
  private readonly messages: string[] = [];

  /** `scope` is the construct being configured; absent for static factories, which have none. */
  constructor(private readonly scope?: IConstruct) {}

  /** Records a problem; `undefined` means none, so checks that return a message can be passed straight in. */
  public add(message: string | undefined): this {
    if (message !== undefined) this.messages.push(message);
    return this;
  }

  public addAll(messages: readonly string[]): this {
    this.messages.push(...messages);
    return this;
  }

  /** Throws every recorded problem, if there is any. */
  public throwIfAny(): void {
    if (this.messages.length === 0) return;
    const prefix = this.scope ? `${this.scope.node.path}: ` : '';
    throw new Error(this.messages.map((m) => `${prefix}${m}`).join('\n'));
  }
}

/** Throws one problem at once: for static factories and single lookups. */
export function throwIf(message: string | undefined, scope?: IConstruct): void {
  new Problems(scope).add(message).throwIfAny();
}
