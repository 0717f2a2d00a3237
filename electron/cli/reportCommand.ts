/**
 * `vq report SOURCE_ID|FILE --out REPORT.html`: the self-contained HTML report of a library source
 * (electron/core/report). A file path finds the library item of that file. Exit codes: 0 written,
 * 1 unknown source or unwritable file, 2 usage error.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { VqError } from '../../shared/errors';
import { createCore } from '../core/core';
import { defaultDataDir } from '../core/paths';
import { UsageError } from './usageError';

/** Runs `vq report`; resolves to the exit code. */
export async function reportCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { out: { type: 'string' } }, allowPositionals: true, strict: true });
  if (positionals.length !== 1) throw new UsageError('report takes exactly one SOURCE_ID or FILE (see `vq list`)');
  if (!values.out) throw new UsageError('report needs --out REPORT.html');
  const out = path.resolve(values.out);
  if (!fs.existsSync(path.dirname(out))) throw new UsageError(`--out ${values.out}: the folder ${path.dirname(out)} does not exist`);
  const core = createCore({ dataDir: defaultDataDir(), host: { mode: 'web' }, queue: 'off' });
  try {
    const wanted = positionals[0]!;
    const { items } = await core.api['library.list']({});
    let item = items.find((i) => i.id === wanted);
    if (!item && fs.existsSync(wanted)) {
      const real = fs.realpathSync(wanted);
      item = items.find((i) => i.path === real);
      if (!item) throw new VqError('NOT_FOUND', `${wanted} is not in the library.`, 'Import it with `vq import FILE`, encode and score it, then make the report.');
    }
    if (!item) throw new VqError('NOT_FOUND', `No library item with id ${wanted}, and no file by that name.`, 'See `vq list` for the ids.');
    const report = await core.api['report.html']({ sourceId: item.id });
    const tmp = path.join(path.dirname(out), `.${path.basename(out)}.${process.pid}.part`);
    fs.writeFileSync(tmp, report.html);
    fs.renameSync(tmp, out);
    console.log(`report of ${item.fileName} written to ${out} (${Math.round(report.html.length / 1024)} KiB)`);
    return 0;
  } finally {
    core.close();
  }
}
