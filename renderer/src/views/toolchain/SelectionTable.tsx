import type { ReactNode } from 'react';
import type { ToolchainReport } from '../../../../shared/toolchain';
import { binaryAt, sourceLabel, TASKS } from './toolchainFacts';

/** Which binary does which job. */
export function SelectionTable({ report }: { report: ToolchainReport }): ReactNode {
  return (
    <table className="data-table" data-testid="toolchain-selection">
      <thead>
        <tr>
          <th scope="col">Job</th>
          <th scope="col">Binary</th>
          <th scope="col">Version</th>
          <th scope="col">Found via</th>
        </tr>
      </thead>
      <tbody>
        {TASKS.map((t) => {
          const path = report.selected[t.key];
          const binary = binaryAt(report, path);
          return (
            <tr key={t.key}>
              <th scope="row">
                {t.label}
                <div className="cell-sub">{t.what}</div>
              </th>
              <td className="mono break">
                {path ?? <span className="text-danger">none available</span>}
              </td>
              <td className="mono">{binary?.version ?? '–'}</td>
              <td>{binary ? sourceLabel(binary.source) : '–'}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
