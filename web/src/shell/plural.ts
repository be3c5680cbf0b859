// Counted words through Intl.PluralRules: the same helper the server's email uses.
export { plural } from '../../../src/platform/plural.ts';
