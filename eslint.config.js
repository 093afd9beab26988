import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Import rules for one layer: `forbidden` are sibling folders of src/ the layer must not reach,
 * by a relative path (the only way this code imports its own modules).
 */
function layer(files, forbidden, { vscode = false } = {}) {
  const message = `${files.replace('/**/*.ts', '')} must not import ${forbidden.join(', ')}${vscode ? ' or vscode' : ''} (see README, Development).`;
  const group = forbidden.flatMap((f) => [`**/${f}/*`, `**/${f}/**`]);
  const folders = forbidden.join('|');
  return [
    {
      files: [files],
      rules: {
        'no-restricted-imports': ['error', { paths: vscode ? [{ name: 'vscode', message }] : [], patterns: [{ group, message }] }],
        'no-restricted-syntax': [
          'error',
          { selector: `ImportExpression[source.value=/(^|\\/)(${folders})\\//]`, message },
          ...(vscode ? [{ selector: "ImportExpression[source.value='vscode']", message }] : []),
        ],
      },
    },
  ];
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'out/**', '.tmp/**', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  // Layering (issue 16): data flows one way. core is the engine shared with the CLI: it imports no
  // VS Code and nothing above it. host/ is what commands/ and views/ both use; commands/ and views/
  // never import each other. A static import and a dynamic import() are both checked.
  ...layer('src/core/**/*.ts', ['commands', 'views', 'cli', 'host'], { vscode: true }),
  ...layer('src/host/**/*.ts', ['commands', 'views', 'cli']),
  ...layer('src/commands/**/*.ts', ['views', 'cli']),
  ...layer('src/views/**/*.ts', ['commands', 'cli']),
  ...layer('src/cli/**/*.ts', ['commands', 'views', 'host'], { vscode: true }),
  {
    // The webview runs in a browser sandbox: it may only use core modules that are pure data/logic.
    files: ['webview/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['node:*', 'vscode'], message: 'The webview runs in the browser.' }] }],
    },
  },
);
