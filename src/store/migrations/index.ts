import { initial } from './0001-initial.ts';
import { service } from './0002-service.ts';
import type { Migration } from './migration.ts';

/** Every migration, ascending. To change the schema: add `000N-name.ts` and append it here. */
export const MIGRATIONS: readonly Migration[] = [initial, service];
