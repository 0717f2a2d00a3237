/**
 * `vq shot-encode SOURCE --encoder E (--target-vmaf Q | --target-kbps K) --out FILE [--preset P]
 * [--crfs LIST] [--heights LIST] [--min-shot-seconds S] [--max-shot-seconds S] [--overwrite]
 * [--json]`: per-shot encoding (core/target/shotEncode.ts). Several targets
 * (`--target-kbps 500,1000,2000`) make an optimized ladder: one output each, in the folder `--out`
 * names. With several heights (`--heights 1080,720,540`) each output is encoded at the height
 * that does best for its target. Prints each shot's CRF and the result's height, bitrate and
 * VMAF. Exit codes: 0 done, 1 failed or a target out of reach (the nearest output is
 * still written), 2 usage error, 130 Ctrl+C.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { formatBitrate, formatBytes } from '../../shared/format';
import { ENCODERS } from '../../shared/ladder';
import { MAX_SHOT_HEIGHTS, type ShotTarget } from '../../shared/shotEncode';
import { runShotEncode, type ShotEncodeResult } from '../core/target/shotEncode';
import { encoderArg } from './crfSearchCommand';
import { runOnTitle } from './titleRun';
import { renderTable } from './table';
import { UsageError } from './usageError';

/** Numbers from "a,b,c", each checked by `ok`. */
function numberList(
  flag: string,
  text: string,
  ok: (v: number) => boolean,
  what: string,
): number[] {
  const values = text.split(',').map((t) => Number(t.trim()));
  if (values.length === 0 || values.some((v, i) => !ok(v) || text.split(',')[i]!.trim() === ''))
    throw new UsageError(`${flag} ${text}: give ${what}, separated by commas`);
  return values;
}

