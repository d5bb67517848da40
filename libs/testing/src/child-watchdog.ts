// Preloaded (`node --import <this file>`) into every process the cluster launcher spawns: when the
// process that spawned it disappears (the test runner crashed, was killed, or exited without
// stopping its children), the child stops itself — SIGTERM first so an embedded PostgreSQL is shut
// down cleanly, SIGKILL 10 s later if it is still alive. Children can therefore never outlive a
// test run, whatever happens to the runner.
const parent = process.ppid;

const timer = setInterval(() => {
  if (process.ppid === parent) return;
  clearInterval(timer);
  setTimeout(() => process.kill(process.pid, 'SIGKILL'), 10_000).unref();
  process.kill(process.pid, 'SIGTERM');
}, 500);
timer.unref();
export {};
