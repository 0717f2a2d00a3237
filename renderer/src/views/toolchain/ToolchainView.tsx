import { useEffect, type ReactNode } from 'react';
import { useClient } from '../../hooks/useClient';
import { loadToolchain, useToolchainStore } from '../../stores/toolchainStore';
import { ErrorPanel } from '../../ui/ErrorPanel';
import { AdviceList } from './AdviceList';
import { BinaryCard } from './BinaryCard';
import { NoVmafNotice } from './NoVmafNotice';
import { SelectionTable } from './SelectionTable';
import { hasLibvmaf } from './toolchainFacts';
import { VmafModels } from './VmafModels';

/** Which ffmpeg builds exist, what each can do, which does which job, and what is missing. */
export function ToolchainView(): ReactNode {
  const client = useClient();
  const { report, loading, refreshing, error } = useToolchainStore();

  useEffect(() => {
    if (!useToolchainStore.getState().report && !useToolchainStore.getState().loading)
      void loadToolchain(client);
  }, [client]);

  return (
    <div className="view toolchain-view" data-testid="toolchain-panel">
      <header className="view-header">
        <div>
          <h1>Toolchain</h1>
          <p className="view-lead">
            Every ffmpeg and ffprobe found on this machine, probed once: version, encoders, filters
            and VMAF support. The best build is picked for each job.
          </p>
        </div>
        <button
          type="button"
          className="button"
          onClick={() => void loadToolchain(client, true)}
          disabled={refreshing || loading}
          data-testid="toolchain-refresh"
        >
          {refreshing ? 'Probing…' : 'Refresh'}
        </button>
      </header>

      {error ? <ErrorPanel title="Could not read the toolchain" message={error} /> : null}
      {!report && (loading || refreshing) ? (
        <p className="muted">Probing ffmpeg builds… this takes a few seconds the first time.</p>
      ) : null}

      {report ? (
        <>
          {hasLibvmaf(report) ? null : <NoVmafNotice advice={report.advice} />}
          <section className="panel">
            <h2>Jobs</h2>
            <SelectionTable report={report} />
          </section>
          <section className="panel">
            <h2>
              Binaries <span className="muted">{report.binaries.length} found</span>
            </h2>
            <div className="binary-list">
              {report.binaries.map((b, i) => (
                <BinaryCard
                  key={`${b.kind}:${b.path}`}
                  binary={b}
                  selection={report.selected}
                  reasons={report.reasons[i] ?? []}
                />
              ))}
            </div>
          </section>
          <VmafModels report={report} />
          {report.advice.length ? (
            <section className="panel">
              <h2>Advice</h2>
              <AdviceList advice={report.advice} />
            </section>
          ) : null}
        </>
      ) : null}
    </div>
  );
}
