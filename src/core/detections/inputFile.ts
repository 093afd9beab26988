// The files an offline scan reads are the user's own, and links to them are followed; but a FIFO,
// socket or device in a file's place is never read: reading a FIFO waits for a writer that may
// never come (scan hung on one), and a device can be endless. The file is opened without waiting
// and checked once open, so what is read is what was checked.
import { constants, type Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

const FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  return 'a device';
}

/** The file open for reading; throws "it is a FIFO, not a regular file" (and so on) for anything but a regular file. */
export async function openInput(file: string): Promise<FileHandle> {
  let fh: FileHandle;
  try {
    fh = await open(file, FLAGS);
  } catch (e) {
    // A socket cannot be opened at all.
    if ((e as NodeJS.ErrnoException).code === 'ENXIO') throw new Error('it is a socket, not a regular file', { cause: e });
    throw e;
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new Error(`it is ${kindOf(st)}, not a regular file`);
    return fh;
  } catch (e) {
    await fh.close();
    throw e;
  }
}

/** A regular file's text (see openInput). */
export async function readInput(file: string): Promise<string> {
  const fh = await openInput(file);
  try {
    return await fh.readFile('utf8');
  } finally {
    await fh.close();
  }
}
