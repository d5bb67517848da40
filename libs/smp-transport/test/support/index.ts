// Test support shared with other projects' tests (package subpath `@simplex-relay/smp-transport/testing`):
// fixture credentials and TLS endpoints, and a BlockSocket that records and rewrites blocks.
export * from './fixtures.ts';
export * from './recording-socket.ts';
