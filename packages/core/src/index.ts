export * from './bucket.js';
export { CompiledFlag, compileFlag, valueFitsType } from './compile.js';
export * from './date.js';
export * from './evaluate.js';
export * from './model.js';
export { type Murmur3State, murmur3_x86_32, murmur3Continue, murmur3Prefix } from './murmur3.js';
export { compareSemVer, parseSemVer, type SemVer } from './semver.js';
export { utf8Bytes } from './utf8.js';
export { scalarKey, toNumber, unitKeyOf } from './values.js';
