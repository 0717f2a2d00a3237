import { useState, type KeyboardEvent, type ReactNode } from 'react';
import { ENCODERS, isSoftwareEncoder, type Encoder, type Rung } from '../../../../shared/ladder';
import { NumberField } from '../../ui/NumberField';
import type { EncoderChoice } from '../../model/ladders/encoderChoices';
import { messagesAt, type LadderIssue } from './ladderIssues';
import {
  changeAudioMode,
  changeEncoder,
  changeRateMode,
  RATE_MODES,
  supportsTwoPass,
  withRateField,
  withTwoPass,
  type RateMode,
} from '../../model/ladders/rungEdits';

/** Props of {@link RungRow}. */
export interface RungRowProps {
  rung: Rung;
  index: number;
  count: number;
  issues: readonly LadderIssue[];
  choices: readonly EncoderChoice[];
  onChange: (index: number, rung: Rung) => void;
  onMove: (index: number, delta: number) => void;
  onDuplicate: (index: number) => void;
  onRemove: (index: number) => void;
}

function Messages({ messages, id }: { messages: string[]; id: string }): ReactNode {
  if (messages.length === 0) return null;
  return (
    <div className="cell-error" id={id} role="note">
      {messages.join('; ')}
    </div>
  );
}

/** One editable rung: every setting in its cell, its problems under the cell, move/copy/remove. */
export function RungRow({
  rung,
  index,
  count,
  issues,
  choices,
  onChange,
  onMove,
  onDuplicate,
  onRemove,
}: RungRowProps): ReactNode {
  const n = index + 1;
  // What the last rate-mode change kept or dropped; cleared by the next edit of the rung.
  const [rateNote, setRateNote] = useState<string | null>(null);
  const set = (next: Rung): void => {
    setRateNote(null);
    onChange(index, next);
  };
  const at = (field: string): string[] => messagesAt(issues, index, field);
  const errId = (field: string): string => `rung-${index}-${field}-error`;
  const described = (field: string): string | undefined =>
    at(field).length ? errId(field) : undefined;
  const rc = rung.rateControl;
  const info = isSoftwareEncoder(rung.encoder) ? ENCODERS[rung.encoder] : null;
  const choice = choices.find((c) => c.encoder === rung.encoder);
  const required = (v: number | null): number => v ?? Number.NaN;
  const optional = (v: number | null): number | undefined => v ?? undefined;

  function onKeyDown(e: KeyboardEvent<HTMLTableRowElement>): void {
    if (!e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.key === 'ArrowUp' || e.key === 'ArrowDown') {
      e.preventDefault();
      onMove(index, e.key === 'ArrowUp' ? -1 : 1);
    }
  }

  const rateMessages = at('rateControl');
  const rateDescribed = described('rateControl');
  const sizeMessages = [...at('width'), ...at('height')];
  const sizeDescribed = sizeMessages.length ? errId('size') : undefined;
  return (
    <tr onKeyDown={onKeyDown} data-testid="rung-row" data-rung-id={rung.id}>
      <td className="rung-n">{n}</td>
      <td className="rung-id">
        <input
          type="text"
          className="input mono"
          value={rung.id}
          aria-label={`Rung ${n} id`}
          aria-invalid={at('id').length > 0 || undefined}
          aria-describedby={described('id')}
          spellCheck={false}
          autoComplete="off"
          onChange={(e) => set({ ...rung, id: e.target.value })}
          data-testid="rung-id"
        />
        <Messages messages={at('id')} id={errId('id')} />
      </td>
      <td className="rung-size">
        <div className="cell-line">
          <NumberField
            value={rung.width}
            onChange={(v) => set({ ...rung, width: v })}
            label={`Rung ${n} width`}
            placeholder="auto"
            title="Width in pixels; empty derives it from the height and the source's aspect"
            invalid={at('width').length > 0}
            describedBy={sizeDescribed}
            className="w-num"
            testId="rung-width"
          />
          <span className="times" aria-hidden="true">
            ×
          </span>
          <NumberField
            value={rung.height}
            onChange={(v) => set({ ...rung, height: v })}
            label={`Rung ${n} height`}
            placeholder="auto"
            title="Height in pixels; empty derives it from the width and the source's aspect"
            invalid={at('height').length > 0}
            describedBy={sizeDescribed}
            className="w-num"
            testId="rung-height"
          />
        </div>
        <Messages messages={sizeMessages} id={errId('size')} />
      </td>
      <td className="rung-encoder">
        <select
          className="input"
          value={rung.encoder}
          aria-label={`Rung ${n} encoder`}
          aria-invalid={at('encoder').length > 0 || undefined}
          title={choice?.hardware ? 'Hardware encoder' : info?.label}
          onChange={(e) => set(changeEncoder(rung, e.target.value as Encoder))}
          data-testid="rung-encoder"
        >
          <optgroup label="Software">
            {choices
              .filter((c) => !c.hardware)
              .map((c) => (
                <option key={c.encoder} value={c.encoder}>
                  {c.encoder}
                  {c.available === false ? ' (unavailable)' : ''}
                </option>
              ))}
          </optgroup>
          <optgroup label="Hardware">
            {choices
              .filter((c) => c.hardware)
              .map((c) => (
                <option key={c.encoder} value={c.encoder}>
                  {c.encoder}
                  {c.available === false ? ' (unavailable)' : ''}
                </option>
              ))}
          </optgroup>
        </select>
        {choice?.available === false ? (
          <div className="cell-warn">{choice.why ?? 'No ffmpeg on this machine has it'}</div>
        ) : (
          <div className="cell-sub">{info ? info.label : 'hardware'}</div>
        )}
        <Messages messages={at('encoder')} id={errId('encoder')} />
      </td>
      <td className="rung-rate">
        <div className="cell-line">
          <select
            className="input w-mode"
            value={rc.mode}
            aria-label={`Rung ${n} rate control`}
            title={RATE_MODES.find((m) => m.mode === rc.mode)?.title}
            onChange={(e) => {
              const change = changeRateMode(rung, e.target.value as RateMode);
              onChange(index, change.rung);
              setRateNote(change.note);
            }}
            data-testid="rung-rate-mode"
          >
            {RATE_MODES.map((m) => (
              <option key={m.mode} value={m.mode} title={m.title}>
                {m.label}
              </option>
            ))}
          </select>
          {rc.mode === 'crf' ? (
            <NumberField
              value={rc.crf}
              onChange={(v) => set(withRateField(rung, 'crf', required(v)))}
              label={`Rung ${n} CRF`}
              title={info ? `${info.crf.min}–${info.crf.max}; lower is better quality` : undefined}
              invalid={at('rateControl.crf').length > 0}
              describedBy={rateDescribed}
              className="w-num"
              testId="rung-crf"
            />
          ) : (
            <NumberField
              value={rc.bitrateKbps}
              onChange={(v) => set(withRateField(rung, 'bitrateKbps', required(v)))}
              label={`Rung ${n} bitrate (kb/s)`}
              placeholder="kb/s"
              title="Average bitrate in kb/s"
              invalid={at('rateControl.bitrateKbps').length > 0}
              describedBy={rateDescribed}
              className="w-num"
              testId="rung-bitrate"
            />
          )}
        </div>
        <div className="cell-line">
          {rc.mode !== 'cbr' ? (
            <NumberField
              value={rc.maxrateKbps}
              onChange={(v) => set(withRateField(rung, 'maxrateKbps', optional(v)))}
              label={`Rung ${n} maxrate (kb/s)`}
              placeholder="max"
              title={
                rc.mode === 'crf'
                  ? 'Maxrate in kb/s: caps the CRF (capped CRF); empty for none'
                  : 'Maxrate in kb/s (VBV); empty for none'
              }
              invalid={at('rateControl.maxrateKbps').length > 0}
              describedBy={rateDescribed}
              className="w-num"
            />
          ) : null}
          <NumberField
            value={rc.bufsizeKbps}
            onChange={(v) => set(withRateField(rung, 'bufsizeKbps', optional(v)))}
            label={`Rung ${n} bufsize (kb/s)`}
            placeholder="buf"
            title="VBV buffer size in kb/s; empty for the default"
            invalid={at('rateControl.bufsizeKbps').length > 0}
            describedBy={rateDescribed}
            className="w-num"
          />
        </div>
        {rc.mode === 'abr' && supportsTwoPass(rung.encoder) ? (
          <label
            className="check small"
            title="Pass 1 analyses, pass 2 writes; runs in its own process"
          >
            <input
              type="checkbox"
              checked={rc.twoPass === true}
              onChange={(e) => set(withTwoPass(rung, e.target.checked))}
            />
            Two-pass
          </label>
        ) : null}
        {rateNote ? (
          <div className="cell-note" role="status" data-testid="rung-rate-note">
            {rateNote}
          </div>
        ) : null}
        <Messages messages={rateMessages} id={errId('rateControl')} />
      </td>
      <td className="rung-preset">
        <select
          className="input"
          value={rung.preset ?? ''}
          aria-label={`Rung ${n} preset`}
          aria-invalid={at('preset').length > 0 || undefined}
          title={
            info
              ? 'Encoder preset (speed versus compression)'
              : 'Hardware encoders use their default'
          }
          onChange={(e) => set({ ...rung, preset: e.target.value === '' ? null : e.target.value })}
          data-testid="rung-preset"
        >
          <option value="">default</option>
          {(info?.presets ?? []).map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
          {rung.preset !== null &&
          !(info?.presets as readonly string[] | undefined)?.includes(rung.preset) ? (
            <option value={rung.preset}>{rung.preset}</option>
          ) : null}
        </select>
        {rung.preset === null && info ? (
          <div className="cell-sub">= {info.defaultPreset}</div>
        ) : null}
        <Messages messages={at('preset')} id={errId('preset')} />
      </td>
      <td className="rung-gop">
        <div className="cell-line">
          <NumberField
            value={rung.gopSeconds}
            onChange={(v) => set({ ...rung, gopSeconds: v })}
            label={`Rung ${n} GOP length (seconds)`}
            placeholder="auto"
            title="Keyframe interval in seconds (keyint = fps × seconds); empty for the encoder default"
            invalid={at('gopSeconds').length > 0}
            className="w-num-s"
          />
          <span className="unit">s</span>
        </div>
        <label
          className="check small"
          title="No extra keyframes at scene cuts, as segmented streaming wants"
        >
          <input
            type="checkbox"
            checked={rung.fixedGop}
            onChange={(e) => set({ ...rung, fixedGop: e.target.checked })}
          />
          Fixed
        </label>
        <Messages messages={[...at('gopSeconds'), ...at('fixedGop')]} id={errId('gopSeconds')} />
      </td>
      <td className="rung-pixfmt">
        <select
          className="input"
          value={rung.pixFmt}
          aria-label={`Rung ${n} pixel format`}
          title={rung.pixFmt}
          onChange={(e) => set({ ...rung, pixFmt: e.target.value as Rung['pixFmt'] })}
        >
          <option value="yuv420p">8-bit</option>
          <option value="yuv420p10le">10-bit</option>
        </select>
        <div className="cell-sub mono">{rung.pixFmt}</div>
      </td>
      <td className="rung-fps">
        <NumberField
          value={rung.fpsCap}
          onChange={(v) => set({ ...rung, fpsCap: v })}
          label={`Rung ${n} frame-rate cap`}
          placeholder="source"
          title="Highest frame rate; a faster source is divided by a whole number (60 → 30). Empty keeps the source rate."
          invalid={at('fpsCap').length > 0}
          className="w-fps"
        />
        <Messages messages={at('fpsCap')} id={errId('fpsCap')} />
      </td>
      <td className="rung-audio">
        <select
          className="input"
          value={rung.audio.mode}
          aria-label={`Rung ${n} audio`}
          aria-invalid={at('audio').length > 0 || undefined}
          onChange={(e) => set(changeAudioMode(rung, e.target.value as Rung['audio']['mode']))}
        >
          <option value="none">None</option>
          <option value="copy">Copy</option>
          <option value="aac">AAC</option>
        </select>
        {rung.audio.mode === 'aac' ? (
          <div className="cell-line">
            <NumberField
              value={rung.audio.bitrateKbps}
              onChange={(v) => set({ ...rung, audio: { mode: 'aac', bitrateKbps: required(v) } })}
              label={`Rung ${n} audio bitrate (kb/s)`}
              title="AAC bitrate in kb/s (16–512)"
              invalid={at('audio.bitrateKbps').length > 0}
              className="w-num-s"
            />
            <span className="unit">kb/s</span>
          </div>
        ) : null}
        <Messages messages={at('audio')} id={errId('audio')} />
      </td>
      <td className="rung-container">
        <select
          className="input"
          value={rung.container}
          aria-label={`Rung ${n} container`}
          aria-invalid={at('container').length > 0 || undefined}
          title={rung.container === 'mp4' ? 'MP4 with faststart (moov at the front)' : undefined}
          onChange={(e) => set({ ...rung, container: e.target.value as Rung['container'] })}
        >
          <option value="mp4">MP4</option>
          <option value="mkv">MKV</option>
          <option value="webm">WebM</option>
        </select>
        <Messages messages={at('container')} id={errId('container')} />
      </td>
      <td className="rung-actions">
        <div className="row-buttons">
          <button
            type="button"
            className="icon-button icon-small"
            onClick={() => onMove(index, -1)}
            disabled={index === 0}
            aria-label={`Move rung ${n} up`}
            title="Move up (Alt+↑)"
          >
            ↑
          </button>
          <button
            type="button"
            className="icon-button icon-small"
            onClick={() => onMove(index, 1)}
            disabled={index === count - 1}
            aria-label={`Move rung ${n} down`}
            title="Move down (Alt+↓)"
          >
            ↓
          </button>
          <button
            type="button"
            className="icon-button icon-small"
            onClick={() => onDuplicate(index)}
            aria-label={`Duplicate rung ${n}`}
            title="Duplicate"
            data-testid="rung-duplicate"
          >
            <svg className="icon-svg" width="12" height="12" viewBox="0 0 12 12" aria-hidden="true">
              <rect
                x="0.5"
                y="3.5"
                width="8"
                height="8"
                rx="1.5"
                fill="none"
                stroke="currentColor"
              />
              <path
                d="M3.5 1.5 A1.5 1.5 0 0 1 5 0.5 H10 A1.5 1.5 0 0 1 11.5 2 V7"
                fill="none"
                stroke="currentColor"
              />
            </svg>
          </button>
          <button
            type="button"
            className="icon-button icon-small icon-danger"
            onClick={() => onRemove(index)}
            aria-label={`Remove rung ${n}`}
            title="Remove"
            data-testid="rung-remove"
          >
            ×
          </button>
        </div>
      </td>
    </tr>
  );
}
