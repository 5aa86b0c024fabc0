/** What other features read of registration: the unit × track overview. */
export { registrationOverview } from './registration.rules';
