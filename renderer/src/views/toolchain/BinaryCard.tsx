import type { ReactNode } from 'react';
import {
  FILTERS_OF_INTEREST,
  type BinaryInfo,
  type ToolchainSelection,
} from '../../../../shared/toolchain';
import { sourceLabel, splitEncoders, tasksOf } from './toolchainFacts';

/**
 * One probed ffmpeg/ffprobe: where it is, why it was (not) selected for each job, what it can do
 * (hardware encoders this machine cannot run apart, with the reason), and what is wrong with it.
 */
export function BinaryCard({
  binary,
  selection,
  reasons,
}: {
  binary: BinaryInfo;
  selection: ToolchainSelection;
  /** Why it was or was not selected, job by job. */
  reasons: readonly string[];
}): ReactNode {
  const tasks = tasksOf(selection, binary.path);
  const { known, others } = splitEncoders(binary.encoders);
  const isFfmpeg = binary.kind === 'ffmpeg';
  return (
    <article className={`binary-card ${binary.error ? 'has-error' : ''}`} data-testid="binary-card">
      <header className="binary-head">
        <span className="binary-kind">{binary.kind}</span>
        <span className="binary-version mono">{binary.version ?? 'version unknown'}</span>
        <span className="pill pill-quiet">{sourceLabel(binary.source)}</span>
        {tasks.length ? (
          <span className="binary-tasks">
            {tasks.map((t) => (
              <span key={t} className="pill pill-accent">
                {t}
              </span>
            ))}
          </span>
        ) : (
          <span className="muted small">not selected</span>
        )}
      </header>
      <div className="binary-path mono break">{binary.path}</div>
      {reasons.length ? (
        <ul className="binary-reasons" data-testid="binary-reasons">
          {reasons.map((r) => (
            <li key={r} className={r.startsWith('selected') ? 'is-selected' : undefined}>
              {r}
            </li>
          ))}
        </ul>
      ) : null}

      {binary.error ? (
        <p className="binary-error" role="note">
          {binary.error}
        </p>
      ) : null}

      {isFfmpeg && !binary.error ? (
        <dl className="binary-facts">
          <div>
            <dt>Encoders</dt>
            <dd>
              {known.length === 0 ? (
                <span className="muted">none of the ladder encoders</span>
              ) : null}
              <span className="chips">
                {known.map((e) => (
                  <span key={e} className="chip chip-on mono">
                    {e}
                  </span>
                ))}
              </span>
              {binary.unusableEncoders?.length ? (
                <ul className="binary-unusable" data-testid="unusable-encoders">
                  {binary.unusableEncoders.map((u) => (
                    <li key={u.encoder}>
                      <span className="chip chip-off mono">✕ {u.encoder}</span> {u.reason}
                    </li>
                  ))}
                </ul>
              ) : null}
              {others.length ? (
                <details className="more">
                  <summary>{others.length} other video encoders</summary>
                  <span className="chips">
                    {others.map((e) => (
                      <span key={e} className="chip mono">
                        {e}
                      </span>
                    ))}
                  </span>
                </details>
              ) : null}
            </dd>
          </div>
          <div>
            <dt>Filters</dt>
            <dd>
              <span className="chips">
                {FILTERS_OF_INTEREST.map((f) => {
                  const has = binary.filters.includes(f);
                  return (
                    <span
                      key={f}
                      className={`chip mono ${has ? 'chip-on' : 'chip-off'}`}
                      title={has ? 'present' : 'missing'}
                    >
                      {has ? '' : '✕ '}
                      {f}
                    </span>
                  );
                })}
              </span>
            </dd>
          </div>
          <div>
            <dt>libvmaf</dt>
            <dd>
              {binary.libvmaf ? (
                <>
                  <span data-testid="libvmaf-version">
                    {binary.libvmaf.version ? `libvmaf ${binary.libvmaf.version} · ` : null}
                    API {binary.libvmaf.api}{' '}
                    <span className="muted">
                      (
                      {binary.libvmaf.api === 1 ? 'libvmaf 1.x, model_path=' : 'libvmaf 2+, model='}
                      )
                    </span>
                  </span>
                  {binary.libvmaf.features?.length ? (
                    <span className="chips" data-testid="libvmaf-features">
                      {binary.libvmaf.features.map((f) => (
                        <span
                          key={f}
                          className="chip chip-on mono"
                          title="proven by a one-frame libvmaf run"
                        >
                          {f}
                        </span>
                      ))}
                    </span>
                  ) : null}
                  {binary.libvmaf.probeError ? (
                    <span className="text-warn" role="note">
                      The one-frame libvmaf run failed: {binary.libvmaf.probeError}
                    </span>
                  ) : null}
                  <span className="chips">
                    {binary.libvmaf.models.map((m) => (
                      <span
                        key={`${m.name}:${m.path ?? ''}`}
                        className="chip mono"
                        title={m.path ?? 'built into libvmaf'}
                      >
                        {m.name}
                        <span className="chip-note">{m.format}</span>
                      </span>
                    ))}
                    {binary.libvmaf.models.length === 0 ? (
                      <span className="text-warn">
                        no usable model files found — see Advice below
                      </span>
                    ) : null}
                  </span>
                </>
              ) : (
                <span className="muted">not in this build</span>
              )}
            </dd>
          </div>
        </dl>
      ) : null}

      {binary.defects.length ? (
        <ul className="defects">
          {binary.defects.map((d) => (
            <li key={d.id} className="defect" role="note">
              <strong>Known defect:</strong> {d.message}{' '}
              <a href={d.reference} target="_blank" rel="noreferrer noopener">
                source
              </a>
            </li>
          ))}
        </ul>
      ) : null}
    </article>
  );
}
