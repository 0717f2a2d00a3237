import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ProjectFile, ProjectImportSummary } from '../../shared/project';
import { makeClip, quickLadder, quickRung } from '../testing/clips';
import { useTempDirs } from '../testing/tempDir';

// The real `vq project export` / `vq project import` in a child process, over real data dirs.
const tempDir = useTempDirs('vq-project-cli-');

function vq(args: string[], dataDir: string, cwd = process.cwd()): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.resolve('bin/vq.mjs'), ...args], {
    cwd,
    env: { ...process.env, VQ_DATA_DIR: dataDir, VQ_VMAF_MODEL_DIR: path.resolve('../shared/vmaf-models') },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('vq project', () => {
  it('exports a library with an encoded, scored rendition and imports it into another data dir', () => {
    const dir = tempDir();
    const dataA = tempDir();
    const dataB = tempDir();
    const source = makeClip(dir, { width: 320, height: 240, fps: 24, seconds: 1 });
    const ladderFile = path.join(dir, 'ladder.json');
    fs.writeFileSync(ladderFile, JSON.stringify(quickLadder('cli-proj', [quickRung({ id: 'r120', height: 120 })])));
    const enc = vq(['encode', source, '--ladder', ladderFile, '--out', path.join(dir, 'out'), '--score', '--json'], dataA);
    expect(enc.stderr).not.toMatch(/failed/);
    expect(enc.code).toBe(0);
    const sourceId = (JSON.parse(vq(['list', '--json'], dataA).stdout) as { id: string }[])[0]!.id;

    const file = path.join(dir, 'lib.vqproj.json');
    const out = vq(['project', 'export', '--out', file, sourceId], dataA);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/wrote .*lib\.vqproj\.json: 1 source\(s\), 1 rendition\(s\), 1 score result\(s\)/);
    const p = JSON.parse(fs.readFileSync(file, 'utf8')) as ProjectFile;
    expect(p.scoreResults[0]!.series.vmaf).toHaveLength(24);
    // `--out -` writes the same project to stdout.
    const stdout = vq(['project', 'export', '--out', '-'], dataA);
    expect({ ...(JSON.parse(stdout.stdout) as ProjectFile), exportedAt: '' }).toEqual({ ...p, exportedAt: '' });

    const imported = vq(['project', 'import', file, '--json'], dataB);
    expect(imported.code).toBe(0);
    const summary = JSON.parse(imported.stdout) as ProjectImportSummary;
    expect(summary).toMatchObject({
      sources: { added: 1, skipped: 0 },
      renditions: { added: 1, skipped: 0 },
      scoreResults: { added: 1, skipped: 0 },
      missingFiles: [],
    });
    expect(JSON.parse(vq(['list', '--json'], dataB).stdout)).toEqual(JSON.parse(vq(['list', '--json'], dataA).stdout));

    const again = vq(['project', 'import', file], dataB);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/sources +0 added, 1 already in the library/);
    expect(again.stdout).toMatch(/score results +0 added, 1 already in the library/);
  });

  it('refuses a bad file (exit 1, the reason) and a call without a file (exit 2)', () => {
    const dir = tempDir();
    const data = tempDir();
    const bad = path.join(dir, 'bad.vqproj.json');
    fs.writeFileSync(bad, JSON.stringify({ format: 'vq-studio-project', version: 99 }));
    const r = vq(['project', 'import', bad], data);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Project version 99 is not supported; this app reads versions 1 and 2\.\n.*newer VQ Studio.*\[INVALID_ARGS\]/);
    expect(vq(['project', 'import'], data).code).toBe(2);
    expect(vq(['project', 'import', path.join(dir, 'nope.json')], data).stderr).toMatch(/File not found/);
    expect(vq(['project', 'frobnicate'], data).code).toBe(2);
  });
});
