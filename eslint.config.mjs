// One lint config for the workspace. The Nx module-boundary rule enforces the dependency rules of
// the house style: libs/protocol is pure (only @noble/*), apps never import apps, libs never import
// apps. Tags live in each project's package.json ("nx": {"tags": [...]}).
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default [
  { ignores: ['**/node_modules/**', '**/dist/**', '**/.nx/**', '**/data/**'] },
  ...tseslint.configs.recommended,
  prettier,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            {
              sourceTag: 'platform:pure',
              onlyDependOnLibsWithTags: ['platform:pure'],
              bannedExternalImports: [
                '@nestjs/*',
                'nats',
                '@nats-io/*',
                'pg',
                'postgres',
                'sodium-native',
              ],
            },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:bench', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:lib'] },
          ],
        },
      ],
    },
  },
  {
    // Purity of the protocol library's sources (its tests and benches may use Node).
    files: ['libs/protocol/src/**/*.ts'],
    rules: {
      // Only @noble/* and the library's own relative modules.
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!@noble/|\\.\\.?/)',
              message: 'libs/protocol/src may import only @noble/* and its own modules',
            },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'Buffer', 'process', 'require'],
    },
  },
];
