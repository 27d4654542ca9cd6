// UTF-8 at a cut: where a byte string can end without splitting a character.

/** Where to cut `bytes` at or before `end` so that no UTF-8 sequence is cut in two (bytes that
 *  are not UTF-8 are cut where they are). */
export function wholeCharacters(bytes: Uint8Array, end: number): number {
  // (the lead byte of the last sequence begun before `end`, at most 3 bytes back)
  let lead = end - 1;
  while (lead >= 0 && lead > end - 4 && (bytes[lead]! & 0xc0) === 0x80) lead--;
  if (lead < 0) return end;
  const b = bytes[lead]!;
  const length = b >= 0xf0 && b < 0xf8 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
  return lead + length > end ? lead : end;
}
