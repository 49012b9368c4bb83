// @vitest-environment jsdom
import { cleanup, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { ProjectViewSchema, type ProjectView } from '../schemas';
import { FakeApi, renderWithServices } from '../testing/fakes';
import { NewProjectForm } from './NewProjectForm';

const P = '3f2b8c1e-9a4d-4c7b-8e21-5d6f7a8b9c0d';

// What the form POSTs: the project's own fields, held to the contract.
const CreateBodySchema = ProjectViewSchema.pick({ projectName: true, globalSettings: true, agentConfigs: true });

function projectView(body: unknown): ProjectView {
  const { projectName, globalSettings, agentConfigs } = CreateBodySchema.parse(body);
  return { projectId: P, projectName, globalSettings, creationTimestamp: '2026-03-02T10:15:04Z', status: 'AUDIO_ANALYSIS', agentConfigs };
}

afterEach(cleanup);

async function fill(user: ReturnType<typeof userEvent.setup>) {
  await user.type(screen.getByLabelText('Project name'), 'Lighthouse');
  await user.clear(screen.getByLabelText('Budget cap (USD)'));
  await user.type(screen.getByLabelText('Budget cap (USD)'), '12.5');
  await user.upload(screen.getByLabelText('Song (MP3)'), new File([new Uint8Array(1000)], 'song.mp3', { type: 'audio/mpeg' }));
  await user.type(screen.getByLabelText('Lyrics (LRC, SRT or plain text)'), 'la la la');
}

describe('NewProjectForm', () => {
  it('creates the project, uploads the song with progress, then the lyrics', async () => {
    const api = new FakeApi();
    let sent: unknown;
    api.on('POST', '/api/projects', (b: unknown) => {
      sent = b;
      return { status: 201, body: projectView(b) };
    });
    const user = userEvent.setup();
    renderWithServices(<NewProjectForm />, api);
    await fill(user);
    await user.click(screen.getByLabelText('Require human approval of every anchor image'));
    await user.click(screen.getByRole('button', { name: 'Create project' }));
    await waitFor(() => expect(api.uploads).toHaveLength(2));
    const body = CreateBodySchema.parse(sent);
    expect(body.projectName).toBe('Lighthouse');
    expect(body.globalSettings).toMatchObject({ loraWeightsId: 'miriN14', budgetCapUsd: 12.5, requireHumanApproval: false });
    expect(body.agentConfigs.map((a) => a.role)).toEqual(['ORCHESTRATOR', 'AUDITOR', 'VISION_ANALYZER', 'DIRECTOR']);
    expect(api.uploads[0]).toEqual({ path: `/api/projects/${P}/song`, contentType: 'audio/mpeg', size: 1000 });
    expect(api.uploads[1]).toMatchObject({ path: `/api/projects/${P}/lyrics`, contentType: 'text/plain; charset=utf-8' });
    expect(screen.getByLabelText<HTMLProgressElement>('Upload progress').value).toBe(100);
    expect(window.location.pathname).toBe(`/projects/${P}/timeline`);
  });

  it('shows a refused field next to that field, in the server\'s words', async () => {
    const api = new FakeApi();
    api.on('POST', '/api/projects', () => ({
      status: 400,
      body: {
        error: {
          code: 'INVALID_ARGUMENT',
          message: 'invalid project',
          issues: [{ path: 'globalSettings.budgetCapUsd', message: 'must be between 0 and 100000' }],
        },
      },
    }));
    const user = userEvent.setup();
    renderWithServices(<NewProjectForm />, api);
    await fill(user);
    await user.click(screen.getByRole('button', { name: 'Create project' }));
    const budget = screen.getByLabelText('Budget cap (USD)');
    await waitFor(() => expect(budget.getAttribute('aria-invalid')).toBe('true'));
    const note = document.getElementById(budget.getAttribute('aria-describedby')!)!;
    expect(note.textContent).toBe('must be between 0 and 100000');
    expect(api.uploads).toHaveLength(0);
  });

  it('a refused song is shown at the song; retry does not create the project twice', async () => {
    const api = new FakeApi();
    let creates = 0;
    api.on('POST', '/api/projects', (b: unknown) => {
      creates++;
      return { status: 201, body: projectView(b) };
    });
    let songFails = true;
    api.uploadReply = (path) =>
      path.endsWith('/song') && songFails
        ? { status: 400, body: { error: { code: 'INVALID_ARGUMENT', message: 'not an MP3', issues: [{ path: 'body', message: 'no ID3 tag or MPEG frame sync at the start' }] } } }
        : { status: 200, body: { blobKey: 'k', bytes: 1 } };
    const user = userEvent.setup();
    renderWithServices(<NewProjectForm />, api);
    await fill(user);
    await user.click(screen.getByRole('button', { name: 'Create project' }));
    const song = screen.getByLabelText('Song (MP3)');
    await waitFor(() => expect(song.getAttribute('aria-invalid')).toBe('true'));
    expect(document.getElementById(song.getAttribute('aria-describedby')!)!.textContent).toBe(
      'not an MP3: body: no ID3 tag or MPEG frame sync at the start',
    );
    expect(screen.getByRole('status').textContent).toContain('an upload was refused');
    expect(screen.queryByLabelText('Upload progress')).toBeNull();
    songFails = false;
    await user.click(screen.getByRole('button', { name: 'Retry the uploads' }));
    await waitFor(() => expect(api.uploads.filter((u) => u.path.endsWith('/lyrics'))).toHaveLength(1));
    expect(creates).toBe(1);
  });
});
