// The image check of one version, in plain words: passed, failed or held,
// who checked and when, Miri's rules one by one (what the checker could
// not see is left to a person), findings, ratings and classifier scores.
// Presentational: useImageChecks fetches the checks.
import { useId } from 'react';
import { ErrorNote } from '../ui/ErrorNote';
import { checkWords, type CheckState } from './imageCheck';

export function ImageCheckPanel({ versionId, state }: { versionId: string; state: CheckState | undefined }) {
  const uid = useId();
  const label = `Image check of version ${versionId}`;
  if (!state || state.kind === 'loading') {
    return (
      <section className="check" aria-label={label} data-verdict="loading">
        <p className="muted">Loading the image check…</p>
      </section>
    );
  }
  if (state.kind === 'error') {
    return (
      <section className="check" aria-label={label} data-verdict="error">
        <ErrorNote error={state.error} title="Could not load the image check" />
      </section>
    );
  }
  if (state.kind === 'notChecked') {
    return (
      <section className="check check-none" aria-label={label} data-verdict="not-checked">
        <p>
          <strong>Not checked yet.</strong> An image is checked as soon as it is made, and shown only if it passes.
        </p>
      </section>
    );
  }
  const { check } = state;
  const w = checkWords(check);
  const id = (x: string) => `${uid}-${x}`;
  return (
    <section className={`check check-${w.tone}`} aria-label={label} data-verdict={w.tone}>
      <p className="check-head">
        <strong>{w.headline}</strong>
      </p>
      <p className="muted">
        {w.checkedBy} · <time dateTime={check.checkedAt}>{new Date(check.checkedAt).toLocaleString()}</time>
      </p>
      <p>{w.reason}</p>
      {w.personMust && (
        <p role="note" className="check-person">
          {w.personMust}
        </p>
      )}
      {w.findings.length > 0 && (
        <>
          <p id={id('f')} className="check-sub">
            Findings
          </p>
          <ul aria-labelledby={id('f')}>
            {w.findings.map((f, i) => (
              <li key={i}>
                {f.text} <span className="muted">({f.ruleId})</span>
              </li>
            ))}
          </ul>
        </>
      )}
      {w.constraints.length > 0 && (
        <>
          <p id={id('c')} className="check-sub">
            Miri&apos;s rules
          </p>
          <ul className="constraints" aria-labelledby={id('c')}>
            {w.constraints.map((c) => (
              <li key={c.id} data-tone={c.tone}>
                {c.label}: <strong>{c.state}</strong>
                {c.why && <span className="muted"> ({c.why})</span>}
              </li>
            ))}
          </ul>
        </>
      )}
      {w.ratings.length > 0 && (
        <ul className="ratings" aria-label="Ratings">
          {w.ratings.map((r) => (
            <li key={r.label}>
              {r.label}: <strong>{r.text}</strong>
            </li>
          ))}
        </ul>
      )}
      {w.scores && <p className="muted">Classifier scores: {w.scores}</p>}
    </section>
  );
}
