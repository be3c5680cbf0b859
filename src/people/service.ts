// The people feature's use cases as other features, the command line and the benchmarks call them.
// Each job has its own file — orgs, users, teams, sessions (signing in), login limits, tokens —
// and this file only names what leaves the feature; people's own routes import the job files.
export { requireRole } from './person.ts';
export { activePeopleInRoles, getOrg, orgTimezone, publicOrg, reserveTaskNumbers, signup, takeTaskNumber, zoneOfPerson } from './orgs.ts';
export { checkAssignable, createUser, getUser, getUsers, listUsers, me } from './users.ts';
export { createTeam, getTeam, listTeams } from './teams.ts';
export { namesById } from './directory.ts';
export { authenticate } from './sessions.ts';
export { accountForCommandLine, createApiTokenFor } from './tokens.ts';
export { addressKey } from './loginLimits.ts';
export { hashPassword, verifyPassword } from './passwords.ts';
export * as credentials from './credentials.ts';
