// The server's providers and cloud services (GET /api/system/checks: the
// checks `miri doctor` and `miri serve` run at start): what each role uses,
// what answered, what is wrong and how to fix it, and each provider's
// circuit state now (refreshed every 10 s while shown).
import { useQuery } from '@tanstack/react-query';
import { useApi } from '../app/services';
import { SystemChecksSchema } from '../schemas';
import { ErrorNote } from '../ui/ErrorNote';

const CIRCUIT_WORDS: Record<string, string> = {
  CLOSED: 'working',
  OPEN: 'paused after repeated failures (calls wait, then are tried again)',
  HALF_OPEN: 'trying again',
};

export function SystemChecks() {
  const api = useApi();
  const q = useQuery({
    queryKey: ['system-checks'],
    queryFn: () => api.get('/api/system/checks', {}, SystemChecksSchema),
    refetchInterval: 10_000,
  });
  const data = q.data;
  return (
    <section aria-labelledby="sys-h" className="system-checks">
      <h2 id="sys-h">Providers and services</h2>
      <ErrorNote error={q.error} title="Could not load the server's checks" />
      {data?.pending && <p className="muted">The server is still checking its providers…</p>}
      {data?.roles && (
        <table>
          <caption>Models each role uses on this server</caption>
          <thead>
            <tr>
              <th scope="col">Role</th>
              <th scope="col">Model</th>
            </tr>
          </thead>
          <tbody>
            {data.roles.map((r) => (
              <tr key={r.role}>
                <td>{r.role}</td>
                <td>{r.model}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {data?.checks && (
        <table>
          <caption>Checked at start{data.checkedAt ? ` (${data.checkedAt})` : ''}</caption>
          <thead>
            <tr>
              <th scope="col">Service</th>
              <th scope="col">Checked</th>
              <th scope="col">Result</th>
            </tr>
          </thead>
          <tbody>
            {data.checks.map((c) => (
              <tr key={`${c.service} ${c.target}`} className={c.ok ? '' : 'check-failed'}>
                <td>
                  {c.service} · {c.adapter}
                  {c.embedded ? ' (built in)' : ''}
                </td>
                <td>{c.target}</td>
                <td>
                  {c.ok ? 'OK: ' : 'Problem: '}
                  {c.detail}
                  {c.fix && <span className="fix"> To fix: {c.fix}.</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {data && Object.keys(data.circuits).length > 0 && (
        <ul aria-label="Provider circuits">
          {Object.entries(data.circuits).map(([name, state]) => (
            <li key={name}>
              {name}: {CIRCUIT_WORDS[state] ?? state}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
