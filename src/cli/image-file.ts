// Reading an image file for a command, with the loader's complaint turned into a user error
// that names the file and the byte offset.

import { ImageError, loadImage } from '../image/format.js';
import type { Image } from '../image/model.js';
import { UserError } from './errors.js';
import type { Io } from './io.js';

export function readImageFile(path: string, io: Io): { image: Image; size: number } {
  const bytes = io.readFile(path);
  try {
    return { image: loadImage(bytes), size: bytes.length };
  } catch (e) {
    if (e instanceof ImageError) throw new UserError(`${path}: offset ${e.offset} (0x${e.offset.toString(16)}): ${e.message}`);
    throw e;
  }
}
