import type { IFileSystem } from 'just-bash';

/** An fs error as Node's fs raises it; just-bash's commands look at the code and text to choose their message. */
export function fsError(code: 'ENOENT' | 'EISDIR' | 'ENOTDIR', path: string, syscall = 'open'): NodeJS.ErrnoException {
  const text = { ENOENT: 'no such file or directory', EISDIR: 'illegal operation on a directory', ENOTDIR: 'not a directory' }[code];
  return Object.assign(new Error(`${code}: ${text}, ${syscall} '${path}'`), { code, path, syscall });
}

/**
 * The guest's filesystem as the shell's processes see it. InMemoryFs creates missing parent directories on write
 * and reads a directory as if it were missing; the kernel does neither, so `echo x > /nope/f` and `tee /nope/f`
 * fail with ENOENT and `cat /etc` with EISDIR. Lab code keeps the plain filesystem (it lays down whole trees).
 */
export function shellFilesystem(fs: IFileSystem): IFileSystem {
  const isDirectory = async (path: string) => (await fs.exists(path)) && (await fs.stat(path)).isDirectory;
  const checkWritable = async (path: string) => {
    const parent = path.replace(/\/[^/]*$/, '') || '/';
    if (!(await fs.exists(parent))) throw fsError('ENOENT', path);
    if (!(await isDirectory(parent))) throw fsError('ENOTDIR', path);
    if (await isDirectory(path)) throw fsError('EISDIR', path);
  };
  return new Proxy(fs, {
    get(target, property, receiver) {
      if (property === 'writeFile' || property === 'appendFile') {
        return async (path: string, ...rest: unknown[]) => {
          await checkWritable(path);
          return (target[property] as (...args: unknown[]) => Promise<void>).call(target, path, ...rest);
        };
      }
      if (property === 'readFile' || property === 'readFileBuffer' || property === 'readFileBytes') {
        return async (path: string, ...rest: unknown[]) => {
          if (await isDirectory(path)) throw fsError('EISDIR', path, 'read');
          return (target[property] as (...args: unknown[]) => Promise<unknown>).call(target, path, ...rest);
        };
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
