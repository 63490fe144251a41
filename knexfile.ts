// For the knex CLI (`npx knex migrate:latest`); the server itself migrates at boot.
import { loadConfig } from './server/config.ts';
import { knexConfig } from './server/db.ts';

export default knexConfig(loadConfig());