/** Runs `vq shot-encode`; resolves to the exit code. */
export async function shotEncodeCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      encoder: { type: 'string' },
      preset: { type: 'string' },
      'target-vmaf': { type: 'string' },
      'target-kbps': { type: 'string' },
      out: { type: 'string' },
      crfs: { type: 'string' },
      heights: { type: 'string' },
      'min-shot-seconds': { type: 'string' },
      'max-shot-seconds': { type: 'string' },
      raw: { type: 'string' },
      overwrite: { type: 'boolean' },
      json: { type: 'boolean' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1) throw new UsageError('shot-encode takes exactly one SOURCE file');
  if (!values.encoder)
    throw new UsageError('shot-encode needs --encoder (x264, x265, svt-av1, aom, vp9)');
  const encoder = encoderArg(values.encoder);
  if ((values['target-vmaf'] === undefined) === (values['target-kbps'] === undefined))
    throw new UsageError('shot-encode needs one of --target-vmaf Q or --target-kbps K');
  const targets: ShotTarget[] =
    values['target-vmaf'] !== undefined
      ? numberList(
          '--target-vmaf',
          values['target-vmaf'],
          (v) => v > 0 && v <= 100,
          'VMAF targets above 0 up to 100',
        ).map((quality) => ({ quality }))
      : numberList(
          '--target-kbps',
          values['target-kbps']!,
          (v) => v > 0 && v <= 1_000_000,
          'bitrates in kb/s above 0',
        ).map((kbps) => ({ kbps }));
  if (!values.out)
    throw new UsageError('shot-encode needs --out FILE (a folder with several targets)');
  const crfs =
    values.crfs === undefined
      ? undefined
      : numberList(
          '--crfs',
          values.crfs,
          (v) => v >= ENCODERS[encoder].crf.min && v <= ENCODERS[encoder].crf.max,
          `CRFs ${ENCODERS[encoder].crf.min}–${ENCODERS[encoder].crf.max}`,
        );
  if (crfs && crfs.length < 2) throw new UsageError('--crfs: give at least two CRFs');
  const heights =
    values.heights === undefined
      ? undefined
      : numberList(
          '--heights',
          values.heights,
          (v) => Number.isInteger(v) && v >= 64 && v <= 4320,
          'picture heights in pixels (64–4320)',
        );
  if (heights && heights.length > MAX_SHOT_HEIGHTS)
    throw new UsageError(`--heights: give at most ${MAX_SHOT_HEIGHTS} heights`);
  const seconds = (flag: string, text: string | undefined): number | undefined => {
    if (text === undefined) return undefined;
    const v = Number(text);
    if (!(v > 0 && v <= 600))
      throw new UsageError(`${flag} ${text}: give seconds above 0, up to 600`);
    return v;
  };
  const minShotSeconds = seconds('--min-shot-seconds', values['min-shot-seconds']);
  const maxShotSeconds = seconds('--max-shot-seconds', values['max-shot-seconds']);
  let outputs: string[];
  if (targets.length === 1) {
    if (!/\.(mp4|mkv|webm)$/i.test(values.out))
      throw new UsageError(`--out ${values.out}: name a .mp4, .mkv or .webm file`);
    outputs = [path.resolve(values.out)];
  } else {
    outputs = targets.map((t) =>
      path.resolve(values.out!, `shots-${'kbps' in t ? `${t.kbps}kbps` : `vmaf${t.quality}`}.mp4`),
    );
  }
  // With VQ_REDIS_URL the shared queue's workers encode the shots (as `vq encode` does), writing
  // the streams beside the output, on the disk they share.
  const queue = process.env.VQ_REDIS_URL ? 'own' : 'off';
  return runOnTitle(
    positionals[0]!,
    values.raw,
    async ({ core, cacheDir, title, signal }) => {
      let lastLine = 0;
      let id: string | undefined;
      if (core.workers) {
        const imported = await core.api['library.import']({
          paths: [title.path],
          raw: title.raw ?? undefined,
        });
        id = (imported.imported[0] ?? imported.existing[0])?.id;
        if (id) console.error("vq: the shared queue's workers encode the shots");
      }
      const first = outputs[0]!;
      const streamsDir =
        targets.length === 1
          ? path.join(path.dirname(first), `${path.parse(first).name}.streams`)
          : path.join(path.dirname(first), 'streams');
      const result = await runShotEncode(
        {
          source: { ...title, id },
          encoder,
          preset: values.preset ?? null,
          crfs,
          heights,
          targets,
          outputs,
          minShotSeconds,
          maxShotSeconds,
          overwrite: values.overwrite === true,
          signal,
          onEvent: (e) => {
            if (e.type === 'shots') console.error(`vq: ${e.shots.length} shot(s)`);
            else if (e.type === 'encoded') {
              const now = Date.now();
              if (now - lastLine > 2000 || e.done === e.total) {
                lastLine = now;
                console.error(
                  `vq: encoded ${e.done} of ${e.total} shot encodes (CRF ${e.crf}, ${e.height}p)`,
                );
              }
            } else if (e.type === 'workers') {
              const now = Date.now();
              if (now - lastLine > 2000 || e.done === e.total) {
                lastLine = now;
                console.error(`vq: the workers encoded ${e.done} of ${e.total} shot encodes`);
              }
            } else if (e.type === 'scoring')
              console.error(`vq: scoring the ${e.streams} streams (one per height and CRF)`);
            else if (e.type === 'output') console.error(`vq: wrote ${e.file}`);
          },
        },
        { toolchain: core.toolchain, cacheDir, workers: core.workers, streamsDir },
      );
      console.log(values.json ? JSON.stringify(result, null, 2) : describeShotEncode(result));
      const unmet = result.outputs.filter((out) => !out.met);
      for (const u of unmet) console.error(`vq: a target is out of reach: ${u.why}`);
      return unmet.length ? 1 : 0;
    },
    queue,
  );
}

/** The outputs for a person: each target's result, then its shots' CRFs. */
export function describeShotEncode(r: ShotEncodeResult): string {
  const lines = [
    `${path.basename(r.source)}: ${r.shots.length} shots, each encoded at CRF ${r.crfs.join(', ')}${r.heights.length > 1 ? ` and ${r.heights.map((h) => `${h}p`).join(', ')}` : ''} with ${ENCODERS[r.encoder].label}${r.preset ? `, preset ${r.preset}` : ''} (${r.seconds.toFixed(1)} s)`,
  ];
  for (const out of r.outputs) {
    const t =
      'kbps' in out.target ? `${formatBitrate(out.target.kbps)}` : `VMAF ${out.target.quality}`;
    lines.push(
      '',
      `Target ${t}: ${out.height}p, VMAF ${out.result.vmaf.toFixed(2)}, ${formatBitrate(out.result.bitrateKbps)} video, ${formatBytes(out.result.sizeBytes)} (predicted VMAF ${out.predicted.vmaf.toFixed(2)}, ${formatBitrate(out.predicted.bitrateKbps)})` +
        (out.why ? ` — out of reach: ${out.why}` : ''),
      `  ${out.result.file}`,
      renderTable(
        ['shot', 'frames', 'CRF', 'bitrate', 'VMAF'],
        out.shots.map((s, i) => [
          String(i + 1),
          `${s.start}–${s.end - 1}`,
          String(s.crf),
          formatBitrate(s.kbps),
          s.vmaf.toFixed(2),
        ]),
      )
        .split('\n')
        .map((l) => `  ${l}`)
        .join('\n'),
    );
  }
  return lines.join('\n');
}
