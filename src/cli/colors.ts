// Colour for vmm's output (chalk), loaded only by the commands that print colour, so start-up
// stays fast. Colour is on for a TTY unless NO_COLOR is set (see io.ts).

import { Chalk, type ChalkInstance } from 'chalk';

export function chalkFor(color: boolean): ChalkInstance {
  return new Chalk({ level: color ? 1 : 0 });
}
