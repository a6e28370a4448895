// Whole-template snapshots are a safety net only: asset hashes change with every bundle, so they
// are replaced by a placeholder (as cdk-monitoring-constructs does).
const ASSET_HASH = /[0-9a-f]{64}(\.zip|\.json)?/g;

export = {
  test: (value: unknown): boolean => typeof value === 'string' && ASSET_HASH.test(value) && (ASSET_HASH.lastIndex = 0) === 0,
  serialize: (value: string): string => `"${value.replace(ASSET_HASH, 'ASSET-HASH$1')}"`,
};
