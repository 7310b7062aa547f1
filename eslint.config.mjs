import nextVitals from 'eslint-config-next/core-web-vitals';
import tseslint from 'typescript-eslint';

// Dependencies point one way (../shared/STYLE.md): edges (app, lib/api, lib/server, lib/host-page,
// scripts) → the WOPI core (lib/wopi) and the domain (lib/documents, lib/tokens, lib/users) →
// storage, database, config.
const EDGES = ['@/app/*', '@/lib/api/*', '@/lib/server/*', '@/lib/host-page/*', '@/lib/auth/*', 'next', 'next/*'];
const layerRules = {
  components: ['@/lib/db', '@/lib/db/*', '@/lib/storage/*', '@/lib/locks/*', '@/lib/embedded/*'],
  // The WOPI core: ports in, adapters out; it imports without starting Postgres or S3.
  wopi: [
    ...EDGES,
    '@/lib/db',
    '@/lib/db/*',
    '@/lib/storage/client',
    '@/lib/locks/*',
    '@/lib/embedded/*',
    '@/lib/documents/*',
    '!@/lib/documents/browse-params',
  ],
  // The domain: no WOPI, session, token or HTTP types; it throws DomainError (lib/errors.ts).
  documents: [...EDGES, '@/lib/wopi/*', '@/lib/tokens/*'],
  tokensAndUsers: [...EDGES, '@/lib/wopi/*', '@/lib/documents/*', '!@/lib/documents/queries'],
};
const layer = (files, group, message) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { patterns: [{ group, message }] }] },
});

export default tseslint.config(
  {
    ignores: [
      '.next/**',
      'node_modules/**',
      'lib/generated/**',
      '.data/**',
      'next-env.d.ts',
      'test-results/**',
      'playwright-report/**',
    ],
  },
  ...nextVitals,
  {
    files: ['**/*.ts', '**/*.tsx'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration through lib/env.ts.' },
      ],
      // Intl.DateTimeFormat throws (next-intl logs FORMATTING_ERROR and shows a fallback) when
      // dateStyle/timeStyle meet a component option: /admin/editors asked for timeZoneName.
      'no-restricted-syntax': [
        'error',
        {
          selector:
            'ObjectExpression:has(> Property[key.name=/^(dateStyle|timeStyle)$/]):has(> Property[key.name=/^(weekday|era|year|month|day|dayPeriod|hour|minute|second|fractionalSecondDigits|timeZoneName)$/])',
          message:
            'dateStyle/timeStyle cannot be combined with weekday, year, month, day, hour, minute, second or timeZoneName (Intl throws).',
        },
      ],
    },
  },
  {
    files: ['components/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: layerRules.components, message: 'components/ must not reach the database, storage or locks.' },
          ],
        },
      ],
    },
  },
  layer(
    ['lib/wopi/**'],
    layerRules.wopi,
    'lib/wopi is the framework-free core: reach adapters through lib/wopi/ports.ts.',
  ),
  layer(
    ['lib/documents/**'],
    layerRules.documents,
    'lib/documents is the domain: no WOPI, session, token or HTTP code here.',
  ),
  layer(
    ['lib/tokens/**', 'lib/users/**'],
    layerRules.tokensAndUsers,
    'lib/tokens and lib/users are domain code: no WOPI, session or HTTP code here.',
  ),
  {
    // Tests read JSON bodies of many shapes; asserting on them is the check.
    files: ['tests/**'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },
  {
    // The config module itself, and test/tool configs, read the environment.
    files: [
      'lib/env.ts',
      '*.config.ts',
      '*.config.mjs',
      'tests/**',
      'scripts/e2e.ts',
      'scripts/test-all.ts',
      'scripts/validator.ts',
      'scripts/bench.ts',
      'scripts/bench/**',
      'scripts/lib/browser.ts',
      'scripts/lib/portal.ts',
    ],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
