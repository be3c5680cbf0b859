import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Layering (DESIGN.md), enforced: arrows only point down. Features from low to high,
// as the code's own imports order them; a feature imports src/platform, the leaves
// (src/config.ts, src/events.ts) and features of lower layers, never another feature of
// its own layer or anything above. A feature's routes.ts imports no other feature at all
// (server.ts hands it what it needs), src/platform imports no feature, and only the top
// (server.ts, main.ts, consumers.ts) is imported by nothing.
const LAYERS = [
  ['audit', 'recurrence'],
  ['people'],
  ['accounts', 'records'],
  ['tasks'],
  ['backup', 'calendar', 'demo', 'imports', 'intake', 'notifications', 'plans'],
  ['webhooks'],
  ['automation'],
  ['reports'],
];
const FEATURES = LAYERS.flat();
const TOP = ['server', 'main', 'consumers'];

// Imports that break the rule today and are being taken out; each entry lets one file
// import one file. Delete an entry when its import goes (lint then keeps it gone).
const TEMPORARY_EXCEPTIONS = [
];

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A no-restricted-imports rule forbidding `features` and the top to files named by `file`. */
function forbid(file, features, why) {
  const allowed = TEMPORARY_EXCEPTIONS.filter((exception) => exception.file === file);
  const patterns = features.map((feature) => {
    const except = allowed.filter((exception) => exception.imports.startsWith(`${feature}/`)).map((exception) => escape(exception.imports.slice(feature.length + 1)));
    const rest = except.length ? `(?!(${except.join('|')})$)` : '';
    return { regex: `^(\\.\\./)+${feature}/${rest}`, message: `${why} (layers: ${LAYERS.map((layer) => layer.join(', ')).join(' < ')}).` };
  });
  patterns.push({ regex: `^(\\.\\./)+(${TOP.join('|')})\\.ts$`, message: 'Only the top (server.ts, main.ts, consumers.ts) may import these; they import the features, not the other way round.' });
  return { 'no-restricted-imports': ['error', { patterns }] };
}

function layering() {
  const configs = [{ files: ['src/platform/**/*.ts'], rules: forbid(null, FEATURES, 'src/platform is below every feature and imports none') }];
  LAYERS.forEach((layer, index) => {
    for (const feature of layer) {
      const higher = [...layer.filter((other) => other !== feature), ...LAYERS.slice(index + 1).flat()];
      const others = FEATURES.filter((other) => other !== feature);
      configs.push({ files: [`src/${feature}/**/*.ts`], rules: forbid(null, higher, `${feature} may import only features of lower layers`) });
      configs.push({ files: [`src/${feature}/routes.ts`], rules: forbid(`src/${feature}/routes.ts`, others, `${feature}/routes.ts imports no other feature: server.ts hands routes what they need`) });
    }
  });
  const excepted = [...new Set(TEMPORARY_EXCEPTIONS.map((exception) => exception.file))].filter((file) => !file.endsWith('/routes.ts'));
  for (const file of excepted) {
    const feature = file.split('/')[1];
    const index = LAYERS.findIndex((layer) => layer.includes(feature));
    const higher = [...LAYERS[index].filter((other) => other !== feature), ...LAYERS.slice(index + 1).flat()];
    configs.push({ files: [file], rules: forbid(file, higher, `${feature} may import only features of lower layers`) });
  }
  return configs;
}

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'web/dist/', 'data/', 'test-artifacts/', 'bench/.cache/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        fetch: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        Buffer: 'readonly',
        window: 'readonly',
        document: 'readonly',
        localStorage: 'readonly',
        navigator: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  ...layering(),
  {
    // Tests read JSON bodies of every shape; typing each one would hide what they check.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
