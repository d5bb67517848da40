// Internals for tests and sibling libs; not part of the stable API.
export * from './index.ts';
