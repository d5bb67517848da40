export * from './version-range.ts';
export * from './smp-versions.ts';
