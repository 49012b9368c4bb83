// Edit a project's name and global settings (PUT /api/projects/{id}).
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useApi } from '../app/services';
import { ProjectViewSchema, type ProjectView } from '../schemas';
import { ErrorNote, fieldErrors } from '../ui/ErrorNote';

export function ProjectSettings({ project }: { project: ProjectView }) {
  const api = useApi();
  const qc = useQueryClient();
  const [name, setName] = useState(project.projectName);
  const [gs, setGs] = useState(project.globalSettings);
  const save = useMutation({
    mutationFn: () =>
      api.send(
        'PUT',
        '/api/projects/{projectId}',
        {
          path: { projectId: project.projectId },
          body: { projectName: name, globalSettings: gs, projectId: project.projectId, creationTimestamp: project.creationTimestamp },
        },
        ProjectViewSchema,
      ),
    onSuccess: (p) => qc.setQueryData(['project', project.projectId], p),
  });
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  const err = (f: string) => fieldErrors(save.error, f).join('; ');
  const text = (key: 'llmModel' | 'imageModel' | 'videoModel', label: string) => (
    <div className="field">
      <label htmlFor={`set-${key}`}>{label}</label>
      <input id={`set-${key}`} value={gs[key]} onChange={(e) => setGs({ ...gs, [key]: e.target.value })} />
      {err(`globalSettings.${key}`) && <p className="field-error">{err(`globalSettings.${key}`)}</p>}
    </div>
  );
  return (
    <form onSubmit={onSubmit} className="form" aria-labelledby="set-h">
      <h2 id="set-h">Settings</h2>
      <div className="field">
        <label htmlFor="set-name">Project name</label>
        <input id="set-name" value={name} onChange={(e) => setName(e.target.value)} />
        {err('projectName') && <p className="field-error">{err('projectName')}</p>}
      </div>
      {text('llmModel', 'LLM model')}
      {text('imageModel', 'Image model')}
      {text('videoModel', 'Video model')}
      <div className="field">
        <label htmlFor="set-budget">Budget cap (USD)</label>
        <input id="set-budget" type="number" step="0.01" value={gs.budgetCapUsd} onChange={(e) => setGs({ ...gs, budgetCapUsd: Number(e.target.value) })} />
        {err('globalSettings.budgetCapUsd') && <p className="field-error">{err('globalSettings.budgetCapUsd')}</p>}
      </div>
      <div className="field checkbox">
        <input id="set-approval" type="checkbox" checked={gs.requireHumanApproval} onChange={(e) => setGs({ ...gs, requireHumanApproval: e.target.checked })} />
        <label htmlFor="set-approval">Require human approval of every anchor image</label>
      </div>
      <div className="field checkbox">
        <input
          id="set-reroute"
          type="checkbox"
          checked={gs.allowVideoReroute ?? true}
          onChange={(e) => setGs({ ...gs, allowVideoReroute: e.target.checked })}
        />
        <label htmlFor="set-reroute">
          Allow another video model for a clip this project&apos;s model cannot make (an end frame or a motion brush it lacks); otherwise such a
          clip is refused with the reason
        </label>
      </div>
      <div className="field">
        <label htmlFor="set-image-route">Images without Miri</label>
        <select
          id="set-image-route"
          value={gs.imageRoute ?? 'auto'}
          onChange={(e) => setGs({ ...gs, imageRoute: e.target.value as 'auto' | 'cheapest' | 'fal' })}
        >
          <option value="auto">fal; Vertex AI when fal is unavailable</option>
          <option value="cheapest">the cheaper route</option>
          <option value="fal">fal only</option>
        </select>
        <p className="muted">Images of Miri are always made on fal with her LoRA. Vertex AI is used only when the server is configured for it.</p>
        {err('globalSettings.imageRoute') && <p className="field-error">{err('globalSettings.imageRoute')}</p>}
      </div>
      <h3>Agents</h3>
      <ul>
        {project.agentConfigs.map((a) => (
          <li key={a.configId}>
            {a.role.toLowerCase().replace('_', ' ')}: {a.modelString} {a.active ? '' : '(inactive)'}
          </li>
        ))}
      </ul>
      <button type="submit" className="primary" disabled={save.isPending}>
        Save settings
      </button>
      {save.isSuccess && <p role="status">Saved.</p>}
      <ErrorNote error={save.error} title="Could not save" />
    </form>
  );
}
