// The Timeline tab: the song (waveform, player), and the plan. Before a
// plan is committed the person edits a draft (the director's proposal from
// POST .../plan, which commits nothing, or an even grid to start from) and
// commits it with PUT .../plan; a committed plan is shown read-only with
// its live shot states.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useRef, useState } from 'react';
import { newKey } from '../api/client';
import { useApi } from '../app/services';
import { href } from '../app/router';
import { PlanCommitResultSchema, PlanProposalSchema, SceneListSchema, ShotListSchema, type ProjectView } from '../schemas';
import { ErrorNote, Link } from '../ui/ErrorNote';
import { formatMs } from '../ui/format';
import { localSong, serverSongPath, SONG_ROUTE } from './songSource';
import { TimelineEditor } from './TimelineEditor';
import { DEFAULT_LIMITS, directorTitle, evenPlan, fitToSong, nextShotId, planFromServer, planToCommit, validatePlan, type Plan } from './tiling';
import { peaks as computePeaks } from './waveform';

interface Song {
  url: string;
  durationMs: number | null;
  peaks: Array<[number, number]>;
  error?: string;
}

function useSong(projectId: string): Song {
  const api = useApi();
  const file = localSong(projectId);
  const [url] = useState(() => (file ? URL.createObjectURL(file) : serverSongPath(projectId)));
  const q = useQuery({
    queryKey: ['songWave', projectId],
    queryFn: async () => {
      const bytes = file ? await file.arrayBuffer() : await api.bytes(SONG_ROUTE, { path: { projectId } });
      const Ctx = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
      if (!Ctx) return { durationMs: null, peaks: [] as Array<[number, number]> };
      const ctx = new Ctx();
      try {
        const buf = await ctx.decodeAudioData(bytes);
        return { durationMs: Math.round(buf.duration * 1000), peaks: computePeaks(buf.getChannelData(0), 800) };
      } finally {
        void ctx.close();
      }
    },
    staleTime: Infinity,
    retry: false,
  });
  return {
    url,
    durationMs: q.data?.durationMs ?? null,
    peaks: q.data?.peaks ?? [],
    error: q.error ? `the song could not be loaded for the waveform: ${q.error.message}` : undefined,
  };
}

/** `p` scaled to `songMs` when that is known and differs (and `p` can still be scaled). */
function onSongLength(p: Plan | null, songMs: number | null): Plan | null {
  if (!p || !songMs || p.songMs === songMs) return p;
  const r = fitToSong(p, songMs, DEFAULT_LIMITS);
  return r.ok ? r.plan : p;
}

