// --report FILE.html (vmm run, vmm trace, vmm compare): the HTML report of docs/report.md,
// written to a file once the run is over.

import type { ReportData } from '../report/html/page.js';
import { checkOutputPath, UsageProblem } from './command.js';
import { checkWritable } from './fd-writer.js';
import type { Io } from './io.js';

export const REPORT_OPTION = ['--report <file.html>', 'also write an HTML report: one page that works offline (docs/report.md)'] as const;

/** Check the --report file before anything runs: a name, not stdout (nor the file stdout or
 *  stderr goes to: the page would mix with what they print), none of the inputs, and a file
 *  vmm can write (not a directory, in a folder that is there): a run of minutes must not end
 *  in an error that was there before it began. */
export function checkReportPath(path: unknown, inputs: readonly string[], io: Io): string | undefined {
  if (path === undefined) return undefined;
  const name = String(path);
  if (name === '-' || io.isStandardOutput?.(name)) throw new UsageProblem('--report expects a file name: the page is not written to standard output');
  if (io.isStandardError?.(name)) throw new UsageProblem(`--report ${name}: that is where standard error goes; the page is written to a file of its own`);
  checkOutputPath('--report', name, inputs);
  checkWritable(name);
  return name;
}

/** Write the page. */
export async function writeReport(path: string, data: ReportData, io: Io): Promise<void> {
  const { reportPage } = await import('../report/html/page.js');
  const out = io.openOutput(path);
  out.write(reportPage(data));
  out.close();
}
