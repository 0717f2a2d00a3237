import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileIdentitySchema } from '../../../shared/project';
import type { Rendition } from '../../../shared/queue';
import type { DistortedScore } from '../../../shared/score';
import { openDatabase } from './db';
import { RenditionRepo } from './renditionRepo';
import { ScoreRepo, type ScoreRunRecord } from './scoreRepo';
import { testScore } from '../../testing/scores';
import { useTempDirs } from '../../testing/tempDir';
import { FileIdentities } from '../media/fileIdentity';
import { ENCODED_AGAIN, ScoreFreshness, fileChange } from './scoreFreshness';

const tempDir = useTempDirs();
const MiB = 1024 * 1024;

/** A file of `size` bytes, each byte `fill`, with its mtime set to `mtime` (seconds). */
function writeFile(file: string, size: number, fill: number, mtime: number): void {
  fs.writeFileSync(file, Buffer.alloc(size, fill));
  fs.utimesSync(file, mtime, mtime);
}

describe('fileChange (real files)', () => {
  it('sees a missing file, another size, and another content behind another mtime; a touch alone is no change', () => {
    const dir = tempDir();
    const file = path.join(dir, 'r.mp4');
    writeFile(file, 5000, 1, 1_700_000_000);
    const files = new FileIdentities();
    const recorded = files.of(file)!;
    expect(recorded).toMatchObject({ sizeBytes: 5000, mtimeMs: 1_700_000_000_000 });
    expect(FileIdentitySchema.parse(recorded)).toEqual(recorded); // the format project files check
    expect(fileChange(file, recorded, files)).toBeNull();

    // touch: new mtime, same bytes
    fs.utimesSync(file, 1_700_000_100, 1_700_000_100);
    expect(fileChange(file, recorded, files)).toBeNull();

    // rewritten with the same size, other bytes, other mtime
    writeFile(file, 5000, 2, 1_700_000_200);
    expect(fileChange(file, recorded, files)).toEqual({ kind: 'content' });

    // another size
    writeFile(file, 5001, 1, 1_700_000_000);
    expect(fileChange(file, recorded, files)).toEqual({ kind: 'size' });

    fs.rmSync(file);
    expect(fileChange(file, recorded, files)).toEqual({ kind: 'missing' });
  });

  it('without a recorded identity (scores stored before it was kept), only a missing file counts', () => {
    const dir = tempDir();
    const file = path.join(dir, 'old.mp4');
    writeFile(file, 100, 1, 1_700_000_000);
    expect(fileChange(file, null)).toBeNull();
    fs.rmSync(file);
    expect(fileChange(file, null)).toEqual({ kind: 'missing' });
  });

  it('never throws: a file that cannot be looked at is unreadable, with the reason code', () => {
    const dir = tempDir();
    // A symbolic link to itself: stat fails with ELOOP (for root too).
    const loop = path.join(dir, 'loop.mp4');
    fs.symlinkSync(loop, loop);
    expect(fileChange(loop, null)).toEqual({ kind: 'unreadable', code: 'ELOOP' });
    // A file where a folder should be, and a folder where the file should be: no file there.
    const file = path.join(dir, 'f.mp4');
    writeFile(file, 10, 1, 1_700_000_000);
    expect(fileChange(path.join(file, 'inner.mp4'), null)).toEqual({ kind: 'missing' });
    expect(fileChange(dir, null)).toEqual({ kind: 'missing' });
  });

  it('samples the middle of a large file: a change there is seen', () => {
    const dir = tempDir();
    const file = path.join(dir, 'big.mkv');
    writeFile(file, 8 * MiB, 7, 1_700_000_000);
    const files = new FileIdentities();
    const recorded = files.of(file)!;
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, Buffer.from([9, 9, 9]), 0, 3, 4 * MiB);
    fs.closeSync(fd);
    fs.utimesSync(file, 1_700_000_300, 1_700_000_300);
    expect(fileChange(file, recorded, files)).toEqual({ kind: 'content' });
  });
});

function score(): DistortedScore {
  return testScore({ psnr: [40, 41] }, [0, 1]);
}

/** The run that scored against `ref`, with the identity `files` records for it now. */
function run(ref: string, files: FileIdentities): ScoreRunRecord {
  return {
    id: 'run1',
    jobId: null,
    referenceId: 'src',
    referencePath: ref,
    command: [],
    ffmpeg: score().ffmpeg,
    model: null,
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 10,
    referenceIdentity: files.of(ref),
  };
}

function rendition(id: string, file: string): Rendition {
  return {
    id,
    sourceId: 'src',
    batchId: null,
    jobId: null,
    rungId: '240p',
    rung: {} as Rendition['rung'],
    path: file,
    fileName: path.basename(file),
    encoder: 'libx264',
    width: 426,
    height: 240,
    bitrateKbps: 145,
    sizeBytes: fs.statSync(file).size,
    encodeSeconds: 1,
    command: [],
    media: { fileName: path.basename(file) } as Rendition['media'],
    createdAt: new Date().toISOString(),
  };
}