export function TimelinePage({ projectId, project }: { projectId: string; project?: ProjectView }) {
  const api = useApi();
  const qc = useQueryClient();
  const path = { projectId };
  const song = useSong(projectId);
  const audio = useRef<HTMLAudioElement>(null);
  const [playhead, setPlayhead] = useState<number | undefined>(undefined);
  const [drafted, setDraft] = useState<Plan | null>(null);
  const [draftSource, setDraftSource] = useState<{ from: 'director' | 'grid'; director?: string; notes: string[] }>({
    from: 'grid',
    notes: [],
  });
  const [manualSeconds, setManualSeconds] = useState('');
  const [commitKey, setCommitKey] = useState(newKey);

  const committed = useQuery({
    queryKey: ['plan', projectId],
    queryFn: async () => {
      const [scenes, shots] = await Promise.all([api.get('/api/projects/{projectId}/scenes', { path }, SceneListSchema),
        api.get('/api/projects/{projectId}/shots', { path }, ShotListSchema),
      ]);
      return { scenes: scenes.scenes, shots: shots.shots };
    },
  });
  const hasPlan = (committed.data?.shots.length ?? 0) > 0;
  const songMs = song.durationMs ?? (Number(manualSeconds) > 0 ? Math.round(Number(manualSeconds) * 1000) : null);
  const committedPlan =
    hasPlan && committed.data
      ? planFromServer(songMs ?? Math.max(...committed.data.shots.map((s) => s.timestamps.endMs)), committed.data.scenes, committed.data.shots)
      : null;

  // The draft is kept on the decoded song length once it is known: derived
  // here, so the next edit (or the commit) starts from the fitted plan.
  const draft = useMemo(() => onSongLength(drafted, song.durationMs), [drafted, song.durationMs]);

  // The director proposes; nothing is stored until the person commits.
  const startPlanning = useMutation({
    mutationFn: () => api.send('POST', '/api/projects/{projectId}/plan', { path }, PlanProposalSchema, newKey()),
    onSuccess: (p) => {
      const tempo = p.tempoBpm > 0 ? [`tempo about ${Math.round(p.tempoBpm)} BPM`] : [];
      setDraftSource({ from: 'director', director: p.director, notes: [...tempo, ...p.warnings.map((w) => w.message)] });
      setDraft(planFromServer(p.durationMs, p.scenes, p.shots));
    },
  });

  const commit = useMutation({
    mutationFn: (p: Plan) => api.send('PUT', '/api/projects/{projectId}/plan', { path, body: planToCommit(p) }, PlanCommitResultSchema, commitKey),
    onSuccess: () => {
      setDraft(null);
      setCommitKey(newKey());
      void qc.invalidateQueries({ queryKey: ['plan', projectId] });
      void qc.invalidateQueries({ queryKey: ['project', projectId] });
      void qc.invalidateQueries({ queryKey: ['shotTable', projectId] });
    },
  });

  const playFrom = (ms: number) => {
    const a = audio.current;
    if (!a) return;
    a.currentTime = ms / 1000;
    void a.play().catch(() => undefined);
  };
  const problems = draft ? validatePlan(draft, DEFAULT_LIMITS) : [];

  const newShotId = () => nextShotId(draft?.shots.map((s) => s.shotId) ?? []);

  return (
    <section aria-labelledby="timeline-heading">
      <h2 id="timeline-heading">Timeline</h2>
      <div className="row">
        <audio
          ref={audio}
          controls
          src={song.url}
          aria-label="The song"
          onTimeUpdate={(e) => setPlayhead(Math.round(e.currentTarget.currentTime * 1000))}
        />
        <span className="muted">{song.durationMs ? `${formatMs(song.durationMs)} long` : 'length unknown'}</span>
      </div>
      {song.error && (
        <p className="muted" role="note">
          {song.error}
        </p>
      )}
      <ErrorNote error={committed.error} title="Could not load the plan" />

      {committedPlan && (
        <>
          <p className="muted" role="status">
            The plan is committed ({committedPlan.shots.length} shots); shots change from the{' '}
            <Link to={href({ page: 'project', projectId, tab: 'shots' })}>Shots view</Link>.
          </p>
          <TimelineEditor
            plan={committedPlan}
            limits={DEFAULT_LIMITS}
            onPlayFrom={playFrom}
            peaks={song.peaks}
            playheadMs={playhead}
            shotHref={(shotId) => href({ page: 'shot', projectId, shotId })}
          />
        </>
      )}

      {!hasPlan && committed.isSuccess && !draft && (
        <div className="panel">
          <p>No plan yet. Let the director plan the song, or start from an even grid of shots and edit it.</p>
          <div className="row">
            <button type="button" className="primary" onClick={() => startPlanning.mutate()} disabled={startPlanning.isPending}>
              Plan with the director
            </button>
          </div>
          <ErrorNote error={startPlanning.error} title="The director could not plan" />
          {!song.durationMs && (
            <div className="field">
              <label htmlFor="song-seconds">Song length (seconds), while the song cannot be decoded here</label>
              <input id="song-seconds" type="number" min={1} value={manualSeconds} onChange={(e) => setManualSeconds(e.target.value)} />
            </div>
          )}
          <div className="row">
            <button
              type="button"
              disabled={!songMs}
              onClick={() => {
                if (!songMs) return;
                setDraftSource({ from: 'grid', notes: [] });
                setDraft(evenPlan(songMs, DEFAULT_LIMITS, 5000, (i) => `shot-${i + 1}`));
              }}
            >
              Start from an even grid
            </button>
          </div>
        </div>
      )}

      {draft && (
        <>
          <div className="draft-note" role="status">
            <strong>{draftSource.from === 'director' ? directorTitle(draftSource.director) : 'An even grid'}</strong>
            {' '}({draft.shots.length} shots in {draft.scenes.length} scene{draft.scenes.length === 1 ? '' : 's'}). Nothing is saved yet:
            split, merge, move cuts and describe shots, then commit the plan.
            {draftSource.notes.length > 0 && (
              <ul className="muted">
                {draftSource.notes.map((n) => (
                  <li key={n}>{n}</li>
                ))}
              </ul>
            )}
          </div>
          <TimelineEditor
            plan={draft}
            limits={DEFAULT_LIMITS}
            onChange={setDraft}
            onPlayFrom={playFrom}
            peaks={song.peaks}
            playheadMs={playhead}
            newShotId={newShotId}
          />
          {problems.length > 0 && (
            <ul role="alert" className="error">
              {problems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          )}
          <div className="row">
            <button type="button" className="primary" disabled={problems.length > 0 || commit.isPending} onClick={() => commit.mutate(draft)}>
              Commit plan ({draft.shots.length} shots)
            </button>
            <button type="button" onClick={() => setDraft(null)}>
              Discard draft
            </button>
          </div>
          <ErrorNote error={commit.error} title="Could not commit the plan" />
        </>
      )}
      {project && project.status && project.status !== 'AUDIO_ANALYSIS' && !hasPlan && committed.isSuccess && (
        <p className="muted">The project is {project.status.toLowerCase()} but has no shots.</p>
      )}
    </section>
  );
}
