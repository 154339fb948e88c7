// Shell quoting for the commands the CLI suggests (next page, exit a run): safe to paste.

/** `arg` as one POSIX shell word: unchanged when plain, single-quoted otherwise. */
export function shellWord(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function shellCommand(args: string[]): string {
  return args.map(shellWord).join(' ');
}
