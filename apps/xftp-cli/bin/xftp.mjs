#!/usr/bin/env node
// The `xftp` command: starts src/main.ts through tsx (the workspace runs TypeScript sources
// without a build step), with the workspace's base tsconfig.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

const here = dirname(fileURLToPath(import.meta.url));
register({ tsconfig: resolve(here, '../../../tsconfig.base.json') });
await import('../src/main.ts');
