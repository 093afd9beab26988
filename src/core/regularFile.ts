// Files the user names (manifests to scan, a baseline, a kubeconfig) are read through links, but a
// FIFO, socket or device in a file's place is never read: reading a FIFO waits for a writer that
// may never come (scan and collect hung on one), and a device can be endless. The file is opened
// without waiting and checked once open, so what is read is what was checked.
import { closeSync, constants, fstatSync, openSync, readFileSync, type Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

const FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/** Why an open file is not read ("it is a FIFO, not a regular file"), or null for a regular file. */
function notRegular(st: Stats): string | null {
  if (st.isFile()) return null;
  const kind = st.isDirectory() ? 'a directory' : st.isFIFO() ? 'a FIFO' : st.isSocket() ? 'a socket' : 'a device';
  return `it is ${kind}, not a regular file`;
}

/** The error of an open that failed: a socket cannot be opened at all (ENXIO). */
function openFailure(e: unknown): Error {
  return (e as NodeJS.ErrnoException).code === 'ENXIO' ? new Error('it is a socket, not a regular file', { cause: e }) : (e as Error);
}

/** The file open for reading; throws "it is a FIFO, not a regular file" (and so on) for anything but a regular file. */
export async function openInput(file: string): Promise<FileHandle> {
  const fh = await open(file, FLAGS).catch((e: unknown) => {
    throw openFailure(e);
  });
  try {
    const why = notRegular(await fh.stat());
    if (why) throw new Error(why);
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

/** readInput, synchronously (for the kubeconfig, which client-node loads synchronously too). */
export function readInputSync(file: string): string {
  let fd: number;
  try {
    fd = openSync(file, FLAGS);
  } catch (e) {
    throw openFailure(e);
  }
  try {
    const why = notRegular(fstatSync(fd));
    if (why) throw new Error(why);
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}
