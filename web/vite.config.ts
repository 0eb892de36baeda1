import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The web app: Preact (JSX compiled by esbuild, no Babel), one bundle of hashed files under assets/.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: { target: 'es2022', assetsInlineLimit: 0, reportCompressedSize: false },
});
