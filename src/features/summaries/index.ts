/** What other features use of the summaries: the participation card (no score) shown where rankings may not be. */
export { participationCardAt } from './summaries.service';
