// Public API of @simplex-relay/nest-ops.
export { OpsModule } from './ops.module.ts';
export type { OpsModuleOptions } from './ops.module.ts';
export { OpsController } from './ops.controller.ts';
export { APP_LOGGER, METRICS_REGISTRY, TRACING, Readiness } from './ops.providers.ts';