describe('ScoreFreshness with the library database', () => {
  it('marks the scores of a rendition encoded again at its path, and of a changed reference', () => {
    const dir = tempDir();
    const db = openDatabase(path.join(dir, 'data'));
    const files = new FileIdentities();
    const repo = new ScoreRepo(db, new ScoreFreshness(db, files));
    const renditions = new RenditionRepo(db);
    const ref = path.join(dir, 'ref.mp4');
    const out = path.join(dir, '240p.mp4');
    writeFile(ref, 3000, 3, 1_700_000_000);
    writeFile(out, 1000, 4, 1_700_000_000);
    renditions.insert(rendition('r1', out));
    repo.insertRun(run(ref, files), [
      {
        id: 's1',
        scored: {
          target: { kind: 'rendition', id: 'r1' },
          path: out,
          label: '240p',
          encoder: 'libx264',
          width: 426,
          height: 240,
          bitrateKbps: 145,
        },
        score: score(),
        createdAt: '2026-01-01T00:00:01.000Z',
        identity: files.of(out),
      },
    ]);
    expect(repo.summary('s1')!.stale).toBeNull();

    // The reference touched: still fresh. Rewritten: stale, and says which file.
    fs.utimesSync(ref, 1_700_000_500, 1_700_000_500);
    expect(repo.summary('s1')!.stale).toBeNull();
    writeFile(ref, 3000, 5, 1_700_000_600);
    expect(repo.summary('s1')!.stale).toEqual({
      reason: 'the reference changed after this score (its content is different)',
    });
    writeFile(ref, 3000, 3, 1_700_000_000);
    expect(repo.summary('s1')!.stale).toBeNull();

    // Encoded again at the same path: the new rendition replaces r1, whose score is now stale
    // everywhere it is read (summary, list, detail) and whose row is kept for Analysis.
    writeFile(out, 2000, 6, 1_700_000_900);
    expect(renditions.insert(rendition('r2', out))).toEqual({ replacedId: 'r1' });
    const stale = { reason: ENCODED_AGAIN };
    expect(repo.summary('s1')!.stale).toEqual(stale);
    expect(repo.currentByReference('src').map((s) => [s.id, s.stale])).toEqual([['s1', stale]]);
    expect(repo.get('s1')!.summary.stale).toEqual(stale);
    expect(renditions.replaced('r1')).toMatchObject({ id: 'r1', path: out, bitrateKbps: 145 });
    expect(renditions.get('r1')).toBeNull();
    db.close();
  });

  it('one unreadable file makes its own score stale, and the list of scores still reads', () => {
    const dir = tempDir();
    const db = openDatabase(path.join(dir, 'data'));
    const files = new FileIdentities();
    const repo = new ScoreRepo(db, new ScoreFreshness(db, files));
    const ref = path.join(dir, 'ref.mp4');
    const good = path.join(dir, 'good.mp4');
    const bad = path.join(dir, 'bad.mp4');
    writeFile(ref, 3000, 3, 1_700_000_000);
    writeFile(good, 1000, 4, 1_700_000_000);
    writeFile(bad, 1000, 5, 1_700_000_000);
    const scored = (id: string, file: string) => ({
      id,
      scored: {
        target: { kind: 'source' as const, id },
        path: file,
        label: id,
        encoder: 'libx264',
        width: 426,
        height: 240,
        bitrateKbps: 145,
      },
      score: score(),
      createdAt: '2026-01-01T00:00:01.000Z',
      identity: files.of(file),
    });
    repo.insertRun(run(ref, files), [scored('s-good', good), scored('s-bad', bad)]);
    // The scored file is replaced by a link that cannot be followed (ELOOP).
    fs.rmSync(bad);
    fs.symlinkSync(bad, bad);
    const stale = Object.fromEntries(repo.currentByReference('src').map((s) => [s.id, s.stale]));
    expect(stale).toEqual({
      's-good': null,
      's-bad': { reason: 'the scored file cannot be read (ELOOP)' },
    });
    expect(repo.get('s-bad')!.summary.stale).toEqual({
      reason: 'the scored file cannot be read (ELOOP)',
    });
    db.close();
  });

  it('judges a score stored before identities were recorded by what is still known', () => {
    const dir = tempDir();
    const db = openDatabase(path.join(dir, 'data'));
    const freshness = new ScoreFreshness(db, new FileIdentities());
    const ref = path.join(dir, 'ref.mp4');
    const file = path.join(dir, 'a.mp4');
    writeFile(ref, 10, 1, 1_700_000_000);
    writeFile(file, 10, 1, 1_700_000_000);
    const judged = (target: { kind: 'rendition' | 'source'; id: string }) =>
      freshness.judge({
        target,
        path: file,
        identity: null,
        referencePath: ref,
        referenceIdentity: null,
      });
    expect(judged({ kind: 'source', id: 'x' })).toBeNull();
    // A rendition replaced before replacements were recorded: another rendition holds its path.
    new RenditionRepo(db).insert(rendition('new', file));
    expect(judged({ kind: 'rendition', id: 'old' })).toEqual({ reason: ENCODED_AGAIN });
    expect(judged({ kind: 'rendition', id: 'new' })).toBeNull();
    db.prepare('DELETE FROM renditions').run();
    expect(judged({ kind: 'rendition', id: 'new' })).toEqual({
      reason: 'the rendition was removed from the library',
    });
    fs.rmSync(file);
    expect(judged({ kind: 'source', id: 'x' })).toEqual({ reason: 'the scored file is missing' });
    db.close();
  });
});
