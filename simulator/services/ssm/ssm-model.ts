import { SortedKeyIndex } from '../../core/sorted-key-index';

export type ParameterType = 'String' | 'StringList' | 'SecureString';
export type ParameterTier = 'Standard' | 'Advanced';

export interface SsmParameter {
  readonly name: string;
  readonly type: ParameterType;
  readonly value: string;
  readonly version: number;
  readonly tier: ParameterTier;
  readonly lastModifiedDate: number;
  readonly description?: string;
}

/** Parameter Store contents by name (sorted, so GetParametersByPath walks a prefix). */
export class SsmModel {
  public readonly index = new SortedKeyIndex<SsmParameter>();

  constructor(private readonly now: () => number) {}

  public get(name: string): SsmParameter | undefined {
    return this.index.get(name);
  }

  /** Stores a parameter directly (no size or tier checks): for fixtures. */
  public put(name: string, value: string, options: { type?: ParameterType; tier?: ParameterTier; description?: string } = {}): SsmParameter {
    const previous = this.index.get(name);
    const parameter: SsmParameter = {
      name,
      value,
      type: options.type ?? previous?.type ?? 'String',
      tier: options.tier ?? previous?.tier ?? 'Standard',
      version: (previous?.version ?? 0) + 1,
      lastModifiedDate: this.now(),
      description: options.description ?? previous?.description,
    };
    this.index.set(name, parameter);
    return parameter;
  }

  public delete(name: string): boolean {
    return this.index.delete(name);
  }

  public parameters(): SsmParameter[] {
    return [...this.index.values()];
  }
}
