// One lint setup for the whole repository; type-aware so that floating promises are caught.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import layers from './eslint-rules/layers.js';
import sqlText from './eslint-rules/sql-text.js';

const mileage = { rules: { ...sqlText.rules, ...layers.rules } };

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'web/dist/**',
      'coverage/**',
      '.mileage/**',
      'bench/out/**',
      'bench/scratch/**',
      '.cache/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', 'bench/*.js', 'eslint-rules/*.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
      'no-console': 'error',
    },
  },
  {
    // Names and values reach SQL text only through src/store/sql-text.ts or a bound parameter (issue 19).
    files: ['src/**/*.ts', 'bench/**/*.ts'],
    ignores: ['**/*.test.ts'],
    plugins: { mileage },
    rules: { 'mileage/sql-text': 'error' },
  },
  {
    // Imports point inward (DESIGN.md "Layout"); only the store and driver-backed connectors import drivers.
    files: ['src/**/*.ts'],
    plugins: { mileage },
    rules: { 'mileage/layers': 'error' },
  },
  {
    // Only the CLI, benchmarks and scripts talk to the terminal.
    files: ['src/cli/**', 'bench/**', 'scripts/**', '*.js'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);
