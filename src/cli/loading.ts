// A guest the machine cannot load is the user's error (exit status 2), not an internal one:
// the loader (machine/load.ts) throws LoadError when an image or a mode's layout does not fit
// the memory the options gave. Loaded only by the commands that run guests.

import { LoadError } from '../machine/load.js';
import { UserError } from './errors.js';

/** What `run` returns; a LoadError it throws becomes a UserError, its message after `prefix`. */
export function loadingGuests<T>(run: () => T, prefix = ''): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof LoadError) throw new UserError(prefix + e.message);
    throw e;
  }
}
