import type { ReactNode } from 'react';
import type { ToolchainReport } from '../../../../shared/toolchain';

/** The folders searched for VMAF model files, and the model files found. */
export function VmafModels({ report }: { report: ToolchainReport }): ReactNode {
  return (
    <section className="panel">
      <h2>VMAF models</h2>
      <div className="two-col">
        <div>
          <h3>Model folders searched</h3>
          {report.modelDirs.length === 0 ? <p className="muted">None configured.</p> : null}
          <ul className="dir-list">
            {report.modelDirs.map((d) => (
              <li key={d.path} className={d.exists ? '' : 'is-missing'}>
                <span className={`exists ${d.exists ? 'yes' : 'no'}`}>
                  {d.exists ? 'exists' : 'missing'}
                </span>
                <span className="mono break">{d.path}</span>
              </li>
            ))}
          </ul>
          <p className="muted small">
            Add a folder with <code>VQ_VMAF_MODEL_DIR</code>.
          </p>
        </div>
        <div>
          <h3>
            Model files <span className="muted">{report.modelFiles.length}</span>
          </h3>
          {report.modelFiles.length === 0 ? (
            <p className="muted">No model files found (libvmaf 2 has its models built in).</p>
          ) : (
            <table className="data-table compact">
              <thead>
                <tr>
                  <th scope="col">Model</th>
                  <th scope="col">Format</th>
                  <th scope="col">File</th>
                </tr>
              </thead>
              <tbody>
                {report.modelFiles.map((m) => (
                  <tr key={`${m.name}:${m.path ?? m.from}`}>
                    <td className="mono">{m.name}</td>
                    <td>{m.format}</td>
                    <td className="mono break muted">{m.path ?? m.from}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      </div>
    </section>
  );
}
