// A FAILED shot: why it failed (the cause of its last move to FAILED, in
// plain words) and the person's way out, "Retry shot" (POST .../retry:
// FAILED -> DRAFT and a new image). One Idempotency-Key per failure, so a
// second press after a lost reply is the same retry; a refused retry is a
// sentence with a next step, the server's words kept behind a disclosure.
import { useMutation, useQuery } from '@tanstack/react-query';
import { useRef } from 'react';
import { newKey } from '../api/client';
import { useApi } from '../app/services';
import { CommandOutcomeSchema, EventListSchema } from '../schemas';
import { statusLabel } from '../ui/format';
import { failureWords, retryErrorWords } from './failure';

export function FailedShot({
  projectId,
  shotId,
  versionCount,
  onChanged,
}: {
  projectId: string;
  shotId: string;
  /** Changes with each new version: a new failure is read again. */
  versionCount: number;
  /** After a retry or a refusal: the shot has moved on, refetch what shows it. */
  onChanged?: () => void;
}) {
  const api = useApi();
  const failureQ = useQuery({
    queryKey: ['shotFailure', projectId, shotId, versionCount],
    queryFn: () => api.get('/api/projects/{projectId}/events', { path: { projectId }, query: { after: 0, limit: 10000 } }, EventListSchema),
    select: (l) => l.events.filter((e) => e.shotId === shotId && e.to === 'FAILED').at(-1),
  });
  const failure = failureQ.data;
  // The key of the retry of each failure (by its event): kept across presses.
  const keys = useRef(new Map<string, string>());
  const keyFor = (eventId: string) => {
    const k = keys.current.get(eventId) ?? newKey();
    keys.current.set(eventId, k);
    return k;
  };
  const retry = useMutation({
    mutationFn: () =>
      api.send('POST', '/api/projects/{projectId}/shots/{shotId}/retry', { path: { projectId, shotId } }, CommandOutcomeSchema, keyFor(failure?.eventId ?? '')),
    onSettled: () => onChanged?.(),
  });

  const words = failure ? failureWords(failure.cause) : undefined;
  const error = retry.error ? retryErrorWords(retry.error) : undefined;
  let cause = '…';
  if (words) cause = words.title;
  else if (failureQ.isError) cause = 'the cause could not be loaded';
  else if (failureQ.isSuccess) cause = 'no cause was recorded';
  return (
    <>
      <div role="alert" className="error">
        <strong>This shot failed: </strong>
        {cause}
        {words?.detail && <p className="detail">{words.detail}</p>}
      </div>
      <div className="panel">
        <p>{words?.next ?? 'Retry the shot to make its image again.'}</p>
        <button type="button" className="primary" onClick={() => retry.mutate()} disabled={retry.isPending}>
          Retry shot
        </button>
        {error && !retry.isPending && (
          <div role="alert" className="error">
            <strong>Retry failed: </strong>
            <span>{error.text}</span>
            {error.detail && (
              <details>
                <summary>What the server said</summary>
                <p>{error.detail}</p>
              </details>
            )}
          </div>
        )}
        {retry.data && (
          <p role="status" className="muted">
            {retry.data.duplicate ? 'Already retried' : 'Retried'}: a new image is being made.
            {retry.data.status ? ` Now ${statusLabel(retry.data.status)}.` : ''}
          </p>
        )}
      </div>
    </>
  );
}
