// ESLint for the dashboard: typescript-eslint's type-aware recommended rules
// and the React hooks rules (rules-of-hooks, exhaustive-deps and the React
// Compiler checks), every one an error; `npm run lint` also fails on warnings.
//
// Two TypeScript compilers, on purpose. typescript-eslint drives the
// compiler's JavaScript API and supports TypeScript >=4.8.4 <6.1.0; the
// native TypeScript 7 has no such API yet. So `typescript` is 6.0.x, the
// version typescript-eslint builds its type information with (its peer range
// is met, not forced), and `typescript7` (an npm alias of typescript@7) is
// the compiler `npm run typecheck` and the build run: the same tsconfig,
// checked by both, so neither may fall behind. When typescript-eslint
// supports TypeScript 7, drop the alias and let `typescript` be 7.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['dist/'] },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    ...reactHooks.configs.flat['recommended-latest'],
    languageOptions: { globals: globals.browser },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    rules: { 'react-hooks/exhaustive-deps': 'error' },
  },
  {
    // Plain JavaScript (this file, scripts/) is outside the tsconfig, so it
    // gets the syntax rules without type information. The browser tests
    // (e2e/, TypeScript) are type-checked through e2e/tsconfig.json.
    files: ['**/*.{js,mjs,cjs}'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: globals.node },
  },
);
