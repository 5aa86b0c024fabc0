/** The operations CLI run in process, as a test reads it: the exit code and every line it printed. */
import { runCli } from '../../src/entry/cli';

export async function runCliLines(args: string[], env: Record<string, string>): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const code = await runCli(args, env, (l) => lines.push(l));
  return { code, out: lines.join('\n') };
}
