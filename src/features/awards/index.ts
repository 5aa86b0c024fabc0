/** What other features use of the awards: the names of the award kinds. */
export { KIND_NAME, type AwardKind } from './awards.rules';
