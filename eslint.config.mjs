// ESLint: typescript-eslint's type-aware rules (as immich's server/eslint.config.mjs) plus one house
// rule: SQL is built only in repositories (*.repository.ts) and in src/db/ (ARCHITECTURE.md, STYLE.md §11).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const KYSELY_BUILDERS = [
  'selectFrom',
  'selectNoFrom',
  'insertInto',
  'updateTable',
  'deleteFrom',
  'replaceInto',
  'mergeInto',
  'with',
  'withRecursive',
  'executeQuery',
];
const SQL_OUTSIDE_REPOSITORY = "SQL is built only in a *.repository.ts or in src/db/: move this query into the feature's repository.";

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'test-artifacts/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: {
        projectService: { allowDefaultProject: ['*.mjs', 'scripts/*.mjs', 'src/web/assets/*.js', 'src/permits/offline-verifier/*.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/require-await': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    // Outside repositories and src/db/, no Kysely query building: not the builder methods, not the sql tag.
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.repository.ts', 'src/db/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...KYSELY_BUILDERS.map((name) => ({ selector: `CallExpression[callee.property.name='${name}']`, message: SQL_OUTSIDE_REPOSITORY })),
        { selector: "TaggedTemplateExpression[tag.name='sql']", message: SQL_OUTSIDE_REPOSITORY },
        { selector: "TaggedTemplateExpression[tag.object.name='sql']", message: SQL_OUTSIDE_REPOSITORY },
        { selector: "TaggedTemplateExpression[tag.property.name='sql']", message: SQL_OUTSIDE_REPOSITORY },
      ],
      'no-restricted-imports': ['error', { paths: [{ name: 'kysely', importNames: ['sql', 'CompiledQuery'], message: SQL_OUTSIDE_REPOSITORY }] }],
    },
  },
  {
    // The pages' small enhancement script runs in the browser as a classic script.
    files: ['src/web/assets/**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { globals: { ...globals.browser }, sourceType: 'script' },
  },
  {
    // The offline verifier's page script and its service worker (issue 14), classic scripts too.
    files: ['src/permits/offline-verifier/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { globals: { ...globals.browser, ...globals.serviceworker }, sourceType: 'script' },
  },
  {
    files: ['**/*.mjs', 'scripts/**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
