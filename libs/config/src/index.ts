// Public API of @simplex-relay/config.
export { parseEnv, ConfigError, onOff, int, port, secretBytes, commonEnv } from './env.ts';
export { z } from 'zod';
