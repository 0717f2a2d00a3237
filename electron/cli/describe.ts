/** Human-readable text for the CLI's non-JSON output. */
import { formatBitrate, formatBytes, formatDuration, formatFps } from '../../shared/format';
import type { LadderEntry } from '../../shared/ladder';
import { RUNG_FIELD_HEADERS, rungFieldTexts } from '../../shared/rungText';
import type { MediaInfo } from '../../shared/media';
import type { ToolchainReport } from '../../shared/toolchain';
import { KNOWN_VIDEO_ENCODERS } from '../../shared/toolchain';
import { renderFacts, renderTable } from './table';

/** The `vq probe` report. */
export function describeMedia(m: MediaInfo): string {
  const v = m.video;
  const facts: [string, string][] = [
    ['file', m.path],
    ['container', m.containerLongName ? `${m.container} (${m.containerLongName})` : m.container],
    ['size', `${formatBytes(m.sizeBytes)} (${m.sizeBytes} bytes)`],
    ['duration', formatDuration(m.durationSeconds)],
    ['bitrate', formatBitrate(m.bitrateKbps)],
    ['video', `${v.codec}${v.profile ? ` ${v.profile}` : ''}${v.level ? ` @ L${v.level}` : ''}`],
    ['resolution', `${v.width}x${v.height}${v.sar && v.sar !== '1:1' ? ` SAR ${v.sar}` : ''}${v.dar ? ` DAR ${v.dar}` : ''}`],
    ['rotation', `${v.rotation}°`],
    ['pixel format', `${v.pixFmt} (${v.bitDepth}-bit)`],
    ['frame rate', `${formatFps(v.frameRate)} fps (r ${v.rFrameRate ?? '–'}, avg ${v.avgFrameRate ?? '–'})${v.vfr ? ' VFR' : ''}`],
    ['frames', v.frameCount === null ? '–' : `${v.frameCount} (${v.frameCountSource})`],
    ['colour', [v.colorRange, v.colorPrimaries, v.colorTransfer, v.colorMatrix].map((x) => x ?? '–').join(' / ')],
    ['HDR', v.hdr ? v.hdr.toUpperCase() : 'no'],
  ];
  if (m.raw) facts.push(['raw', `${m.raw.width}x${m.raw.height} ${m.raw.pixFmt} @ ${m.raw.fps} fps`]);
  m.audio.forEach((a, i) =>
    facts.push([
      `audio ${i}`,
      `${a.codec}, ${a.channels ?? '?'} ch${a.channelLayout ? ` (${a.channelLayout})` : ''}, ${a.sampleRate ?? '?'} Hz${a.bitrateKbps ? `, ${formatBitrate(a.bitrateKbps)}` : ''}`,
    ]),
  );
  if (m.audio.length === 0) facts.push(['audio', 'none']);
  return renderFacts(facts);
}

/** The `vq doctor` report. */
export function describeToolchain(r: ToolchainReport): string {
  const known = new Set<string>(KNOWN_VIDEO_ENCODERS);
  const rows = r.binaries.map((b) => [
    b.kind,
    b.version ?? '?',
    b.source,
    b.error
      ? 'ERROR'
      : b.libvmaf
        ? `libvmaf ${b.libvmaf.version ?? `api ${b.libvmaf.api}`}, ${b.libvmaf.models.length} models`
        : b.kind === 'ffmpeg'
          ? 'no libvmaf'
          : '',
    b.path,
  ]);
  const out: string[] = [];
  out.push(renderTable(['kind', 'version', 'from', 'scoring', 'path'], rows));
  r.binaries.forEach((b, i) => {
    if (b.error) out.push(`  ✗ ${b.path}: ${b.error}`);
    else if (b.kind === 'ffmpeg') {
      const enc = b.encoders.filter((e) => known.has(e));
      out.push(`  ${b.path}
      encoders: ${enc.join(' ') || '–'}
      filters:  ${b.filters.join(' ') || '–'}`);
      if (b.libvmaf) out.push(...describeLibvmaf(b));
      out.push(`      xpsnr:    ${b.filters.includes('xpsnr') ? 'yes (ffmpeg filter)' : 'no'}`);
      for (const u of b.unusableEncoders ?? []) out.push(`      ✗ ${u.encoder}: ${u.reason}`);
    } else out.push(`  ${b.path}`);
    for (const why of r.reasons[i] ?? []) out.push(`      ${why}`);
  });
  out.push('');
  out.push(
    renderFacts([
      ['encode with', r.selected.encode ?? 'none'],
      ['score with', r.selected.score ?? 'none'],
      ['probe with', r.selected.probe ?? 'none'],
      ['decode with', r.selected.decode ?? 'none'],
    ]),
  );
  const defects = r.binaries.flatMap((b) => b.defects.map((d) => `  ! ${b.path}: ${d.message} (${d.reference})`));
  if (defects.length) out.push('', 'Known defects:', ...defects);
  out.push('', 'VMAF model dirs:', ...r.modelDirs.map((d) => `  ${d.exists ? '✓' : '✗'} ${d.path}`));
  if (r.modelFiles.length) out.push('VMAF models:', ...r.modelFiles.map((m) => `  ${m.name} (${m.format}) ${m.path ?? ''}`));
  if (r.advice.length) out.push('', 'Advice:', ...r.advice.map((a) => `  • ${a}`));
  return out.join('\n');
}

/** The libvmaf lines of one ffmpeg in `vq doctor`: version, built-in models, features. */
function describeLibvmaf(b: ToolchainReport['binaries'][number]): string[] {
  const v = b.libvmaf;
  if (!v) return [];
  if (v.api === 1) return ['      libvmaf:  1.x (model_path=, .pkl model files, no built-in models)'];
  const out = [`      libvmaf:  ${v.version ?? 'version unknown'} (model=)`];
  if (v.probeError) {
    out.push(`      ✗ libvmaf test run: ${v.probeError}`);
    return out;
  }
  const builtins = v.models.filter((m) => m.format === 'builtin').map((m) => m.name);
  out.push(`      built-in models: ${builtins.join(' ') || '–'}`);
  out.push(`      features: ${(v.features ?? []).join(' ') || '–'}`);
  return out;
}

/** The `vq ladders` listing: each ladder with a table of its rungs. */
export function describeLadders(entries: LadderEntry[]): string {
  const out: string[] = [];
  for (const e of entries) {
    const l = e.ladder;
    out.push(`${l.id}  ${l.name}  (${e.builtIn ? 'built-in' : 'saved'}, ${l.rungs.length} rung${l.rungs.length === 1 ? '' : 's'})`);
    if (e.source) out.push(`  source: ${e.source}`);
    out.push(
      renderTable([...RUNG_FIELD_HEADERS], l.rungs.map(rungFieldTexts))
        .split('\n')
        .map((line) => `  ${line}`)
        .join('\n'),
      '',
    );
  }
  out.push('Sizes with "auto" follow the source’s aspect ratio. Rungs larger than the source are skipped.');
  return out.join('\n');
}
