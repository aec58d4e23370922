// Which run stands for each architecture: the export compared, whether runs still training take part (at their latest
// validation accuracy), and per architecture the rule's run or one picked by hand, with its id, epochs, status and
// export. Changes are stored in the workspace, so `imagenot rankings WS` uses the same runs.
import type { WorkspaceRankings } from '../../api/types.ts';
import { useRankings } from '../../store/rankings.ts';
import { fmtPct } from '../../components/common.tsx';

type ArchRuns = WorkspaceRankings['archs'][number];
type CandidateRun = ArchRuns['runs'][number];

function runText(r: CandidateRun, chosenDataset: string | null): string {
  const acc =
    r.top1 != null
      ? `top-1 ${fmtPct(r.top1, 1)}`
      : r.latest_val != null
        ? `val ${fmtPct(r.latest_val, 1)} (training)`
        : r.status;
  const epochs = `${r.epoch}${r.epochs != null ? `/${r.epochs}` : ''} ep`;
  const where = r.dataset !== chosenDataset ? ` · ${r.dataset.replace(/^exports\//, '')}` : '';
  return `#${r.id} · ${epochs} · ${acc}${r.excluded ? ' · excluded' : ''}${where}`;
}

function ArchRow({ a, dataset }: { a: ArchRuns; dataset: string | null }) {
  const choose = useRankings((s) => s.choose);
  const chosen = a.runs.find((r) => r.id === a.run_id);
  const comparable = a.runs.filter((r) => r.comparable);
  return (
    <tr data-picker-arch={a.arch}>
      <td>{a.arch}</td>
      <td>
        <select
          aria-label={`run for ${a.arch}`}
          value={a.picked_by_hand && a.run_id != null ? String(a.run_id) : ''}
          onChange={(e) => void choose({ arch: a.arch, runId: e.target.value === '' ? null : Number(e.target.value) })}
        >
          <option value="">
            {a.picked_by_hand || !chosen ? 'default rule' : `default: ${runText(chosen, dataset)}`}
          </option>
          {comparable.map((r) => (
            <option key={r.id} value={r.id}>
              {runText(r, dataset)}
            </option>
          ))}
        </select>
      </td>
      <td className="num">{chosen ? `#${chosen.id}` : '–'}</td>
      <td className="num">{chosen ? `${chosen.epoch}${chosen.epochs != null ? ` / ${chosen.epochs}` : ''}` : '–'}</td>
      <td>
        {!chosen ? (
          <span className="muted small-text">{a.runs.length ? 'no finished run on this export' : ''}</span>
        ) : a.provisional ? (
          <span className="badge state-attention" title="still training: its latest validation accuracy stands in">
            provisional
          </span>
        ) : (
          <span className={`badge ${a.picked_by_hand ? 'state-running' : 'state-succeeded'}`}>
            {a.picked_by_hand ? 'picked' : 'finished'}
          </span>
        )}
      </td>
    </tr>
  );
}

export function RunPicker({ data }: { data: WorkspaceRankings }) {
  const choose = useRankings((s) => s.choose);
  return (
    <div className="run-picker">
      <div className="row">
        <label className="inline">
          Export compared
          <select
            aria-label="export compared"
            value={data.choice.dataset ?? ''}
            onChange={(e) => void choose({ dataset: e.target.value === '' ? null : e.target.value })}
          >
            <option value="">{`default${data.dataset ? `: ${data.dataset.replace(/^exports\//, '')}` : ''}`}</option>
            {data.exports.map((x) => (
              <option key={x.dataset} value={x.dataset}>
                {x.dataset.replace(/^exports\//, '')} · {x.archs} architectures finished · {x.runs} runs
              </option>
            ))}
          </select>
        </label>
        <label
          className="check small-text"
          title="Runs still training stand in with their latest validation accuracy (marked provisional)"
        >
          <input
            type="checkbox"
            checked={data.choice.provisional}
            aria-label="include runs still training"
            onChange={(e) => void choose({ provisional: e.target.checked })}
          />
          include runs still training
        </label>
      </div>
      <table className="table compact picker">
        <thead>
          <tr>
            <th>arch</th>
            <th>run</th>
            <th className="num">id</th>
            <th className="num">epochs</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {data.archs.map((a) => (
            <ArchRow key={a.arch} a={a} dataset={data.dataset} />
          ))}
        </tbody>
      </table>
    </div>
  );
}
