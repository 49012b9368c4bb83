// New project: name, global settings, agent configs per role, the song
// (uploaded with a progress bar) and the lyrics (pasted or from a file).
// Steps run in order (create -> song -> lyrics); a failure is shown next to
// the field it concerns and the finished steps are not repeated on retry.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { newKey } from '../api/client';
import { href, navigate } from '../app/router';
import { useApi } from '../app/services';
import { AGENT_ROLES, MIRI_LORA, ProjectViewSchema, type AgentRole, type ProjectView } from '../schemas';
import { describeError, ErrorNote, fieldErrors } from '../ui/ErrorNote';
import { rememberSong } from '../timeline/songSource';

interface AgentRow {
  modelString: string;
  active: boolean;
}

const DEFAULT_AGENTS: Record<AgentRole, AgentRow> = {
  ORCHESTRATOR: { modelString: 'gemini-3.8-flash', active: true },
  AUDITOR: { modelString: 'gemini-3.8-flash', active: true },
  VISION_ANALYZER: { modelString: 'gemini-3.8-flash', active: true },
  DIRECTOR: { modelString: 'gemini-3.8-flash', active: true },
};

/** The OpenAPI document's media type for lyrics: LRC, SRT and plain text all go as text (the server tells them apart). */
const LYRICS_TYPE = 'text/plain; charset=utf-8';

function Field({ id, label, errors, children }: { id: string; label: string; errors: string[]; children: React.ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
      {errors.length > 0 && (
        <p id={`${id}-error`} className="field-error" role="alert">
          {errors.join('; ')}
        </p>
      )}
    </div>
  );
}

