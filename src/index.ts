export * from './permission-set-ref';
export * from './permissions-boundary';
export * from './permission-set-catalog';
