/**
 * Edits of one rung and of a ladder as the editor makes them. Each keeps the rung consistent where
 * a change would otherwise leave it invalid for no reason (a preset the new encoder lacks, a CRF on
 * another encoder's scale); anything else is left for validation to explain.
 */
import {
  ENCODERS,
  isSoftwareEncoder,
  type Encoder,
  type Ladder,
  type RateControl,
  type Rung,
} from '../../../../shared/ladder';

/** A rate-control mode. */
export type RateMode = RateControl['mode'];

/** The rate-control modes, in the order the editor offers them. */
export const RATE_MODES: readonly { mode: RateMode; label: string; title: string }[] = [
  { mode: 'crf', label: 'CRF', title: 'Constant quality; with a maxrate it is capped CRF' },
  { mode: 'abr', label: 'ABR', title: 'Average bitrate, optionally capped, one or two passes' },
  { mode: 'cbr', label: 'CBR', title: 'Constant bitrate' },
];

/** `base`, else `base-2`, `base-3`… whichever is not taken. */
export function uniqueId(base: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  if (!used.has(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base}-${n}`;
    if (!used.has(candidate)) return candidate;
  }
}

/** A rung id that says what the rung is: "720p-crf23", "1080p-4500k", "640w-crf23". */
export function suggestedRungId(rung: Pick<Rung, 'width' | 'height' | 'rateControl'>): string {
  const size =
    rung.height !== null ? `${rung.height}p` : rung.width !== null ? `${rung.width}w` : 'rung';
  const rc = rung.rateControl;
  return rc.mode === 'crf' ? `${size}-crf${rc.crf}` : `${size}-${rc.bitrateKbps}k`;
}

/** A starting bitrate for a picture height (only a default for a new bitrate rung). */
export function typicalBitrateKbps(height: number | null): number {
  const h = height ?? 720;
  if (h <= 240) return 300;
  if (h <= 360) return 700;
  if (h <= 480) return 1200;
  if (h <= 540) return 2000;
  if (h <= 720) return 3000;
  if (h <= 1080) return 6000;
  return 12000;
}

/**
 * A new rung: 720p at the encoder's default CRF. With a template (the last rung of the ladder) it
 * keeps the ladder-wide choices — encoder, preset, GOP, pixel format, frame rate, audio, container
 * and a bitrate mode — so an added rung looks like its neighbours.
 */
export function newRung(template: Rung | undefined, takenIds: Iterable<string>): Rung {
  const base: Rung = template
    ? { ...template, width: null, height: 720 }
    : {
        id: '',
        width: null,
        height: 720,
        encoder: 'libx264',
        rateControl: { mode: 'crf', crf: ENCODERS.libx264.crf.default },
        preset: ENCODERS.libx264.defaultPreset,
        gopSeconds: 2,
        fixedGop: false,
        pixFmt: 'yuv420p',
        fpsCap: null,
        audio: { mode: 'none' },
        container: 'mp4',
      };
  if (template) {
    const info = isSoftwareEncoder(template.encoder) ? ENCODERS[template.encoder] : null;
    base.rateControl =
      template.rateControl.mode === 'crf' && info
        ? { mode: 'crf', crf: info.crf.default }
        : { ...template.rateControl };
  }
  return { ...base, id: uniqueId(suggestedRungId(base), takenIds) };
}

/** A copy of a rung under a new id (`<id>-copy`, numbered when taken). */
export function copyOfRung(rung: Rung, takenIds: Iterable<string>): Rung {
  return { ...structuredClone(rung), id: uniqueId(`${rung.id}-copy`, takenIds) };
}

/**
 * The rung with another encoder. A CRF left at the old encoder's default moves to the new one's
 * (CRF scales differ: x264 23 ≈ x265 28); a preset, container, CBR or two-pass the new encoder
 * lacks is replaced by what it has; hardware encoders get a bitrate mode.
 */
export function changeEncoder(rung: Rung, encoder: Encoder): Rung {
  const before = isSoftwareEncoder(rung.encoder) ? ENCODERS[rung.encoder] : null;
  const info = isSoftwareEncoder(encoder) ? ENCODERS[encoder] : null;
  let rc: RateControl = { ...rung.rateControl };
  let { preset, container } = rung;
  if (!info) {
    if (rc.mode === 'crf') {
      rc = { mode: 'abr', bitrateKbps: rc.maxrateKbps ?? typicalBitrateKbps(rung.height) };
    } else if (rc.mode === 'abr' && rc.twoPass) {
      rc = onePass(rc);
    }
    preset = null;
  } else {
    if (rc.mode === 'crf') {
      const atOldDefault = before !== null && rc.crf === before.crf.default;
      if (atOldDefault || rc.crf < info.crf.min || rc.crf > info.crf.max) {
        rc = { ...rc, crf: info.crf.default };
      }
    } else if (rc.mode === 'cbr' && !info.cbr) {
      rc = {
        mode: 'abr',
        bitrateKbps: rc.bitrateKbps,
        maxrateKbps: rc.bitrateKbps,
        bufsizeKbps: rc.bufsizeKbps ?? rc.bitrateKbps,
      };
    } else if (rc.mode === 'abr' && rc.twoPass && !info.twoPass) {
      rc = onePass(rc);
    }
    if (preset === null || !(info.presets as readonly string[]).includes(preset)) {
      preset = info.defaultPreset;
    }
    if (!(info.containers as readonly string[]).includes(container)) {
      container = info.containers[0];
    }
  }
  return { ...rung, encoder, rateControl: rc, preset, container };
}

function onePass(rc: Extract<RateControl, { mode: 'abr' }>): RateControl {
  const { twoPass: _twoPass, ...rest } = rc;
  return rest;
}

/** A rung after a rate-mode change, and what the change kept or dropped that the person should know. */
export interface RateModeChange {
  rung: Rung;
  /** Said next to the mode: a cap kept (capped CRF) or settings dropped; null when nothing was. */
  note: string | null;
}

/**
 * The rung with another rate-control mode. A cap carries over (CRF ↔ ABR), so ABR with a maxrate
 * becomes capped CRF, and the note says so; a new bitrate starts from the cap or a typical value for
 * the height; a new CRF from the encoder's default. What the new mode cannot keep (two-pass, a
 * maxrate under CBR, a bufsize without a cap) is dropped and named in the note.
 */
export function changeRateMode(rung: Rung, mode: RateMode): RateModeChange {
  const rc = rung.rateControl;
  if (rc.mode === mode) return { rung, note: null };
  const info = isSoftwareEncoder(rung.encoder) ? ENCODERS[rung.encoder] : null;
  const maxrate = rc.mode === 'cbr' ? undefined : rc.maxrateKbps;
  const bufsize = rc.bufsizeKbps;
  const bitrate = rc.mode === 'crf' ? (maxrate ?? typicalBitrateKbps(rung.height)) : rc.bitrateKbps;
  const dropped: string[] = [];
  if (rc.mode === 'abr' && rc.twoPass) dropped.push('two-pass (ABR only)');
  let next: RateControl;
  let kept: string | null = null;
  if (mode === 'crf') {
    next = { mode: 'crf', crf: info ? info.crf.default : 23 };
    if (maxrate !== undefined) {
      next.maxrateKbps = maxrate;
      if (bufsize !== undefined) next.bufsizeKbps = bufsize;
      kept =
        `Maxrate ${maxrate} kb/s${bufsize !== undefined ? ` and bufsize ${bufsize} kb/s` : ''} kept: ` +
        'this rung is now capped CRF. Clear maxrate for plain CRF.';
    } else if (bufsize !== undefined) {
      dropped.push(`bufsize ${bufsize} kb/s (no maxrate to buffer)`);
    }
  } else if (mode === 'abr') {
    next = { mode: 'abr', bitrateKbps: bitrate };
    if (maxrate !== undefined && maxrate >= bitrate) {
      next.maxrateKbps = maxrate;
      if (bufsize !== undefined) next.bufsizeKbps = bufsize;
    } else if (bufsize !== undefined) {
      dropped.push(`bufsize ${bufsize} kb/s (no maxrate to buffer)`);
    }
  } else {
    next = { mode: 'cbr', bitrateKbps: bitrate };
    if (bufsize !== undefined) next.bufsizeKbps = bufsize;
    if (maxrate !== undefined) dropped.push(`maxrate ${maxrate} kb/s (CBR holds the bitrate)`);
  }
  const droppedText = dropped.length ? `Dropped: ${dropped.join(', ')}.` : null;
  const note = [kept, droppedText].filter((t): t is string => t !== null).join(' ');
  return { rung: { ...rung, rateControl: next }, note: note || null };
}

/** True when a rung's id is the one its size and rate suggest (numbered or not): made, not typed. */
export function hasDerivedId(rung: Pick<Rung, 'id' | 'width' | 'height' | 'rateControl'>): boolean {
  const base = suggestedRungId(rung);
  return (
    rung.id === base ||
    (rung.id.startsWith(`${base}-`) && /^\d+$/.test(rung.id.slice(base.length + 1)))
  );
}

/**
 * The edited rung with its id following the edit: an id derived from the old size and rate
 * (`234p-145k`) becomes the one the new values suggest (`234p-300k`), so file names and charts do
 * not carry a stale bitrate. An id the person typed, or changed in this edit, is kept.
 */
export function followDerivedId(before: Rung, after: Rung, takenIds: Iterable<string>): Rung {
  if (after.id !== before.id || !hasDerivedId(before)) return after;
  const base = suggestedRungId(after);
  if (base === suggestedRungId(before)) return after;
  return { ...after, id: uniqueId(base, takenIds) };
}

/** True when the encoder can run the rung's ABR in two passes. */
export function supportsTwoPass(encoder: Encoder): boolean {
  return isSoftwareEncoder(encoder) && ENCODERS[encoder].twoPass;
}

/** A copy of a ladder to edit and save under a new id: "<id>-copy", "<name> (copy)". */
export function copyOfLadder(ladder: Ladder, takenIds: Iterable<string>): Ladder {
  return {
    ...structuredClone(ladder),
    id: uniqueId(`${ladder.id}-copy`, takenIds),
    name: `${ladder.name} (copy)`,
  };
}

/** A new ladder with one default rung. */
export function newLadder(takenIds: Iterable<string>): Ladder {
  return {
    id: uniqueId('my-ladder', takenIds),
    name: 'New ladder',
    rungs: [newRung(undefined, [])],
  };
}

/** A numeric rate-control field. */
export type RateField = 'crf' | 'bitrateKbps' | 'maxrateKbps' | 'bufsizeKbps';

/** The rung with one rate-control number set; undefined removes an optional one. */
export function withRateField(rung: Rung, field: RateField, value: number | undefined): Rung {
  const rc: Record<string, unknown> = { ...rung.rateControl };
  if (value === undefined) delete rc[field];
  else rc[field] = value;
  return { ...rung, rateControl: rc as RateControl };
}

/** The rung with two-pass ABR on or off (no-op for other modes). */
export function withTwoPass(rung: Rung, on: boolean): Rung {
  const rc = rung.rateControl;
  if (rc.mode !== 'abr') return rung;
  return { ...rung, rateControl: on ? { ...rc, twoPass: true } : onePass(rc) };
}

/** The rung with another audio mode; AAC starts at 128 kb/s. */
export function changeAudioMode(rung: Rung, mode: Rung['audio']['mode']): Rung {
  if (rung.audio.mode === mode) return rung;
  const audio: Rung['audio'] = mode === 'aac' ? { mode, bitrateKbps: 128 } : { mode };
  return { ...rung, audio };
}