export function NewProjectForm() {
  const api = useApi();
  const qc = useQueryClient();
  const uid = useId();
  const [name, setName] = useState('');
  const [llmModel, setLlm] = useState('gemini-3.8-flash');
  const [imageModel, setImage] = useState('fal-ai/flux-2/lora');
  const [videoModel, setVideo] = useState('kling-v2-1');
  const [requireHumanApproval, setApproval] = useState(true);
  const [budget, setBudget] = useState('25');
  const [agents, setAgents] = useState(DEFAULT_AGENTS);
  const [song, setSong] = useState<File | null>(null);
  const [lyrics, setLyrics] = useState('');
  const [lyricsReadErr, setLyricsReadErr] = useState<string | null>(null);
  const [progress, setProgress] = useState<{ loaded: number; total: number } | null>(null);
  const [created, setCreated] = useState<ProjectView | null>(null);
  const [songDone, setSongDone] = useState(false);
  const [step, setStep] = useState<'create' | 'song' | 'lyrics' | null>(null);
  const [createKey] = useState(newKey);

  const submit = useMutation({
    mutationFn: async () => {
      let project = created;
      if (!project) {
        setStep('create');
        const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
        project = await api.send(
          'POST',
          '/api/projects',
          {
            body: {
              projectName: name,
              globalSettings: {
                llmModel,
                imageModel,
                videoModel,
                loraWeightsId: MIRI_LORA,
                requireHumanApproval,
                budgetCapUsd: Number(budget),
              },
              agentConfigs: AGENT_ROLES.map((role) => ({
                configId: role.toLowerCase().replace(/_/g, '-'),
                role,
                modelString: agents[role].modelString,
                active: agents[role].active,
                updatedAt: now,
              })),
            },
          },
          ProjectViewSchema,
          createKey,
        );
        setCreated(project);
        void qc.invalidateQueries({ queryKey: ['projects'] });
      }
      if (!songDone) {
        setStep('song');
        if (!song) throw new Error('choose the song (an MP3) first');
        setProgress({ loaded: 0, total: song.size });
        await api.upload('/api/projects/{projectId}/song', { path: { projectId: project.projectId } }, song, 'audio/mpeg', {
          onProgress: (loaded, total) => setProgress({ loaded, total: total || song.size }),
        });
        setSongDone(true);
        rememberSong(project.projectId, song);
      }
      setStep('lyrics');
      await api.upload('/api/projects/{projectId}/lyrics', { path: { projectId: project.projectId } }, lyrics, LYRICS_TYPE);
      setStep(null);
      return project;
    },
    onSuccess: (p) => navigate(href({ page: 'project', projectId: p.projectId, tab: 'timeline' })),
  });

  const err = submit.error;
  const createErr = step === 'create' ? err : null;
  const songErr = step === 'song' ? err : null;
  const lyricsErr = step === 'lyrics' ? err : null;
  const fe = (path: string) => fieldErrors(createErr, path);
  const pct = progress && progress.total > 0 ? Math.round((100 * progress.loaded) / progress.total) : 0;

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    submit.mutate();
  };
  const id = (s: string) => `${uid}-${s}`;
  const described = (s: string, errs: string[]) => (errs.length ? { 'aria-describedby': `${id(s)}-error`, 'aria-invalid': true } : {});

  return (
    <form onSubmit={onSubmit} aria-labelledby={id('h')} className="form">
      <h1 id={id('h')}>New project</h1>
      {created && (
        <p role="status">
          Project “{created.projectName}” created;{' '}
          {err ? 'an upload was refused (see below): fix it and retry the uploads.' : 'finishing the uploads.'}
        </p>
      )}
      <fieldset disabled={!!created}>
        <legend>Project</legend>
        <Field id={id('name')} label="Project name" errors={fe('projectName')}>
          <input id={id('name')} value={name} required maxLength={200} onChange={(e) => setName(e.target.value)} {...described('name', fe('projectName'))} />
        </Field>
        <Field id={id('llm')} label="LLM model" errors={fe('globalSettings.llmModel')}>
          <input id={id('llm')} value={llmModel} required onChange={(e) => setLlm(e.target.value)} {...described('llm', fe('globalSettings.llmModel'))} />
        </Field>
        <Field id={id('image')} label="Image model" errors={fe('globalSettings.imageModel')}>
          <input id={id('image')} value={imageModel} required onChange={(e) => setImage(e.target.value)} {...described('image', fe('globalSettings.imageModel'))} />
        </Field>
        <Field id={id('video')} label="Video model" errors={fe('globalSettings.videoModel')}>
          <input id={id('video')} value={videoModel} required onChange={(e) => setVideo(e.target.value)} {...described('video', fe('globalSettings.videoModel'))} />
        </Field>
        <Field id={id('lora')} label="LoRA weights (Miri is drawn only through this LoRA)" errors={fe('globalSettings.loraWeightsId')}>
          <input id={id('lora')} value={MIRI_LORA} readOnly aria-readonly="true" />
        </Field>
        <Field id={id('budget')} label="Budget cap (USD)" errors={fe('globalSettings.budgetCapUsd')}>
          <input
            id={id('budget')}
            type="number"
            min={0}
            max={100000}
            step="0.01"
            value={budget}
            onChange={(e) => setBudget(e.target.value)}
            {...described('budget', fe('globalSettings.budgetCapUsd'))}
          />
        </Field>
        <div className="field checkbox">
          <input id={id('approval')} type="checkbox" checked={requireHumanApproval} onChange={(e) => setApproval(e.target.checked)} />
          <label htmlFor={id('approval')}>Require human approval of every anchor image</label>
        </div>
      </fieldset>
      <fieldset disabled={!!created}>
        <legend>Agents</legend>
        <table className="agents">
          <thead>
            <tr>
              <th scope="col">Role</th>
              <th scope="col">Model</th>
              <th scope="col">Active</th>
            </tr>
          </thead>
          <tbody>
            {AGENT_ROLES.map((role, i) => {
              const errs = fe(`agentConfigs[${i}]`);
              return (
                <tr key={role}>
                  <th scope="row">{role.toLowerCase().replace(/_/g, ' ')}</th>
                  <td>
                    <input
                      aria-label={`${role.toLowerCase().replace(/_/g, ' ')} model`}
                      value={agents[role].modelString}
                      onChange={(e) => setAgents({ ...agents, [role]: { ...agents[role], modelString: e.target.value } })}
                    />
                    {errs.length > 0 && (
                      <p className="field-error" role="alert">
                        {errs.join('; ')}
                      </p>
                    )}
                  </td>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`${role.toLowerCase().replace(/_/g, ' ')} active`}
                      checked={agents[role].active}
                      onChange={(e) => setAgents({ ...agents, [role]: { ...agents[role], active: e.target.checked } })}
                    />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </fieldset>
      <fieldset disabled={songDone}>
        <legend>Song</legend>
        <Field id={id('song')} label="Song (MP3)" errors={songErr ? [describe(songErr)] : []}>
          <input id={id('song')} type="file" accept="audio/mpeg,.mp3" onChange={(e) => setSong(e.target.files?.[0] ?? null)} {...described('song', songErr ? ['x'] : [])} />
        </Field>
        {progress && !songErr && (
          <div className="field">
            <label htmlFor={id('progress')}>Upload progress</label>
            <progress id={id('progress')} max={100} value={pct}>
              {pct}%
            </progress>
            <span aria-live="polite">{songDone ? 'uploaded' : `${pct}%`}</span>
          </div>
        )}
      </fieldset>
      <fieldset>
        <legend>Lyrics</legend>
        <Field id={id('lyrics')} label="Lyrics (LRC, SRT or plain text)" errors={lyricsErr ? [describe(lyricsErr)] : []}>
          <textarea id={id('lyrics')} rows={8} value={lyrics} required onChange={(e) => setLyrics(e.target.value)} {...described('lyrics', lyricsErr ? ['x'] : [])} />
        </Field>
        <div className="field">
          <label htmlFor={id('lyricsFile')}>…or load the lyrics from a file</label>
          <input
            id={id('lyricsFile')}
            type="file"
            accept=".txt,.lrc,.srt,text/plain"
            onChange={(e) => {
              const f = e.target.files?.[0];
              if (!f) return;
              setLyricsReadErr(null);
              f.text().then(setLyrics, (err: unknown) =>
                setLyricsReadErr(`${f.name} could not be read: ${err instanceof Error ? err.message : String(err)}`),
              );
            }}
          />
          {lyricsReadErr && (
            <p className="field-error" role="alert">
              {lyricsReadErr}
            </p>
          )}
        </div>
      </fieldset>
      {createErr && <ErrorNote error={createErr} title="Could not create the project" />}
      <div className="row">
        <button type="submit" className="primary" disabled={submit.isPending}>
          {submit.isPending ? (step === 'song' ? 'Uploading the song…' : 'Working…') : created ? 'Retry the uploads' : 'Create project'}
        </button>
        <button type="button" onClick={() => navigate(created ? href({ page: 'project', projectId: created.projectId, tab: 'shots' }) : '/')}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function describe(e: unknown): string {
  const { message, issues } = describeError(e);
  return issues.length ? `${message}: ${issues.join('; ')}` : message;
}
