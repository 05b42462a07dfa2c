export { MAX_COMMITTEE } from './generated/splitup.js';
/** SPL Token program id, the one the program CPIs into. */
export const TOKEN_PROGRAM_ID_STR = 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA';
