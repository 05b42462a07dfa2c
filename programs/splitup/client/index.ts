export * from './accounts.js';
export * from './convert.js';
export * from './errors.js';
export { SPLITUP_IDL, type Splitup } from './generated/splitup.js';
export * from './instructions.js';
export * from './model.js';
export * from './params.js';
export * from './pdas.js';
export * from './program.js';
